// Two ways to walk the elements of parsed HTML, seen through one small view so the rules in html.ts are written
// once: a DOM tree (jsdom's, for markdown, where the sanitizer's DOM output is compared with its input) and parse5
// directly (for outputs, which can be megabytes of plotting-library script: parse5 is the parser jsdom itself uses,
// but without building DOM text nodes, which for large scripts is most of jsdom's cost).

import { defaultTreeAdapter, parse, type DefaultTreeAdapterMap, type TreeAdapter } from "parse5";

export interface ElementInfo {
  /** Local name, lower-cased. */
  tag: string;
  namespace: string;
  /** Qualified names (`xlink:href`) as written, lower-cased, with their values. */
  attributes: readonly { name: string; value: string }[];
  inSvg: boolean;
  /** Inside MathML or SVG (the element itself may be HTML there, through an integration point or misnesting). */
  inForeign: boolean;
  inForm: boolean;
  /** Whether its own text holds markup: `<` followed by a letter, `!` or `/`. */
  markupText(): boolean;
  /** The text of a `<style>` element (its style sheet); "" for any other element. */
  styleText(): string;
}

export type ElementVisitor = (element: ElementInfo) => void;

const SVG_NAMESPACE = "http://www.w3.org/2000/svg";
const MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML";
const MARKUP = /<[a-z!/]/i;

interface Ancestry {
  inSvg: boolean;
  inForeign: boolean;
  inForm: boolean;
}

function below(ancestry: Ancestry, tag: string, namespace: string): Ancestry {
  return {
    inSvg: ancestry.inSvg || (tag === "svg" && namespace === SVG_NAMESPACE),
    inForeign: ancestry.inForeign || namespace === SVG_NAMESPACE || namespace === MATHML_NAMESPACE,
    inForm: ancestry.inForm || tag === "form",
  };
}

const TOP: Ancestry = Object.freeze({ inSvg: false, inForeign: false, inForm: false });

/** Visits every element of a DOM tree (template contents included), in document order, without recursion. */
export function walkDom(root: ParentNode, visit: ElementVisitor): void {
  const stack: { node: Element; ancestry: Ancestry }[] = [];
  const pushChildren = (parent: ParentNode, ancestry: Ancestry): void => {
    const children = parent.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, ancestry });
  };
  pushChildren(root, TOP);
  while (stack.length > 0) {
    const { node, ancestry } = stack.pop()!;
    const tag = node.localName.toLowerCase();
    const namespace = node.namespaceURI ?? "";
    visit({
      tag,
      namespace,
      attributes: Array.from(node.attributes, (attribute) => ({
        name: attribute.name.toLowerCase(),
        value: attribute.value,
      })),
      ...ancestry,
      markupText: () =>
        Array.from(node.childNodes).some((child) => child.nodeType === 3 && MARKUP.test(child.nodeValue ?? "")),
      styleText: () => (tag === "style" ? (node.textContent ?? "") : ""),
    });
    const inner = below(ancestry, tag, namespace);
    if (tag === "template" && "content" in node) pushChildren((node as HTMLTemplateElement).content, inner);
    pushChildren(node, inner);
  }
}

type Parse5Node = DefaultTreeAdapterMap["node"];
type Parse5Element = DefaultTreeAdapterMap["element"] & { markupText?: boolean; styleText?: string };
type Parse5Parent = DefaultTreeAdapterMap["parentNode"] & { markupText?: boolean; styleText?: string };

/** Keeps what the rules read of a text node: whether it holds markup, and a style sheet's text. */
function noteText(parent: Parse5Parent, text: string): void {
  if (!parent.markupText && MARKUP.test(text)) parent.markupText = true;
  if ("tagName" in parent && parent.tagName === "style") parent.styleText = (parent.styleText ?? "") + text;
}

/**
 * parse5's own tree builder, except that text is never stored: only whether an element's text holds markup is
 * kept (what the raw-text rule needs), and the text of style sheets (what the CSS rule reads). The parser never
 * reads text nodes back while building (only when asked for source locations, which are off), so the tree of
 * elements is exactly the one it would build.
 */
const ELEMENTS_ONLY: TreeAdapter<DefaultTreeAdapterMap> = {
  ...defaultTreeAdapter,
  insertText(parent: Parse5Parent, text: string): void {
    noteText(parent, text);
  },
  insertTextBefore(parent: Parse5Parent, text: string): void {
    noteText(parent, text);
  },
};

/**
 * Parses `html` as a document and visits its elements. `scripting` is how the page that shows it parses: a live
 * page (an output frame) has scripting on, so `<noscript>` content is raw text there, as in a browser.
 */
export function walkHtml(html: string, scripting: boolean, visit: ElementVisitor): void {
  const document = parse(html, { treeAdapter: ELEMENTS_ONLY, scriptingEnabled: scripting });
  const stack: { node: Parse5Node; ancestry: Ancestry }[] = [];
  const pushChildren = (nodes: readonly Parse5Node[], ancestry: Ancestry): void => {
    for (let i = nodes.length - 1; i >= 0; i--) stack.push({ node: nodes[i]!, ancestry });
  };
  pushChildren(document.childNodes, TOP);
  while (stack.length > 0) {
    const { node, ancestry } = stack.pop()!;
    if (!("tagName" in node)) continue;
    const element = node as Parse5Element;
    const tag = element.tagName.toLowerCase();
    const namespace = element.namespaceURI as string;
    visit({
      tag,
      namespace,
      attributes: element.attrs.map((attribute) => ({
        name: (attribute.prefix ? `${attribute.prefix}:${attribute.name}` : attribute.name).toLowerCase(),
        value: attribute.value,
      })),
      ...ancestry,
      markupText: () => element.markupText === true,
      styleText: () => element.styleText ?? "",
    });
    const inner = below(ancestry, tag, namespace);
    if (tag === "template") {
      const content = (element as DefaultTreeAdapterMap["template"]).content as
        DefaultTreeAdapterMap["documentFragment"] | undefined;
      if (content) pushChildren(content.childNodes, inner);
    }
    pushChildren(element.childNodes, inner);
  }
}

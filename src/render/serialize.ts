// HTML serialization for the export. Written here rather than using the DOM's own serializer because the
// standard algorithm leaves `<`, `>` and `'` unescaped in attribute values; output frames live in `srcdoc`
// attributes, so a notebook's markup would then stand in the file verbatim. Escaping them keeps every string
// from a notebook inert text to any tool that reads the file, and the browser decodes them all the same.
//
// One serializer for two kinds of tree: the page is a DOM (jsdom's), output frames are parse5's plain trees
// (frame-tree.ts). Each says through a `MarkupTree` how to read its nodes, so both are written by the same rules.

const VOID_ELEMENTS = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
  "param",
  "keygen",
  "basefont",
  "bgsound",
  "frame",
]);
const RAW_TEXT_ELEMENTS = new Set(["script", "style", "xmp", "iframe", "noembed", "noframes", "plaintext"]);
/**
 * Raw-text elements whose text a browser shows (`xmp`, `plaintext`). When such an element's text would close it
 * early, the text is written as ordinary escaped text in its place, which shows the same characters; the others
 * (script, style and the fallback content of iframe, noembed, noframes) are never shown, so they are left out.
 */
const SHOWN_RAW_TEXT_ELEMENTS = new Set(["xmp", "plaintext"]);
/** Per raw-text element: text that would close it early. Made once, not per element serialized. */
const EARLY_CLOSE: ReadonlyMap<string, RegExp> = new Map(
  [...RAW_TEXT_ELEMENTS].map((name) => [name, new RegExp(`</${name}`, "i")]),
);

/**
 * Whether a script's text leaves the tokenizer in the "script data double escaped" state (a `<script` after `<!--`,
 * with no `-->` or `</script` since): there the `</script>` written after the text would not end the element, which
 * would swallow the markup that follows. One pass over the states of the HTML standard's script data tokenizer,
 * approximated so that it errs toward answering yes.
 */
export function scriptTextEndsDoubleEscaped(text: string): boolean {
  if (!text.includes("<!--")) return false;
  let state: "data" | "escaped" | "double" = "data";
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x2d /* - */ && state !== "data" && text.startsWith("-->", i)) {
      state = "data";
      i += 2;
    } else if (text.charCodeAt(i) !== 0x3c /* < */) continue;
    else if (state === "data" && text.startsWith("<!--", i)) {
      state = "escaped";
      i += 3;
    } else if (state === "escaped" && SCRIPT_TAG_AT.test(text.slice(i, i + 8))) {
      state = "double";
      i += 6;
    } else if (state === "double" && SCRIPT_END_TAG_AT.test(text.slice(i, i + 9))) {
      state = "escaped";
      i += 7;
    }
  }
  return state === "double";
}
const SCRIPT_TAG_AT = /^<script[\t\n\f\r />]/i;
const SCRIPT_END_TAG_AT = /^<\/script[\t\n\f\r />]/i;

export const HTML_NS = "http://www.w3.org/1999/xhtml";

const TEXT_SPECIALS = /[&<>\u00a0]/;
const ATTRIBUTE_SPECIALS = /[&<>"'\u00a0]/;

export function escapeText(text: string): string {
  // Most text (and every base64 payload) has nothing to escape: test first rather than copy it through replace.
  if (!TEXT_SPECIALS.test(text)) return text;
  return text.replace(/[&<>\u00a0]/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&nbsp;",
  );
}

export function escapeAttribute(value: string): string {
  if (!ATTRIBUTE_SPECIALS.test(value)) return value;
  return value.replace(/[&<>"'\u00a0]/g, (c) =>
    c === "&"
      ? "&amp;"
      : c === "<"
        ? "&lt;"
        : c === ">"
          ? "&gt;"
          : c === '"'
            ? "&quot;"
            : c === "'"
              ? "&#39;"
              : "&nbsp;",
  );
}

/** DOM node types the serializer writes; anything else (doctype nodes, processing instructions) is skipped. */
export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const COMMENT_NODE = 8;
export const DOCUMENT_NODE = 9;
export const DOCUMENT_FRAGMENT_NODE = 11;

/** How to read a tree of nodes of type N. */
export interface MarkupTree<N> {
  nodeType(node: N): number;
  localName(element: N): string;
  namespaceURI(element: N): string | null;
  /** Qualified name and value of each attribute, in order. */
  attributes(element: N): Iterable<readonly [string, string]>;
  /** The children to write: a template's are those of its content. */
  children(node: N): Iterable<N>;
  /** The text content of an element (its descendant text, joined). */
  textContent(element: N): string;
  /** The data of a text or comment node. */
  data(node: N): string;
}

/** An element whose children are being written: what is left of them, and the end tag to write after. */
interface OpenElement<N> {
  children: Iterator<N>;
  /** The element's name for its end tag; undefined for a document or fragment, which has none. */
  endTag: string | undefined;
}

/**
 * Writes `node`'s start (or all of it, when it has no children to walk) and returns what is left to walk. The walk
 * keeps its own stack: markup from a notebook can nest as deep as its bytes allow, far past the call stack.
 */
function open<N>(tree: MarkupTree<N>, node: N, out: string[]): OpenElement<N> | undefined {
  switch (tree.nodeType(node)) {
    case ELEMENT_NODE: {
      const name = tree.localName(node);
      const isHtml = tree.namespaceURI(node) === HTML_NS;
      const earlyClose = isHtml ? EARLY_CLOSE.get(name) : undefined;
      if (earlyClose) {
        const text = tree.textContent(node);
        // Raw text cannot be escaped, so text that would close its element early, or keep a script open past its
        // end tag, never goes inside one: markup in or after it would be read wrongly. It stands as escaped text
        // instead, or not at all where it is never shown.
        if (earlyClose.test(text) || (name === "script" && scriptTextEndsDoubleEscaped(text))) {
          if (SHOWN_RAW_TEXT_ELEMENTS.has(name)) out.push(escapeText(text));
          return undefined;
        }
        writeStartTag(tree, node, name, out);
        out.push(text, "</", name, ">");
        return undefined;
      }
      writeStartTag(tree, node, name, out);
      if (isHtml && VOID_ELEMENTS.has(name)) return undefined;
      return { children: tree.children(node)[Symbol.iterator](), endTag: name };
    }
    case TEXT_NODE:
      out.push(escapeText(tree.data(node)));
      return undefined;
    case COMMENT_NODE:
      out.push("<!--", tree.data(node).replace(/--!?>|<!--/g, ""), "-->");
      return undefined;
    case DOCUMENT_NODE:
      out.push("<!DOCTYPE html>");
      return { children: tree.children(node)[Symbol.iterator](), endTag: undefined };
    case DOCUMENT_FRAGMENT_NODE:
      return { children: tree.children(node)[Symbol.iterator](), endTag: undefined };
    default:
      return undefined;
  }
}

function writeStartTag<N>(tree: MarkupTree<N>, element: N, name: string, out: string[]): void {
  out.push("<", name);
  for (const [attrName, value] of tree.attributes(element)) out.push(" ", attrName, '="', escapeAttribute(value), '"');
  out.push(">");
}

/** The serialization of `node` as a list of parts, to be joined or written out one by one. */
export function serializeParts<N>(tree: MarkupTree<N>, node: N): string[] {
  const out: string[] = [];
  const stack: OpenElement<N>[] = [];
  const first = open(tree, node, out);
  if (first) stack.push(first);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const next = top.children.next();
    if (next.done) {
      stack.pop();
      if (top.endTag !== undefined) out.push("</", top.endTag, ">");
      continue;
    }
    const child = open(tree, next.value, out);
    if (child) stack.push(child);
  }
  return out;
}

function* domChildren(node: Node): Iterable<Node> {
  const parent = node as Element;
  const container =
    parent.localName === "template" && parent.namespaceURI === HTML_NS ? (parent as HTMLTemplateElement).content : node;
  for (let child = container.firstChild; child; child = child.nextSibling) yield child;
}

function* domAttributes(element: Node): Iterable<readonly [string, string]> {
  const attributes = (element as Element).attributes;
  for (let i = 0; i < attributes.length; i++) {
    const attr = attributes[i]!;
    yield [attr.name, attr.value];
  }
}

/** A DOM (the browser's or jsdom's) as a MarkupTree. */
export const DOM_TREE: MarkupTree<Node> = {
  nodeType: (node) => node.nodeType,
  localName: (element) => (element as Element).localName,
  namespaceURI: (element) => (element as Element).namespaceURI,
  attributes: domAttributes,
  children: domChildren,
  textContent: (element) => element.textContent ?? "",
  data: (node) => (node as CharacterData).data,
};

// Output frame documents as parse5 trees: the parser jsdom itself uses (same version, scripting off as in
// jsdom's DOMParser), so a frame's markup becomes exactly the tree jsdom would build, without jsdom's costs. A frame
// document is parsed, given Vitrine's head and sizer, searched for inline scripts and styles, and serialized; none
// of that needs a live DOM, and jsdom made it the slowest part of an export (each text chunk of a large output
// copied the whole text so far, every node became a wrapped object with mutation bookkeeping, every selector was
// parsed anew). Output frames are not sanitized (they are sandboxed), so nothing here is a security check: what
// matters is that the tree is the one a browser builds from the same markup, which the shared parser guarantees.
import { defaultTreeAdapter, parse, type DefaultTreeAdapterTypes } from "parse5";
import {
  COMMENT_NODE,
  DOCUMENT_FRAGMENT_NODE,
  DOCUMENT_NODE,
  ELEMENT_NODE,
  HTML_NS,
  TEXT_NODE,
  type MarkupTree,
} from "./serialize.ts";

export type TreeNode = DefaultTreeAdapterTypes.Node;
export type TreeElement = DefaultTreeAdapterTypes.Element;
export type TreeDocument = DefaultTreeAdapterTypes.Document;
type TreeParent = DefaultTreeAdapterTypes.ParentNode;

/** `html` parsed as a document, as jsdom's `DOMParser` parses `text/html` (scripting disabled). */
export function parseDocument(html: string): TreeDocument {
  return parse(html, { scriptingEnabled: false });
}

export function isElement(node: TreeNode): node is TreeElement {
  return "tagName" in node;
}

/** The document's root element. */
function rootElement(doc: TreeDocument): TreeElement {
  const root = doc.childNodes.find(isElement);
  // The HTML parser always creates the root element, even from empty input.
  if (!root) throw new Error("parsed document has no root element");
  return root;
}

/** The HTML `head` element, as `document.head` finds it. */
export function headOf(doc: TreeDocument): TreeElement {
  const head = rootElement(doc).childNodes.find(
    (n): n is TreeElement => isElement(n) && n.namespaceURI === HTML_NS && n.tagName === "head",
  );
  if (!head) throw new Error("parsed document has no head");
  return head;
}

/** The document's body element as `document.body` finds it: the root's first `body` or `frameset` child. */
export function bodyOf(doc: TreeDocument): TreeElement {
  const body = rootElement(doc).childNodes.find(
    (n): n is TreeElement =>
      isElement(n) && n.namespaceURI === HTML_NS && (n.tagName === "body" || n.tagName === "frameset"),
  );
  if (!body) throw new Error("parsed document has no body");
  return body;
}

/** A new HTML element with the given attributes and, if any, text. */
export function createElement(tag: string, attributes: Record<string, string> = {}, text?: string): TreeElement {
  const element = defaultTreeAdapter.createElement(
    tag,
    HTML_NS as DefaultTreeAdapterTypes.Element["namespaceURI"],
    Object.entries(attributes).map(([name, value]) => ({ name, value })),
  );
  if (text !== undefined && text !== "") defaultTreeAdapter.insertText(element, text);
  return element;
}

export function appendChild(parent: TreeParent, child: DefaultTreeAdapterTypes.ChildNode): void {
  defaultTreeAdapter.appendChild(parent, child);
}

export function prependChildren(parent: TreeParent, children: DefaultTreeAdapterTypes.ChildNode[]): void {
  const first = parent.childNodes[0];
  for (const child of children) {
    if (first) defaultTreeAdapter.insertBefore(parent, child, first);
    else defaultTreeAdapter.appendChild(parent, child);
  }
}

export function removeNode(node: DefaultTreeAdapterTypes.ChildNode): void {
  defaultTreeAdapter.detachNode(node);
}

/**
 * The elements under `root` in tree order, as `querySelectorAll` walks them: template contents are not descended
 * into (they are not part of the document tree).
 */
export function* descendantElements(root: TreeParent): Generator<TreeElement> {
  const stack: TreeNode[] = [...root.childNodes].reverse();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (!isElement(node)) continue;
    yield node;
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]!);
  }
}

/** The value of the attribute named `name` (in no namespace), or null, as `getAttribute` reads it. */
export function attributeOf(element: TreeElement, name: string): string | null {
  for (const attr of element.attrs) if (attr.name === name && !attr.namespace) return attr.value;
  return null;
}

/** The joined text of every text node under `node`, as `textContent` reads it. */
export function textContentOf(node: TreeNode): string {
  if (node.nodeName === "#text") return (node as DefaultTreeAdapterTypes.TextNode).value;
  if (!("childNodes" in node)) return "";
  // A stack of its own rather than recursion: a notebook's markup nests as deep as its bytes allow.
  let text = "";
  const stack: TreeNode[] = [...node.childNodes].reverse();
  for (let child = stack.pop(); child !== undefined; child = stack.pop()) {
    if (child.nodeName === "#text") text += (child as DefaultTreeAdapterTypes.TextNode).value;
    else if (isElement(child)) for (let i = child.childNodes.length - 1; i >= 0; i--) stack.push(child.childNodes[i]!);
  }
  return text;
}

function nodeType(node: TreeNode): number {
  switch (node.nodeName) {
    case "#text":
      return TEXT_NODE;
    case "#comment":
      return COMMENT_NODE;
    case "#document":
      return DOCUMENT_NODE;
    case "#document-fragment":
      return DOCUMENT_FRAGMENT_NODE;
    case "#documentType":
      return 10;
    default:
      return ELEMENT_NODE;
  }
}

function* treeAttributes(element: TreeNode): Iterable<readonly [string, string]> {
  // In foreign content the parser splits `xlink:href` into prefix and local name; a DOM attribute's name is both.
  for (const attr of (element as TreeElement).attrs)
    yield [attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name, attr.value];
}

function treeChildren(node: TreeNode): Iterable<TreeNode> {
  if (node.nodeName === "template" && (node as TreeElement).namespaceURI === HTML_NS) {
    return (node as DefaultTreeAdapterTypes.Template).content.childNodes;
  }
  return "childNodes" in node ? node.childNodes : [];
}

/** A parse5 tree as a MarkupTree, for the one serializer. */
export const PARSE5_TREE: MarkupTree<TreeNode> = {
  nodeType,
  localName: (element) => (element as TreeElement).tagName,
  namespaceURI: (element) => (element as TreeElement).namespaceURI,
  attributes: treeAttributes,
  children: treeChildren,
  textContent: textContentOf,
  data: (node) =>
    "value" in node
      ? (node as DefaultTreeAdapterTypes.TextNode).value
      : (node as DefaultTreeAdapterTypes.CommentNode).data,
};

/**
 * A copy of a DOM fragment (a sanitized markdown output, built by the sanitizer in jsdom) as parse5 nodes, so it
 * can go into a frame tree. Elements, attributes (with their namespaces), text and comments are copied as they are.
 */
export function treeFromDom(node: Node): DefaultTreeAdapterTypes.ChildNode[] {
  const out: DefaultTreeAdapterTypes.ChildNode[] = [];
  // Each DOM node is copied as it is met, into the copy of its parent; the walk keeps its own stack, since the
  // fragment can nest as deep as the notebook's markup does.
  const stack: { from: Node; into: DefaultTreeAdapterTypes.Element | undefined }[] = [];
  const pushChildren = (from: Node, into: DefaultTreeAdapterTypes.Element | undefined): void => {
    for (let child = from.lastChild; child; child = child.previousSibling) stack.push({ from: child, into });
  };
  const place = (copy: DefaultTreeAdapterTypes.ChildNode, into: DefaultTreeAdapterTypes.Element | undefined): void => {
    if (into) defaultTreeAdapter.appendChild(into, copy);
    else out.push(copy);
  };
  pushChildren(node, undefined);
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { from: child, into } = item;
    switch (child.nodeType) {
      case ELEMENT_NODE: {
        const element = child as Element;
        const attrs = Array.from(element.attributes, (attr) => ({
          name: attr.localName,
          value: attr.value,
          ...(attr.namespaceURI ? { namespace: attr.namespaceURI as never, prefix: attr.prefix ?? "" } : {}),
        }));
        const copy = defaultTreeAdapter.createElement(element.localName, element.namespaceURI as never, attrs);
        place(copy, into);
        pushChildren(element, copy);
        break;
      }
      case TEXT_NODE:
        place(defaultTreeAdapter.createTextNode((child as Text).data), into);
        break;
      case COMMENT_NODE:
        place(defaultTreeAdapter.createCommentNode((child as Comment).data), into);
        break;
      default:
        break;
    }
  }
  return out;
}

// HTML serialization for the export. Written here rather than using the DOM's own serializer because the
// standard algorithm leaves `<`, `>` and `'` unescaped in attribute values; output frames live in `srcdoc`
// attributes, so a notebook's markup would then stand in the file verbatim. Escaping them keeps every string
// from a notebook inert text to any tool that reads the file, and the browser decodes them all the same.

const VOID_ELEMENTS = new Set([
  "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen", "basefont", "bgsound", "frame",
]);
const RAW_TEXT_ELEMENTS = new Set(["script", "style", "xmp", "iframe", "noembed", "noframes", "plaintext"]);

const HTML_NS = "http://www.w3.org/1999/xhtml";

export function escapeText(text: string): string {
  return text.replace(/[&<>\u00a0]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&nbsp;"));
}

export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"'\u00a0]/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : c === "'" ? "&#39;" : "&nbsp;",
  );
}

function serializeChildren(node: Node, out: string[]): void {
  const parent = node as Element;
  const container = parent.localName === "template" && parent.namespaceURI === HTML_NS ? (parent as HTMLTemplateElement).content : node;
  for (let child = container.firstChild; child; child = child.nextSibling) serializeNode(child, out);
}

function serializeNode(node: Node, out: string[]): void {
  switch (node.nodeType) {
    case 1: {
      const element = node as Element;
      const name = element.localName;
      out.push("<", name);
      for (const attr of Array.from(element.attributes)) out.push(" ", attr.name, '="', escapeAttribute(attr.value), '"');
      out.push(">");
      const isHtml = element.namespaceURI === HTML_NS;
      if (isHtml && VOID_ELEMENTS.has(name)) return;
      if (isHtml && RAW_TEXT_ELEMENTS.has(name)) {
        const text = element.textContent ?? "";
        // Raw text cannot be escaped; text that would close the element early is refused, never written.
        if (new RegExp(`</${name}`, "i").test(text)) throw new Error(`refusing to serialize <${name}> whose text closes it early`);
        out.push(text);
      } else {
        serializeChildren(element, out);
      }
      out.push("</", name, ">");
      return;
    }
    case 3:
      out.push(escapeText((node as Text).data));
      return;
    case 8:
      out.push("<!--", (node as Comment).data.replace(/--!?>|<!--/g, ""), "-->");
      return;
    case 9:
      out.push("<!DOCTYPE html>");
      serializeChildren(node, out);
      return;
    case 11:
      serializeChildren(node, out);
      return;
    default:
      return;
  }
}

export function serializeHtml(node: Node): string {
  const out: string[] = [];
  serializeNode(node, out);
  return out.join("");
}

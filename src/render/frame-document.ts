// The document inside one output frame of the static export. The output's own markup goes in as it is (the
// frame is sandboxed without same-origin, so it runs in an opaque origin with no access to the page), wrapped
// in Vitrine's frame policy and sizer. Because a srcdoc frame inherits the page's CSP, the inline scripts and
// styles of each frame are collected here so the page can allow exactly those, by hash.
import type { FrameOutputPlan } from "./plan-types.ts";
import { FRAME_CSP, sha256Source } from "./csp.ts";
import { FRAME_SIZER_SCRIPT, JAVASCRIPT_OUTPUT_PRELUDE } from "./frame-scripts.ts";
import { frameContentText, viewerMissingNote } from "./frame-request.ts";
import { FRAME_STYLESHEET } from "./frame-style.ts";
import { serializeHtml } from "./serialize.ts";

export interface FrameDocument {
  html: string;
  /** CSP hash sources for the frame's inline scripts, style elements and style attributes. */
  scriptHashes: string[];
  styleHashes: string[];
  styleAttributeHashes: string[];
}

export interface FrameContentRenderers {
  /** Markdown (or LaTeX-in-text) to a sanitized fragment of the given document. */
  markdownFragment(source: string, doc: Document): DocumentFragment;
}


/** Closing tags inside script text would end the element early; `<\/` means the same to JavaScript. */
function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

export type DomWindow = Window & typeof globalThis;

function frameSkeleton(window: DomWindow, bodyHtml: string | undefined): Document {
  const doc =
    bodyHtml === undefined
      ? window.document.implementation.createHTMLDocument("")
      : new window.DOMParser().parseFromString(bodyHtml, "text/html");
  // The output cannot refresh or redirect the frame through markup, nor set its own base URL.
  for (const node of Array.from(doc.querySelectorAll('meta[http-equiv], base'))) node.remove();
  const head = doc.head;
  const csp = doc.createElement("meta");
  csp.httpEquiv = "Content-Security-Policy";
  csp.content = FRAME_CSP;
  const charset = doc.createElement("meta");
  charset.setAttribute("charset", "utf-8");
  const style = doc.createElement("style");
  style.textContent = FRAME_STYLESHEET;
  // The policy goes first so it governs everything the output's own head contains.
  head.insertBefore(style, head.firstChild);
  head.insertBefore(csp, head.firstChild);
  head.insertBefore(charset, head.firstChild);
  return doc;
}

export function buildFrameDocument(window: DomWindow, frame: FrameOutputPlan, renderers: FrameContentRenderers): FrameDocument {
  let doc: Document;
  const content = frameContentText(frame);
  switch (frame.mime) {
    case "text/html":
    case "image/svg+xml":
      doc = frameSkeleton(window, content);
      break;
    case "application/javascript": {
      doc = frameSkeleton(window, undefined);
      const output = doc.createElement("div");
      output.id = "output";
      const prelude = doc.createElement("script");
      prelude.textContent = JAVASCRIPT_OUTPUT_PRELUDE;
      const script = doc.createElement("script");
      script.textContent = scriptSafe(content);
      doc.body.append(output, prelude, script);
      break;
    }
    case "text/markdown":
    case "text/latex":
      doc = frameSkeleton(window, undefined);
      doc.body.appendChild(renderers.markdownFragment(content, doc));
      break;
    default: {
      // JSON, and library-backed types (vega, plotly, widgets) whose libraries a static file does not carry.
      doc = frameSkeleton(window, undefined);
      if (frame.mime !== "application/json") {
        const note = doc.createElement("p");
        note.className = "vt-frame-note";
        note.textContent = viewerMissingNote(frame.mime, "export");
        doc.body.appendChild(note);
      }
      const pre = doc.createElement("pre");
      pre.textContent = content;
      doc.body.appendChild(pre);
    }
  }
  const sizer = doc.createElement("script");
  sizer.textContent = FRAME_SIZER_SCRIPT;
  doc.body.appendChild(sizer);

  const scriptHashes = new Set<string>();
  const styleHashes = new Set<string>();
  const styleAttributeHashes = new Set<string>();
  for (const script of Array.from(doc.querySelectorAll("script:not([src])"))) scriptHashes.add(sha256Source(script.textContent ?? ""));
  for (const style of Array.from(doc.querySelectorAll("style"))) styleHashes.add(sha256Source(style.textContent ?? ""));
  for (const node of Array.from(doc.querySelectorAll("[style]"))) styleAttributeHashes.add(sha256Source(node.getAttribute("style") ?? ""));
  return {
    html: serializeHtml(doc),
    scriptHashes: [...scriptHashes],
    styleHashes: [...styleHashes],
    styleAttributeHashes: [...styleAttributeHashes],
  };
}

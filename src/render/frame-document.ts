// The document inside one output frame of the static export. The output's own markup goes in as it is (the
// frame is sandboxed without same-origin, so it runs in an opaque origin with no access to the page), wrapped
// in Vitrine's frame policy and sizer. Because a srcdoc frame inherits the page's CSP, the inline scripts and
// styles of each frame are collected here so the page can allow exactly those, by hash. The frame is built as a
// parse5 tree (frame-tree.ts), not a jsdom document.
import type { FrameOutputPlan } from "./plan-types.ts";
import { EXPORT_FRAME_CSP } from "../contract/content-security-policy.ts";
import { sha256Source } from "./csp.ts";
import { FRAME_SIZER_SCRIPT, JAVASCRIPT_OUTPUT_PRELUDE } from "./frame-scripts.ts";
import { frameContentText, viewerMissingNote } from "./frame-request.ts";
import { FRAME_STYLESHEET } from "./frame-style.ts";
import { exportDrawOf } from "./output-types.ts";
import {
  appendChild,
  attributeOf,
  bodyOf,
  createElement,
  descendantElements,
  headOf,
  parseDocument,
  PARSE5_TREE,
  prependChildren,
  removeNode,
  textContentOf,
  treeFromDom,
  type TreeDocument,
} from "./frame-tree.ts";
import { serializeParts } from "./serialize.ts";

export interface FrameDocument {
  html: string;
  /** CSP hash sources for the frame's inline scripts, style elements and style attributes. */
  scriptHashes: string[];
  styleHashes: string[];
  styleAttributeHashes: string[];
}

export interface FrameContentRenderers {
  /** Markdown (or LaTeX-in-text) to a sanitized fragment; its nodes are copied into the frame. */
  markdownFragment(source: string): DocumentFragment;
}

/** Closing tags inside script text would end the element early; `<\/` means the same to JavaScript. */
function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function frameSkeleton(bodyHtml: string | undefined): TreeDocument {
  let doc: TreeDocument;
  if (bodyHtml === undefined) {
    doc = parseDocument("");
    // A frame built from nothing has the empty title an HTML document created by script has.
    appendChild(headOf(doc), createElement("title"));
  } else {
    doc = parseDocument(bodyHtml);
    // The output cannot refresh or redirect the frame through markup, nor set its own base URL.
    const unwanted = [...descendantElements(doc)].filter(
      (el) => (el.tagName === "meta" && attributeOf(el, "http-equiv") !== null) || el.tagName === "base",
    );
    for (const node of unwanted) removeNode(node);
  }
  // The policy goes first so it governs everything the output's own head contains.
  prependChildren(headOf(doc), [
    createElement("meta", { charset: "utf-8" }),
    createElement("meta", { "http-equiv": "Content-Security-Policy", content: EXPORT_FRAME_CSP }),
    createElement("style", {}, FRAME_STYLESHEET),
  ]);
  return doc;
}

export function buildFrameDocument(frame: FrameOutputPlan, renderers: FrameContentRenderers): FrameDocument {
  let doc: TreeDocument;
  const content = frameContentText(frame);
  const draw = exportDrawOf(frame.mime);
  switch (draw) {
    case "document":
      doc = frameSkeleton(content);
      break;
    case "script": {
      doc = frameSkeleton(undefined);
      const body = bodyOf(doc);
      appendChild(body, createElement("div", { id: "output" }));
      appendChild(body, createElement("script", {}, JAVASCRIPT_OUTPUT_PRELUDE));
      appendChild(body, createElement("script", {}, scriptSafe(content)));
      break;
    }
    case "markdown":
      doc = frameSkeleton(undefined);
      for (const node of treeFromDom(renderers.markdownFragment(content))) appendChild(bodyOf(doc), node);
      break;
    default: {
      // Data, and library-backed types (vega, plotly, widgets) whose libraries a static file does not carry.
      doc = frameSkeleton(undefined);
      const body = bodyOf(doc);
      if (draw !== "text")
        appendChild(body, createElement("p", { class: "vt-frame-note" }, viewerMissingNote(frame.mime, "export")));
      appendChild(body, createElement("pre", {}, content));
    }
  }
  appendChild(bodyOf(doc), createElement("script", {}, FRAME_SIZER_SCRIPT));

  const scriptHashes = new Set<string>();
  const styleHashes = new Set<string>();
  const styleAttributeHashes = new Set<string>();
  // Tree order, as the selectors `script:not([src])`, `style` and `[style]` would find them (any namespace).
  for (const el of descendantElements(doc)) {
    if (el.tagName === "script" && attributeOf(el, "src") === null) scriptHashes.add(sha256Source(textContentOf(el)));
    else if (el.tagName === "style") styleHashes.add(sha256Source(textContentOf(el)));
  }
  for (const el of descendantElements(doc)) {
    const style = attributeOf(el, "style");
    if (style !== null) styleAttributeHashes.add(sha256Source(style));
  }
  return {
    html: serializeParts(PARSE5_TREE, doc).join(""),
    scriptHashes: [...scriptHashes],
    styleHashes: [...styleHashes],
    styleAttributeHashes: [...styleAttributeHashes],
  };
}

// `vitrine render`: one self-contained HTML file that opens from disk. Markdown, text and images are drawn
// ahead of time and readable with JavaScript off; every active output is a sandboxed srcdoc frame. The page's
// own CSP allows no script but the frame sizer (and, when frames draw with libraries, the library handover), and
// (because srcdoc frames inherit the page's policy) the hashed inline scripts and styles of the frames, which only
// exist inside those frames. Plotly, Vega and Bokeh outputs and widget views are drawn offline: the page carries
// each library (and the widget manager) once, as an inert block, and hands its text to each frame that asks
// (export-libraries.ts, export-widgets.ts). Math in markdown and LaTeX outputs is drawn the same way, with the
// page's own KaTeX stylesheet handed to each frame that has math (export-frame-math.ts).
import { readFileSync } from "node:fs";
import { JSDOM, VirtualConsole } from "jsdom";
import { exportPageCsp } from "../contract/content-security-policy.ts";
import type { ParsedNotebook } from "../notebook/types.ts";
import { sha256Source } from "./csp.ts";
import { ExportMathStyles } from "./export-math.ts";
import { MATH_LIBRARY } from "./export-frame-math.ts";
import {
  collectHeadings,
  el,
  elementsUnder,
  imageElement,
  readingNotesElement,
  renderCells,
  type RenderHost,
} from "./dom.ts";
import {
  embeddedLibraryItems,
  LIBRARY_BLOCK_ATTRIBUTE,
  PAGE_LIBRARY_SCRIPT,
  type EmbeddedLibraryItem,
  type ExportLibraryName,
} from "./export-libraries.ts";
import { buildFrameDocument, exportLibraryDrawOf } from "./frame-document.ts";
import { FRAME_LIBRARIES, type FrameLibraryName } from "./output-libraries.ts";
import { PAGE_SIZER_SCRIPT } from "./frame-scripts.ts";
import { renderMarkdown } from "./markdown.ts";
import { exportDrawOf, frameDrawOf, outputTypeName } from "./output-types.ts";
import {
  exportWidgetManager,
  exportWidgetPlan,
  WIDGETS_LIBRARY,
  type ExportWidgetManager,
  type ExportWidgetPlan,
} from "./export-widgets.ts";
import type { FrameOutputPlan } from "./plan-types.ts";
import { buildRenderPlan } from "./plan.ts";
import { createSanitizer, type Sanitizer } from "./sanitize.ts";
import { DOM_TREE, serializeParts } from "./serialize.ts";

export type RemoteImagePolicy = "block" | "allow";

export interface ExportOptions {
  /** Shown as the title when the notebook has none, and in the page's header. */
  fileName?: string;
  /** `block` (default): remote images are not loaded, their URL is shown as text. `allow`: loaded without referrer. */
  remoteImages?: RemoteImagePolicy;
  /** Where the widget manager's build is read from (export-widgets.ts); the web build's folder by default. */
  widgetBuildDir?: string;
}

const NOTEBOOK_CSS = readFileSync(new URL("./notebook.css", import.meta.url), "utf8");

const LINK_REL = "noopener noreferrer nofollow";

type DomWindow = Window & typeof globalThis;

/**
 * One jsdom window and its sanitizer, made on first use and kept for the process: creating a window installs
 * every DOM interface afresh, which costs more than rendering most notebooks. Each export still builds its page
 * in a document of its own.
 */
interface ExportEnvironment {
  window: DomWindow;
  sanitizer: Sanitizer;
}

let environment: ExportEnvironment | undefined;

function exportEnvironment(): ExportEnvironment {
  if (!environment) {
    const dom = new JSDOM("<!DOCTYPE html><html><head></head><body></body></html>", {
      // Parse notices (a notebook's broken stylesheet, say) are not the studio's to print; no script runs here.
      virtualConsole: new VirtualConsole(),
    });
    const window = dom.window as unknown as DomWindow;
    environment = { window, sanitizer: createSanitizer(window) };
  }
  return environment;
}

class ExportHost implements RenderHost {
  readonly scriptHashes = new Set<string>();
  readonly styleHashes = new Set<string>();
  readonly styleAttributeHashes = new Set<string>();
  readonly mathStyles = new ExportMathStyles();
  /** The output libraries the page carries, once each, for the frames that ask for them. */
  readonly libraries = new Set<ExportLibraryName>();
  private readonly sanitizer: Sanitizer;
  private readonly remoteImages: RemoteImagePolicy;
  /** The widget manager widget views draw with, read on the first widget view (export-widgets.ts). */
  private widgetManager: ExportWidgetManager | undefined;
  readonly widgetBuildDir: string | undefined;
  private frameCount = 0;

  constructor(env: ExportEnvironment, remoteImages: RemoteImagePolicy, widgetBuildDir: string | undefined) {
    this.sanitizer = env.sanitizer;
    this.remoteImages = remoteImages;
    this.widgetBuildDir = widgetBuildDir;
  }

  private widgetPlan(frame: FrameOutputPlan): ExportWidgetPlan | undefined {
    if (frameDrawOf(frame.mime)?.kind !== "widget") return undefined;
    this.widgetManager ??= exportWidgetManager(this.widgetBuildDir);
    return exportWidgetPlan(frame, this.widgetManager);
  }

  sanitizeMarkdown(unsafeHtml: string, attachments: Parameters<RenderHost["sanitizeMarkdown"]>[1]): DocumentFragment {
    const fragment = this.sanitizer.sanitizeToFragment(unsafeHtml, { attachments });
    this.mathStyles.convert(fragment);
    return fragment;
  }

  createActiveOutput(frame: FrameOutputPlan, doc: Document): Element {
    // A widget view is drawn in its frame from its saved state when it can be; when it cannot (known here, before
    // any frame runs), its static copy shows on the page with the reason.
    const widget = this.widgetPlan(frame);
    // Drawn by a library the studio serves, of which a static file has no copy: the bundle's own static copy is the
    // better view, when it has one.
    if (
      exportDrawOf(frame.mime) === "library" &&
      exportLibraryDrawOf(frame) === undefined &&
      widget?.draw !== true &&
      (frame.fallbackImage || frame.fallbackText !== undefined)
    ) {
      const box = el(doc, "div", "vt-fallback");
      if (frame.fallbackImage) box.appendChild(imageElement(doc, frame.fallbackImage));
      else box.appendChild(el(doc, "pre", "vt-text", frame.fallbackText));
      const why =
        widget === undefined
          ? `Static copy of this ${outputTypeName(frame.mime)}; the interactive view needs the Vitrine studio.`
          : `Static copy of this widget: ${widget.why}.`;
      box.appendChild(el(doc, "p", "vt-notice", why));
      return box;
    }
    const built = buildFrameDocument(frame, {
      ...(widget === undefined ? {} : { widget }),
      markdownFragment: (source) => {
        // The frame draws its math with the page's KaTeX stylesheet, handed over with the faces it uses, and
        // applies the box styles itself (export-frame-math.ts).
        const fragment = this.sanitizer.sanitizeToFragment(renderMarkdown(source));
        this.mathStyles.noteFaces(fragment);
        this.adjustLinksAndImages(fragment, doc);
        return fragment;
      },
    });
    for (const h of built.scriptHashes) this.scriptHashes.add(h);
    for (const h of built.styleHashes) this.styleHashes.add(h);
    for (const h of built.styleAttributeHashes) this.styleAttributeHashes.add(h);
    for (const name of built.libraries) this.libraries.add(name);
    const iframe = el(doc, "iframe", "vt-frame");
    // Scripts only: never same-origin, top navigation, popups, forms or modals.
    iframe.setAttribute("sandbox", "allow-scripts");
    iframe.setAttribute("srcdoc", built.html);
    iframe.setAttribute("referrerpolicy", "no-referrer");
    iframe.title = `Output ${++this.frameCount} (${frame.mime})`;
    if (widget?.draw === true) {
      // The height the view will take, from its first paint on (the frame keeps it too, until it has drawn): a style
      // attribute, allowed by the hash of its text like the frames' own.
      const height = `height: ${widget.widget.height}px`;
      iframe.setAttribute("style", height);
      this.styleAttributeHashes.add(sha256Source(height));
    }
    return iframe;
  }

  adjustLinksAndImages(root: ParentNode, doc: Document): void {
    const elements = elementsUnder(root);
    for (const a of elements) {
      if (a.localName !== "a" || !a.hasAttribute("href")) continue;
      a.setAttribute("rel", LINK_REL);
      a.removeAttribute("target");
    }
    for (const img of elements) {
      if (img.localName !== "img") continue;
      const src = img.getAttribute("src") ?? "";
      if (src.startsWith("data:")) continue;
      const remote = /^https?:/i.test(src);
      if (remote && this.remoteImages === "allow") {
        img.setAttribute("referrerpolicy", "no-referrer");
        img.setAttribute("loading", "lazy");
        continue;
      }
      const placeholder = el(doc, "span", "vt-image-blocked");
      placeholder.setAttribute("role", "img");
      const alt = img.getAttribute("alt");
      placeholder.setAttribute("aria-label", alt ? `Image not loaded: ${alt}` : "Image not loaded");
      placeholder.textContent = `${remote ? "Remote image not loaded" : "Image not included in the notebook"}: ${src}`;
      img.replaceWith(placeholder);
    }
  }
}

/** The library items the page carries, in load order of the libraries the frames use. */
function libraryItems(host: ExportHost): EmbeddedLibraryItem[] {
  const libraries = (Object.keys(FRAME_LIBRARIES) as FrameLibraryName[]).filter((name) => host.libraries.has(name));
  const others = [...host.libraries].filter((name) => !Object.hasOwn(FRAME_LIBRARIES, name)).sort();
  return [...libraries, ...others].flatMap((name) => embeddedLibraryItems(name, host.widgetBuildDir));
}

function pagePolicy(
  host: ExportHost,
  styleHashes: readonly string[],
  items: readonly EmbeddedLibraryItem[],
  remoteImages: RemoteImagePolicy,
): string {
  // A frame runs a library by inserting its text as an inline script or style: allowed by that text's hash, here.
  const itemHashes = (kind: EmbeddedLibraryItem["kind"]) =>
    items.filter((item) => item.kind === kind).map((item) => sha256Source(item.text));
  const handover = items.length > 0 ? [sha256Source(PAGE_LIBRARY_SCRIPT)] : [];
  // plotly.js and vega-embed add their rules to an empty <style> element through the CSSOM (which CSP does not
  // govern); the element itself is allowed by the hash of its empty text, which styles nothing.
  const emptyStyle = items.length > 0 ? [sha256Source("")] : [];
  return exportPageCsp({
    scripts: [sha256Source(PAGE_SIZER_SCRIPT), ...handover, ...host.scriptHashes, ...itemHashes("script")],
    styles: [...styleHashes, ...host.styleHashes, ...itemHashes("style"), ...emptyStyle],
    styleAttributes: [...host.styleAttributeHashes],
    remoteImages: remoteImages === "allow",
    // The widget manager's stylesheet embeds Font Awesome's faces as data: URLs (vite.widgets-export.config.ts).
    embeddedFonts: host.mathStyles.embedsFonts || host.libraries.has(WIDGETS_LIBRARY),
  });
}

/** The export page as one string. */
export function exportNotebookHtml(parsed: ParsedNotebook, options: ExportOptions = {}): string {
  return exportNotebookParts(parsed, options).join("");
}

/**
 * The export page as the parts of its serialization, in order: a caller that writes them out one by one never
 * holds the whole page as one string (for a large notebook, a copy of every output's markup twice over).
 */
export function exportNotebookParts(parsed: ParsedNotebook, options: ExportOptions = {}): string[] {
  const remoteImages = options.remoteImages ?? "block";
  const env = exportEnvironment();
  const doc = env.window.document.implementation.createHTMLDocument("");
  doc.documentElement.lang = "en";
  doc.head.replaceChildren();
  const plan = buildRenderPlan(parsed.notebook, {
    fileName: options.fileName,
    original: parsed.original,
    markdown: (source) => renderMarkdown(source),
  });
  const host = new ExportHost(env, remoteImages, options.widgetBuildDir);

  const page = el(doc, "main", "vt-page");
  const header = el(doc, "header", "vt-header");
  header.appendChild(el(doc, "h1", "vt-title", plan.title));
  // A notebook without a title of its own is titled by its file name (as in the studio): no need to say it twice.
  const details = [
    plan.title === options.fileName ? undefined : options.fileName,
    `nbformat ${plan.formatLabel}`,
    `${plan.cells.length} cells`,
    plan.language,
  ].filter(Boolean);
  header.appendChild(el(doc, "p", "vt-meta", details.join(" · ")));
  // Where the reading repaired or relaxed the file as nbformat does, the page says so before the cells.
  const notes = readingNotesElement(doc, parsed.notes, parsed.noteCounts);
  if (notes) header.appendChild(notes);
  page.appendChild(header);
  const cells = el(doc, "div", "vt-cells");
  cells.appendChild(renderCells(doc, plan, host));

  const headings = collectHeadings(cells);
  if (headings.length > 1) {
    const toc = el(doc, "nav", "vt-toc");
    toc.setAttribute("aria-label", "Contents");
    const summary = el(doc, "details");
    summary.appendChild(el(doc, "summary", undefined, "Contents"));
    const list = el(doc, "ol");
    for (const h of headings) {
      const item = el(doc, "li", `vt-toc-l${h.level}`);
      const link = el(doc, "a", undefined, h.text);
      link.href = `#${h.anchor}`;
      item.appendChild(link);
      list.appendChild(item);
    }
    summary.appendChild(list);
    toc.appendChild(summary);
    page.appendChild(toc);
  }
  page.appendChild(cells);
  doc.body.appendChild(page);

  const head = doc.head;
  const charset = el(doc, "meta");
  charset.setAttribute("charset", "utf-8");
  const csp = el(doc, "meta");
  csp.httpEquiv = "Content-Security-Policy";
  const katexCss = host.mathStyles.katexStylesheet();
  const mathBoxes = host.mathStyles.boxRules();
  const pageStyles = [NOTEBOOK_CSS, katexCss, mathBoxes].filter((text) => text !== null);
  const items = libraryItems(host);
  csp.content = pagePolicy(host, pageStyles.map(sha256Source), items, remoteImages);
  const referrer = el(doc, "meta");
  referrer.name = "referrer";
  referrer.content = "no-referrer";
  const viewport = el(doc, "meta");
  viewport.name = "viewport";
  viewport.content = "width=device-width, initial-scale=1";
  const title = el(doc, "title", undefined, plan.title);
  const styles = pageStyles.map((text) => {
    const style = el(doc, "style", undefined, text);
    // KaTeX's stylesheet is also what the page hands to output frames with math (export-frame-math.ts).
    if (text === katexCss) style.setAttribute(LIBRARY_BLOCK_ATTRIBUTE, `${MATH_LIBRARY}:style`);
    return style;
  });
  // The sizer listens before any frame can load and report its height, so it lives in the head.
  const sizer = el(doc, "script");
  sizer.textContent = PAGE_SIZER_SCRIPT;
  head.append(charset, csp, referrer, viewport, title, ...styles, sizer);
  if (items.length > 0) {
    const handover = el(doc, "script");
    handover.textContent = PAGE_LIBRARY_SCRIPT;
    head.append(handover);
    // The libraries come last, so that the cells are parsed and shown before megabytes of inert script text.
    for (const item of items) {
      const block = el(doc, "script");
      block.setAttribute("type", "application/octet-stream");
      block.setAttribute(LIBRARY_BLOCK_ATTRIBUTE, item.name);
      block.textContent = item.text;
      doc.body.append(block);
    }
  }
  return serializeParts(DOM_TREE, doc);
}

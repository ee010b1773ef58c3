// How the studio page draws a notebook's render plan: markdown sanitized in the browser under Trusted Types,
// every link and image checked by the server before use (images then come through the content origin's proxy),
// and every active output in its own sandboxed frame from the content origin.
import { EMPTY_FRAME_HEIGHT, markupHeightHint } from "../render/markup-size-hint.ts";
import type { MimeBundle } from "../notebook/types.ts";
import type { UrlVerdict } from "../urls/types.ts";
import { el, imageElement, type RenderHost } from "../render/dom.ts";
import { frameRenderRequest } from "../render/frame-request.ts";
import type { FrameRenderRequest } from "../contract/frame-protocol.ts";
import { frameDrawOf, outputTypeName } from "../render/output-types.ts";
import type { FrameOutputPlan } from "../render/plan-types.ts";
import { widgetViewHeight } from "../render/widget-state.ts";
import { base64ImageDimensions } from "../images/image-dimensions.ts";
import { browserSanitizer } from "./browser-sanitizer.ts";
import { loadMarkdown } from "./markdown-module.ts";
import { outputFrameElement } from "./output-frame.ts";

/** What the server says about one URL: the verdict engine's answer, plus the proxy address of an allowed image. */
export type StudioVerdict = UrlVerdict & { proxyUrl?: string };

export interface UrlChecker {
  /** Verdicts for the URLs, in order, all resolved against `base` (the notebook's own address). */
  check(items: { url: string; context: "link" | "image" }[], base: string): Promise<StudioVerdict[]>;
  /** A verdict the server has given already on this image source with this base (head-image-verdicts.ts). */
  knownImage?(src: string, base: string): StudioVerdict | undefined;
}

export interface StudioHostOptions {
  /** The content origin's frame shell. */
  frameShellUrl: string;
  /** Where the notebook lives in the studio, for relative links and images. */
  base: string;
  urls: UrlChecker;
  /** A person clicked a link inside an output frame. */
  onFrameLink(href: string): void;
}

const PENDING_SOURCE = "vtSrc";

export class StudioHost implements RenderHost {
  private readonly options: StudioHostOptions;
  private readonly pendingImages: HTMLImageElement[] = [];
  private frameCount = 0;

  constructor(options: StudioHostOptions) {
    this.options = options;
  }

  sanitizeMarkdown(unsafeHtml: string, attachments: Record<string, MimeBundle>): DocumentFragment {
    const fragment = browserSanitizer().sanitizeToFragment(unsafeHtml, { attachments });
    // Still in DOMPurify's inert document, where nothing loads. Once adopted into the page an image would start
    // fetching its URL at once, from the reader's browser, with the reader's network: the URL is set aside here
    // and only the proxy's address, after the server's check, ever becomes a src.
    // A verdict the server gave already (on the first screen's images) is shown now, as it will stay.
    for (const img of Array.from(fragment.querySelectorAll("img"))) {
      const src = img.getAttribute("src") ?? "";
      if (src.startsWith("data:")) continue;
      img.removeAttribute("src");
      img.dataset[PENDING_SOURCE] = src;
      const known = this.options.urls.knownImage?.(src, this.options.base);
      if (known) showVerdict(img, known);
    }
    return fragment;
  }

  createActiveOutput(frame: FrameOutputPlan, doc: Document): Element {
    const hasFallback = frame.fallbackImage !== undefined || frame.fallbackText !== undefined;
    const draw = frameDrawOf(frame.mime);
    let request: () => FrameRenderRequest | Promise<FrameRenderRequest>;
    let reservedHeight: number | undefined;
    let reservedHeightIsExact = false;
    if (draw?.kind === "widget") {
      // A widget view is drawn live in its frame from the notebook's saved widget state, with no kernel behind it.
      // Without usable state for it, the bundle's static copy is the faithful view, with the reason.
      const widget = frame.widget;
      if (hasFallback && widget?.ok !== true)
        return staticCopy(doc, frame, widget === undefined ? "its widgets need a running kernel" : widget.message);
      const built = frameRenderRequest(frame, noMarkdown);
      if (built.kind === "text" && hasFallback)
        return staticCopy(doc, frame, "its saved widget state is not within the limits of an output frame");
      request = () => built;
      // The space the widgets will take, guessed from their models, kept until they are drawn.
      if (built.kind === "widget" && widget?.ok === true)
        reservedHeight = widgetViewHeight(widget.state, widget.modelId);
    } else if (draw?.kind === "markdown") {
      // Markdown and LaTeX outputs are typeset and sanitized when their frame is first made (near the viewport),
      // not while the cells are drawn: the first screen does not wait for math its frames show later, nor for the
      // markdown renderer to start (web/markdown-module.ts). Their math keeps KaTeX's HTML, with its checked box
      // styles as `data-math-style`: the frame draws it with KaTeX's stylesheet and fonts (web/frame/frame-math.ts).
      let built: Promise<FrameRenderRequest> | undefined;
      request = () =>
        (built ??= loadMarkdown().then(({ renderMarkdown }) =>
          frameRenderRequest(frame, (source) =>
            browserSanitizer().sanitizeToString(renderMarkdown(source), { mathMarkup: "html-and-mathml" }),
          ),
        ));
    } else if (draw?.kind === "plotly" || draw?.kind === "vega") {
      // A plotly or vega output the frame cannot draw (its spec is a URL to fetch) still has its saved image: the
      // request decides, so it is built now.
      const built = frameRenderRequest(frame, noMarkdown);
      if (built.kind === "text" && hasFallback) {
        return staticCopy(
          doc,
          frame,
          typeof frame.content === "string"
            ? "its spec is at a URL, which an output frame cannot fetch"
            : "its data cannot be drawn",
        );
      }
      request = () => built;
      reservedHeight = figureHeight(built);
      reservedHeightIsExact = built.type === "render" && built.kind === "plotly";
    } else {
      let built: FrameRenderRequest | undefined;
      request = () => (built ??= frameRenderRequest(frame, noMarkdown));
      if (frame.mime === "text/html" && typeof frame.content === "string")
        reservedHeight =
          dataImagesHeight(frame.content, doc.documentElement.clientWidth) ?? markupHeightHint(frame.content);
      else if (frame.mime === "application/javascript") reservedHeight = EMPTY_FRAME_HEIGHT;
    }
    const number = ++this.frameCount;
    return outputFrameElement(doc, {
      shellUrl: this.options.frameShellUrl,
      request,
      reservedHeight,
      reservedHeightIsExact,
      title: `Output ${number} (${frame.mime})`,
      onLink: (href) => this.options.onFrameLink(href),
    });
  }

  adjustLinksAndImages(root: ParentNode): void {
    for (const a of Array.from(root.querySelectorAll("a[href]"))) {
      a.setAttribute("rel", "noopener noreferrer nofollow");
      a.removeAttribute("target");
    }
    for (const img of Array.from(root.querySelectorAll("img"))) {
      if (img.dataset[PENDING_SOURCE] !== undefined) this.pendingImages.push(img as HTMLImageElement);
    }
  }

  /** Asks the server about every image set aside while drawing, then shows each through the proxy or explains it. */
  async resolveImages(): Promise<void> {
    const images = this.pendingImages.splice(0);
    if (images.length === 0) return;
    let verdicts: StudioVerdict[];
    try {
      verdicts = await this.options.urls.check(
        images.map((img) => ({ url: img.dataset[PENDING_SOURCE] ?? "", context: "image" as const })),
        this.options.base,
      );
    } catch (error) {
      for (const img of images)
        replaceWithPlaceholder(img, `Image not checked (${error instanceof Error ? error.message : "no answer"})`);
      return;
    }
    images.forEach((img, i) => showVerdict(img, verdicts[i]));
  }
}

const BESIDE_THE_NOTEBOOK =
  "It would be a file beside the notebook, and workspaces keep notebooks and text files only: images inside the notebook (attachments and outputs) are shown.";

/** Shows an image through the proxy when the server allowed it, or the box that says why it is not shown. */
function showVerdict(img: HTMLImageElement, verdict: StudioVerdict | undefined): void {
  if (verdict?.verdict === "allow" && verdict.proxyUrl) {
    img.referrerPolicy = "no-referrer";
    img.loading = "lazy";
    const source = img.dataset[PENDING_SOURCE] ?? "";
    img.src = verdict.proxyUrl;
    delete img.dataset[PENDING_SOURCE];
    img.addEventListener(
      "error",
      () => replaceWithPlaceholder(img, "The image could not be loaded through the proxy", source),
      { once: true },
    );
  } else if (verdict?.verdict === "allow" && verdict.reason === "workspace_relative") {
    // Allowed as an address, but nothing to show: a workspace holds no image files (server/file-names.ts).
    replaceWithPlaceholder(img, BESIDE_THE_NOTEBOOK);
  } else if (verdict?.verdict === "allow" && verdict.reason === "attachment") {
    // Attachments are resolved by the sanitizer into data: URLs; one still pending here was missing.
    replaceWithPlaceholder(img, "The attachment is not in the notebook");
  } else {
    replaceWithPlaceholder(img, verdict ? verdict.message : "The server gave no verdict for this image");
  }
}

/** The markdown renderer handed to outputs whose frame does not draw markdown, which never call it. */
function noMarkdown(): never {
  throw new Error("only a markdown or LaTeX output renders markdown");
}

function staticCopy(doc: Document, frame: FrameOutputPlan, why: string): Element {
  const box = el(doc, "div", "vt-fallback");
  if (frame.fallbackImage) box.appendChild(imageElement(doc, frame.fallbackImage));
  else box.appendChild(el(doc, "pre", "vt-text", frame.fallbackText));
  box.appendChild(el(doc, "p", "vt-notice", `Static copy of this ${outputTypeName(frame.mime)}: ${why}.`));
  return box;
}

function replaceWithPlaceholder(img: HTMLImageElement, why: string, source = img.dataset[PENDING_SOURCE] ?? ""): void {
  const doc = img.ownerDocument;
  const placeholder = el(doc, "span", "vt-image-blocked");
  placeholder.setAttribute("role", "img");
  const alt = img.getAttribute("alt");
  placeholder.setAttribute("aria-label", alt ? `Image not shown: ${alt}` : "Image not shown");
  placeholder.append(el(doc, "strong", undefined, "Image not shown. "), why, " ", el(doc, "code", undefined, source));
  img.replaceWith(placeholder);
}

/**
 * The height a plotly figure or vega chart will take, known before its frame is made: the layout's (or its
 * template's) or spec's height, or the library's default. Its slot keeps that space from the start, so the page does not jump when the figure is drawn, and the
 * first screen holds the cells that will really be on it.
 */
function figureHeight(request: FrameRenderRequest): number | undefined {
  if (request.type !== "render") return undefined;
  if (request.kind === "plotly") {
    // A template's height applies when the layout names none (plotly express's default template says 600).
    const layout = request.figure["layout"];
    const height =
      positive(fieldOf(layout, "height")) ??
      positive(fieldOf(fieldOf(fieldOf(layout, "template"), "layout"), "height")) ??
      PLOTLY_DEFAULT_HEIGHT;
    return height + FRAME_BODY_MARGIN;
  }
  // A vega chart's height is its plot's; axes, titles and vega-embed's action bar come on top.
  if (request.kind === "vega") return (positive(request.spec["height"]) ?? VEGA_DEFAULT_HEIGHT) + VEGA_FURNITURE;
  return undefined;
}

function fieldOf(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

const PLOTLY_DEFAULT_HEIGHT = 450;
/** The frame document's margin below a figure (its body's, in the frame stylesheet), part of the height it reports. */
const FRAME_BODY_MARGIN = 8;

/** Room a frame loses to the prompt column and margins beside it, at most (px). */
const FRAME_INSET = 160;
/** Images looked at in one output's markup, at most: enough for a widget snapshot or a small gallery. */
const MAX_SIZED_IMAGES = 20;
const DATA_IMAGE = /<img\b[^>]*?\bsrc\s*=\s*["']?data:image\/[a-z+.-]+;base64,([A-Za-z0-9+/=]{16,})/gi;

/**
 * The height an HTML output's data: images will take, read from their headers before its frame is made (an image
 * decodes after the frame's first height report, and the frame reports again only once it is in view): each image
 * scaled down to the frame's width, as the frame's style does. Undefined when the markup has none.
 */
function dataImagesHeight(markup: string, pageWidth: number): number | undefined {
  const width = Math.max(pageWidth - FRAME_INSET, 200);
  let total = 0;
  let count = 0;
  for (const match of markup.matchAll(DATA_IMAGE)) {
    if (++count > MAX_SIZED_IMAGES) break;
    const size = base64ImageDimensions(match[1]!);
    if (size && size.width > 0) total += size.height * Math.min(1, width / size.width);
  }
  return total > 0 ? Math.ceil(total) : undefined;
}
/** Vega-Lite's default plot height for a continuous axis. */
const VEGA_DEFAULT_HEIGHT = 300;
const VEGA_FURNITURE = 60;

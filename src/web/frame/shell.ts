// The output frame's shell, served by the content origin into `<iframe sandbox="allow-scripts">` (an opaque origin:
// no cookies, no storage, no access to the page). The page hands it a MessagePort once, at load, then the output to
// show. The output's markup becomes the frame's document and its scripts run in document order, as in the static
// export's srcdoc frames; plotly and vega outputs are drawn with the libraries the content origin serves, outputs
// that draw with BokehJS get it before their scripts run, classic JavaScript outputs get requirejs, and widget views
// are drawn by the HTML widget manager from the saved widget state the page hands over (widget-output.ts). The shell
// reports the document's height and passes link clicks to the page, which checks them; it never reads anything but
// the render request from the port.
import {
  FRAME_CONNECT,
  type FrameRenderRequest,
  type FrameToPageMessage,
  type FrameWidgetFallback,
} from "../../contract/frame-protocol.ts";
import { parsePageToFrameMessage } from "../../render/frame-message-checks.ts";
import { JAVASCRIPT_OUTPUT_PRELUDE } from "../../render/frame-scripts.ts";
import { FRAME_STYLESHEET } from "../../render/frame-style.ts";
import { BOKEH_LOADER_NOTE, bokehUseOf, usesRequire } from "../../render/output-types.ts";
import { chooseBokehBuild } from "../../render/bokeh-builds.ts";
import { dropBokehResources, followPanelScheme, loadBokeh } from "./bokeh-output.ts";
import { drawFrameMath } from "./frame-math.ts";
import { drawPlotly } from "./plotly-output.ts";
import { installRequire } from "./require-output.ts";
import { drawVega } from "./vega-output.ts";
import { documentHeight, watchHeight, whenDrawn } from "./frame-height.ts";
import { frameIsDark, frameScheme, markScheme, setFrameScheme } from "./frame-scheme.ts";

let port: MessagePort | null = null;
let rendered = false;

// The shell's own document follows the reader's scheme too, until the output's replaces it, so that an empty frame
// matches its page (a frame whose scheme differs from its page's gets an opaque background from the browser).
const shellStyle = document.createElement("style");
shellStyle.textContent = FRAME_STYLESHEET;
document.head.append(shellStyle);

// The output's own script runs in this window after the shell. Had the shell called port.postMessage, the script
// could replace MessagePort.prototype.postMessage, be handed the port on the next height report, and then send
// the page "link" requests of its own whenever it liked: each would become a prompt as soon as a person clicked
// anywhere in the output. So the shell keeps the built-ins it calls from before the output exists, and asks for a
// link only on a click the browser itself reports (event.isTrusted, which no script can set).
const { apply } = Reflect;
const postOnPort = MessagePort.prototype.postMessage;
const closest = Element.prototype.closest;
const getAttribute = Element.prototype.getAttribute;
const getAttributeNS = Element.prototype.getAttributeNS;

function send(message: FrameToPageMessage): void {
  if (port) apply(postOnPort, port, [message]);
}

let reportedHeight = 0;

function reportHeight(): void {
  const height = documentHeight();
  if (height === reportedHeight) return;
  reportedHeight = height;
  send({ type: "height", height });
}

function linkOf(target: EventTarget | null): string | null {
  const anchor = target instanceof Element ? (apply(closest, target, ["a"]) as Element | null) : null;
  if (!anchor) return null;
  return (
    (apply(getAttribute, anchor, ["href"]) as string | null) ??
    (apply(getAttributeNS, anchor, ["http://www.w3.org/1999/xlink", "href"]) as string | null)
  );
}

function onClick(event: MouseEvent): void {
  const href = linkOf(event.target);
  // In-output anchors scroll the frame itself; anything else is the page's to check and, maybe, to open.
  if (href === null || href.startsWith("#")) return;
  // Never followed in the frame, whoever clicked; asked of the page only for a person's click.
  event.preventDefault();
  if (event.isTrusted) send({ type: "link", href });
}

function watch(drawing: Promise<void>): void {
  document.addEventListener("click", onClick, true);
  watchHeight(reportHeight);
  void whenDrawn(drawing).then(() => {
    reportedHeight = documentHeight();
    send({ type: "drawn", height: reportedHeight });
  });
}

/**
 * Makes the output's markup this frame's document. The markup is parsed apart (DOMParser: nothing in it runs
 * yet), the same elements the export strips are removed (a refresh or a <base> would act on the frame as soon as
 * they are inserted), and the tree replaces the shell's own. The frame is not navigated and not reopened, so the
 * shell's listeners and port stay; a later load event can only mean the output navigated its frame.
 */
function showDocument(markup: string): void {
  placeDocument(markup);
  runDocumentScripts();
}

/** The first half of showDocument: the output's tree in place, none of its scripts run yet. */
function placeDocument(markup: string): void {
  const parsed = new DOMParser().parseFromString(markup, "text/html");
  for (const node of Array.from(parsed.querySelectorAll("meta[http-equiv], base"))) node.remove();
  const style = parsed.createElement("style");
  style.textContent = FRAME_STYLESHEET;
  // The base style goes first, so the output's own styles follow and win, as in the export's frames.
  parsed.head.insertBefore(style, parsed.head.firstChild);
  markScheme(parsed.documentElement);
  document.replaceChild(document.adoptNode(parsed.documentElement), document.documentElement);
}

/** The second half of showDocument: the placed document's scripts, run in document order. */
function runDocumentScripts(): void {
  // Parsed scripts never run; fresh copies do, in document order (external ones too: async off).
  for (const old of Array.from(document.querySelectorAll("script"))) {
    const script = document.createElement("script");
    for (const attribute of Array.from(old.attributes)) script.setAttribute(attribute.name, attribute.value);
    script.async = false;
    script.textContent = old.textContent;
    old.replaceWith(script);
  }
}

/** A note for the reader, above the output when there is one. */
function showNote(text: string): void {
  const note = document.createElement("p");
  note.className = "vt-frame-note";
  note.textContent = text;
  const output = document.getElementById("output");
  if (output?.parentNode === document.body) document.body.insertBefore(note, output);
  else document.body.appendChild(note);
}

/** A fresh, empty document with one element for a library to draw into. */
function outputElement(): HTMLElement {
  showDocument('<div id="output"></div>');
  return document.getElementById("output")!;
}

function failed(what: string): (error: unknown) => void {
  return (error) => showNote(`${what}: ${error instanceof Error ? error.message : String(error)}`);
}

function runScript(source: string): void {
  const prelude = document.createElement("script");
  prelude.textContent = JAVASCRIPT_OUTPUT_PRELUDE;
  const script = document.createElement("script");
  script.textContent = source;
  document.body.append(prelude, script);
}

function missingModules(modules: string[], error: Error): void {
  showNote(
    modules.length > 0
      ? `Not available in this studio: ${modules.join(", ")} (output frames load only the libraries the studio serves).`
      : `JavaScript output: ${error.message}`,
  );
}

/** A widget view's static copy, in place of the view the manager could not draw, with the reason above it. */
function showWidgetFallback(container: HTMLElement, fallback: FrameWidgetFallback, why: string): void {
  if (fallback.image !== undefined) {
    const image = document.createElement("img");
    image.src = fallback.image;
    image.alt = fallback.text ?? "";
    container.appendChild(image);
  } else if (fallback.text !== undefined) {
    const pre = document.createElement("pre");
    pre.textContent = fallback.text;
    container.appendChild(pre);
  }
  showNote(`Static copy of this widget: ${why}.`);
}

type VegaRequest = Extract<FrameRenderRequest, { kind: "vega" }>;

/** The Vega chart this frame shows, kept so that a change of scheme draws it again in that scheme's theme. */
let vegaShown: { container: HTMLElement; request: VegaRequest; dark: boolean; release: () => void } | null = null;

async function drawVegaChart(container: HTMLElement, request: VegaRequest): Promise<void> {
  const dark = frameIsDark();
  const release = await drawVega(container, request.spec, request.mode, dark, (href) =>
    send({ type: "link", href }),
  ).catch((error: unknown) => {
    failed(`The ${request.mode === "vega" ? "Vega" : "Vega-Lite"} chart could not be drawn`)(error);
    return null;
  });
  vegaShown = release ? { container, request, dark, release } : null;
  // The scheme may have changed while the chart was being drawn.
  followScheme();
}

/** Draws the chart again when the frame's scheme no longer matches the theme it was drawn in. */
function followScheme(): void {
  const shown = vegaShown;
  if (!shown || shown.dark === frameIsDark()) return;
  vegaShown = null;
  shown.release();
  shown.container.replaceChildren();
  void drawVegaChart(shown.container, shown.request);
}
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", followScheme);

async function render(request: FrameRenderRequest): Promise<void> {
  switch (request.kind) {
    case "document": {
      const bokeh = bokehUseOf(request.markup);
      if (bokeh === "loader") {
        showDocument("");
        showNote(BOKEH_LOADER_NOTE);
        break;
      }
      placeDocument(request.markup);
      drawFrameMath();
      // The output's scripts call the global BokehJS sets, so the build its documents need is loaded first (in this
      // frame: there is no other). Markup whose documents no served build draws stays, its scripts not run.
      if (bokeh === "draws") {
        const choice = chooseBokehBuild(request.markup);
        if (!choice.draw) {
          showNote(choice.reason);
          break;
        }
        if (choice.note !== undefined) showNote(choice.note);
        dropBokehResources(document);
        await loadBokeh(choice, showNote).catch(failed("BokehJS"));
      }
      if (usesRequire(request.markup)) await installRequire(missingModules).catch(failed("requirejs"));
      runDocumentScripts();
      break;
    }
    case "script":
      if (bokehUseOf(request.source) === "loader") {
        showDocument("");
        showNote(BOKEH_LOADER_NOTE);
        break;
      }
      outputElement();
      if (bokehUseOf(request.source) === "draws") {
        const choice = chooseBokehBuild(request.source);
        if (!choice.draw) {
          showNote(choice.reason);
          break;
        }
        if (choice.note !== undefined) showNote(choice.note);
        await loadBokeh(choice, showNote).catch(failed("BokehJS"));
      }
      // requirejs first, so the output finds `require` and `define` as a classic notebook gave them.
      await installRequire(missingModules).catch(failed("JavaScript output"));
      runScript(request.source);
      break;
    case "plotly":
      await drawPlotly(outputElement(), request.figure).then(
        (note) => note !== undefined && showNote(note),
        failed("The plotly figure could not be drawn"),
      );
      break;
    case "vega":
      await drawVegaChart(outputElement(), request);
      break;
    case "widget": {
      const container = outputElement();
      const why = await import("./widget-output.ts")
        .then(({ drawWidget }) => drawWidget(container, request.modelId, request.state))
        .catch(
          (error: unknown) =>
            `the widget manager did not load (${error instanceof Error ? error.message : String(error)})`,
        );
      if (why !== undefined) showWidgetFallback(container, request.fallback, why);
      break;
    }
    case "text": {
      showDocument("");
      if (request.note !== undefined) showNote(request.note);
      const pre = document.createElement("pre");
      pre.textContent = request.text;
      document.body.appendChild(pre);
      break;
    }
  }
}

addEventListener("message", (event: MessageEvent) => {
  // Only the embedding page, only once: a later connect (from the page after this frame navigated, or from
  // anything else) is ignored.
  if (port !== null || event.source !== window.parent) return;
  const data: unknown = event.data;
  if (typeof data !== "object" || data === null || (data as { type?: unknown }).type !== FRAME_CONNECT) return;
  const received = event.ports[0];
  if (!received) return;
  port = received;
  port.onmessage = (message: MessageEvent) => {
    const request = parsePageToFrameMessage(message.data);
    if (request === null) return;
    // The reader's scheme comes before the output and again whenever the reader changes it: the frame's styles
    // follow at once, a Vega chart is drawn again, and Panel's views take the scheme's theme.
    if (request.type === "scheme") {
      setFrameScheme(request.scheme);
      followPanelScheme(frameScheme());
      return followScheme();
    }
    if (rendered) return;
    rendered = true;
    // render() puts the output's document in place before its first await; libraries draw into it afterwards,
    // and the height follows through the observer.
    watch(render(request));
  };
});

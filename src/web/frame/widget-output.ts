// A widget view (application/vnd.jupyter.widget-view+json) drawn live from the notebook's saved widget state by the
// standard HTML widget manager (@jupyter-widgets/html-manager), the one nbconvert's and nbviewer's exports use: the
// ipywidgets 7 and 8 controls, their layouts and the Output widget, each reading its saved values. There is no
// kernel: the manager's comms are inert, so a slider moves and its readout follows, but nothing is computed.
//
// The manager is built into the frame bundle (this module is a chunk of its own, loaded only by a widget output,
// its CSS a file of its own that the frame links from the content origin), rather than served as the package's
// prebuilt dist/embed.js: that file compiles its JSON schemas with ajv (`new Function`) as it loads, which the
// frame's CSP refuses (no 'unsafe-eval'), and it draws only on the window's load event, from script elements,
// with no way to learn which views failed. Here the shell hands over the state and the view it checked, and is told
// why a view could not be drawn so that it shows the static copy instead.
//
// Widget classes from other packages (ipyleaflet, bqplot, ...) would be fetched by the manager's loader from a CDN;
// frames have no network (connect-src 'none', scripts from the content origin only), so no loader is given and
// such a view fails at once, never waiting on a request that cannot be made.
import "./widget-jquery.ts";
import "jquery-ui/ui/version.js";
import "jquery-ui/ui/widget.js";
import "jquery-ui/ui/keycode.js";
import "jquery-ui/ui/widgets/mouse.js";
import "@lumino/widgets/style/index.css";
import "@fortawesome/fontawesome-free/css/all.min.css";
import "@fortawesome/fontawesome-free/css/v4-shims.min.css";
import "@jupyter-widgets/html-manager/css/output.css";
import "./widget-dark.css";
import { HTMLManager } from "@jupyter-widgets/html-manager/lib/htmlmanager.js";
import type { FrameJsonObject } from "../../contract/frame-protocol.ts";

/** How long the manager may take to draw a view before the static copy is shown instead. */
const DRAW_TIMEOUT_MS = 15_000;

class FrameWidgetManager extends HTMLManager {
  /** The widget modules (name and version) the manager was asked for and does not have. */
  readonly unavailable = new Set<string>();

  protected override loadClass(
    className: string,
    moduleName: string,
    moduleVersion: string,
  ): ReturnType<HTMLManager["loadClass"]> {
    return super.loadClass(className, moduleName, moduleVersion).catch((error: unknown) => {
      this.unavailable.add(`${moduleName}@${moduleVersion}`);
      throw error;
    });
  }
}

/**
 * The Image, Audio and Video widgets show their bytes through `URL.createObjectURL`, and a frame loads images and
 * media from data: URLs only (its CSP's img-src and media-src): each object URL made in the frame is kept with its
 * blob, and an image or media element given one gets the same bytes as a data: URL instead, a moment later. The
 * object URL never reaches an element, so the browser never tries it. Nothing is fetched; the bytes are the frame's.
 */
function showObjectUrlsAsData(): void {
  const blobs = new Map<string, Blob>();
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (object: Blob | MediaSource): string => {
    const url = createObjectURL(object);
    if (object instanceof Blob) blobs.set(url, object);
    return url;
  };
  // The last value each element was given, so that a data: URL read late never replaces a newer one.
  const latest = new WeakMap<Element, unknown>();
  for (const prototype of [HTMLImageElement.prototype, HTMLMediaElement.prototype]) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, "src");
    const set = descriptor?.set;
    if (descriptor === undefined || set === undefined) continue;
    Object.defineProperty(prototype, "src", {
      ...descriptor,
      set(this: HTMLImageElement | HTMLMediaElement, value: unknown) {
        latest.set(this, value);
        const blob = typeof value === "string" ? blobs.get(value) : undefined;
        if (blob === undefined) return set.call(this, value);
        const reader = new FileReader();
        reader.addEventListener("load", () => {
          if (latest.get(this) === value && typeof reader.result === "string") set.call(this, reader.result);
        });
        reader.readAsDataURL(blob);
      },
    });
  }
}

showObjectUrlsAsData();

function unavailableModules(manager: FrameWidgetManager): string {
  return `it uses widgets from ${[...manager.unavailable].join(", ")}, which output frames cannot load`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Draws the view of `modelId` into `container` from `state` (version_major, version_minor, and the models the view
 * needs). Resolves to undefined once drawn, or to the reason it could not be drawn, with `container` emptied.
 */
export async function drawWidget(
  container: HTMLElement,
  modelId: string,
  state: FrameJsonObject,
): Promise<string | undefined> {
  const manager = new FrameWidgetManager();
  const drawing = (async (): Promise<string | undefined> => {
    // The manager takes the state as ipywidgets saved it; the shell checked its shape (frame-message-checks.ts).
    await manager.set_state(state as unknown as Parameters<HTMLManager["set_state"]>[0]);
    // A model whose class could not be loaded became the manager's error widget, whose markup carries style
    // attributes that an export page's CSP refuses: the view is not drawn at all, and the reason is given.
    if (manager.unavailable.size > 0) return unavailableModules(manager);
    const model = await manager.get_model(modelId);
    const view = await manager.create_view(model);
    const slot = document.createElement("div");
    slot.className = "widget-subarea";
    container.appendChild(slot);
    await manager.display_view(view, slot);
    return undefined;
  })().catch(describe);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`it was not drawn within ${DRAW_TIMEOUT_MS / 1000} seconds`), DRAW_TIMEOUT_MS);
  });
  let why = await Promise.race([drawing, timeout]);
  clearTimeout(timer);
  if (why === undefined && manager.unavailable.size > 0) why = unavailableModules(manager);
  // A model or view that failed becomes the manager's error widget in place of the control.
  if (why === undefined && container.querySelector(".jupyter-widgets-error-widget") !== null)
    why = "the widget manager could not draw one of its widgets";
  if (why !== undefined) container.replaceChildren();
  return why;
}

// Output frames in the studio page: one `<iframe sandbox="allow-scripts">` per active output, its document from
// the content origin, created when the output comes near the viewport and torn down when it is far away (so very
// long notebooks keep a bounded number of live frames). The page talks to a frame only through the protocol in
// src/render/frame-protocol.ts.
import { FRAME_CONNECT, MIN_FRAME_HEIGHT, parseFrameMessage, type FrameRenderRequest } from "../render/frame-protocol.ts";

/** Frames are created this far before they scroll into view. */
const CREATE_MARGIN = "1500px 0px";
/** And removed once they are this far out of it. */
const DESTROY_MARGIN = "6000px 0px";
/** Link requests a frame may make per second; a frame that floods the page with prompts is ignored. */
const MAX_LINK_REQUESTS_PER_SECOND = 2;

export interface OutputFrameOptions {
  /** The content origin's frame shell, e.g. `http://127.0.0.1:8081/frame/`. */
  shellUrl: string;
  /** What the frame shows. */
  request: FrameRenderRequest;
  /** A label for assistive technology ("Output 3 of cell 5, text/html"). */
  title: string;
  /** A person clicked a link inside the output; the page checks it and asks before opening it. */
  onLink(href: string): void;
}

// The sandbox never gets allow-same-origin (the frame could then reach its origin's storage and drop its own
// sandbox), allow-top-navigation, allow-popups, allow-forms or allow-modals.
const SANDBOX = "allow-scripts";

class OutputFrameSlot {
  readonly element: HTMLElement;
  private frame: HTMLIFrameElement | null = null;
  private port: MessagePort | null = null;
  private height = 0;
  private linkTimes: number[] = [];
  private readonly options: OutputFrameOptions;

  constructor(doc: Document, options: OutputFrameOptions) {
    this.options = options;
    this.element = doc.createElement("div");
    this.element.className = "vt-frame-slot";
  }

  create(): void {
    if (this.frame) return;
    const doc = this.element.ownerDocument;
    const frame = doc.createElement("iframe");
    frame.className = "vt-frame";
    frame.setAttribute("sandbox", SANDBOX);
    frame.referrerPolicy = "no-referrer";
    frame.title = this.options.title;
    if (this.height > 0) frame.style.height = `${this.height}px`;
    let loads = 0;
    frame.addEventListener("load", () => {
      loads += 1;
      // The shell never navigates. A second load means the output navigated its frame (a link it followed
      // itself, a meta refresh): whatever is there now is not the output, so it gets no port and is removed.
      if (loads > 1) return this.navigatedAway();
      this.connect(frame);
    });
    frame.src = this.options.shellUrl;
    this.frame = frame;
    this.element.replaceChildren(frame);
  }

  destroy(): void {
    if (!this.frame) return;
    this.port?.close();
    this.port = null;
    // Keep the space the output took, so the page does not jump when frames come and go around the reader.
    if (this.height > 0) this.element.style.minHeight = `${this.height}px`;
    this.frame.remove();
    this.frame = null;
  }

  private connect(frame: HTMLIFrameElement): void {
    const target = frame.contentWindow;
    if (!target) return;
    const channel = new MessageChannel();
    this.port = channel.port1;
    channel.port1.onmessage = (event) => this.receive(event.data);
    // The frame's origin is opaque, so "*" is the only target that reaches it; the message carries no secret.
    target.postMessage({ type: FRAME_CONNECT }, "*", [channel.port2]);
    channel.port1.postMessage(this.options.request);
  }

  private receive(data: unknown): void {
    const message = parseFrameMessage(data);
    if (!message || !this.frame) return;
    if (message.type === "height") {
      this.height = message.height;
      this.frame.style.height = `${message.height}px`;
      this.element.style.minHeight = "";
      return;
    }
    const now = Date.now();
    this.linkTimes = this.linkTimes.filter((t) => now - t < 1000);
    if (this.linkTimes.length >= MAX_LINK_REQUESTS_PER_SECOND) return;
    this.linkTimes.push(now);
    this.options.onLink(message.href);
  }

  private navigatedAway(): void {
    this.destroy();
    const note = this.element.ownerDocument.createElement("p");
    note.className = "vt-notice";
    note.textContent = "This output tried to load another page into its frame, so it was closed.";
    this.element.style.minHeight = "";
    this.element.replaceChildren(note);
    observers?.near.unobserve(this.element);
    observers?.far.unobserve(this.element);
  }
}

let observers: { near: IntersectionObserver; far: IntersectionObserver } | null = null;
const slots = new WeakMap<Element, OutputFrameSlot>();

function frameObservers(): { near: IntersectionObserver; far: IntersectionObserver } {
  if (observers) return observers;
  const near = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) if (entry.isIntersecting) slots.get(entry.target)?.create();
    },
    { rootMargin: CREATE_MARGIN },
  );
  const far = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) if (!entry.isIntersecting) slots.get(entry.target)?.destroy();
    },
    { rootMargin: DESTROY_MARGIN },
  );
  observers = { near, far };
  return observers;
}

/** The element that holds one output's frame; the frame itself appears when the element nears the viewport. */
export function outputFrameElement(doc: Document, options: OutputFrameOptions): HTMLElement {
  const slot = new OutputFrameSlot(doc, options);
  slot.element.style.minHeight = `${MIN_FRAME_HEIGHT}px`;
  slots.set(slot.element, slot);
  const { near, far } = frameObservers();
  near.observe(slot.element);
  far.observe(slot.element);
  return slot.element;
}

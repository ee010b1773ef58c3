// Output frames in the studio page: one `<iframe sandbox="allow-scripts">` per active output, its document from
// the content origin, created when the output comes near the viewport and torn down when it is far away (so very
// long notebooks keep a bounded number of live frames). The page talks to a frame only through the protocol in
// src/contract/frame-protocol.ts.
import {
  FRAME_CONNECT,
  type FrameConnectMessage,
  type FrameRenderRequest,
  type PageToFrameMessage,
} from "../contract/frame-protocol.ts";
import { clampFrameHeight, parseFrameMessage } from "../render/frame-message-checks.ts";
import { currentTheme, onThemeChange } from "./theme-choice.ts";

/** Frames are created this far before they scroll into view. */
const CREATE_MARGIN = "2500px 0px";
/** And removed once they are this far out of it. */
const DESTROY_MARGIN = "6000px 0px";
/**
 * How long a frame's height must stay the same while the frame is in view before a height below its reservation
 * is believed. Until then the reservation holds: a frame reports its height as soon as its document is in place,
 * before a library has drawn into it (a plotly figure reports 16 px, then 450), and Chromium runs neither animation
 * frames nor resize observers in a cross-origin frame out of view, so a frame below the screen can only say how
 * tall it really is once it is scrolled to. Dropping the space at the first report made the page jump.
 */
const SETTLE_MS = 3000;
/**
 * Link requests a frame may make. Each raises a modal prompt, and the output's own script shares the frame with
 * the shell: it can click its links itself, as often as it likes, and a stream of prompts would keep the page
 * unusable. So a request counts only while the page has a person's transient user activation (a click or key press
 * within the last seconds, in the page or in a frame) and the page's focus is in this frame (a person clicked or
 * tabbed into it: script in a cross-origin frame cannot take the page's focus), one request per such focus; and at
 * most this many per second.
 */
const MAX_LINK_REQUESTS_PER_SECOND = 2;

export interface OutputFrameOptions {
  /** The content origin's frame shell, e.g. `http://127.0.0.1:8081/frame/`. */
  shellUrl: string;
  /**
   * What the frame shows, asked for when the frame is first connected (and kept); a promise when it needs what the
   * page has not started yet (markdown and LaTeX outputs wait for the markdown renderer, web/markdown-module.ts).
   */
  request(): FrameRenderRequest | Promise<FrameRenderRequest>;
  /**
   * Space kept for the output, from its own size hints, until its frame has drawn (px): a smaller height the frame
   * reports does not shrink it until the frame reports at least this much, or has stayed at a smaller height for
   * SETTLE_MS while in view.
   */
  reservedHeight?: number;
  /**
   * The reservation is the output's own declared height (a plotly layout's), which its drawing takes: it never
   * settles below it. A library that loads slowly may report a small height for longer than SETTLE_MS.
   */
  reservedHeightIsExact?: boolean;
  /** A label for assistive technology ("Output 3 of cell 5, text/html"). */
  title: string;
  /** A person clicked a link inside the output; the page checks it and asks before opening it. */
  onLink(href: string): void;
}

// The sandbox never gets allow-same-origin (the frame could then reach its origin's storage and drop its own
// sandbox), allow-top-navigation, allow-popups, allow-forms or allow-modals.
const SANDBOX = "allow-scripts";

/** How long a link request waits for the page's focus to reach the frame, which can come after the request. */
const FOCUS_GRACE_MS = 300;
const FOCUS_POLL_MS = 25;

function userIsActive(doc: Document): boolean {
  const navigator = doc.defaultView?.navigator as (Navigator & { userActivation?: { isActive: boolean } }) | undefined;
  return navigator?.userActivation?.isActive === true;
}

/**
 * The slot's element: a custom element, so that the browser itself says when it leaves the page (its output was
 * replaced or cleared while a cell ran, its cell deleted) and when it comes back (moved). Out of the page, a slot
 * is released: unobserved, its frame and port dropped. An observer that kept watching removed slots would keep
 * every output a long run ever replaced, with its closures.
 */
const SLOT_ELEMENT = "vt-output-frame";

function defineSlotElement(doc: Document): boolean {
  const view = doc.defaultView;
  if (!view?.customElements) return false;
  if (view.customElements.get(SLOT_ELEMENT)) return true;
  view.customElements.define(
    SLOT_ELEMENT,
    class extends view.HTMLElement {
      connectedCallback(): void {
        slots.get(this)?.attached();
      }
      disconnectedCallback(): void {
        slots.get(this)?.detached();
      }
    },
  );
  return true;
}

/** The ports of the frames that are live now, which hear of the reader's next colour scheme. */
const livePorts = new Set<MessagePort>();
onThemeChange((scheme) => {
  for (const port of livePorts) port.postMessage({ type: "scheme", scheme } satisfies PageToFrameMessage);
});

class OutputFrameSlot {
  readonly element: HTMLElement;
  private frame: HTMLIFrameElement | null = null;
  private closed = false;
  private port: MessagePort | null = null;
  private height = 0;
  /**
   * The space kept until the frame has drawn, 0 when nothing is known of the output's size; once a frame has
   * been removed far from the view, the height it had, kept for the frame made again when the reader comes back.
   */
  private reserved: number;
  private drawn = false;
  /** Whether a smaller height is believed after SETTLE_MS in view (see SETTLE_MS), or only the reservation or more. */
  private settles: boolean;
  private visible = false;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private linkTimes: number[] = [];
  private strayWindowStart = 0;
  private strayCount = 0;
  private readonly options: OutputFrameOptions;

  constructor(doc: Document, options: OutputFrameOptions) {
    this.options = options;
    this.reserved = options.reservedHeight ? clampFrameHeight(options.reservedHeight) : 0;
    this.settles = options.reservedHeightIsExact !== true;
    this.element = doc.createElement(defineSlotElement(doc) ? SLOT_ELEMENT : "div");
    // A custom element is inline by default; the slot is a block, as the div it stands for.
    this.element.style.display = "block";
    this.element.className = "vt-frame-slot";
    this.element.tabIndex = -1;
  }

  create(): void {
    if (this.frame) return;
    const doc = this.element.ownerDocument;
    const frame = doc.createElement("iframe");
    frame.className = "vt-frame";
    frame.setAttribute("sandbox", SANDBOX);
    frame.referrerPolicy = "no-referrer";
    frame.title = this.options.title;
    const shown = this.shownHeight();
    if (shown > 0) frame.style.height = `${shown}px`;
    let loads = 0;
    frame.addEventListener("load", () => {
      loads += 1;
      // The shell never navigates nor reopens its document. A second load means the output did (a link it
      // followed itself, a form, document.open): whatever is there now is not the output as reviewed, so it
      // gets no port and is removed.
      if (loads > 1) return this.navigatedAway();
      this.connect(frame);
    });
    frame.src = this.options.shellUrl;
    watchStrayMessages(doc);
    this.frame = frame;
    this.element.replaceChildren(frame);
  }

  /** In the page (again): watched for coming near the viewport. */
  attached(): void {
    if (this.closed) return;
    const { near, far, inView } = frameObservers();
    near.observe(this.element);
    far.observe(this.element);
    inView.observe(this.element);
  }

  /** Out of the page: nothing watches it any more, and its frame (which the browser unloaded) and port go. */
  detached(): void {
    observers?.near.unobserve(this.element);
    observers?.far.unobserve(this.element);
    observers?.inView.unobserve(this.element);
    this.destroy();
  }

  destroy(): void {
    if (!this.frame) return;
    if (this.port) livePorts.delete(this.port);
    this.port?.close();
    this.port = null;
    clearTimeout(this.settleTimer);
    // Keep the space the output took, so the page does not jump when frames come and go around the reader.
    const shown = this.shownHeight();
    if (shown > 0) this.element.style.minHeight = `${shown}px`;
    // The output draws again from nothing in its next frame, whose first reports are again too small; the height
    // it had drawn is what it will take.
    this.reserved = shown;
    if (this.drawn) this.settles = false;
    this.drawn = false;
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
    const connect: FrameConnectMessage = { type: FRAME_CONNECT };
    target.postMessage(connect, "*", [channel.port2]);
    const send = (message: PageToFrameMessage) => channel.port1.postMessage(message);
    // The scheme first, so that the output is drawn in it from the start.
    send({ type: "scheme", scheme: currentTheme() });
    livePorts.add(channel.port1);
    const request = this.options.request();
    if (!(request instanceof Promise)) return send(request);
    // Sent only if this is still the frame's port: a frame destroyed meanwhile has closed it.
    void request.then((ready) => this.port === channel.port1 && send(ready));
  }

  private receive(data: unknown): void {
    const message = parseFrameMessage(data);
    if (!message || !this.frame) return;
    if (message.type === "height" || message.type === "drawn") {
      this.height = message.height;
      // A frame's word that it has drawn only ever moves its own slot, which its height reports can already do.
      if (message.type === "drawn" || this.height >= this.reserved) this.drawn = true;
      this.show();
      this.settleLater();
      return;
    }
    this.requestLink(message.href, Date.now() + FOCUS_GRACE_MS);
  }

  /** The frame's height on the page: what it reported, and not less than its reservation until it has drawn. */
  private shownHeight(): number {
    return this.drawn ? this.height : Math.max(this.height, this.reserved);
  }

  private show(): void {
    if (!this.frame) return;
    this.frame.style.height = `${this.shownHeight()}px`;
    this.element.style.minHeight = "";
  }

  /** The frame came into view or left it. */
  inView(visible: boolean): void {
    this.visible = visible;
    this.settleLater();
  }

  /** Believes a smaller height once it has held for SETTLE_MS in view (see SETTLE_MS). */
  private settleLater(): void {
    clearTimeout(this.settleTimer);
    if (this.drawn || !this.settles || !this.visible || !this.frame || this.height === 0) return;
    this.settleTimer = setTimeout(() => {
      this.drawn = true;
      this.show();
    }, SETTLE_MS);
  }

  private requestLink(href: string, until: number): void {
    const doc = this.element.ownerDocument;
    if (!this.frame || !userIsActive(doc)) return;
    if (doc.activeElement === this.frame) return this.followLink(href);
    // The page may hear of the click before its focus has moved to the frame (the frame runs apart): look again
    // a few times, briefly. The page has no event for that move, as the frame is another origin's document.
    if (Date.now() < until) setTimeout(() => this.requestLink(href, until), FOCUS_POLL_MS);
  }

  private followLink(href: string): void {
    const now = Date.now();
    this.linkTimes = this.linkTimes.filter((t) => now - t < 1000);
    if (this.linkTimes.length >= MAX_LINK_REQUESTS_PER_SECOND) return;
    this.linkTimes.push(now);
    // One person's click, one request: the focus moves out of the frame to its slot (and so the prompt hands it
    // back there, not to the frame), and only a person can put it back into the frame.
    this.element.focus({ preventScroll: true });
    this.options.onLink(href);
  }

  /** A window message from this frame's document: none belongs to the protocol (it speaks only over the port). */
  strayMessage(): void {
    const now = Date.now();
    if (now - this.strayWindowStart > 1000) {
      this.strayWindowStart = now;
      this.strayCount = 0;
    }
    this.strayCount += 1;
    if (this.strayCount > MAX_STRAY_MESSAGES_PER_SECOND)
      this.close("This output flooded the page with messages, so it was closed.");
  }

  private navigatedAway(): void {
    this.close("This output replaced its frame's page, so it was closed.");
  }

  private close(why: string): void {
    this.closed = true;
    this.destroy();
    const note = this.element.ownerDocument.createElement("p");
    note.className = "vt-notice";
    note.textContent = why;
    this.element.style.minHeight = "";
    this.element.replaceChildren(note);
    observers?.near.unobserve(this.element);
    observers?.far.unobserve(this.element);
    observers?.inView.unobserve(this.element);
  }
}

interface FrameObservers {
  near: IntersectionObserver;
  far: IntersectionObserver;
  /** Whether a slot is on screen: only there do frames run the observers that report their drawn height. */
  inView: IntersectionObserver;
}

let observers: FrameObservers | null = null;
const slots = new WeakMap<Element, OutputFrameSlot>();

/**
 * Window messages a frame may send the page in a second before it is closed. The protocol never uses them, yet a
 * few are harmless (some libraries announce their size to their parent); a stream of them, each one copied into
 * the page's thread to be delivered, would make the page slow to answer a person.
 */
const MAX_STRAY_MESSAGES_PER_SECOND = 200;
let strayWatch = false;

function watchStrayMessages(doc: Document): void {
  if (strayWatch || !doc.defaultView) return;
  strayWatch = true;
  doc.defaultView.addEventListener("message", (event) => {
    // Attributed by the window that sent it (never by anything it says), and only read, never acted on.
    for (const frame of doc.querySelectorAll<HTMLIFrameElement>("iframe.vt-frame")) {
      if (frame.contentWindow === event.source && frame.parentElement) slots.get(frame.parentElement)?.strayMessage();
    }
  });
}

function frameObservers(): FrameObservers {
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
  const inView = new IntersectionObserver((entries) => {
    for (const entry of entries) slots.get(entry.target)?.inView(entry.isIntersecting);
  });
  observers = { near, far, inView };
  return observers;
}

/** An iframe's own default height (notebook.css gives .vt-frame the same), kept for an output of unknown size. */
const FRAME_DEFAULT_HEIGHT = 150;

/** The element that holds one output's frame; the frame itself appears when the element nears the viewport. */
export function outputFrameElement(doc: Document, options: OutputFrameOptions): HTMLElement {
  const slot = new OutputFrameSlot(doc, options);
  slot.element.style.minHeight = `${clampFrameHeight(options.reservedHeight ?? FRAME_DEFAULT_HEIGHT)}px`;
  slots.set(slot.element, slot);
  // A slot element is watched from when it is put in the page (attached()); a plain div, where custom elements
  // are missing, from now on, and never released.
  if (slot.element.localName !== SLOT_ELEMENT) slot.attached();
  return slot.element;
}

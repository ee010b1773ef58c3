// The output frame's shell, served by the content origin into `<iframe sandbox="allow-scripts">` (an opaque origin:
// no cookies, no storage, no access to the page). The page hands it a MessagePort once, at load, then the output to
// show. The output's markup is written as the frame's document, as a srcdoc would be, so its scripts run in order
// exactly as in the static export. The shell reports the document's height and passes link clicks to the page,
// which checks them; it never reads anything but the render request from the port.
import { FRAME_CONNECT, parseFrameRenderRequest, type FrameMessage, type FrameRenderRequest } from "../../render/frame-protocol.ts";
import { JAVASCRIPT_OUTPUT_PRELUDE } from "../../render/frame-scripts.ts";
import { FRAME_STYLESHEET } from "../../render/frame-style.ts";

let port: MessagePort | null = null;
let rendered = false;

function send(message: FrameMessage): void {
  port?.postMessage(message);
}

function reportHeight(): void {
  // The root's box, not its scrollHeight: scrollHeight never falls below the frame's current height.
  send({ type: "height", height: Math.ceil(document.documentElement.getBoundingClientRect().height) });
}

function linkOf(target: EventTarget | null): string | null {
  const anchor = target instanceof Element ? target.closest("a") : null;
  if (!anchor) return null;
  return anchor.getAttribute("href") ?? anchor.getAttributeNS("http://www.w3.org/1999/xlink", "href");
}

function onClick(event: MouseEvent): void {
  const href = linkOf(event.target);
  // In-output anchors scroll the frame itself; anything else is the page's to check and, maybe, to open.
  if (href === null || href.startsWith("#")) return;
  event.preventDefault();
  send({ type: "link", href });
}

/** document.open() erases every listener of the document and window, so the shell attaches its own afterwards. */
function watch(): void {
  const observer = new ResizeObserver(reportHeight);
  observer.observe(document.documentElement);
  if (document.body) observer.observe(document.body);
  document.addEventListener("click", onClick, true);
  addEventListener("load", () => requestAnimationFrame(reportHeight));
  requestAnimationFrame(reportHeight);
}

function writeDocument(markup: string): void {
  document.open();
  // The base style goes first, so the output's own head and styles follow and win, as in the export's frames.
  document.write(`<!DOCTYPE html><meta charset="utf-8"><style>${FRAME_STYLESHEET}</style>`);
  document.write(markup);
  document.close();
}

function render(request: FrameRenderRequest): void {
  switch (request.kind) {
    case "document":
      writeDocument(request.markup);
      break;
    case "script": {
      writeDocument('<div id="output"></div>');
      const prelude = document.createElement("script");
      prelude.textContent = JAVASCRIPT_OUTPUT_PRELUDE;
      const script = document.createElement("script");
      script.textContent = request.source;
      document.body.append(prelude, script);
      break;
    }
    case "text": {
      writeDocument("");
      if (request.note !== undefined) {
        const note = document.createElement("p");
        note.className = "vt-frame-note";
        note.textContent = request.note;
        document.body.appendChild(note);
      }
      const pre = document.createElement("pre");
      pre.textContent = request.text;
      document.body.appendChild(pre);
      break;
    }
  }
  watch();
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
    if (rendered) return;
    const request = parseFrameRenderRequest(message.data);
    if (request === null) return;
    rendered = true;
    render(request);
  };
});

// The protocol between a page and its output frames (DESIGN.md, "Two origins"): every message either side may send,
// declared once as a map from message name to payload, one map per direction, as VS Code declares its webview
// messages. The studio page, the frame shell and the export's scripts are all written against these maps.
//
// In the studio, at each load of a frame the page posts one connect message to the frame's window with a
// MessagePort; from then on both sides talk only over that port. The page sends what to show; the frame answers
// with its height and with the links a person clicks. An export file has no page script to hand a port over, so its
// frames speak a frozen subset of the same messages (EXPORT_FRAME_MESSAGES) over window.postMessage.
//
// Everything a frame sends is untrusted (the output's own scripts share the frame with the shell and can post
// anything): the receiving side parses each message (src/render/frame-message-checks.ts), known shapes only,
// bounded sizes, numbers finite, and never evaluates what it receives.

import type { Theme } from "./api-theme.ts";

/** Marks the one window message of the studio's protocol: the page handing the frame its port. */
export const FRAME_CONNECT = "vitrine-frame-connect/1";
export interface FrameConnectMessage {
  type: typeof FRAME_CONNECT;
}

/** Largest height, in CSS pixels, a frame may ask for; taller content scrolls inside the frame. */
export const MAX_FRAME_HEIGHT = 4000;
/** Smallest height a frame is given, so an empty or collapsed output stays visible as a box. */
export const MIN_FRAME_HEIGHT = 16;
/** Longest link a frame may ask the page to follow; longer ones are dropped. */
export const MAX_FRAME_LINK_CHARS = 8192;
/**
 * Bounds on a figure or spec handed to a library: values (objects, arrays and leaves) and nesting. Generous for
 * real charts (a 100,000-point plotly trace is ~200,000 values) yet small enough that checking costs milliseconds
 * and a hostile bundle cannot make the shell walk without end.
 */
export const MAX_FRAME_SPEC_VALUES = 5_000_000;
export const MAX_FRAME_SPEC_DEPTH = 100;

/**
 * Most widget models one widget request may carry: a view's own model and the ones it refers to (ipywidgets' largest
 * real layouts have a few hundred, each widget having two or three).
 */
export const MAX_FRAME_WIDGET_MODELS = 2000;
/** Longest data: URL of a widget view's saved image, the static copy a frame shows when it cannot draw the view. */
export const MAX_FRAME_FALLBACK_IMAGE_CHARS = 20_000_000;

/** A JSON object, as it arrives after structured cloning: plain objects, arrays, strings, finite numbers, booleans, null. */
export type FrameJsonObject = { [key: string]: FrameJson };
export type FrameJson = string | number | boolean | null | FrameJson[] | FrameJsonObject;

/** Which vega-embed mode draws a spec: Vega-Lite specs are compiled to Vega first. */
export type VegaMode = "vega" | "vega-lite";

/** A widget view's static copy, shown by the frame (with the reason) when the widget manager cannot draw the view. */
export interface FrameWidgetFallback {
  /** The bundle's raster image, as a data: URL. */
  image?: string;
  /** The bundle's text/plain. */
  text?: string;
}

/** What the page asks a frame to show. */
export type FrameRenderPayload =
  /** A document of the output's own markup (HTML or SVG), written as the frame's document. */
  | { kind: "document"; markup: string }
  /** A classic `application/javascript` output: run with `element` bound to an output `div`. */
  | { kind: "script"; source: string }
  /** Text shown as preformatted text (JSON, and types whose viewer is not loaded), with an optional note. */
  | { kind: "text"; text: string; note?: string }
  /** A plotly figure (`data`, `layout`, `frames`, `config`), drawn with the served plotly.js. */
  | { kind: "plotly"; figure: FrameJsonObject }
  /** A Vega or Vega-Lite spec, drawn with the served vega-embed in its CSP-safe interpreter mode. */
  | { kind: "vega"; spec: FrameJsonObject; mode: VegaMode }
  /**
   * A widget view drawn live, without a kernel, by the standard HTML widget manager from saved widget state: the
   * state holds `version_major`, `version_minor` and, under `state`, only the models this view needs, by id (each
   * with `model_name`, `model_module`, `model_module_version` and its own `state`).
   */
  | { kind: "widget"; modelId: string; state: FrameJsonObject; fallback: FrameWidgetFallback };

/**
 * The colour scheme a frame draws in: the reader's account choice (api-theme.ts), "system" following the reader's
 * browser. A frame's scheme must be its page's: the browser gives a frame whose scheme differs an opaque background.
 */
export type FrameScheme = Theme;

/** Page to frame, over the port. */
export interface PageToFrameMessages {
  /** Sent once: a frame shows one output and ignores any later request. */
  render: FrameRenderPayload;
  /** Sent before `render`, and again whenever the reader chooses another scheme while the frame is live. */
  scheme: { scheme: FrameScheme };
}

/** Frame to page, over the port; an export's frames send the EXPORT_FRAME_MESSAGES among them over the window. */
export interface FrameToPageMessages {
  /** The height of the frame's document, in CSS pixels. */
  height: { height: number };
  /**
   * The output has drawn (its libraries are done, its images and media have their size), and this is its height:
   * from now on a height below the space the page kept for it is believed.
   */
  drawn: { height: number };
  /** A person clicked a link in the output: the page checks it and asks before opening it. */
  link: { href: string };
}

/** A message on the wire: its name as `type`, beside its payload's fields. */
export type MessageOf<Messages, Name extends keyof Messages = keyof Messages> = Name extends keyof Messages
  ? { type: Name } & Messages[Name]
  : never;

export type PageToFrameMessage = MessageOf<PageToFrameMessages>;
export type FrameToPageMessage = MessageOf<FrameToPageMessages>;
export type FrameRenderRequest = MessageOf<PageToFrameMessages, "render">;
export type FrameSchemeMessage = MessageOf<PageToFrameMessages, "scheme">;

/**
 * The frame-to-page messages of an export, by name. Frozen: every export file carries them in scripts its own CSP
 * allows by hash, so a change here changes every export's bytes and leaves older files speaking the old messages.
 * `link` is not among them: an export file has no URL check to ask.
 */
export const EXPORT_FRAME_MESSAGES = Object.freeze({ height: "height" } as const satisfies {
  [Name in keyof FrameToPageMessages]?: Name;
});
export type ExportFrameMessage = MessageOf<FrameToPageMessages, keyof typeof EXPORT_FRAME_MESSAGES>;

/**
 * The export's library handover. An export file carries each output library once, as an inert block in the page;
 * a frame that draws with one asks the page for it by name (`request`, with `names`), and the page answers that
 * frame alone (`answer`, with `items`: each name's script text, and `name:style` for a stylesheet). The frame runs
 * what it receives as inline scripts and styles, which the page's CSP allows by their hashes only.
 */
export const EXPORT_LIBRARY_MESSAGES = Object.freeze({
  request: "vitrine-libraries-request",
  answer: "vitrine-libraries",
} as const);

// The typed protocol between the studio page and an output frame (DESIGN.md, "Two origins").
//
// At each load of a frame, the page posts one `connect` message to the frame's window with a MessagePort; from
// then on both sides talk only over that port. The page sends what to show; the frame answers with its height and
// with the links a person clicks. Everything a frame sends is untrusted (the output's own scripts share the frame
// with the shell and can post anything), so the page parses each message with `parseFrameMessage`: known shapes
// only, bounded sizes, numbers finite, and nothing it receives is ever evaluated. Links still go through the URL
// check and the prompt, exactly as a link in the page would.

/** Marks the one window message of the protocol: the page handing the frame its port. */
export const FRAME_CONNECT = "vitrine-frame-connect/1";

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

/** A JSON object, as it arrives after structured cloning: plain objects, arrays, strings, finite numbers, booleans, null. */
export type FrameJsonObject = { [key: string]: FrameJson };
export type FrameJson = string | number | boolean | null | FrameJson[] | FrameJsonObject;

/** Which vega-embed mode draws a spec: Vega-Lite specs are compiled to Vega first. */
export type VegaMode = "vega" | "vega-lite";

/** What the page asks a frame to show. */
export type FrameRenderRequest =
  /** A document of the output's own markup (HTML or SVG), written as the frame's document. */
  | { type: "render"; kind: "document"; markup: string }
  /** A classic `application/javascript` output: run with `element` bound to an output `div`. */
  | { type: "render"; kind: "script"; source: string }
  /** Text shown as preformatted text (JSON, and types whose viewer is not loaded), with an optional note. */
  | { type: "render"; kind: "text"; text: string; note?: string }
  /** A plotly figure (`data`, `layout`, `frames`, `config`), drawn with the served plotly.js. */
  | { type: "render"; kind: "plotly"; figure: FrameJsonObject }
  /** A Vega or Vega-Lite spec, drawn with the served vega-embed in its CSP-safe interpreter mode. */
  | { type: "render"; kind: "vega"; spec: FrameJsonObject; mode: VegaMode };

/** What a frame may tell the page. */
export type FrameMessage = { type: "height"; height: number } | { type: "link"; href: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A height a frame may have: whole pixels within [MIN_FRAME_HEIGHT, MAX_FRAME_HEIGHT]. */
export function clampFrameHeight(height: number): number {
  return Math.min(Math.max(Math.round(height), MIN_FRAME_HEIGHT), MAX_FRAME_HEIGHT);
}

/**
 * The frame's message if it is one of the known shapes, else null. Extra properties are ignored, never read.
 * Heights are clamped to [MIN_FRAME_HEIGHT, MAX_FRAME_HEIGHT]; zero (a frame not laid out yet) is refused so it
 * never shrinks a frame to nothing.
 */
export function parseFrameMessage(data: unknown): FrameMessage | null {
  if (!isRecord(data)) return null;
  const type = data.type;
  if (type === "height") {
    const height = data.height;
    if (typeof height !== "number" || !Number.isFinite(height) || height < 1) return null;
    return { type: "height", height: clampFrameHeight(height) };
  }
  if (type === "link") {
    const href = data.href;
    if (typeof href !== "string" || href.length === 0 || href.length > MAX_FRAME_LINK_CHARS) return null;
    return { type: "link", href };
  }
  return null;
}

/**
 * True when `value` is a plain JSON object within the bounds. Walked with an explicit stack (no recursion to
 * overflow); prototypes other than Object's and Array's (a Date, a Map, a typed array) are refused, since a
 * library would treat them differently from the JSON the notebook holds.
 */
export function isBoundedJsonObject(value: unknown): value is FrameJsonObject {
  if (!isRecord(value)) return false;
  // Containers wait on two parallel stacks and scalars are counted where they are found, never stacked: a figure is
  // mostly long arrays of numbers, and a plotly output's request is built while the first screen is drawn.
  const containers: object[] = [value];
  const depths: number[] = [1];
  let seen = 0;
  while (containers.length > 0) {
    const item = containers.pop() as object;
    const depth = depths.pop() as number;
    if (++seen > MAX_FRAME_SPEC_VALUES || depth > MAX_FRAME_SPEC_DEPTH) return false;
    let children: unknown[];
    if (Array.isArray(item)) {
      if (Object.getPrototypeOf(item) !== Array.prototype) return false;
      children = item;
    } else {
      const prototype: unknown = Object.getPrototypeOf(item);
      if (prototype !== Object.prototype && prototype !== null) return false;
      children = Object.values(item);
    }
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child !== null && typeof child === "object") {
        containers.push(child);
        depths.push(depth + 1);
        continue;
      }
      if (++seen > MAX_FRAME_SPEC_VALUES) return false;
      // NaN and Infinity cannot come from a notebook's JSON, and libraries draw them as gaps: no reason to refuse.
      // Anything else (undefined, a hole in an array, a function, a bigint, a symbol) is no JSON.
      if (child !== null && typeof child !== "string" && typeof child !== "boolean" && typeof child !== "number")
        return false;
    }
  }
  return true;
}

/** The render request the shell accepts from the page, or null (the shell shows nothing it does not know). */
export function parseFrameRenderRequest(data: unknown): FrameRenderRequest | null {
  if (!isRecord(data) || data.type !== "render") return null;
  switch (data.kind) {
    case "document":
      return typeof data.markup === "string" ? { type: "render", kind: "document", markup: data.markup } : null;
    case "script":
      return typeof data.source === "string" ? { type: "render", kind: "script", source: data.source } : null;
    case "text": {
      if (typeof data.text !== "string") return null;
      if (data.note !== undefined && typeof data.note !== "string") return null;
      return typeof data.note === "string"
        ? { type: "render", kind: "text", text: data.text, note: data.note }
        : { type: "render", kind: "text", text: data.text };
    }
    case "plotly":
      return isBoundedJsonObject(data.figure) ? { type: "render", kind: "plotly", figure: data.figure } : null;
    case "vega": {
      if (data.mode !== "vega" && data.mode !== "vega-lite") return null;
      return isBoundedJsonObject(data.spec) ? { type: "render", kind: "vega", spec: data.spec, mode: data.mode } : null;
    }
    default:
      return null;
  }
}

// The checks a page and a frame apply to what they receive, against the message maps of the frame protocol
// (src/contract/frame-protocol.ts): known shapes only, extra properties never read, sizes bounded, numbers finite.
import {
  MAX_FRAME_FALLBACK_IMAGE_CHARS,
  MAX_FRAME_HEIGHT,
  MAX_FRAME_LINK_CHARS,
  MAX_FRAME_SPEC_DEPTH,
  MAX_FRAME_SPEC_VALUES,
  MAX_FRAME_WIDGET_MODELS,
  MIN_FRAME_HEIGHT,
  type FrameJsonObject,
  type FrameWidgetFallback,
  type FrameRenderPayload,
  type FrameRenderRequest,
  type FrameToPageMessage,
  type FrameToPageMessages,
  type MessageOf,
  type PageToFrameMessage,
  type PageToFrameMessages,
} from "../contract/frame-protocol.ts";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A height a frame may have: whole pixels within [MIN_FRAME_HEIGHT, MAX_FRAME_HEIGHT]. */
export function clampFrameHeight(height: number): number {
  return Math.min(Math.max(Math.round(height), MIN_FRAME_HEIGHT), MAX_FRAME_HEIGHT);
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

function isSavedWidgetModel(value: unknown): boolean {
  if (!isRecord(value)) return false;
  return (
    typeof value.model_name === "string" &&
    typeof value.model_module === "string" &&
    typeof value.model_module_version === "string" &&
    isRecord(value.state) &&
    (value.buffers === undefined || Array.isArray(value.buffers))
  );
}

/**
 * True when `value` is saved widget state as a widget request carries it: a bounded JSON object with a numeric
 * format version and at most MAX_FRAME_WIDGET_MODELS models, each naming its class and holding its state, one of
 * them `modelId`'s.
 */
export function isFrameWidgetState(value: unknown, modelId: string): value is FrameJsonObject {
  if (!isBoundedJsonObject(value)) return false;
  const { version_major, version_minor, state } = value;
  if (typeof version_major !== "number" || typeof version_minor !== "number" || !isRecord(state)) return false;
  const ids = Object.keys(state);
  if (ids.length > MAX_FRAME_WIDGET_MODELS || !Object.hasOwn(state, modelId)) return false;
  return ids.every((id) => isSavedWidgetModel(state[id]));
}

const FALLBACK_IMAGE = /^data:image\/[a-z0-9+.-]+;base64,[A-Za-z0-9+/=]*$/;

function widgetFallback(value: unknown): FrameWidgetFallback | null {
  if (!isRecord(value)) return null;
  const { image, text } = value;
  if (image !== undefined) {
    // Only an embedded image: the frame has no network, and an image's markup never reaches the frame's document.
    if (typeof image !== "string" || image.length > MAX_FRAME_FALLBACK_IMAGE_CHARS || !FALLBACK_IMAGE.test(image))
      return null;
  }
  if (text !== undefined && typeof text !== "string") return null;
  return { ...(image === undefined ? {} : { image }), ...(text === undefined ? {} : { text }) };
}

/**
 * A check for every message of a map: the payload of a message of that name, built from the fields it reads (so
 * extra properties are never copied), or null. Typed against the map, so a message added to it needs its check.
 */
type PayloadChecks<Messages> = {
  [Name in keyof Messages]: (data: Record<string, unknown>) => Messages[Name] | null;
};

function parseWith<Messages>(checks: PayloadChecks<Messages>, data: unknown): MessageOf<Messages> | null {
  if (!isRecord(data) || typeof data.type !== "string" || !Object.hasOwn(checks, data.type)) return null;
  const name = data.type as keyof Messages;
  const payload = checks[name](data);
  return payload === null ? null : ({ type: name, ...payload } as MessageOf<Messages>);
}

function frameHeight(height: unknown): { height: number } | null {
  return typeof height === "number" && Number.isFinite(height) && height >= 1
    ? { height: clampFrameHeight(height) }
    : null;
}

const FRAME_TO_PAGE: PayloadChecks<FrameToPageMessages> = {
  // Zero (a frame not laid out yet) is refused, so it never shrinks a frame to nothing.
  height: ({ height }) => frameHeight(height),
  drawn: ({ height }) => frameHeight(height),
  link: ({ href }) =>
    typeof href === "string" && href.length > 0 && href.length <= MAX_FRAME_LINK_CHARS ? { href } : null,
};

function renderPayload(data: Record<string, unknown>): FrameRenderPayload | null {
  switch (data.kind) {
    case "document":
      return typeof data.markup === "string" ? { kind: "document", markup: data.markup } : null;
    case "script":
      return typeof data.source === "string" ? { kind: "script", source: data.source } : null;
    case "text": {
      if (typeof data.text !== "string") return null;
      if (data.note !== undefined && typeof data.note !== "string") return null;
      return typeof data.note === "string"
        ? { kind: "text", text: data.text, note: data.note }
        : { kind: "text", text: data.text };
    }
    case "plotly":
      return isBoundedJsonObject(data.figure) ? { kind: "plotly", figure: data.figure } : null;
    case "vega": {
      if (data.mode !== "vega" && data.mode !== "vega-lite") return null;
      return isBoundedJsonObject(data.spec) ? { kind: "vega", spec: data.spec, mode: data.mode } : null;
    }
    case "widget": {
      const { modelId, state } = data;
      if (typeof modelId !== "string" || modelId === "" || !isFrameWidgetState(state, modelId)) return null;
      const fallback = widgetFallback(data.fallback);
      return fallback === null ? null : { kind: "widget", modelId, state, fallback };
    }
    default:
      return null;
  }
}

const PAGE_TO_FRAME: PayloadChecks<PageToFrameMessages> = {
  render: renderPayload,
  // One of the exact names: the frame turns it into an attribute value it chose itself, never into markup.
  scheme: ({ scheme }) => (scheme === "light" || scheme === "dark" || scheme === "system" ? { scheme } : null),
};

/**
 * The frame's message if it is one of the known shapes, else null. Heights are clamped to [MIN_FRAME_HEIGHT,
 * MAX_FRAME_HEIGHT].
 */
export function parseFrameMessage(data: unknown): FrameToPageMessage | null {
  return parseWith(FRAME_TO_PAGE, data);
}

/** A message the shell accepts from the page, or null (the shell acts on nothing it does not know). */
export function parsePageToFrameMessage(data: unknown): PageToFrameMessage | null {
  return parseWith(PAGE_TO_FRAME, data);
}

/** The render request the shell accepts from the page, or null (the shell shows nothing it does not know). */
export function parseFrameRenderRequest(data: unknown): FrameRenderRequest | null {
  const message = parsePageToFrameMessage(data);
  return message?.type === "render" ? message : null;
}

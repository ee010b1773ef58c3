// The part of a notebook's saved widget state (metadata.widgets["application/vnd.jupyter.widget-state+json"]) that
// one widget view needs: its model and every model reachable from it through "IPY_MODEL_<id>" references (children,
// layouts, styles, links) and the widget views nested in Output widgets' outputs. Each output frame gets only that
// part, never the whole state: a notebook's state holds every widget ever displayed, often megabytes, and a hostile
// notebook could otherwise hand every frame all of it. The walk is bounded in models and in characters, so a view
// cannot make the page copy an unbounded amount of state into a frame either.
import { MAX_FRAME_WIDGET_MODELS } from "../contract/frame-protocol.ts";
import { base64ImageDimensions } from "../images/image-dimensions.ts";
import type { JsonObject, JsonValue } from "../notebook/types.ts";
import { WIDGET_STATE_MIME } from "./output-types.ts";

/** Most models one view may need: as many as one frame request may carry. */
export const MAX_WIDGET_VIEW_MODELS = MAX_FRAME_WIDGET_MODELS;
/** Most characters of JSON the models of one view may hold (an Image widget's PNG is the usual large part). */
export const MAX_WIDGET_VIEW_STATE_CHARS = 16_000_000;

const MODEL_REFERENCE = "IPY_MODEL_";
const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** One saved model: its class (module, version, name) and its serialized attributes, as ipywidgets saves it. */
export interface SavedWidgetModel {
  model_name: string;
  model_module: string;
  model_module_version: string;
  state: JsonObject;
  /** Binary attributes saved beside the state (base64 or hex), put back by the widget manager. */
  buffers?: JsonValue[];
}

/** The widget state handed to a frame: the notebook's state format version and the models of one view. */
export interface WidgetViewState {
  version_major: number;
  version_minor: number;
  state: Record<string, SavedWidgetModel>;
}

export type WidgetViewProblemCode =
  "widget_view_invalid" | "widget_state_invalid" | "widget_model_missing" | "widget_state_too_large";

/** Why a view cannot be drawn from the saved state, for the reader: a stable code and a sentence. */
export interface WidgetViewProblem {
  ok: false;
  code: WidgetViewProblemCode;
  message: string;
}

export type WidgetViewStateResult = { ok: true; modelId: string; state: WidgetViewState } | WidgetViewProblem;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The notebook's saved widget state, when its metadata has one (the object; not checked further here). */
export function notebookWidgetState(metadata: JsonObject): JsonObject | undefined {
  const widgets = metadata["widgets"];
  if (!isObject(widgets)) return undefined;
  const state = widgets[WIDGET_STATE_MIME];
  return isObject(state) ? state : undefined;
}

function savedModel(value: JsonValue | undefined): SavedWidgetModel | undefined {
  if (!isObject(value)) return undefined;
  const { model_name, model_module, model_module_version, state, buffers } = value;
  if (typeof model_name !== "string" || typeof model_module !== "string") return undefined;
  if (typeof model_module_version !== "string" || !isObject(state)) return undefined;
  if (buffers !== undefined && !Array.isArray(buffers)) return undefined;
  return {
    model_name,
    model_module,
    model_module_version,
    state,
    ...(buffers === undefined ? {} : { buffers }),
  };
}

/**
 * The model ids a model's state refers to: every string "IPY_MODEL_<id>" anywhere in it, and the model of every
 * widget view in it (an Output widget keeps its outputs' bundles, whose views name their model without the prefix).
 * Walked with an explicit stack; the state is a notebook's parsed JSON, so it has no cycles.
 */
export function modelReferences(state: JsonValue): string[] {
  const found: string[] = [];
  const stack: JsonValue[] = [state];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (typeof value === "string") {
      if (value.startsWith(MODEL_REFERENCE) && value.length > MODEL_REFERENCE.length)
        found.push(value.slice(MODEL_REFERENCE.length));
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (isObject(value)) {
      const view = value[WIDGET_VIEW_MIME];
      if (isObject(view) && typeof view["model_id"] === "string") found.push(view["model_id"]);
      for (const item of Object.values(value)) stack.push(item);
    }
  }
  return found;
}

/**
 * A saved model's size in characters of JSON and the models it refers to, worked out once per model of a notebook:
 * views share models (a layout, an Image widget's picture), and a notebook with many views must not make the page
 * measure the same large model once for each of them. Keyed by the parsed model object, which nothing changes in
 * place (an edited notebook is a new parse).
 */
interface ModelFacts {
  model: SavedWidgetModel;
  chars: number;
  references: string[];
}
const factsOf = new WeakMap<JsonObject, ModelFacts>();

function modelFacts(value: JsonValue | undefined): ModelFacts | undefined {
  if (!isObject(value)) return undefined;
  const known = factsOf.get(value);
  if (known) return known;
  const model = savedModel(value);
  if (model === undefined) return undefined;
  const facts = { model, chars: JSON.stringify(model).length, references: modelReferences(model.state) };
  factsOf.set(value, facts);
  return facts;
}

function problem(code: WidgetViewProblemCode, message: string): WidgetViewProblem {
  return { ok: false, code, message };
}

/**
 * The state one widget view (the value of its application/vnd.jupyter.widget-view+json) needs, out of the
 * notebook's saved state; or why it cannot be drawn from it.
 */
export function widgetStateForView(notebookState: JsonObject, view: JsonValue | undefined): WidgetViewStateResult {
  const modelId = isObject(view) ? view["model_id"] : undefined;
  if (typeof modelId !== "string" || modelId === "")
    return problem("widget_view_invalid", "the widget view names no model");
  const { version_major, version_minor, state } = notebookState;
  if (typeof version_major !== "number" || typeof version_minor !== "number" || !isObject(state))
    return problem("widget_state_invalid", "the notebook's saved widget state has no version or no models");
  // A Map, not an object: a model id is the notebook's text, and "__proto__" is a key like any other.
  const models = new Map<string, SavedWidgetModel>();
  const queue = [modelId];
  let count = 0;
  let chars = 0;
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (models.has(id)) continue;
    const facts = Object.hasOwn(state, id) ? modelFacts(state[id]) : undefined;
    if (facts === undefined)
      return problem(
        "widget_model_missing",
        id === modelId
          ? `its widget model ${id} is not in the notebook's saved widget state`
          : `widget model ${id}, which it uses, is not in the notebook's saved widget state`,
      );
    if (++count > MAX_WIDGET_VIEW_MODELS)
      return problem("widget_state_too_large", `it uses more than ${MAX_WIDGET_VIEW_MODELS} widget models`);
    chars += facts.chars;
    if (chars > MAX_WIDGET_VIEW_STATE_CHARS)
      return problem(
        "widget_state_too_large",
        `its widget state is larger than ${MAX_WIDGET_VIEW_STATE_CHARS / 1_000_000} million characters`,
      );
    models.set(id, facts.model);
    for (const reference of facts.references) if (!models.has(reference)) queue.push(reference);
  }
  return { ok: true, modelId, state: { version_major, version_minor, state: Object.fromEntries(models) } };
}

/** The height of one row of controls: ipywidgets' inline height (28 px) and its margins (2 px each side). */
const CONTROL_ROW_HEIGHT = 32;
/** The frame document's padding above and below its content (the frame stylesheet's body padding). */
const FRAME_PADDING = 8;
/** Rows a Select, SelectMultiple or Textarea shows when the notebook sets none. */
const DEFAULT_LIST_ROWS = 5;
/** Height of one line of a list. */
const LIST_ROW_HEIGHT = 18;
/** Height of one radio button with its label. */
const RADIO_ROW_HEIGHT = 32;
/** A textarea that sets no rows. */
const TEXTAREA_HEIGHT = 45;
/** A vertical slider: ipywidgets' vertical height (200 px) and margins. */
const VERTICAL_SLIDER_HEIGHT = 204;
/** A tab bar; a tab's content has padding around it. */
const TAB_BAR_HEIGHT = 36;
const TAB_PADDING = 40;
/** An accordion's title, with its margins. */
const ACCORDION_TITLE_HEIGHT = 46;

function pixels(value: JsonValue | undefined): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)px\s*$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

function referenced(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" && value.startsWith(MODEL_REFERENCE)
    ? value.slice(MODEL_REFERENCE.length)
    : undefined;
}

/**
 * An Image widget's height: its picture's (read from the saved bytes' header), scaled to its `width` attribute when
 * it sets one (the frame's style sizes images by their width, so a `height` attribute gives way), else its `height`
 * attribute in pixels.
 */
function imageHeight(model: SavedWidgetModel): number | undefined {
  const attributes = model.state;
  const number = (value: JsonValue | undefined) =>
    typeof value === "string" && /^\d+$/.test(value) ? Number(value) : undefined;
  const buffer = (model.buffers ?? []).find(
    (item) => isObject(item) && Array.isArray(item["path"]) && item["path"][0] === "value",
  );
  const data = isObject(buffer) && buffer["encoding"] === "base64" ? buffer["data"] : undefined;
  const size = typeof data === "string" ? base64ImageDimensions(data) : null;
  const width = number(attributes["width"]);
  if (size && size.width > 0)
    return Math.ceil(width === undefined ? size.height : (size.height * width) / size.width) + 4;
  const height = number(attributes["height"]);
  return height === undefined ? undefined : height + 4;
}

/**
 * How tall a widget view will be once drawn, guessed from its models before its frame exists (px, with the frame's
 * padding): a row of controls for a control, rows for lists, boxes stacked or side by side, a tab bar or titles
 * above the shown child, and a layout's own height in pixels where it sets one. The output frame keeps this space
 * until the view has drawn, so the page does not jump as the widgets appear. A guess: a view it misjudges settles
 * to its real height once drawn.
 */
export function widgetViewHeight(state: WidgetViewState, modelId: string): number {
  const seen = new Set<string>();
  const heightOf = (id: string | undefined, depth: number): number => {
    if (id === undefined || seen.has(id) || depth > 20) return 0;
    seen.add(id);
    const model = Object.hasOwn(state.state, id) ? state.state[id] : undefined;
    if (model === undefined) return 0;
    const attributes = model.state;
    const layout = referenced(attributes["layout"]);
    const layoutModel = layout !== undefined && Object.hasOwn(state.state, layout) ? state.state[layout] : undefined;
    const declared = pixels(layoutModel?.state["height"]);
    if (declared !== undefined) return declared;
    const children = Array.isArray(attributes["children"])
      ? attributes["children"].map((child) => referenced(child))
      : [];
    const selected = typeof attributes["selected_index"] === "number" ? attributes["selected_index"] : undefined;
    const rows = typeof attributes["rows"] === "number" ? attributes["rows"] : DEFAULT_LIST_ROWS;
    const options = Array.isArray(attributes["_options_labels"]) ? attributes["_options_labels"].length : 0;
    if (attributes["orientation"] === "vertical") return VERTICAL_SLIDER_HEIGHT;
    switch (model.model_name) {
      case "LayoutModel":
      case "DescriptionStyleModel":
      case "SliderStyleModel":
      case "ButtonStyleModel":
      case "ProgressStyleModel":
      case "ToggleButtonsStyleModel":
      case "LinkModel":
      case "DirectionalLinkModel":
        return 0;
      case "VBoxModel":
        return children.reduce((sum, child) => sum + heightOf(child, depth + 1), 0);
      case "HBoxModel":
      case "BoxModel":
      case "GridBoxModel":
        return Math.max(0, ...children.map((child) => heightOf(child, depth + 1)));
      case "TabModel":
        return TAB_BAR_HEIGHT + heightOf(children[selected ?? 0], depth + 1) + TAB_PADDING;
      case "AccordionModel":
        return (
          children.length * ACCORDION_TITLE_HEIGHT +
          (selected === undefined ? 0 : heightOf(children[selected], depth + 1) + CONTROL_ROW_HEIGHT)
        );
      case "TextareaModel":
        return typeof attributes["rows"] === "number" ? rows * LIST_ROW_HEIGHT + 8 : TEXTAREA_HEIGHT;
      case "SelectModel":
      case "SelectMultipleModel":
        return Math.max(CONTROL_ROW_HEIGHT, rows * LIST_ROW_HEIGHT + 8);
      case "RadioButtonsModel":
        return Math.max(CONTROL_ROW_HEIGHT, options * RADIO_ROW_HEIGHT);
      case "ImageModel":
        return imageHeight(model) ?? CONTROL_ROW_HEIGHT;
      default:
        return CONTROL_ROW_HEIGHT;
    }
  };
  return Math.max(heightOf(modelId, 0), CONTROL_ROW_HEIGHT) + FRAME_PADDING;
}

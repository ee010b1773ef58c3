// The part of a notebook's saved widget state (metadata.widgets["application/vnd.jupyter.widget-state+json"]) that
// one widget view needs: its model and every model reachable from it through "IPY_MODEL_<id>" references (children,
// layouts, styles, links) and the widget views nested in Output widgets' outputs. Each output frame gets only that
// part, never the whole state: a notebook's state holds every widget ever displayed, often megabytes, and a hostile
// notebook could otherwise hand every frame all of it. The walk is bounded in models and in characters, so a view
// cannot make the page copy an unbounded amount of state into a frame either.
import { MAX_FRAME_WIDGET_MODELS } from "../contract/frame-protocol.ts";
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

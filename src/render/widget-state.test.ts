import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { JsonObject } from "../notebook/types.ts";
import {
  MAX_WIDGET_VIEW_MODELS,
  MAX_WIDGET_VIEW_STATE_CHARS,
  modelReferences,
  notebookWidgetState,
  widgetStateForView,
  widgetViewHeight,
} from "./widget-state.ts";

const CORPUS = new URL("../../../shared/corpus/notebooks/", import.meta.url).pathname;

function model(name: string, state: JsonObject = {}): JsonObject {
  return {
    model_name: name,
    model_module: "@jupyter-widgets/controls",
    model_module_version: "1.5.0",
    state: { _model_name: name, ...state },
  };
}

function saved(state: JsonObject): JsonObject {
  return { version_major: 2, version_minor: 0, state };
}

test("references are found in children, layouts, links and the views nested in Output widgets", () => {
  assert.deepEqual(
    modelReferences({
      layout: "IPY_MODEL_l",
      children: ["IPY_MODEL_a", "IPY_MODEL_b"],
      source: ["IPY_MODEL_s", "value"],
      outputs: [{ data: { "application/vnd.jupyter.widget-view+json": { model_id: "nested" } } }],
      text: "not IPY_MODEL_x, which does not start the string",
      bare: "IPY_MODEL_",
    }).sort(),
    ["a", "b", "l", "nested", "s"],
  );
});

test("a view gets its model and everything reachable from it, and nothing else", () => {
  const state = saved({
    box: model("HBoxModel", { children: ["IPY_MODEL_slider", "IPY_MODEL_label"], layout: "IPY_MODEL_boxLayout" }),
    boxLayout: model("LayoutModel"),
    slider: model("IntSliderModel", { value: 7, layout: "IPY_MODEL_sliderLayout", style: "IPY_MODEL_style" }),
    sliderLayout: model("LayoutModel"),
    style: model("SliderStyleModel"),
    label: model("LabelModel", { value: "x" }),
    other: model("TextModel", { value: "another output's" }),
  });
  const result = widgetStateForView(state, { model_id: "box", version_major: 2, version_minor: 0 });
  assert.ok(result.ok);
  assert.equal(result.modelId, "box");
  assert.equal(result.state.version_major, 2);
  assert.deepEqual(Object.keys(result.state.state).sort(), [
    "box",
    "boxLayout",
    "label",
    "slider",
    "sliderLayout",
    "style",
  ]);
});

test("cycles are walked once, and a model id is data, whatever it spells", () => {
  const state = saved({
    ["__proto__"]: model("VBoxModel", { children: ["IPY_MODEL_b"] }),
    b: model("VBoxModel", { children: ["IPY_MODEL___proto__"] }),
  });
  const parsed = JSON.parse(JSON.stringify(state)) as JsonObject;
  const result = widgetStateForView(parsed, { model_id: "__proto__" });
  assert.ok(result.ok);
  assert.deepEqual(Object.keys(result.state.state).sort(), ["__proto__", "b"]);
  assert.equal(Object.getPrototypeOf(result.state.state), Object.prototype);
});

test("a missing model, a view with no model id, or state without models say why", () => {
  const state = saved({ box: model("VBoxModel", { children: ["IPY_MODEL_gone"] }) });
  assert.deepEqual(widgetStateForView(state, { model_id: "nope" }), {
    ok: false,
    code: "widget_model_missing",
    message: "its widget model nope is not in the notebook's saved widget state",
  });
  const child = widgetStateForView(state, { model_id: "box" });
  assert.equal(child.ok, false);
  assert.equal(!child.ok && child.code, "widget_model_missing");
  assert.match(!child.ok ? child.message : "", /gone, which it uses/);
  for (const view of [undefined, "box", { model_id: 3 }, { model_id: "" }])
    assert.equal(widgetStateForView(state, view as never).ok, false);
  assert.equal(widgetStateForView({ state: {} }, { model_id: "box" }).ok, false);
  // A saved model without its class is no model.
  const classless = widgetStateForView(saved({ box: { state: {} } }), { model_id: "box" });
  assert.equal(!classless.ok && classless.code, "widget_model_missing");
});

test("a view is bounded in models and in characters", () => {
  const chain: JsonObject = {};
  for (let i = 0; i <= MAX_WIDGET_VIEW_MODELS; i++)
    chain[`m${i}`] = model("VBoxModel", { children: i < MAX_WIDGET_VIEW_MODELS ? [`IPY_MODEL_m${i + 1}`] : [] });
  const many = widgetStateForView(saved(chain), { model_id: "m0" });
  assert.equal(!many.ok && many.code, "widget_state_too_large");
  // A fresh notebook's state (a notebook is parsed anew, never changed in place) with one model fewer.
  const fewer = JSON.parse(JSON.stringify(chain)) as JsonObject;
  delete fewer[`m${MAX_WIDGET_VIEW_MODELS}`];
  (fewer[`m${MAX_WIDGET_VIEW_MODELS - 1}`] as { state: JsonObject }).state.children = [];
  assert.equal(widgetStateForView(saved(fewer), { model_id: "m0" }).ok, true, "exactly the limit is drawn");

  const big = "x".repeat(MAX_WIDGET_VIEW_STATE_CHARS / 2);
  const large = saved({
    a: model("HBoxModel", { children: ["IPY_MODEL_b", "IPY_MODEL_c"] }),
    b: model("HTMLModel", { value: big }),
    c: model("HTMLModel", { value: big }),
  });
  const refused = widgetStateForView(large, { model_id: "a" });
  assert.equal(!refused.ok && refused.code, "widget_state_too_large");
  assert.equal(widgetStateForView(large, { model_id: "b" }).ok, true);
});

test("Widget_List's views each get their own small part of the notebook's 187 models", () => {
  const notebook = JSON.parse(readFileSync(`${CORPUS}nbconvert__Widget_List.ipynb`, "utf8")) as {
    metadata: JsonObject;
    cells: { outputs?: { data?: JsonObject }[] }[];
  };
  const state = notebookWidgetState(notebook.metadata);
  assert.ok(state);
  const sizes: number[] = [];
  for (const cell of notebook.cells)
    for (const output of cell.outputs ?? []) {
      const view = output.data?.["application/vnd.jupyter.widget-view+json"];
      if (view === undefined) continue;
      const result = widgetStateForView(state, view);
      assert.ok(result.ok, JSON.stringify(view));
      sizes.push(Object.keys(result.state.state).length);
    }
  assert.equal(sizes.length, 41);
  // A slider is its model, its layout and its style; the nested tabs and accordions hold a few dozen.
  assert.equal(sizes[0], 3);
  assert.ok(Math.max(...sizes) < 60, `largest view: ${Math.max(...sizes)} models`);
  assert.equal(notebookWidgetState({}), undefined);
  assert.equal(notebookWidgetState({ widgets: { "application/vnd.jupyter.widget-state+json": [] } }), undefined);
});

test("a view's height is guessed from its models before it is drawn: rows, boxes, tabs and a layout's own height", () => {
  const state = saved({
    slider: model("IntSliderModel", { layout: "IPY_MODEL_plain" }),
    plain: { ...model("LayoutModel"), model_module: "@jupyter-widgets/base" },
    tall: { ...model("LayoutModel", { height: "250px" }), model_module: "@jupyter-widgets/base" },
    vertical: model("FloatSliderModel", { orientation: "vertical" }),
    column: model("VBoxModel", { children: ["IPY_MODEL_slider", "IPY_MODEL_vertical"] }),
    row: model("HBoxModel", { children: ["IPY_MODEL_slider", "IPY_MODEL_vertical"] }),
    sized: model("OutputModel", { layout: "IPY_MODEL_tall" }),
    tabs: model("TabModel", { children: ["IPY_MODEL_slider", "IPY_MODEL_column"], selected_index: 1 }),
    loop: model("VBoxModel", { children: ["IPY_MODEL_loop", "IPY_MODEL_slider"] }),
    radio: model("RadioButtonsModel", { _options_labels: ["a", "b", "c"] }),
  });
  const height = (id: string) => {
    const result = widgetStateForView(state, { model_id: id });
    assert.ok(result.ok, id);
    return widgetViewHeight(result.state, id);
  };
  // One row of controls (28 px and margins) in the frame's padding.
  assert.equal(height("slider"), 40);
  assert.equal(height("vertical"), 212);
  assert.equal(height("column"), 32 + 204 + 8);
  assert.equal(height("row"), 204 + 8);
  assert.equal(height("sized"), 258);
  assert.equal(height("tabs"), 36 + 236 + 40 + 8);
  assert.equal(height("loop"), 40, "a box that holds itself is counted once");
  assert.equal(height("radio"), 3 * 32 + 8);
});

// What a frame does to a Bokeh output's documents and render items on their way into BokehJS's embedding
// functions, in the studio's frames and the export's alike (the export writes these functions' own text into its
// frames, so they use nothing but each other, the language and the DOM):
// - documents written by bokeh 0.11 are rewritten to the form BokehJS 0.12.0 (the build that draws them) reads. They
//   differ in two ways that stop 0.12 from drawing them: a plot lists its tools itself (0.12 puts them in a Toolbar
//   model) and its title is a string (0.12 has a Title model); and 0.11's PreviewSaveTool is 0.12's SaveTool;
// - the elements a script's render items name are made when the frame lacks them;
// - fixed-width plots wider than the frame are fitted to it;
// - BokehJS's warning that a document's version is not its own is passed on to the reader.

interface Reference {
  id: string;
  type: string;
  attributes?: Record<string, unknown>;
}

export interface BokehDocument {
  version?: unknown;
  /** Bokeh 3: the root models; before: `{ references, root_ids }`. */
  roots?: unknown;
}

export function isBokehReference(value: unknown): value is Reference {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Reference).id === "string" &&
    typeof (value as Reference).type === "string"
  );
}

/** Rewrites a bokeh 0.11 document, in place, to the form BokehJS 0.12 reads; any other document is left alone. */
export function upgradeBokehDocument(doc: BokehDocument): void {
  if (typeof doc !== "object" || doc === null || !/^0\.11[.a-z0-9]*$/.test(String(doc.version))) return;
  const references = (doc.roots as { references?: unknown } | undefined)?.references;
  if (!Array.isArray(references)) return;
  const added: Reference[] = [];
  for (const reference of references) {
    if (!isBokehReference(reference)) continue;
    if (reference.type === "PreviewSaveTool") reference.type = "SaveTool";
    if (reference.type !== "Plot" || typeof reference.attributes !== "object" || reference.attributes === null)
      continue;
    const attributes = reference.attributes;
    if (Array.isArray(attributes.tools)) {
      const toolbar = { id: `${reference.id}-toolbar`, type: "Toolbar", attributes: { tools: attributes.tools } };
      added.push(toolbar);
      delete attributes.tools;
      attributes.toolbar = { id: toolbar.id, type: toolbar.type };
    }
    if (typeof attributes.title === "string") {
      const title = { id: `${reference.id}-title`, type: "Title", attributes: { text: attributes.title } };
      added.push(title);
      attributes.title = { id: title.id, type: title.type };
    }
  }
  references.push(...added);
}

/**
 * BokehJS 0.12 scopes its stylesheet under `.bk-root`, which bokeh 0.12's own markup wraps each plot in; bokeh
 * 0.11's markup has no such element, so without it the toolbar loses its place and falls under the plot as a column
 * of words. Each render item's element (`elementid`) that is not inside a `.bk-root` is wrapped in one (BokehJS
 * replaces the element itself with the plot).
 */
export function markBokehRoots(items: unknown, doc: Document): void {
  for (const item of Array.isArray(items) ? items : []) {
    const id = typeof item === "object" && item !== null ? (item as { elementid?: unknown }).elementid : undefined;
    const element = typeof id === "string" ? doc.getElementById(id) : null;
    if (!element?.parentNode || element.closest(".bk-root")) continue;
    const root = doc.createElement("div");
    root.className = "bk-root";
    element.parentNode.insertBefore(root, element);
    root.appendChild(element);
  }
}

/**
 * The elements a render item draws into that the frame lacks, made at the end of `container`. Bokeh 2 and 3 put a
 * plot's `<div>` in one output (text/html) and the script that draws into it in the next (application/javascript,
 * beside `application/vnd.bokehjs_exec.v0+json`); a notebook page had both in one document, each Vitrine output is
 * a frame of its own, so the script's frame makes the element it names, as bokeh's markup makes it.
 */
export function addBokehTargets(items: unknown, doc: Document, container: Element, major: number): void {
  for (const item of Array.isArray(items) ? items : []) {
    if (typeof item !== "object" || item === null) continue;
    const { elementid, roots } = item as { elementid?: unknown; roots?: unknown };
    const ids = [elementid, ...(typeof roots === "object" && roots !== null ? Object.values(roots) : [])];
    for (const id of ids) {
      if (typeof id !== "string" || doc.getElementById(id)) continue;
      const target = doc.createElement("div");
      target.id = id;
      // BokehJS before 3 scopes its stylesheet under `.bk-root`, which bokeh's own <div> carries.
      if (major < 3) target.className = "bk-root";
      container.appendChild(target);
    }
  }
}

/**
 * Fits a document's fixed-width root plots (`width`, or `plot_width` before bokeh 3, or BokehJS's default 600) to
 * the frame with bokeh's own `sizing_mode: "scale_width"`: BokehJS lays the plot out at the frame's width, keeping
 * its aspect ratio, and its pointer tools keep working in its own coordinates (a CSS transform would move the plot
 * under the pointer and leave BokehJS's hit testing where it was). Layouts and plots sized otherwise are left alone.
 */
export function fitBokehDocument(doc: BokehDocument, width: number, major: number): void {
  if (typeof doc !== "object" || doc === null) return;
  const roots = doc.roots;
  let models: unknown[] = [];
  // Bokeh 3 lists the root models themselves; earlier versions list references and the ids of the roots.
  if (Array.isArray(roots)) models = roots;
  else if (typeof roots === "object" && roots !== null) {
    const { references, root_ids: ids } = roots as { references?: unknown; root_ids?: unknown };
    if (Array.isArray(references) && Array.isArray(ids))
      models = references.filter(
        (reference) => isBokehReference(reference) && ids.includes((reference as { id: string }).id),
      );
  }
  for (const model of models) {
    if (typeof model !== "object" || model === null) continue;
    const { type, name } = model as { type?: unknown; name?: unknown };
    if (!/^(?:Plot|Figure|GMapPlot|GMap|figure)$/.test(String(typeof name === "string" ? name : type))) continue;
    const holder = model as { attributes?: Record<string, unknown> };
    if (typeof holder.attributes !== "object" || holder.attributes === null) holder.attributes = {};
    const attributes = holder.attributes;
    const own = attributes.width ?? attributes.plot_width ?? 600;
    const fixed =
      attributes.sizing_mode === undefined || attributes.sizing_mode === null || attributes.sizing_mode === "fixed";
    if (typeof own !== "number" || !fixed || attributes.frame_width != null) continue;
    // BokehJS 2 and 3 cap a scaled plot at `max_width`, so every plot scales, never beyond its own width, and keeps
    // fitting when the frame narrows later (a phone turned, a window made smaller). 0.12 has no such cap: its plots
    // scale only when drawn in a frame narrower than they are.
    if (major >= 2 && attributes.max_width == null) {
      attributes.sizing_mode = "scale_width";
      attributes.max_width = own;
    } else if (own > width) attributes.sizing_mode = "scale_width";
  }
}

/**
 * Everything the frame does to an embedding call before BokehJS sees it: the 0.11 upgrade and `.bk-root` wrapping
 * for the 0.12 build (`major` 0), the elements a script's render items name, and the fit to the frame's width.
 */
export function prepareBokehEmbed(docs: unknown, items: unknown, major: number, doc: Document): void {
  const documents =
    typeof docs === "object" && docs !== null ? Object.values(docs as Record<string, BokehDocument>) : [];
  const output = doc.getElementById("output") ?? doc.body;
  addBokehTargets(items, doc, output, major);
  for (const bokehDoc of documents) {
    if (major === 0) upgradeBokehDocument(bokehDoc);
    fitBokehDocument(bokehDoc, doc.documentElement.clientWidth, major);
  }
  if (major === 0) markBokehRoots(items, doc);
}

/**
 * Puts the frame's preparation in front of the embedding entry points of the BokehJS loaded in `scope` (the frame's
 * window): `embed_items`, which standalone and 0.x notebook outputs call, and `embed_items_notebook`, which bokeh 2
 * and 3 notebook outputs call. Their bundles export both as getters that cannot be replaced, so the global `Bokeh`
 * becomes an object that inherits everything from BokehJS's own but `embed`, which inherits everything but these.
 */
export function wrapBokehEmbed(scope: Record<string, unknown>, major: number, doc: Document): void {
  wrapEmbedEntries(scope, (docs, items) => prepareBokehEmbed(docs, items, major, doc));
}

/**
 * The one way the frame changes BokehJS: `scope.Bokeh` becomes an object that inherits everything from the one
 * loaded (with `extra` properties of its own), whose `embed` runs `before` with the documents and render items
 * ahead of `embed_items` and `embed_items_notebook`. Wrapping again (Panel's change over Bokeh's) stacks. Answers
 * the new `Bokeh`, or undefined when no BokehJS is loaded.
 */
export function wrapEmbedEntries(
  scope: Record<string, unknown>,
  before: (docs: unknown, items: unknown) => void,
  extra: PropertyDescriptorMap = {},
): unknown {
  const bokeh = scope.Bokeh;
  const embed = (bokeh as { embed?: Record<string, unknown> } | undefined)?.embed;
  if (typeof bokeh !== "object" || bokeh === null || typeof embed !== "object" || embed === null) return undefined;
  const wrapped: PropertyDescriptorMap = {};
  for (const name of ["embed_items", "embed_items_notebook"]) {
    const original = embed[name];
    if (typeof original !== "function") continue;
    const value = (docs: unknown, items: unknown, ...rest: unknown[]) => {
      before(docs, items);
      return (original as (...args: unknown[]) => unknown).call(embed, docs, items, ...rest);
    };
    wrapped[name] = { value, enumerable: true };
  }
  const made: unknown = Object.create(bokeh, {
    embed: { value: Object.create(embed, wrapped), enumerable: true },
    ...extra,
  });
  scope.Bokeh = made;
  return made;
}

/**
 * Calls `onWarning` once if BokehJS warns, through the console, that a document's version is not its own (bokeh 2
 * and 3 do; the warning goes to the console as before). BokehJS's logger may keep the console's function from when
 * it loads, so this goes in before it.
 */
export function watchBokehVersionWarning(console: Console, onWarning: () => void): void {
  const warn = console.warn;
  let warned = false;
  console.warn = (...args: unknown[]) => {
    if (!warned && /version mismatch/i.test(args.map(String).join(" "))) {
      warned = true;
      onWarning();
    }
    warn.apply(console, args);
  };
}

// Documents written by bokeh 0.11, rewritten to the form BokehJS 0.12.0 (the served build) reads. They differ in
// two ways that stop 0.12 from drawing them: a plot lists its tools itself (0.12 puts them in a Toolbar model) and
// its title is a string (0.12 has a Title model); and 0.11's PreviewSaveTool is 0.12's SaveTool. The studio's frame
// and the export's frames both apply it as documents are handed to `Bokeh.embed.embed_items`; the export writes
// these two functions' own text into its frames, so they use nothing but each other and the language.

interface Reference {
  id: string;
  type: string;
  attributes?: Record<string, unknown>;
}

export interface BokehDocument {
  version?: unknown;
  roots?: { references?: unknown };
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
  const references = doc.roots?.references;
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

// BokehJS for outputs that draw with it. Classic notebooks loaded BokehJS once, in the output of
// `output_notebook()`, and every later plot's script called the global it left; in Vitrine each output is its own
// frame, so each such output gets the served copy before its scripts run.
//
// The served BokehJS is 0.12.0, the oldest build npm has. Documents written by bokeh 0.11 differ from 0.12's in two
// ways that stop 0.12 from drawing them: a plot lists its tools itself (0.12 puts them in a Toolbar model) and its
// title is a string (0.12 has a Title model); and 0.11's PreviewSaveTool is 0.12's SaveTool. The frame rewrites
// such documents to 0.12's form as they are handed to `Bokeh.embed.embed_items`; other documents pass unchanged.
import { libraryGlobal, loadLibraries } from "./libraries.ts";

interface Reference {
  id: string;
  type: string;
  attributes?: Record<string, unknown>;
}

interface BokehDocument {
  version?: unknown;
  roots?: { references?: unknown };
}

interface BokehGlobal {
  embed: { embed_items(docs: Record<string, BokehDocument>, items: unknown, ...rest: unknown[]): unknown };
}

function isReference(value: unknown): value is Reference {
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
    if (!isReference(reference)) continue;
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

let installed = false;

/** Loads BokehJS (script and stylesheet) and puts the document upgrade in front of its embedding. */
export async function loadBokeh(): Promise<void> {
  await loadLibraries(["bokeh"]);
  if (installed) return;
  installed = true;
  const embed = libraryGlobal<BokehGlobal>("bokeh").embed;
  const embedItems = embed.embed_items.bind(embed);
  embed.embed_items = (docs, items, ...rest) => {
    if (typeof docs === "object" && docs !== null) for (const doc of Object.values(docs)) upgradeBokehDocument(doc);
    return embedItems(docs, items, ...rest);
  };
}

// BokehJS for outputs that draw with it. Classic notebooks loaded BokehJS once, in the output of
// `output_notebook()`, and every later plot's script called the global it left; in Vitrine each output is its own
// frame, so each such output gets the served copy before its scripts run.
// The served BokehJS is 0.12.0, the oldest build npm has; bokeh 0.11 documents are upgraded on their way in.
import { markBokehRoots, upgradeBokehDocument, type BokehDocument } from "../../render/bokeh-documents.ts";
import { libraryGlobal, loadLibraries } from "./libraries.ts";

interface BokehGlobal {
  embed: { embed_items(docs: Record<string, BokehDocument>, items: unknown, ...rest: unknown[]): unknown };
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
    markBokehRoots(items, document);
    return embedItems(docs, items, ...rest);
  };
}

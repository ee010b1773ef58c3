// The corpus notebooks the notebook model reads (the corpus also holds files it refuses, on purpose), for tests
// that compare two ways of reading or drawing every real notebook.
import { readdirSync, readFileSync } from "node:fs";
import { NotebookError } from "../src/notebook/errors.ts";
import { parseNotebook } from "../src/notebook/parse.ts";
import type { ParsedNotebook } from "../src/notebook/types.ts";

const NOTEBOOKS = new URL("../../shared/corpus/notebooks/", import.meta.url);

export interface CorpusNotebook {
  name: string;
  bytes: Uint8Array;
  parsed: ParsedNotebook;
}

/** Every corpus notebook parseNotebook accepts, with its bytes; anything but a NotebookError is thrown. */
export function readableCorpusNotebooks(): CorpusNotebook[] {
  const found: CorpusNotebook[] = [];
  for (const name of readdirSync(NOTEBOOKS)
    .filter((n) => n.endsWith(".ipynb"))
    .sort()) {
    const bytes = new Uint8Array(readFileSync(new URL(name, NOTEBOOKS)));
    try {
      found.push({ name, bytes, parsed: parseNotebook(bytes, { file: name }) });
    } catch (error) {
      if (!(error instanceof NotebookError)) throw error;
    }
  }
  return found;
}

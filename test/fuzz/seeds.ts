// The fuzzer's seeds, read in place from the shared corpus: real notebooks, the hostile ones, and DOMPurify's
// XSS vectors. Mutating real files reaches code paths (v3 upgrades, widget state, attachments) that a generator
// written from the schema alone would seldom build.
import { readdirSync, readFileSync, statSync } from "node:fs";

const CORPUS = new URL("../../../shared/corpus/", import.meta.url);

export interface SeedNotebook {
  name: string;
  text: string;
}

export interface Seeds {
  /** Corpus notebooks as text, the ones the strict reader refuses included. */
  notebooks: SeedNotebook[];
  /** The XSS payloads of DOMPurify's fixture set, then nbconvert's injection strings. */
  payloads: string[];
}

function notebooksIn(folder: string, maxBytes: number): SeedNotebook[] {
  const dir = new URL(`${folder}/`, CORPUS);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".ipynb") && statSync(new URL(name, dir)).size <= maxBytes)
    .sort()
    .map((name) => ({ name: `${folder}/${name}`, text: readFileSync(new URL(name, dir), "utf8") }));
}

/**
 * Seeds no larger than maxBytes each: mutating a 4 MB notebook spends its time in JSON.stringify, not in the
 * code under test, so the bounded run keeps to the small ones.
 */
export function loadSeeds(maxBytes: number): Seeds {
  const notebooks = [...notebooksIn("notebooks", maxBytes), ...notebooksIn("malicious", maxBytes)];
  const fixtures = JSON.parse(readFileSync(new URL("xss/dompurify-expect.json", CORPUS), "utf8")) as {
    payload: string;
  }[];
  const assertions = JSON.parse(readFileSync(new URL("malicious/expected_assertions.json", CORPUS), "utf8")) as Record<
    string,
    unknown
  >;
  const injections = Object.values(assertions)
    .filter(Array.isArray)
    .flat()
    .filter((s): s is string => typeof s === "string");
  return { notebooks, payloads: [...fixtures.map((f) => f.payload), ...injections] };
}

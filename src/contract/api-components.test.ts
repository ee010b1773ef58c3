import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { sharedId } from "./api-answers.ts";
import { SHARED_SCHEMAS } from "./api-components.ts";

const here = new URL("./", import.meta.url);
const sources = readdirSync(here).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));

/** Every `$ref` in a schema, however deep. */
function refs(value: unknown): string[] {
  if (value === null || typeof value !== "object") return [];
  const own = "$ref" in value && typeof value.$ref === "string" ? [value.$ref] : [];
  return [...own, ...Object.values(value).flatMap(refs)];
}

test("shared schemas have distinct ids, and every reference in the API's schemas points at one", async () => {
  const ids = SHARED_SCHEMAS.map(sharedId);
  assert.equal(new Set(ids).size, ids.length, ids.join(", "));
  for (const name of sources.filter((n) => n.startsWith("api-") || n.startsWith("notebook-head-"))) {
    const module = (await import(new URL(name, here).href)) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(module)) {
      for (const ref of refs(value)) assert.ok(ids.includes(ref), `${name} ${exported} points at ${ref}`);
    }
  }
});

test("the constants the studio page imports come with no library: those files import nothing", () => {
  for (const name of ["limits.ts", "http-names.ts", "notebook-head-constants.ts", "addresses.ts"]) {
    const source = readFileSync(new URL(name, here), "utf8");
    assert.doesNotMatch(source, /^\s*import\b/m, name);
  }
});

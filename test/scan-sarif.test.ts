// SARIF output against the official SARIF 2.1.0 schema (as shipped in the @microsoft/jest-sarif package; never
// fetched), plus what GitHub code scanning needs beyond the schema: known rule ids, a line for every result, relative
// URIs, and no unmasked secret anywhere in the log.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import AjvDraft04 from "ajv-draft-04";
import { formatSarif, RULES, scanFile } from "../src/scan/index.ts";

const require = createRequire(import.meta.url);
const schemaPath = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SET = join(ROOT, "test", "scan-set");

// The schema declares its own id; Ajv only needs to compile it. ajv-draft-04 is CommonJS (see schema-oracle.test.ts).
// unicodeRegExp: false because one pattern in the official schema (for `language`) is not valid with the u flag.
const ajv = new AjvDraft04.default({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
const validate = ajv.compile(schema);

function scanSet() {
  const results = [];
  for (const kind of ["hostile", "benign"]) {
    for (const name of readdirSync(join(SET, kind)).sort()) {
      const path = join(SET, kind, name);
      results.push(scanFile({ path: relative(ROOT, path), bytes: readFileSync(path) }, { fileLines: true }));
    }
  }
  return results;
}

test("the SARIF log of the whole labelled set is valid SARIF 2.1.0", () => {
  const log = JSON.parse(formatSarif(scanSet(), { toolVersion: "0.1.0" })) as {
    version: string;
    runs: { results: unknown[] }[];
  };
  const valid = validate(log);
  assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  assert.equal(log.version, "2.1.0");
  assert.ok(log.runs[0]!.results.length > 90);
});

test("an empty scan is valid SARIF too", () => {
  assert.ok(validate(JSON.parse(formatSarif([], { toolVersion: "0.1.0" }))), JSON.stringify(validate.errors));
});

test("results name known rules, relative files and a line; secrets stay masked", () => {
  const text = formatSarif(scanSet(), { toolVersion: "0.1.0" });
  const log = JSON.parse(text) as {
    runs: {
      tool: { driver: { rules: { id: string; properties: Record<string, string> }[] } };
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
      }[];
    }[];
  };
  const run = log.runs[0]!;
  assert.deepEqual(
    run.tool.driver.rules.map((rule) => rule.id),
    RULES.map((rule) => rule.id),
  );
  for (const rule of run.tool.driver.rules) assert.match(rule.properties["security-severity"]!, /^\d+\.\d$/);
  for (const result of run.results) {
    assert.equal(run.tool.driver.rules[result.ruleIndex]!.id, result.ruleId);
    assert.ok(["error", "warning", "note"].includes(result.level));
    const location = result.locations[0]!.physicalLocation;
    assert.match(location.artifactLocation.uri, /^test\/scan-set\/(hostile|benign)\//);
    assert.ok(location.region.startLine >= 1);
  }
  // The secrets planted in the hostile set, in full: none may appear.
  for (const secret of [
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIA2E0A8F3B4C5D6E7F",
    "Winter2024!",
    "hunter2hunter2",
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
  ]) {
    assert.ok(!text.includes(secret), `SARIF shows ${secret}`);
  }
});

test("a notebook finding points at the line of its cell in the file", () => {
  const result = scanFile(
    { path: "test/scan-set/hostile/dl-curl-sh.ipynb", bytes: readFileSync(join(SET, "hostile", "dl-curl-sh.ipynb")) },
    { fileLines: true },
  );
  const log = JSON.parse(formatSarif([result], { toolVersion: "0.1.0" })) as {
    runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[];
  };
  const lines = readFileSync(join(SET, "hostile", "dl-curl-sh.ipynb"), "utf8").split("\n");
  const found = log.runs[0]!.results.find((r) => r.ruleId === "download-exec")!;
  assert.match(lines[found.locations[0]!.physicalLocation.region.startLine - 1]!, /curl -sSL/);
});

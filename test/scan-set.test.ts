// The labelled set: hostile and benign files under test/scan-set plus the shared corpus notebooks, each with the
// rules it truly triggers. Precision and recall are computed per rule over (file, rule) pairs; each must be at
// least 0.9.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { RULES } from "../src/scan/rules.ts";
import { scanFile } from "../src/scan/scan-file.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SET = join(ROOT, "test", "scan-set");
const MIN_SCORE = 0.9;

interface Labels {
  files: Record<string, string[]>;
  /** Corpus folder (relative to the repository root) -> notebook -> expected rules. */
  corpus: Record<string, Record<string, string[]>>;
}

const labels = JSON.parse(readFileSync(join(SET, "labels.json"), "utf8")) as Labels;

interface Item {
  name: string;
  path: string;
  expected: Set<string>;
}

function items(): Item[] {
  const list: Item[] = Object.entries(labels.files).map(([name, rules]) => ({
    name,
    path: join(SET, name),
    expected: new Set(rules),
  }));
  for (const [folder, expected] of Object.entries(labels.corpus)) {
    for (const file of readdirSync(join(ROOT, folder))
      .filter((name) => name.endsWith(".ipynb"))
      .sort()) {
      list.push({
        name: `${folder.replace(/^\.\.\/shared\//, "")}/${file}`,
        path: join(ROOT, folder, file),
        expected: new Set(expected[file] ?? []),
      });
    }
  }
  return list;
}

test("every file in the set is labelled and every label names a file and a rule", () => {
  const ruleIds = new Set(RULES.map((rule) => rule.id));
  for (const kind of ["hostile", "benign"]) {
    for (const file of readdirSync(join(SET, kind)))
      assert.ok(Object.hasOwn(labels.files, `${kind}/${file}`), `${kind}/${file} has no label`);
  }
  for (const [name, rules] of Object.entries(labels.files)) {
    assert.ok(existsSync(join(SET, name)), `${name} is labelled but missing`);
    for (const rule of rules) assert.ok(ruleIds.has(rule), `${name}: unknown rule ${rule}`);
    if (name.startsWith("hostile/")) assert.ok(rules.length > 0, `${name} is hostile but expects no rule`);
  }
  for (const [folder, expected] of Object.entries(labels.corpus)) {
    for (const [name, rules] of Object.entries(expected)) {
      assert.ok(existsSync(join(ROOT, folder, name)), `${folder}/${name} is labelled but missing`);
      for (const rule of rules) assert.ok(ruleIds.has(rule), `${name}: unknown rule ${rule}`);
    }
  }
});

test("the set has at least 60 hostile and 60 benign files besides the corpus, and a hostile example for every rule", () => {
  const all = items();
  const hostile = all.filter((item) => item.name.startsWith("hostile/"));
  const benign = all.filter((item) => item.name.startsWith("benign/"));
  assert.ok(hostile.length >= 60, `${hostile.length} hostile files`);
  assert.ok(benign.length >= 60, `${benign.length} benign files`);
  assert.ok(all.length - hostile.length - benign.length >= 50, "the corpus notebooks are part of the set");
  for (const rule of RULES)
    assert.ok(
      hostile.some((item) => item.expected.has(rule.id)),
      `no hostile example for ${rule.id}`,
    );
});

test(`precision and recall of every rule are at least ${MIN_SCORE}`, (t) => {
  const counts = new Map(RULES.map((rule) => [rule.id, { tp: 0, fp: 0, fn: 0 }]));
  const mistakes: string[] = [];
  for (const item of items()) {
    const result = scanFile({ path: item.name, bytes: readFileSync(item.path) });
    const found = new Set(result.findings.map((finding) => finding.rule));
    for (const rule of RULES) {
      const count = counts.get(rule.id)!;
      const expected = item.expected.has(rule.id);
      const reported = found.has(rule.id);
      if (expected && reported) count.tp++;
      else if (reported) {
        count.fp++;
        mistakes.push(
          `false positive ${rule.id} in ${item.name}: ${result.findings.find((f) => f.rule === rule.id)?.message}`,
        );
      } else if (expected) {
        count.fn++;
        mistakes.push(`missed ${rule.id} in ${item.name}`);
      }
    }
  }
  const rows = [...counts].map(([rule, { tp, fp, fn }]) => ({
    rule,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 0 : tp / (tp + fn),
    tp,
    fp,
    fn,
  }));
  for (const row of rows)
    t.diagnostic(
      `${row.rule.padEnd(22)} precision ${row.precision.toFixed(2)} recall ${row.recall.toFixed(2)} (tp ${row.tp}, fp ${row.fp}, fn ${row.fn})`,
    );
  for (const mistake of mistakes) t.diagnostic(mistake);
  const weak = rows.filter((row) => row.precision < MIN_SCORE || row.recall < MIN_SCORE);
  assert.deepEqual(
    weak.map((row) => row.rule),
    [],
    `below ${MIN_SCORE}:\n${mistakes.join("\n")}`,
  );
});

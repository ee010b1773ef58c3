import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "./write-atomic.ts";

test("a file written in parts holds exactly their UTF-8, whatever their sizes", () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-write-"));
  try {
    const parts = [
      "<p>",
      ...Array.from({ length: 5000 }, (_, i) => `é${i}€😀`),
      "x".repeat(200_000),
      "中".repeat(21_845),
      "",
      "</p>",
    ];
    const path = join(dir, "out.html");
    writeFileAtomic(path, parts);
    assert.equal(readFileSync(path, "utf8"), parts.join(""));
    writeFileAtomic(path, "replaced");
    assert.equal(readFileSync(path, "utf8"), "replaced");
    assert.deepEqual(readdirSync(dir), ["out.html"], "no temporary file is left behind");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

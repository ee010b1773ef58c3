import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileError, isSystemError } from "./file-errors.ts";
import { unexpectedErrorLine } from "./main.ts";

const work = mkdtempSync(join(tmpdir(), "vitrine-file-errors-"));
const aFile = join(work, "file.txt");
writeFileSync(aFile, "x");

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  assert.fail("expected an error");
}

test("real system errors get their code and reason; reading and writing say different things of ENOENT", () => {
  const missing = thrown(() => readFileSync(join(work, "nope")));
  assert.ok(isSystemError(missing));
  const read = fileError("read", "nope", missing);
  assert.equal(read.code, "not_found");
  assert.equal(read.message, "cannot read nope: no such file or folder [not_found]");
  assert.equal(fileError("write", "x/y", missing).code, "folder_missing");
  assert.equal(
    fileError(
      "read",
      work,
      thrown(() => readFileSync(work)),
    ).code,
    "is_a_folder",
  );
  assert.equal(
    fileError(
      "read",
      "f/x",
      thrown(() => readFileSync(join(aFile, "x"))),
    ).code,
    "not_a_folder",
  );
  const mkdirOverFile = thrown(() => mkdirSync(aFile, { recursive: true }));
  assert.equal(
    fileError("create", aFile, mkdirOverFile).message,
    `cannot create ${aFile}: it is a file, not a folder [not_a_folder]`,
  );
  assert.equal(
    fileError(
      "read",
      "long",
      thrown(() => readFileSync(join(work, "n".repeat(300)))),
    ).code,
    "name_too_long",
  );
  assert.equal(isSystemError(new Error("plain")), false);
});

test("what no command explains is still one line with a code", async () => {
  assert.equal(unexpectedErrorLine(new Error("boom\n    at somewhere")), "internal error: boom [internal_error]");
  assert.equal(
    unexpectedErrorLine(thrown(() => readFileSync(join(work, "gone")))),
    `cannot use ${join(work, "gone")}: no such file or folder [not_found]`,
  );
  const folder = join(work, "db");
  mkdirSync(folder);
  assert.match(
    unexpectedErrorLine(thrown(() => new DatabaseSync(folder))),
    /^the database cannot be used .* \[database_error\]$/,
  );
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const port = (taken.address() as { port: number }).port;
  const second = createServer();
  const error = await new Promise<unknown>((resolve) => {
    second.once("error", resolve);
    second.listen(port, "127.0.0.1");
  });
  taken.close();
  assert.equal(
    unexpectedErrorLine(error),
    `cannot listen on 127.0.0.1:${port}: the address is in use [address_in_use]`,
  );
});

import assert from "node:assert/strict";
import { readFile, rm, stat } from "node:fs/promises";
import { test } from "node:test";
import {
  connectionFilePath,
  connectionInfo,
  createRuntimeDir,
  endpoint,
  newKernelKey,
  writeConnectionFile,
} from "./connection.ts";

test("a private runtime folder (0700) holds a connection file (0600) with ipc endpoints and a fresh key", async () => {
  const dir = await createRuntimeDir();
  try {
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const key = newKernelKey();
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.notEqual(newKernelKey(), key);
    const info = connectionInfo(dir, "python3", key);
    const file = connectionFilePath(dir);
    await writeConnectionFile(file, info);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const written = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    assert.deepEqual(written, { ...info });
    assert.equal(written.transport, "ipc");
    assert.equal(written.signature_scheme, "hmac-sha256");
    assert.equal(endpoint(info, info.shell_port), `ipc://${dir}/kernel-1`);
    // A Unix socket path must fit in 107 bytes.
    assert.ok(endpoint(info, info.hb_port).length - "ipc://".length < 108);
    await writeConnectionFile(file, { ...info, key: newKernelKey() });
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

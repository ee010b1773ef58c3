// A real Python kernel under the real sandbox, through the launcher the studio and `vitrine run` use: it runs code
// in the read-only files copy, an interrupt reaches the kernel (not bwrap) as KeyboardInterrupt, it cannot see the
// host's network, and shutting it down leaves no process behind.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Kernel } from "./kernel.ts";
import { findKernelSpecs, kernelSpecByName } from "./kernelspecs.ts";
import { DEFAULT_SANDBOX_LIMITS } from "./sandbox.ts";
import { sandboxedLauncher } from "./sandboxed-launcher.ts";

let files: string;
let kernel: Kernel;

before(async () => {
  files = mkdtempSync(path.join(tmpdir(), "vitrine-launcher-files-"));
  chmodSync(files, 0o755);
  writeFileSync(path.join(files, "data.csv"), "a,b\n1,2\n", { mode: 0o644 });
  const python3 = kernelSpecByName(await findKernelSpecs({ dataDirs: ["/usr/share/jupyter"] }), "python3");
  kernel = new Kernel({
    spec: python3,
    launch: sandboxedLauncher({ limits: DEFAULT_SANDBOX_LIMITS, network: { kind: "none" } }),
    filesDir: files,
  });
  await kernel.start();
});

after(async () => {
  await kernel.shutdown();
  rmSync(files, { recursive: true, force: true });
});

function stdout(outputs: { output_type: string; name?: unknown; text?: unknown }[]): string {
  return outputs.map((o) => (o.output_type === "stream" && o.name === "stdout" ? String(o.text) : "")).join("");
}

test("a sandboxed kernel runs code in the read-only copy of the files", async () => {
  const result = await kernel.execute(
    "import os\nprint(open('data.csv').read().splitlines()[1])\ntry:\n  open('new.txt', 'w')\nexcept OSError as e:\n  print(type(e).__name__)",
  );
  assert.equal(result.status, "ok");
  assert.equal(stdout(result.outputs), "1,2\nOSError\n");
});

test("an interrupt reaches the sandboxed kernel as KeyboardInterrupt, and the kernel lives on", async () => {
  const running = kernel.execute("while True:\n    pass");
  await new Promise((resolve) => setTimeout(resolve, 500));
  await kernel.interrupt();
  const result = await running;
  assert.equal(result.status, "error");
  assert.ok(result.outputs.some((o) => o.output_type === "error" && o.ename === "KeyboardInterrupt"));
  assert.equal((await kernel.execute("print(6 * 7)")).status, "ok");
});

test("a sandboxed kernel cannot reach a listener on the host's loopback", async () => {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const result = await kernel.execute(
      `import socket\ntry:\n  socket.create_connection(("127.0.0.1", ${port}), timeout=2)\n  print("connected")\nexcept OSError as e:\n  print("refused", e.errno)`,
    );
    assert.match(stdout(result.outputs), /^refused /);
    assert.equal(accepted, 0);
  } finally {
    server.close();
  }
});

// The sandbox's resource limits, each pushed past in a real sandbox with a small setting.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { SANDBOX_SCRATCH_DIR } from "./sandbox.ts";
import { checkSandboxLimits, DEFAULT_SANDBOX_LIMITS, SandboxLimitError } from "./sandbox-limits.ts";
import type { SandboxedProcess } from "./sandbox-spawn.ts";
import {
  descendantsOf,
  findings,
  isRunning,
  makeFixture,
  processesOfUid,
  runPython,
  waitFor,
  type SandboxFixture,
} from "./sandbox-testing.ts";

let fixture: SandboxFixture;
before(() => {
  fixture = makeFixture();
});
after(() => fixture.cleanup());

test("writing past the scratch folder's cap fails with ENOSPC", async () => {
  const run = await runPython(
    fixture,
    `
import errno, json
written = 0
try:
    with open("${SANDBOX_SCRATCH_DIR}/big", "wb") as f:
        for _ in range(64):
            f.write(b"x" * (256 * 1024))
            f.flush()
            written += 256 * 1024
    result = "no error"
except OSError as e:
    result = errno.errorcode.get(e.errno, str(e.errno))
print(json.dumps({"result": result, "written": written}))
`,
    { limits: { scratchMb: 4 } },
  );
  const found = findings<{ result: string; written: number }>(run);
  assert.equal(found.result, "ENOSPC");
  assert.ok(found.written <= 4 * 1024 * 1024, `${found.written} bytes written`);
});

test("/tmp is capped too", async () => {
  const run = await runPython(
    fixture,
    `
import errno, json
try:
    with open("/tmp/big", "wb") as f:
        f.write(b"x" * (8 * 1024 * 1024))
    result = "no error"
except OSError as e:
    result = errno.errorcode.get(e.errno, str(e.errno))
print(json.dumps({"result": result}))
`,
    { limits: { tmpMb: 2 } },
  );
  assert.deepEqual(findings(run), { result: "ENOSPC" });
});

test("a fork bomb stops at the process limit, the host keeps answering, and killing the sandbox ends it all", async () => {
  let sandbox: SandboxedProcess | undefined;
  let hostAnswered: number | null = null;
  let alive: number[] = [];
  const run = await runPython(
    fixture,
    `
import errno, json, os, sys, time
children = 0
failure = None
while children < 1000:
    try:
        pid = os.fork()
    except OSError as e:
        failure = errno.errorcode.get(e.errno, str(e.errno))
        break
    if pid == 0:
        time.sleep(600)
        os._exit(0)
    children += 1
print(json.dumps({"children": children, "failure": failure}), flush=True)
time.sleep(600)
`,
    {
      limits: { processes: 16 },
      onStart: (started) => {
        sandbox = started;
        void (async () => {
          let said = "";
          started.child.stdout?.on("data", (chunk: Buffer) => (said += chunk.toString()));
          await waitFor("the fork bomb's report", () => said.includes('"failure"'));
          alive = descendantsOf(started.child.pid!);
          hostAnswered = spawnSync("/bin/true").status;
          started.kill();
        })();
      },
    },
  );
  assert.ok(sandbox);
  const found = findings<{ children: number; failure: string }>(run);
  assert.equal(found.failure, "EAGAIN");
  // The limit counts every process of the sandbox's user in its namespace: bwrap's reaper, the snippet, its children.
  assert.ok(found.children <= 16 - 2, `${found.children} children`);
  assert.ok(alive.length <= 16 + 1, `${alive.length} processes under bwrap`);
  assert.equal(hostAnswered, 0, "the host forks while the bomb runs");
  assert.equal(run.signal, "SIGKILL");
  await waitFor("every process of the bomb to end", () => alive.every((pid) => !isRunning(pid)));
  if (process.getuid?.() === 0) assert.deepEqual(processesOfUid(sandbox.uid), []);
});

test("a memory bomb gets MemoryError at the memory limit", async () => {
  const run = await runPython(
    fixture,
    `
import json
blocks = []
try:
    while len(blocks) < 1024:
        blocks.append(bytearray(16 * 1024 * 1024))
    result = "no error"
except MemoryError:
    result = "MemoryError"
held = len(blocks) * 16
blocks = None
print(json.dumps({"result": result, "heldMb": held}))
`,
    { limits: { memoryMb: 256 } },
  );
  const found = findings<{ result: string; heldMb: number }>(run);
  assert.equal(found.result, "MemoryError");
  assert.ok(found.heldMb < 256, `${found.heldMb} MiB held`);
});

test("the CPU time limit kills a busy loop", async () => {
  const run = await runPython(fixture, "while True: pass", { limits: { cpuSeconds: 1 } });
  // bwrap reports its child's death by SIGKILL (the hard limit) as 128 + 9.
  assert.equal(run.code, 137);
});

test("opening files past the limit fails with EMFILE", async () => {
  const run = await runPython(
    fixture,
    `
import errno, json
files = []
try:
    while len(files) < 10000:
        files.append(open("/dev/null"))
    result = "no error"
except OSError as e:
    result = errno.errorcode.get(e.errno, str(e.errno))
print(json.dumps({"result": result, "opened": len(files)}))
`,
    { limits: { openFiles: 32 } },
  );
  const found = findings<{ result: string; opened: number }>(run);
  assert.equal(found.result, "EMFILE");
  assert.ok(found.opened < 32, `${found.opened} opened`);
});

test("the default limits are valid and a bad limit is refused with its name", () => {
  checkSandboxLimits({ ...DEFAULT_SANDBOX_LIMITS });
  assert.throws(
    () => checkSandboxLimits({ ...DEFAULT_SANDBOX_LIMITS, processes: 1.5 }),
    (error: unknown) =>
      error instanceof SandboxLimitError && error.code === "sandbox_limit_invalid" && error.place === "processes",
  );
  assert.throws(
    () => checkSandboxLimits({ ...DEFAULT_SANDBOX_LIMITS, memoryMb: 0 }),
    (error: unknown) => error instanceof SandboxLimitError && error.place === "memoryMb",
  );
});

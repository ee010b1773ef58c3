import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import type { KernelError } from "./errors.ts";
import type { KernelStatusEvent } from "./kernel-manager.ts";
import { KernelManager } from "./kernel-manager.ts";
import { findKernelSpecs } from "./kernelspecs.ts";
import type { KernelLaunchRequest, LaunchedKernel } from "./launcher.ts";

// TEST FIXTURE: starts the kernel's argv directly, without the sandbox (the server passes spawnSandboxed).
function spawnDirectlyForTests(request: KernelLaunchRequest): LaunchedKernel {
  const [command, ...args] = request.argv;
  const child = spawn(command!, args, { cwd: request.filesDir, env: request.env, detached: true, stdio: "ignore" });
  return { child };
}

/** Running: the process exists and is not a zombie (an orphan's zombie waits for a PID 1 that may not reap). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

let home: string;

before(async () => {
  home = await mkdtemp(path.join(tmpdir(), "vitrine-manager-test-"));
});

after(async () => {
  await rm(home, { recursive: true, force: true });
});

test("limits per user and per server, idle culling of idle kernels only, status events, shutdownAll", async () => {
  const manager = new KernelManager({
    launch: spawnDirectlyForTests,
    kernelSpecs: await findKernelSpecs({ dataDirs: ["/usr/share/jupyter"] }),
    limits: { perUser: 1, perServer: 2, idleCullMs: 60_000 },
    kernelOptions: { env: { HOME: home, PATH: "/usr/bin:/bin" } },
  });
  const events: KernelStatusEvent[] = [];
  manager.on("status", (event: KernelStatusEvent) => events.push(event));
  const where = { workspace: "ws", file: "a.ipynb", filesDir: home, kernelName: "python3" };
  try {
    await assert.rejects(
      manager.start({ ...where, owner: "alice", kernelName: "nope" }),
      (error: KernelError) => error.code === "kernelspec_unknown",
    );
    const [alice, bob] = await Promise.all([
      manager.start({ ...where, owner: "alice" }),
      manager.start({ ...where, owner: "bob" }),
    ]);
    await assert.rejects(
      manager.start({ ...where, owner: "alice" }),
      (error: KernelError) => error.code === "kernel_limit_user",
    );
    await assert.rejects(
      manager.start({ ...where, owner: "carol" }),
      (error: KernelError) => error.code === "kernel_limit_server",
    );
    assert.deepEqual(
      manager.list({ owner: "alice" }).map((managed) => managed.id),
      [alice.id],
    );
    assert.ok(events.some((event) => event.kernelId === alice.id && event.state === "idle"));

    const busy = alice.kernel.execute("import time; time.sleep(1)");
    while (alice.kernel.state !== "busy") await new Promise((resolve) => setTimeout(resolve, 10));
    const culled = await manager.cullIdle(Date.now() + 60_001);
    assert.deepEqual(culled, [bob.id]);
    assert.equal(bob.kernel.state, "dead");
    assert.throws(
      () => manager.get(bob.id),
      (error: KernelError) => error.code === "kernel_unknown",
    );
    assert.equal((await busy).status, "ok");

    const pid = alice.kernel.pid!;
    const runtimeDir = alice.kernel.runtimeDir!;
    await manager.shutdownAll();
    assert.equal(existsSync(runtimeDir), false);
    assert.equal(alice.kernel.state, "dead");
    assert.equal(manager.list().length, 0);
    assert.equal(alive(pid), false);
  } finally {
    await manager.shutdownAll();
  }
});

test("a server process that exits without shutting its kernels down kills them on its way out", async () => {
  const script = path.join(home, "server-exits.ts");
  await writeFile(
    script,
    [
      `import { spawn } from "node:child_process";`,
      `import { KernelManager } from ${JSON.stringify(path.resolve("src/kernels/kernel-manager.ts"))};`,
      `import { findKernelSpecs } from ${JSON.stringify(path.resolve("src/kernels/kernelspecs.ts"))};`,
      `// TEST FIXTURE: a direct spawn instead of the sandbox.`,
      `const launch = (r) => ({ child: spawn(r.argv[0], r.argv.slice(1), { env: r.env, detached: true, stdio: "ignore" }) });`,
      `const manager = new KernelManager({ launch, kernelSpecs: await findKernelSpecs({ dataDirs: ["/usr/share/jupyter"] }),`,
      `  kernelOptions: { env: { HOME: ${JSON.stringify(home)}, PATH: "/usr/bin:/bin" } } });`,
      `const { kernel } = await manager.start({ kernelName: "python3", owner: "a", workspace: "w", file: "f", filesDir: "/tmp" });`,
      `await kernel.execute("import subprocess; subprocess.Popen(['sleep', '60'])");`,
      `console.log(kernel.pid);`,
      `process.exit(0);`,
    ].join("\n"),
  );
  const { stdout } = await promisify(execFile)(process.execPath, [script]);
  const pid = Number(stdout.trim());
  assert.ok(pid > 0);
  // The kernel and the process it started (same process group) are gone.
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(alive(pid), false);
  const group = await promisify(execFile)("ps", ["-o", "stat=", "-g", String(pid)]).catch(() => ({ stdout: "" }));
  const running = group.stdout.split("\n").filter((state) => state.trim() !== "" && !state.trim().startsWith("Z"));
  assert.deepEqual(running, []);
});

// A sandbox's life: a real ipykernel starts in it, it dies with its parent, the host check says what is missing,
// and bad requests are refused with their place.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  DEFAULT_SANDBOX_LIMITS,
  EGRESS_RELAY_SOURCE,
  SANDBOX_EGRESS_SOCKET,
  SandboxRequestError,
  UidPool,
  UidPoolExhaustedError,
  planSandbox,
  probeSandbox,
  sandboxEnv,
  spawnSandboxed,
  type SandboxRequest,
} from "./sandbox.ts";
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

function request(overrides: Partial<SandboxRequest> = {}): SandboxRequest {
  return {
    argv: ["/usr/bin/true"],
    env: {},
    runtimeDir: fixture.runtimeDir,
    filesDir: fixture.filesDir,
    network: { kind: "none" },
    limits: { ...DEFAULT_SANDBOX_LIMITS },
    ...overrides,
  };
}

test("an ipykernel starts under the sandbox and binds its ipc sockets in the runtime folder", async () => {
  const runtimeDir = join(fixture.base, "ipykernel-runtime");
  mkdirSync(runtimeDir, { mode: 0o700 });
  const connectionFile = join(runtimeDir, "kernel-1.json");
  const ports = { shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5 };
  writeFileSync(
    connectionFile,
    JSON.stringify({
      transport: "ipc",
      ip: join(runtimeDir, "k"),
      ...ports,
      key: "k",
      signature_scheme: "hmac-sha256",
    }),
    { mode: 0o600 },
  );
  const sandbox = spawnSandboxed(
    request({ argv: ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", connectionFile], runtimeDir }),
  );
  let stderr = "";
  sandbox.child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  sandbox.child.stdout?.resume();
  try {
    const sockets = Object.values(ports).map((port) => `k-${port}`);
    await waitFor(`the kernel's sockets (stderr: ${stderr})`, () => {
      const names = readdirSync(runtimeDir);
      return sockets.every((name) => names.includes(name));
    });
    for (const name of sockets) {
      const stat = statSync(join(runtimeDir, name));
      assert.ok(stat.isSocket(), name);
      assert.equal(stat.uid, sandbox.uid, `${name} is the kernel uid's`);
    }
    const pid = sandbox.kernelPid();
    assert.ok(pid !== undefined && isRunning(pid), "the kernel's host pid is found");
  } finally {
    sandbox.kill();
    await sandbox.exited;
  }
});

test(
  "when the server is root, each running kernel has its own unprivileged host uid",
  { skip: process.getuid?.() !== 0 },
  async () => {
    const second = join(fixture.base, "second-runtime");
    mkdirSync(second, { mode: 0o700 });
    const sleeper = ["/usr/bin/python3", "-c", "import time; time.sleep(600)"];
    const one = spawnSandboxed(request({ argv: sleeper }));
    const two = spawnSandboxed(request({ argv: sleeper, runtimeDir: second }));
    try {
      assert.notEqual(one.uid, 0);
      assert.notEqual(one.uid, two.uid);
      assert.equal(statSync(fixture.runtimeDir).uid, one.uid);
      assert.equal(statSync(second).uid, two.uid);
      assert.equal(statSync(second).mode & 0o777, 0o700);
      await waitFor("both kernels", () => one.kernelPid() !== undefined && two.kernelPid() !== undefined);
      assert.ok(processesOfUid(one.uid).includes(one.kernelPid()!));
      // Another server's pool, which does not know this one's, skips the uid a running kernel has.
      assert.throws(() => new UidPool({ first: one.uid, count: 1 }).acquire(), UidPoolExhaustedError);
    } finally {
      one.kill();
      two.kill();
      await Promise.all([one.exited, two.exited]);
    }
  },
);

test("signalKernel delivers SIGINT to the kernel process itself (interrupt_mode signal)", async () => {
  let delivered: boolean | undefined;
  const run = await runPython(
    fixture,
    `
import json, time
try:
    print("ready", flush=True)
    time.sleep(60)
    result = "slept"
except KeyboardInterrupt:
    result = "interrupted"
print(json.dumps({"result": result}))
`,
    {
      onStart: (sandbox) => {
        let said = "";
        sandbox.child.stdout?.on("data", (chunk: Buffer) => {
          said += chunk.toString();
          if (said.includes("ready") && delivered === undefined) delivered = sandbox.signalKernel("SIGINT");
        });
      },
    },
  );
  assert.equal(delivered, true);
  assert.deepEqual(findings(run), { result: "interrupted" });
  assert.equal(run.code, 0);
});

test("the sandbox dies with its parent, and no descriptor the parent inherited reaches the kernel", async () => {
  // The parent stands for the server: a Node process that starts the sandbox and is then killed with SIGKILL. It
  // inherits a pipe as fd 3 without close-on-exec, as a server may inherit descriptors from whatever started it.
  const module = new URL("./sandbox.ts", import.meta.url).href;
  const script = `
import { spawnSandboxed, DEFAULT_SANDBOX_LIMITS } from ${JSON.stringify(module)};
const sandbox = spawnSandboxed({
  argv: ["/usr/bin/python3", "-c", "import json, os, time; print(json.dumps(sorted(int(f) for f in os.listdir('/proc/self/fd'))), flush=True); time.sleep(600)"],
  env: {}, runtimeDir: ${JSON.stringify(fixture.runtimeDir)}, filesDir: ${JSON.stringify(fixture.filesDir)},
  network: { kind: "none" }, limits: { ...DEFAULT_SANDBOX_LIMITS },
});
sandbox.child.stdout.pipe(process.stdout);
sandbox.child.stderr.pipe(process.stderr);
`;
  const parent = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit", "pipe"],
  });
  let said = "";
  parent.stdout!.on("data", (chunk: Buffer) => (said += chunk.toString()));
  try {
    await waitFor("the sandboxed snippet", () => said.includes("]"));
    assert.deepEqual(JSON.parse(said.trim()), [0, 1, 2, 3]); // 3: the listing's own descriptor
    const inside = descendantsOf(parent.pid!);
    assert.ok(inside.length >= 3, "bwrap, its reaper and the snippet run");
    parent.kill("SIGKILL");
    await waitFor("every process of the sandbox to end", () => inside.every((pid) => !isRunning(pid)));
  } finally {
    parent.kill("SIGKILL");
  }
});

test("probeSandbox says the sandbox works on this host", async () => {
  const result = await probeSandbox();
  assert.equal(result.ok, true, JSON.stringify(result));
});

test("probeSandbox says what the host needs when bubblewrap cannot create its namespaces", async () => {
  // The real bwrap, started inside an outer bwrap that forbids further user namespaces (--disable-userns): its
  // namespaces are refused by the kernel as they are where unprivileged user namespaces are disabled. The
  // bwrapPath option exists for this test only.
  const wrapper = join(fixture.base, "bwrap-without-userns");
  writeFileSync(
    wrapper,
    '#!/bin/sh\nexec /usr/bin/bwrap --unshare-user --disable-userns --ro-bind / / --proc /proc --dev /dev -- /usr/bin/bwrap "$@"\n',
  );
  chmodSync(wrapper, 0o755);
  const result = await probeSandbox({ bwrapPath: wrapper });
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.equal(result.code, "sandbox_namespaces_refused");
  assert.match(result.message, /Creating new namespace failed/);
  assert.match(result.message, /user\.max_user_namespaces/);
  assert.match(result.message, /unprivileged_userns_clone/);
});

test("probeSandbox says bubblewrap is missing", async () => {
  const result = await probeSandbox({ bwrapPath: join(fixture.base, "no-such-bwrap") });
  assert.ok(!result.ok);
  assert.equal(result.code, "sandbox_bwrap_missing");
  assert.match(result.message, /bubblewrap/);
});

test("bad requests are refused with a code and their place", () => {
  const refused = (overrides: Partial<SandboxRequest>, code: string, place: string): void => {
    assert.throws(
      () => spawnSandboxed(request(overrides)),
      (error: unknown) => error instanceof SandboxRequestError && error.code === code && error.place === place,
      `${code} at ${place}`,
    );
  };
  refused({ argv: [] }, "sandbox_argv_invalid", "argv");
  refused({ env: { "BAD=NAME": "x" } }, "sandbox_env_invalid", "env.BAD=NAME");
  refused({ runtimeDir: "relative/path" }, "sandbox_path_invalid", "runtimeDir");
  refused({ runtimeDir: join(fixture.base, "missing") }, "sandbox_path_invalid", "runtimeDir");
  refused({ runtimeDir: "/etc" }, "sandbox_path_invalid", "runtimeDir");
  refused({ filesDir: `${fixture.filesDir}/../files` }, "sandbox_path_invalid", "filesDir");
  refused({ runtimeDir: fixture.filesDir }, "sandbox_path_invalid", "runtimeDir");
  refused({ workingSubdir: "../data" }, "sandbox_path_invalid", "workingSubdir");
  refused(
    { network: { kind: "proxy", socketPath: fixture.filesDir, relayPort: 8080 } },
    "sandbox_network_invalid",
    "network.socketPath",
  );
  refused(
    { network: { kind: "proxy", socketPath: "/x.sock", relayPort: 0 } },
    "sandbox_network_invalid",
    "network.relayPort",
  );
  if (process.getuid?.() === 0) {
    const hidden = join(fixture.base, "hidden");
    mkdirSync(join(hidden, "runtime"), { recursive: true, mode: 0o700 });
    chmodSync(hidden, 0o700);
    refused({ runtimeDir: join(hidden, "runtime") }, "sandbox_path_unreachable", "runtimeDir");
    const privateFiles = join(fixture.base, "private-files");
    mkdirSync(privateFiles, { mode: 0o700 });
    refused({ filesDir: privateFiles }, "sandbox_files_unreadable", "filesDir");
  }
});

test("with network through the proxy, the egress socket is bound at its fixed path and the proxy variables set", () => {
  const socketPath = join(fixture.base, "egress.sock");
  const proxied = request({ network: { kind: "proxy", socketPath, relayPort: 18080 } });
  // Descriptors stand in for the host paths they would name: 99 for the egress socket.
  const plan = planSandbox(
    proxied,
    1234,
    (path) => (path === socketPath ? 99 : 42),
    () => "# the relay's source\n",
  );
  const at = plan.args.indexOf(SANDBOX_EGRESS_SOCKET);
  assert.deepEqual(plan.args.slice(at - 2, at + 1), [
    "--ro-bind-fd",
    String(3 + plan.stdio.indexOf(99)),
    SANDBOX_EGRESS_SOCKET,
  ]);
  assert.ok(!plan.args.includes("--share-net"));
  assert.ok(plan.args.includes("--unshare-net"));
  const env = sandboxEnv(request({ network: { kind: "proxy", socketPath, relayPort: 18080 } }));
  for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"])
    assert.equal(env[name], "http://127.0.0.1:18080");
  assert.equal(env.NO_PROXY, "");
  const launcherSpec = JSON.parse(plan.args.at(-1)!) as { relay?: { port: number; socket: string } };
  assert.deepEqual(launcherSpec.relay?.port, 18080);
  assert.equal(launcherSpec.relay?.socket, SANDBOX_EGRESS_SOCKET);
  assert.equal(sandboxEnv(request()).HTTP_PROXY, undefined);
});

test(
  "with network through the proxy, an HTTP request from the kernel arrives at the egress socket and nowhere else",
  { skip: !existsSync(EGRESS_RELAY_SOURCE) && "the egress relay is not in this tree" },
  async () => {
    const socketPath = join(fixture.base, "egress.sock");
    rmSync(socketPath, { force: true });
    const received: string[] = [];
    const egress = createServer((socket) => {
      socket.once("data", (chunk) => {
        received.push(chunk.toString("latin1"));
        socket.end("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nproxy");
      });
    });
    await new Promise<void>((resolve) => egress.listen(socketPath, resolve));
    let hostAccepted = 0;
    const host = createServer((socket) => {
      hostAccepted++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    const hostPort = (host.address() as { port: number }).port;
    chmodSync(socketPath, 0o666);
    try {
      const run = await runPython(
        fixture,
        `
import json, socket, urllib.request
body = urllib.request.urlopen("http://example.invalid/path", timeout=10).read().decode()
try:
    socket.create_connection(("127.0.0.1", ${hostPort}), timeout=3)
    direct = "connected"
except OSError as e:
    direct = type(e).__name__
print(json.dumps({"body": body, "direct": direct}))
`,
        { network: { kind: "proxy", socketPath, relayPort: 18080 } },
      );
      // Through the proxy variables the request reaches the egress socket; a socket opened directly reaches nothing.
      assert.deepEqual(findings(run), { body: "proxy", direct: "ConnectionRefusedError" });
      assert.equal(hostAccepted, 0);
      assert.equal(received.length, 1);
      assert.match(received[0]!, /^GET http:\/\/example\.invalid\/path HTTP\/1\.1\r\n/);
    } finally {
      egress.close();
      host.close();
    }
  },
);

// What a kernel cannot see or reach from inside its sandbox: each test runs Python in a real bubblewrap sandbox
// and fails if the sandbox lets the snippet through.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { after, before, test } from "node:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SANDBOX_FILES_DIR, SANDBOX_HOME, SANDBOX_SCRATCH_DIR } from "./sandbox.ts";
import { findings, makeFixture, runPython, type SandboxFixture } from "./sandbox-testing.ts";

let fixture: SandboxFixture;
before(() => {
  fixture = makeFixture();
});
after(() => fixture.cleanup());

/** Python that tries to read each path and prints {path: "read:<text>" | "<errno name>"}. */
function tryRead(paths: string[]): string {
  return `
import errno, json
out = {}
for path in ${JSON.stringify(paths)}:
    try:
        with open(path) as f:
            out[path] = "read:" + f.read(200)
    except OSError as e:
        out[path] = errno.errorcode.get(e.errno, str(e.errno))
print(json.dumps(out))
`;
}

test("the workspace's own copy is readable at the working directory", async () => {
  const run = await runPython(
    fixture,
    `import json, os; print(json.dumps({"cwd": os.getcwd(), "text": open("notebook.txt").read()}))`,
  );
  assert.deepEqual(findings(run), { cwd: SANDBOX_FILES_DIR, text: "the workspace's own file\n" });
});

test("workingSubdir starts the kernel in a folder of the files copy", async () => {
  mkdirSync(join(fixture.filesDir, "notebooks"), { mode: 0o755 });
  const run = await runPython(fixture, `import json, os; print(json.dumps(os.getcwd()))`, {
    workingSubdir: "notebooks",
  });
  assert.equal(findings(run), join(SANDBOX_FILES_DIR, "notebooks"));
});

test("the data directory, another workspace's copy and another kernel's runtime folder are not there", async () => {
  const paths = [
    join(fixture.dataDir, "secret.txt"),
    join(fixture.otherFilesDir, "notebook.txt"),
    join(fixture.otherRuntimeDir, "kernel.json"),
  ];
  const run = await runPython(fixture, tryRead(paths));
  assert.deepEqual(findings(run), Object.fromEntries(paths.map((path) => [path, "ENOENT"])));
  assert.ok(!run.stdout.includes(fixture.dataSecret) && !run.stdout.includes(fixture.otherSecret));
});

test("nothing of the host's /etc secrets or identity is there", async () => {
  const paths = ["/etc/shadow", "/etc/ssh/ssh_host_ed25519_key", "/etc/machine-id", "/etc/hostname", "/etc/npmrc"];
  const run = await runPython(fixture, tryRead(paths));
  assert.deepEqual(findings(run), Object.fromEntries(paths.map((path) => [path, "ENOENT"])));
});

test("the server's environment does not pass: only PATH, HOME, LANG, TMPDIR, PWD and the kernelspec's env", async () => {
  const secret = `server-env-secret-${Math.random().toString(36).slice(2)}`;
  process.env.VITRINE_SANDBOX_TEST_SECRET = secret;
  try {
    const run = await runPython(
      fixture,
      `
import json, os
environs = []
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            environs.append(open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace"))
        except OSError:
            pass
print(json.dumps({"env": dict(os.environ), "environs": environs}))
`,
      { env: { KERNEL_SPEC_VAR: "from the kernelspec" } },
    );
    const { env, environs } = findings<{ env: Record<string, string>; environs: string[] }>(run);
    assert.deepEqual(Object.keys(env).sort(), ["HOME", "KERNEL_SPEC_VAR", "LANG", "PATH", "PWD", "TMPDIR"]);
    assert.equal(env.KERNEL_SPEC_VAR, "from the kernelspec");
    assert.equal(env.HOME, SANDBOX_HOME);
    assert.ok(environs.length >= 2, "the snippet read its own and the reaper's environ");
    assert.ok(!run.stdout.includes(secret));
  } finally {
    delete process.env.VITRINE_SANDBOX_TEST_SECRET;
  }
});

test("the server's processes are not visible: /proc holds only the sandbox's own", async () => {
  const run = await runPython(
    fixture,
    `
import json, os
server = ${process.pid}
procs = {}
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            procs[pid] = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\0", b" ").decode()
        except OSError as e:
            procs[pid] = "error"
tries = {}
for name in ("environ", "cmdline", "status"):
    try:
        open(f"/proc/{server}/{name}", "rb").read()
        tries[name] = "read"
    except OSError as e:
        tries[name] = e.errno
print(json.dumps({"procs": procs, "tries": tries, "ppid": os.getppid()}))
`,
  );
  const { procs, tries, ppid } = findings<{
    procs: Record<string, string>;
    tries: Record<string, unknown>;
    ppid: number;
  }>(run);
  // bwrap's reaper is pid 1 and the snippet pid 2: nothing else, and nothing of the host.
  assert.deepEqual(Object.keys(procs).sort(), ["1", "2"]);
  assert.equal(ppid, 1);
  assert.match(procs["2"] ?? "", /^\/usr\/bin\/python3 -c/);
  assert.ok(!Object.values(procs).some((cmdline) => cmdline.includes("node")));
  for (const name of ["environ", "cmdline", "status"]) assert.notEqual(tries[name], "read");
});

let listener: Server;
let accepted = 0;
before(async () => {
  listener = createServer((socket) => {
    accepted++;
    socket.end("host loopback reached\n");
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
});
after(() => listener.close());

test("a listener on the host's loopback cannot be reached: the sandbox's loopback is its own and empty", async () => {
  const { port } = listener.address() as { port: number };
  const run = await runPython(
    fixture,
    `
import json, socket
result = {}
for host in ("127.0.0.1", "localhost"):
    try:
        s = socket.create_connection((host, ${port}), timeout=3)
        result[host] = "connected:" + s.recv(100).decode()
    except OSError as e:
        result[host] = type(e).__name__
result["interfaces"] = sorted(name for _, name in socket.if_nameindex())
print(json.dumps(result))
`,
  );
  const found = findings<Record<string, unknown>>(run);
  assert.equal(found["127.0.0.1"], "ConnectionRefusedError");
  assert.equal(found["localhost"], "ConnectionRefusedError");
  assert.deepEqual(found.interfaces, ["lo"]);
  assert.equal(accepted, 0);
});

test("writes fail everywhere but /tmp, home and scratch; the runtime folder takes the kernel's sockets", async () => {
  const targets = [
    "/x",
    "/usr/x",
    "/etc/x",
    "/dev/x",
    "/proc/x",
    "/run/x",
    join(SANDBOX_FILES_DIR, "x"),
    join(SANDBOX_FILES_DIR, "notebook.txt"),
    "/tmp/x",
    join(SANDBOX_HOME, "x"),
    join(SANDBOX_SCRATCH_DIR, "x"),
    "/dev/shm/x",
    join(fixture.runtimeDir, "x"),
  ];
  const run = await runPython(
    fixture,
    `
import errno, json
out = {}
for path in ${JSON.stringify(targets)}:
    try:
        with open(path, "a") as f:
            f.write("x")
        out[path] = "written"
    except OSError as e:
        out[path] = errno.errorcode.get(e.errno, str(e.errno))
print(json.dumps(out))
`,
  );
  const found = findings<Record<string, string>>(run);
  const writable = new Set(["/tmp/x", join(SANDBOX_HOME, "x"), join(SANDBOX_SCRATCH_DIR, "x"), "/dev/shm/x"]);
  writable.add(join(fixture.runtimeDir, "x"));
  for (const path of targets) {
    if (writable.has(path)) assert.equal(found[path], "written", path);
    else assert.match(found[path] ?? "", /^(EROFS|EACCES|EPERM|ENOENT)$/, `${path}: ${found[path]}`);
  }
});

test("no capabilities, no new privileges, and no descriptor of the server's passes", async () => {
  const run = await runPython(
    fixture,
    `
import json, os
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
print(json.dumps({k: status[k].strip() for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs")} | {"fds": fds}))
`,
  );
  const found = findings<Record<string, unknown>>(run);
  for (const set of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"])
    assert.equal(found[set], "0000000000000000", set);
  assert.equal(found.NoNewPrivs, "1");
  // 0-2 and the descriptor os.listdir opened on /proc/self/fd itself.
  assert.deepEqual(found.fds, [0, 1, 2, 3]);
});

test("the sandbox has its own hostname, user namespace and no further user namespaces", async () => {
  const run = await runPython(
    fixture,
    `
import json, os, socket, subprocess
r = subprocess.run(["/usr/bin/unshare", "--user", "true"], capture_output=True)
print(json.dumps({"hostname": socket.gethostname(), "uid_map": open("/proc/self/uid_map").read().split(), "nested": r.returncode}))
`,
  );
  const found = findings<{ hostname: string; uid_map: string[]; nested: number }>(run);
  assert.equal(found.hostname, "vitrine-kernel");
  assert.equal(found.uid_map.length, 3, "one uid is mapped");
  assert.notEqual(found.nested, 0, "a nested user namespace is refused");
});

// The seccomp filter in a real sandbox: refused system calls answer EPERM before their own checks run.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { deniedSyscalls, SECCOMP_DENIED, seccompFilter } from "./sandbox-seccomp.ts";
import { findings, makeFixture, runPython, type SandboxFixture } from "./sandbox-testing.ts";

let fixture: SandboxFixture;
before(() => {
  fixture = makeFixture();
});
after(() => fixture.cleanup());

const known = seccompFilter() !== undefined;

test(
  "the filter refuses each listed system call with EPERM, whatever its arguments",
  { skip: !known && "no filter for this machine" },
  async () => {
    // Unfiltered, each of these calls would succeed or fail its own way (EFAULT for the null pointers, EINVAL, a
    // key serial, a no-op unshare): only the filter answers EPERM for all of them.
    const numbers = deniedSyscalls();
    const run = await runPython(
      fixture,
      `
import ctypes, json
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
out = {}
for name, nr in ${JSON.stringify(numbers)}.items():
    ctypes.set_errno(0)
    result = libc.syscall(ctypes.c_long(nr), ctypes.c_long(0), ctypes.c_long(0), ctypes.c_long(0), ctypes.c_long(0), ctypes.c_long(0))
    out[name] = ctypes.get_errno() if result == -1 else "returned %d" % result
print(json.dumps(out))
`,
    );
    const found = findings<Record<string, unknown>>(run);
    assert.deepEqual(Object.keys(found).sort(), Object.keys(numbers).sort());
    for (const [name, errno] of Object.entries(found)) assert.equal(errno, 1, `${name}: ${String(errno)}`);
  },
);

test("ordinary system calls still work under the filter", async () => {
  const run = await runPython(
    fixture,
    `
import json, os, socket, subprocess, threading
t = threading.Thread(target=lambda: None); t.start(); t.join()
a, b = socket.socketpair(); a.send(b"x")
child = subprocess.run(["/usr/bin/python3", "-c", "print(6 * 7)"], capture_output=True, text=True)
print(json.dumps({"pair": b.recv(1).decode(), "child": child.stdout.strip(), "pid": os.getpid()}))
`,
  );
  assert.deepEqual(findings(run), { pair: "x", child: "42", pid: 2 });
});

test("the filter checks the architecture and knows every listed call on x64", () => {
  const filter = seccompFilter("x64");
  assert.ok(filter);
  assert.equal(filter.length % 8, 0);
  assert.deepEqual(Object.keys(deniedSyscalls("x64")).sort(), [...SECCOMP_DENIED].sort());
  assert.equal(seccompFilter("mips"), undefined);
});

test(
  "a call through the x32 table kills the process, since the filter's numbers do not apply to it",
  { skip: process.arch !== "x64" },
  async () => {
    // getpid (39) with __X32_SYSCALL_BIT: harmless, and refused only because of the table it comes through.
    const run = await runPython(
      fixture,
      `
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print("before", flush=True)
libc.syscall(ctypes.c_long(0x40000000 + 39))
print("after", flush=True)
`,
    );
    assert.equal(run.stdout, "before\n");
    assert.equal(run.code, 128 + 31, "SIGSYS");
  },
);

// End to end through bubblewrap: a sandbox with its own (empty) network namespace and the egress proxy's socket
// folder bind-mounted at /run/vitrine-egress; inside it, the relay on 127.0.0.1:3128 and Python's urllib with
// HTTP_PROXY pointing there. The proxy reaches a test server on the host's loopback (an allowed pair); the sandbox
// cannot reach that server by itself, and a name the resolver maps to a private address is refused with its code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { EgressProxy, type EgressEvent } from "./egress-proxy.ts";

const REPOSITORY = join(import.meta.dirname, "..", "..");
const RELAY = join(REPOSITORY, "src", "kernels", "egress-relay.py");

const INSIDE = String.raw`
import http.client, json, os, socket, subprocess, sys, urllib.error, urllib.request
relay_path, port = sys.argv[1], int(sys.argv[2])
relay = subprocess.Popen([sys.executable, relay_path, "--listen-port", "3128", "--socket", "/run/vitrine-egress/egress.sock"], stdout=subprocess.PIPE)
relay.stdout.readline()
out = {"interfaces": [name for _, name in socket.if_nameindex()]}
out["allowed"] = urllib.request.urlopen("http://site.test:%d/hello" % port, timeout=10).read().decode()
try:
    urllib.request.urlopen("http://private10.test/", timeout=10)
    out["private"] = "reached"
except urllib.error.HTTPError as error:
    out["private"] = [error.code, error.headers.get("x-vitrine-egress-refusal")]
tunnel = http.client.HTTPConnection("127.0.0.1", 3128, timeout=10)
tunnel.set_tunnel("site.test", port)
tunnel.request("GET", "/tunnel")
out["tunnel"] = tunnel.getresponse().read().decode()
refused = http.client.HTTPConnection("127.0.0.1", 3128, timeout=10)
refused.set_tunnel("metadata.test", 443)
try:
    refused.request("GET", "/")
    out["metadata"] = "reached"
except OSError as error:
    out["metadata"] = str(error)
direct = socket.socket()
direct.settimeout(5)
try:
    direct.connect(("127.0.0.1", port))
    out["direct"] = "connected"
except OSError as error:
    out["direct"] = error.errno
print(json.dumps(out))
`;

const lookup = ((host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  const address = { "site.test": "127.0.0.1", "private10.test": "10.0.0.1", "metadata.test": "169.254.169.254" }[host];
  if (!address) return callback(Object.assign(new Error("not found"), { code: "ENOTFOUND" }));
  return options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4);
}) as LookupFunction;

test("inside bubblewrap, the relay and the proxy are the only way out, and they apply the rule", async () => {
  const server = createServer((req, res) => res.end(`hello from ${req.url}`));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), "vitrine-egress-sandbox-"));
  const events: EgressEvent[] = [];
  const proxy = new EgressProxy({
    studioOrigins: ["http://localhost:8080", "http://127.0.0.1:8081"],
    allowLoopback: [`127.0.0.1:${port}`],
    lookup,
    onEvent: (event) => events.push(event),
  });
  await proxy.openKernel({ kernelId: "k-sandbox", workspaceId: "w-sandbox", socketPath: join(dir, "egress.sock") });
  try {
    const child = spawn(
      "/usr/bin/bwrap",
      [
        ...["--unshare-all", "--die-with-parent", "--new-session"],
        ...["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/run"],
        // The relay is read from the checkout, which may itself be under /tmp (hidden by the tmpfs above).
        ...["--ro-bind", REPOSITORY, REPOSITORY],
        ...["--bind", dir, "/run/vitrine-egress"],
        ...["--clearenv", "--setenv", "HTTP_PROXY", "http://127.0.0.1:3128", "--setenv", "PATH", "/usr/bin:/bin"],
        ...["/usr/bin/python3", "-c", INSIDE, RELAY, String(port)],
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => stdout.push(c));
    child.stderr.on("data", (c: Buffer) => stderr.push(c));
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 0, Buffer.concat(stderr).toString());
    const out = JSON.parse(Buffer.concat(stdout).toString()) as Record<string, unknown>;
    assert.deepEqual(out.interfaces, ["lo"], "the sandbox has loopback and nothing else");
    assert.equal(out.allowed, "hello from /hello");
    assert.deepEqual(out.private, [403, "private_address"]);
    assert.equal(out.tunnel, "hello from /tunnel");
    assert.match(String(out.metadata), /403/);
    assert.equal(out.direct, 111, "ECONNREFUSED: the host's loopback server is not in the sandbox's namespace");
    for (let i = 0; i < 100 && events.length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    // Allowed exchanges are reported when they end, so the order is not the order of the requests.
    const summary = events.map((e) => `${e.outcome}:${e.method}:${e.host}:${e.reason}`).sort();
    assert.deepEqual(summary, [
      "allowed:CONNECT:site.test:closed",
      "allowed:GET:site.test:closed",
      "refused:CONNECT:metadata.test:private_address",
      "refused:GET:private10.test:private_address",
    ]);
    assert.ok(events.every((e) => e.kernelId === "k-sandbox" && e.workspaceId === "w-sandbox"));
  } finally {
    await proxy.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

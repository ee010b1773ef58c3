// The connection rule the image proxy applies to every socket it opens, at the address it really reached.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:https";
import type { AddressInfo, LookupFunction } from "node:net";
import { connectionRefusal, ImageFetcher } from "./image-proxy-fetch.ts";

// A self-signed test certificate for "img.example" (valid 100 years), made for these tests only.
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgK7y/3FcimO0rOF60
JnoOFeKlSEfw9vyNw0mU0h16FrahRANCAATN6u3ZfGM/FOgKiJOf98NW2W4ym93N
Ugbxgzoqdjrjl1SRU43FbY+mJnMKwzZNT5uwANsoEwMIiHF+foAmMhaT
-----END PRIVATE KEY-----`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUAR7Fu0JWvNWDlLXZyHeEg9UALAMwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLaW1nLmV4YW1wbGUwIBcNMjYxMTI3MDYwNjA2WhgPMjEyNjEx
MDMwNjA2MDZaMBYxFDASBgNVBAMMC2ltZy5leGFtcGxlMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEzert2XxjPxToCoiTn/fDVtluMpvdzVIG8YM6KnY645dUkVON
xW2PpiZzCsM2TU+bsADbKBMDCIhxfn6AJjIWk6NrMGkwHQYDVR0OBBYEFFDOWdXu
CMLNCn3Qo/hvuqG9RNofMB8GA1UdIwQYMBaAFFDOWdXuCMLNCn3Qo/hvuqG9RNof
MA8GA1UdEwEB/wQFMAMBAf8wFgYDVR0RBA8wDYILaW1nLmV4YW1wbGUwCgYIKoZI
zj0EAwIDSQAwRgIhAPzhx/+VvyFz5K+LvnVkV7o97FKGp+o+C7Gw1EdpEzGAAiEA
8lWqSzjfd1RM38eDi8IoCKCM+I4GZ5GsAoTzl3ffnC4=
-----END CERTIFICATE-----`;
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010800000000376ef9240000000a49444154789c636000000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

const none: ReadonlySet<string> = new Set();
const pairs: ReadonlySet<string> = new Set(["127.0.0.1:4567", "[::1]:4568"]);

test("public addresses on 80 and 443 only", () => {
  assert.equal(connectionRefusal("93.184.215.14", 443, none), null);
  assert.equal(connectionRefusal("2606:4700::1111", 80, none), null);
  assert.equal(connectionRefusal("::ffff:93.184.215.14", 443, none), null, "an IPv4 peer on a dual-stack socket");
  assert.equal(connectionRefusal("93.184.215.14", 8080, none)?.reason, "bad_port");
  assert.equal(connectionRefusal("93.184.215.14", 22, none)?.reason, "bad_port");
});

test("special addresses are refused whatever the port, with the range named", () => {
  for (const [address, range] of [
    ["127.0.0.1", /loopback/],
    ["10.0.0.5", /RFC 1918/],
    ["169.254.169.254", /link-local/],
    ["::1", /loopback/],
    ["::ffff:10.0.0.5", /IPv4-mapped/],
    ["fd00::1", /unique local/],
    ["64:ff9b::a9fe:a9fe", /NAT64/],
    ["0.0.0.0", /this network/],
  ] as const) {
    const refusal = connectionRefusal(address, 443, none);
    assert.equal(refusal?.reason, "private_address", address);
    assert.match(refusal?.message ?? "", range, address);
  }
  assert.equal(connectionRefusal("not-an-address", 443, none)?.reason, "invalid_address");
});

test("allowed loopback pairs open exactly that address and port", () => {
  assert.equal(connectionRefusal("127.0.0.1", 4567, pairs), null);
  assert.equal(connectionRefusal("::ffff:127.0.0.1", 4567, pairs), null);
  assert.equal(connectionRefusal("::1", 4568, pairs), null);
  assert.equal(connectionRefusal("127.0.0.1", 4568, pairs)?.reason, "private_address");
  assert.equal(connectionRefusal("127.0.0.2", 4567, pairs)?.reason, "private_address");
  assert.equal(connectionRefusal("::1", 4567, pairs)?.reason, "private_address");
  assert.equal(
    connectionRefusal("93.184.215.14", 4567, pairs)?.reason,
    "bad_port",
    "the pair's port opens nothing else",
  );
});

test("https: the certificate is checked against the name, and the socket against the rules, after the handshake", async () => {
  const server = createServer({ key: TEST_KEY, cert: TEST_CERT }, (_req, res) =>
    res.writeHead(200, { "content-type": "image/png" }).end(PNG),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const lookup = ((host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const address = host === "img.example" || host === "other.example" ? "127.0.0.1" : "10.0.0.1";
    return options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4);
  }) as LookupFunction;
  const policy = { allowLoopback: [`127.0.0.1:${port}`] };
  const trusting = new ImageFetcher({ policy, lookup, tlsCa: TEST_CERT, limits: { totalTimeoutMs: 2_000 } });
  const defaults = new ImageFetcher({ policy, lookup, limits: { totalTimeoutMs: 2_000 } });
  try {
    const ok = await trusting.fetch(`https://img.example:${port}/a.png`);
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.deepEqual(ok.ok && ok.bytes, PNG);
    const wrongName = await trusting.fetch(`https://other.example:${port}/a.png`);
    assert.equal(!wrongName.ok && wrongName.reason, "tls_error", JSON.stringify(wrongName));
    const untrusted = await defaults.fetch(`https://img.example:${port}/a.png`);
    assert.equal(!untrusted.ok && untrusted.reason, "tls_error", JSON.stringify(untrusted));
    const inward = await trusting.fetch(`https://inward.example:${port}/a.png`);
    assert.equal(!inward.ok && inward.reason, "private_address", JSON.stringify(inward));
  } finally {
    await trusting.close();
    await defaults.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("concurrency: fetches beyond the limit wait their turn, and beyond the queue are refused at once", async () => {
  const { createServer: createHttpServer } = await import("node:http");
  let inFlight = 0;
  let most = 0;
  const server = createHttpServer((_req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { "content-type": "image/png" }).end(PNG);
    }, 30);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const fetcher = new ImageFetcher({
    policy: { allowLoopback: [`127.0.0.1:${port}`] },
    limits: { maxConcurrent: 2, maxQueued: 3 },
  });
  try {
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) => fetcher.fetch(`http://127.0.0.1:${port}/${i}.png`)),
    );
    assert.deepEqual(
      results.map((r) => (r.ok ? "ok" : r.reason)),
      ["ok", "ok", "ok", "ok", "ok", "proxy_busy", "proxy_busy"],
    );
    assert.equal(most, 2, "never more than two at once");
    assert.equal((await fetcher.fetch(`http://127.0.0.1:${port}/again.png`)).ok, true, "turns are all given back");
  } finally {
    await fetcher.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

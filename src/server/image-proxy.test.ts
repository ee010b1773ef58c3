// The image proxy against real local servers: what it fetches, and every way a hostile server or URL is refused.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { gzipSync } from "node:zlib";
import Fastify, { type FastifyInstance } from "fastify";
import { ImageSigner } from "../urls/image-signature.ts";
import { imageProxyPlugin } from "./image-proxy.ts";
import { png } from "../../test/png-fixture.ts";

const PNG = png(2, 2);
const received: IncomingHttpHeaders[] = [];
let secretHits = 0;
let images: Server;
let secret: Server;
let proxy: FastifyInstance;
let imagePort = 0;
let secretPort = 0;
let proxyBase = "";
const open = new Set<{ destroy(): void }>();
const signer = new ImageSigner({ keys: [{ id: "k1", secret: "s".repeat(32) }], ttlSeconds: 60 });
let rebindCalls = 0;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

before(async () => {
  images = createServer((req, res) => {
    received.push(req.headers);
    open.add(res.socket as never);
    const path = req.url ?? "/";
    const redirect = /^\/redirect\/(\d+)$/.exec(path);
    if (redirect) {
      const n = Number(redirect[1]);
      res.writeHead(302, { location: n === 0 ? "/ok.png" : `/redirect/${n - 1}` }).end();
    } else if (path === "/once.png") {
      res.writeHead(200, { "content-type": "image/png", connection: "close" }).end(PNG);
    } else if (path === "/ok.png") {
      res.writeHead(200, { "content-type": "image/png", "set-cookie": "tracker=1; Path=/" }).end(PNG);
    } else if (path === "/mislabelled") {
      res.writeHead(200, { "content-type": "text/html" }).end(PNG);
    } else if (path === "/to-private") {
      res.writeHead(302, { location: `http://127.0.0.1:${secretPort}/secret` }).end();
    } else if (path === "/to-metadata") {
      res.writeHead(307, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    } else if (path === "/to-rebind") {
      res.writeHead(302, { location: `http://rebind.example:${imagePort}/ok.png` }).end();
    } else if (path === "/to-userinfo") {
      res.writeHead(302, { location: `http://cdn.example@127.0.0.1:${imagePort}/ok.png` }).end();
    } else if (path === "/to-javascript") {
      res.writeHead(302, { location: "javascript:alert(1)" }).end();
    } else if (path === "/flood") {
      res.writeHead(200, { "content-type": "image/png" });
      res.write(png(1, 1).subarray(0, 33));
      const block = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(block));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    } else if (path === "/big-length") {
      res.writeHead(200, { "content-type": "image/png", "content-length": String(500 * 1024 * 1024) });
      res.write(PNG.subarray(0, 8));
    } else if (path === "/trickle") {
      res.writeHead(200, { "content-type": "image/png" });
      res.write(PNG.subarray(0, 40));
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(Buffer.from([0]))), 50);
    } else if (path === "/hang") {
      // Headers never come.
    } else if (path === "/html") {
      res
        .writeHead(200, { "content-type": "image/png" })
        .end("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>");
    } else if (path === "/svg") {
      res
        .writeHead(200, { "content-type": "image/svg+xml" })
        .end('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
    } else if (path === "/bomb.png") {
      res.writeHead(200, { "content-type": "image/png" }).end(png(100_000, 100_000));
    } else if (path === "/gzip.png") {
      res
        .writeHead(200, { "content-type": "image/png", "content-encoding": "gzip" })
        .end(gzipSync(Buffer.alloc(1024 * 1024)));
    } else if (path === "/tiny") {
      res.writeHead(200, { "content-type": "image/png" }).end(PNG.subarray(0, 12));
    } else {
      res.writeHead(404).end();
    }
  });
  secret = createServer((_req, res) => {
    secretHits++;
    res.end("internal secrets");
  });
  imagePort = await listen(images);
  secretPort = await listen(secret);

  // The resolver a DNS attacker controls: names point wherever the test wants, and "rebind" changes its answer.
  const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const answer = (address: string, family: number) =>
      options.all ? callback(null, [{ address, family }]) : callback(null, address, family);
    if (hostname === "img.example") return answer("127.0.0.1", 4);
    if (hostname === "inward.example") return answer("10.1.2.3", 4);
    if (hostname === "metadata.example") return answer("169.254.169.254", 4);
    if (hostname === "mapped.example") return answer("::ffff:127.0.0.2", 6);
    if (hostname === "rebind.example") return rebindCalls++ === 0 ? answer("127.0.0.1", 4) : answer("127.0.0.2", 4);
    callback(Object.assign(new Error(`no such host ${hostname}`), { code: "ENOTFOUND" }));
  }) as LookupFunction;

  proxy = Fastify();
  await proxy.register(imageProxyPlugin, {
    signer,
    policy: { allowLoopback: [`127.0.0.1:${imagePort}`] },
    limits: { totalTimeoutMs: 1_500, connectTimeoutMs: 1_000, maxBytes: 256 * 1024 },
    lookup,
  });
  await proxy.listen({ host: "127.0.0.1", port: 0 });
  proxyBase = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const socket of open) socket.destroy();
  await proxy.close();
  images.closeAllConnections();
  secret.closeAllConnections();
  await Promise.all([new Promise((r) => images.close(r)), new Promise((r) => secret.close(r))]);
});

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${proxyBase}${signer.sign(url).path}`, { headers });
  const body = Buffer.from(await response.arrayBuffer());
  const json = response.headers.get("content-type")?.startsWith("application/json")
    ? (JSON.parse(body.toString()) as { error: string; message: string })
    : null;
  return { response, body, json };
}

function assertSafeHeaders(response: Response) {
  assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  assert.equal(response.headers.get("content-security-policy"), "default-src 'none'; sandbox");
  assert.equal(response.headers.get("set-cookie"), null);
}

test("a signed image is fetched and served with safe headers; nothing of the client's is forwarded, no cookie comes back", async () => {
  received.length = 0;
  const { response, body } = await get(`http://127.0.0.1:${imagePort}/ok.png`, {
    cookie: "session=secret",
    authorization: "Bearer x",
    "x-forwarded-for": "1.2.3.4",
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "image/png");
  assert.deepEqual(body, PNG);
  assertSafeHeaders(response);
  assert.match(response.headers.get("cache-control") ?? "", /^private, max-age=(59|60)$/);
  const upstream = received.at(-1) ?? {};
  assert.equal(upstream.cookie, undefined);
  assert.equal(upstream.authorization, undefined);
  assert.equal(upstream["x-forwarded-for"], undefined);
  assert.equal(upstream.referer, undefined);
  assert.equal(upstream["accept-encoding"], "identity");
});

test("unsigned, tampered, expired and foreign-key URLs are 403", async () => {
  const url = `http://127.0.0.1:${imagePort}/ok.png`;
  const path = signer.sign(url).path;
  const cases: [string, string][] = [
    [`/image/${Buffer.from(url).toString("base64url")}`, "malformed"],
    [path.replace(/\/[^/]+$/, `/${Buffer.from(`${url}?x`).toString("base64url")}`), "bad_signature"],
    [new ImageSigner({ keys: [{ id: "k1", secret: "t".repeat(32) }] }).sign(url).path, "bad_signature"],
    [new ImageSigner({ keys: [{ id: "k0", secret: "s".repeat(32) }] }).sign(url).path, "unknown_key"],
    [
      new ImageSigner({ keys: [{ id: "k1", secret: "s".repeat(32) }], now: () => Date.now() - 3_600_000 }).sign(url)
        .path,
      "expired",
    ],
  ];
  for (const [p, reason] of cases) {
    const response = await fetch(`${proxyBase}${p}`);
    assert.equal(response.status, 403, p);
    assert.equal(((await response.json()) as { error: string }).error, reason, p);
    assertSafeHeaders(response);
  }
});

test("redirects: up to 3 are followed, each re-checked; a 4th, one into a private network or one with userinfo is refused", async () => {
  assert.equal((await get(`http://127.0.0.1:${imagePort}/redirect/2`)).response.status, 200, "3 redirects");
  const four = await get(`http://127.0.0.1:${imagePort}/redirect/3`);
  assert.equal(four.response.status, 502);
  assert.equal(four.json?.error, "too_many_redirects");
  for (const [path, reason] of [
    ["/to-private", "private_address"],
    ["/to-metadata", "private_address"],
    ["/to-javascript", "scheme_not_allowed"],
    // The next hop is judged as written by the rule links and images are: a name before the @ is refused.
    ["/to-userinfo", "userinfo"],
  ]) {
    const r = await get(`http://127.0.0.1:${imagePort}${path}`);
    assert.equal(r.response.status, 403, path);
    assert.equal(r.json?.error, reason, path);
    assert.match(r.json?.message ?? "", /redirect/);
  }
  assert.equal(secretHits, 0, "the internal server was never reached");
});

test("DNS: every connection is checked at the address it resolved to, so rebinding and inward names fail", async () => {
  assert.equal(
    (await get(`http://img.example:${imagePort}/ok.png`)).response.status,
    200,
    "a name that resolves to the allowed pair",
  );
  // The attacker's name first answers the allowed address, then an internal one. The image server closes each
  // connection, so the second fetch must connect again, and that connection is checked afresh.
  rebindCalls = 0;
  const first = await get(`http://rebind.example:${imagePort}/once.png`);
  assert.equal(first.response.status, 200, "first answer: the allowed address");
  const second = await get(`http://rebind.example:${imagePort}/once.png`);
  assert.equal(second.response.status, 403);
  assert.equal(second.json?.error, "private_address");
  assert.match(second.json?.message ?? "", /127\.0\.0\.2: loopback/);
  rebindCalls = 0;
  const viaRedirect = await get(`http://127.0.0.1:${imagePort}/to-rebind`);
  assert.equal(viaRedirect.response.status, 200, "a redirect to the name while it still answers the allowed address");
  for (const host of ["inward.example", "metadata.example", "mapped.example"]) {
    const r = await get(`http://${host}:${imagePort}/ok.png`);
    assert.equal(r.response.status, 403, host);
    assert.equal(r.json?.error, "private_address", host);
    assert.match(r.json?.message ?? "", /resolved to/, host);
  }
  const unknown = await get(`http://nowhere.example:${imagePort}/ok.png`);
  assert.equal(unknown.json?.error, "unknown_host");
});

test("the engine's rules apply before any connection: literal private IPs, other ports, local names", async () => {
  for (const [url, reason] of [
    [`http://127.0.0.1:${secretPort}/secret`, "private_address"],
    [`http://[::1]:${imagePort}/ok.png`, "private_address"],
    [`http://0x7f000001:${secretPort}/`, "private_address"],
    ["http://example.com:8080/a.png", "bad_port"],
    [`http://localhost:${imagePort}/ok.png`, "local_name"],
  ] as const) {
    const r = await get(url);
    assert.equal(r.response.status, 403, url);
    assert.equal(r.json?.error, reason, url);
  }
  assert.equal(secretHits, 0);
});

test("floods: a chunked body without end and a huge Content-Length stop at the byte cap", async () => {
  const flood = await get(`http://127.0.0.1:${imagePort}/flood`);
  assert.equal(flood.response.status, 502);
  assert.equal(flood.json?.error, "too_large");
  const big = await get(`http://127.0.0.1:${imagePort}/big-length`);
  assert.equal(big.response.status, 502);
  assert.equal(big.json?.error, "too_large");
});

test("slow servers: a trickling body and a server that never answers are cut off by the total timeout", async () => {
  const started = Date.now();
  const trickle = await get(`http://127.0.0.1:${imagePort}/trickle`);
  assert.equal(trickle.response.status, 504);
  assert.equal(trickle.json?.error, "timeout");
  const hang = await get(`http://127.0.0.1:${imagePort}/hang`);
  assert.equal(hang.response.status, 504);
  assert.equal(hang.json?.error, "timeout");
  assert.ok(Date.now() - started < 10_000, "answers come, they do not hang");
});

test("wrong types: HTML or SVG labelled as images, truncated bytes, compressed bodies", async () => {
  for (const [path, reason] of [
    ["/html", "not_an_image"],
    ["/svg", "not_an_image"],
    ["/tiny", "unreadable_image"],
    ["/gzip.png", "encoded_response"],
    ["/missing.png", "upstream_status"],
  ]) {
    const r = await get(`http://127.0.0.1:${imagePort}${path}`);
    assert.equal(r.response.status, 502, path);
    assert.equal(r.json?.error, reason, path);
    assertSafeHeaders(r.response);
    assert.notEqual(r.response.headers.get("content-type"), "image/svg+xml");
  }
  const mislabelled = await get(`http://127.0.0.1:${imagePort}/mislabelled`);
  assert.equal(
    mislabelled.response.headers.get("content-type"),
    "image/png",
    "the type comes from the bytes, not the server",
  );
});

test("decompression bombs: a small PNG declaring 100,000 x 100,000 pixels is refused from its header", async () => {
  const r = await get(`http://127.0.0.1:${imagePort}/bomb.png`);
  assert.equal(r.response.status, 502);
  assert.equal(r.json?.error, "too_many_pixels");
  assert.match(r.json?.message ?? "", /100000 x 100000/);
});

test("with remote images blocked, a signed address on another site is refused before any lookup; an allowed loopback pair still serves", async () => {
  const lookedUp: string[] = [];
  const lookup = ((hostname: string, _options: unknown, callback: (...args: unknown[]) => void) => {
    lookedUp.push(hostname);
    callback(null, [{ address: "127.0.0.1", family: 4 }]);
  }) as LookupFunction;
  const offline = Fastify();
  await offline.register(imageProxyPlugin, {
    signer,
    policy: { allowLoopback: [`127.0.0.1:${imagePort}`], remoteImages: false },
    lookup,
  });
  try {
    const seen = received.length;
    // The name would resolve to the allowed pair: refused all the same, by the rule, before the resolver is asked.
    const remote = await offline.inject({ url: signer.sign(`http://img.example:${imagePort}/ok.png`).path });
    assert.equal(remote.statusCode, 403);
    assert.equal(remote.json().error, "remote_images_blocked");
    assert.deepEqual(lookedUp, []);
    assert.equal(received.length, seen, "the image server was not asked");
    const local = await offline.inject({ url: signer.sign(`http://127.0.0.1:${imagePort}/ok.png`).path });
    assert.equal(local.statusCode, 200);
    assert.deepEqual(local.rawPayload, PNG);
  } finally {
    await offline.close();
  }
});

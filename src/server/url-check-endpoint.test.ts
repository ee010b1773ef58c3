// POST /api/url-check on a real Fastify instance, mounted the way the studio server mounts it: inside a scope
// that checks the session and the CSRF token before any route runs.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance } from "fastify";
import { BlocklistBuilder, parsePattern, REASONS, type UrlPolicy } from "../urls/index.ts";
import { ImageSigner } from "../urls/image-signature.ts";
import { imageProxyPlugin } from "./image-proxy.ts";
import { UrlCheckAnswer, UrlReason, type UrlVerdict } from "../contract/api-url-check.ts";
import { urlCheckRoute } from "./url-check-endpoint.ts";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010800000000376ef9240000000a49444154789c636000000002000154a24f5d0000000049454e44ae426082",
  "hex",
);
const signer = new ImageSigner({ keys: [{ id: "k1", secret: "s".repeat(32) }] });
const SESSION = "session=abc";
const CSRF = "token-123";
let app: FastifyInstance;
let content: FastifyInstance;
let images: Server;
let imagePort = 0;
let contentOrigin = "";

function blocklist() {
  const builder = new BlocklistBuilder();
  const tag = builder.list("phishing");
  builder.add(parsePattern("evil.example"), tag);
  return builder.build();
}

before(async () => {
  images = createServer((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(PNG));
  await new Promise<void>((r) => images.listen(0, "127.0.0.1", () => r()));
  imagePort = (images.address() as AddressInfo).port;
  const policy: UrlPolicy = {
    appOrigin: "http://localhost:8080",
    blocklist: blocklist(),
    allowLoopback: [`127.0.0.1:${imagePort}`],
  };

  content = Fastify();
  await content.register(imageProxyPlugin, { signer, policy });
  await content.listen({ host: "127.0.0.1", port: 0 });
  contentOrigin = `http://127.0.0.1:${(content.server.address() as AddressInfo).port}`;

  app = Fastify();
  // The studio server's protected scope, reduced to what matters here: no session -> 401, no CSRF token -> 403.
  await app.register(async (scope) => {
    scope.addHook("onRequest", async (request, reply) => {
      if (request.headers.cookie !== SESSION)
        return reply.code(401).send({ error: "unauthenticated", message: "Sign in first." });
      if (request.method !== "GET" && request.headers["x-csrf-token"] !== CSRF)
        return reply.code(403).send({ error: "csrf", message: "Missing CSRF token." });
    });
    await scope.register(urlCheckRoute, {
      policy,
      signer,
      contentOrigin,
      getUserTrust: async (request) =>
        request.headers["x-test-user"] === "trusting"
          ? { domains: ["docs.python.org", "evil.example"], applications: ["vscode"] }
          : { domains: [], applications: [] },
    });
  });
  await app.ready();
});

after(async () => {
  await app.close();
  await content.close();
  images.closeAllConnections();
  await new Promise((r) => images.close(r));
});

async function check(body: unknown, headers: Record<string, string> = {}) {
  const response = await app.inject({
    method: "POST",
    url: "/api/url-check",
    headers: { cookie: SESSION, "x-csrf-token": CSRF, "content-type": "application/json", ...headers },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
  return {
    status: response.statusCode,
    json: response.json() as { verdicts: UrlVerdict[]; error?: string; message?: string; at?: string },
  };
}

test("verdicts come back in order, one per check, with what a prompt needs", async () => {
  const { status, json } = await check({
    checks: [
      { url: "https://docs.python.org/3/", context: "link" },
      { url: "javascript:alert(1)", context: "link" },
      { url: "vscode://file/x", context: "link" },
      { url: "other.ipynb", context: "link", base: "http://localhost:8080/w/team/files/nb.ipynb" },
      { url: "/api/workspaces/1/delete", context: "image" },
      { url: "https://evil.example/login", context: "link" },
      { url: "#top", context: "link" },
      { url: "https://docs.python.org@other.example/", context: "link" },
      { url: "http://192.168.1.1/", context: "link" },
    ],
  });
  assert.equal(status, 200);
  assert.deepEqual(
    json.verdicts.map((v) => `${v.verdict} ${v.reason}`),
    [
      "prompt external_site",
      "block scheme_not_allowed",
      "prompt external_application",
      "allow workspace_relative",
      "block app_api",
      "block blocklisted",
      "allow same_document",
      "block userinfo",
      "block private_address",
    ],
  );
  // A refusal is final, as the studio offers it; the written form is named with the real destination.
  assert.equal(json.verdicts[7]?.writtenForm, "userinfo");
  assert.match(json.verdicts[7]?.message ?? "", /it goes to https:\/\/other\.example\//);
  assert.equal(json.verdicts[7]?.prompt?.clickThrough, false);
  assert.equal(json.verdicts[8]?.prompt?.clickThrough, false);
  assert.deepEqual(json.verdicts[0]?.prompt, {
    kind: "external_site",
    host: "docs.python.org",
    registrableDomain: "python.org",
    clickThrough: true,
  });
  assert.equal(json.verdicts[2]?.prompt?.application, "Visual Studio Code");
  assert.equal(json.verdicts[5]?.list, "phishing");
  assert.equal(json.verdicts[5]?.prompt?.clickThrough, false);
});

test("an allowed web image carries a signed proxy URL that the content origin serves", async () => {
  const { json } = await check({
    checks: [
      { url: `http://127.0.0.1:${imagePort}/a.png`, context: "image" },
      { url: "attachment:x.png", context: "image" },
    ],
  });
  const [image, attachment] = json.verdicts;
  assert.equal(image?.reason, "proxied_image");
  assert.ok(image?.proxyUrl?.startsWith(`${contentOrigin}/image/k1/`), image?.proxyUrl);
  assert.equal(attachment?.proxyUrl, undefined);
  const fetched = await fetch(image?.proxyUrl as string);
  assert.equal(fetched.status, 200);
  assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), PNG);
});

test("a person's trusted domains and applications turn their prompts into allow, never a block", async () => {
  const { json } = await check(
    {
      checks: [
        { url: "https://docs.python.org/3/", context: "link" },
        { url: "vscode://x", context: "link" },
        { url: "https://evil.example/", context: "link" },
        { url: "https://other.example/", context: "link" },
      ],
    },
    { "x-test-user": "trusting" },
  );
  assert.deepEqual(
    json.verdicts.map((v) => `${v.verdict} ${v.reason}`),
    ["allow trusted_site", "allow trusted_application", "block blocklisted", "prompt external_site"],
  );
});

test("the session and CSRF checks of the enclosing scope run first", async () => {
  const noSession = await app.inject({
    method: "POST",
    url: "/api/url-check",
    headers: { "content-type": "application/json" },
    payload: "{}",
  });
  assert.equal(noSession.statusCode, 401);
  const noToken = await app.inject({
    method: "POST",
    url: "/api/url-check",
    headers: { cookie: SESSION, "content-type": "application/json" },
    payload: '{"checks":[]}',
  });
  assert.equal(noToken.statusCode, 403);
});

test("bodies are validated strictly: unknown fields, wrong types, too many checks and non-JSON are refused, located", async () => {
  const cases: [unknown, string, string][] = [
    [{ checks: [], extra: 1 }, "/extra", "unknown field"],
    [{ checks: [{ url: "x", context: "link", target: "_blank" }] }, "/checks/0/target", "unknown field"],
    [{ checks: [{ url: 1, context: "link" }] }, "/checks/0/url", "url must be a string"],
    [{ checks: [{ url: "x", context: "iframe" }] }, "/checks/0/context", "context must be"],
    [{ checks: [{ url: "x", context: "link", base: "javascript:x" }] }, "/checks/0/base", "http(s)"],
    [{ checks: "x" }, "/checks", "array"],
    [{}, "/checks", "array"],
    [[], "", "JSON object"],
    [{ checks: Array.from({ length: 1001 }, () => ({ url: "#", context: "link" })) }, "/checks", "at most 1000"],
  ];
  for (const [body, at, message] of cases) {
    const { status, json } = await check(body);
    assert.equal(status, 400, JSON.stringify(body).slice(0, 80));
    assert.equal(json.error, "invalid_body");
    assert.equal(json.at, at);
    assert.match(json.message ?? "", new RegExp(message.replace(/[()]/g, "\\$&")));
  }
  const thousand = await check({
    checks: Array.from({ length: 1000 }, (_, i) => ({ url: `#s${i}`, context: "link" })),
  });
  assert.equal(thousand.status, 200);
  assert.equal(thousand.json.verdicts.length, 1000);
  const text = await check('{"checks":[]}', { "content-type": "text/plain" });
  assert.equal(text.status, 415);
  const broken = await check('{"checks": [', {});
  assert.equal(broken.status, 400);
});

test("the server's route config reaches the route: a rate limit applies to URL checks", async () => {
  const limited = Fastify();
  await limited.register(rateLimit, { global: false });
  await limited.register(urlCheckRoute, {
    signer,
    contentOrigin: "http://127.0.0.1:8081",
    routeConfig: { rateLimit: { max: 2, timeWindow: 60_000 } },
  });
  try {
    const send = () =>
      limited.inject({
        method: "POST",
        url: "/api/url-check",
        headers: { "content-type": "application/json" },
        payload: '{"checks":[]}',
      });
    assert.equal((await send()).statusCode, 200);
    assert.equal((await send()).statusCode, 200);
    assert.equal((await send()).statusCode, 429);
  } finally {
    await limited.close();
  }
});

test("the reason codes the API declares are the URL engine's, no more and no fewer", () => {
  assert.deepEqual([...UrlReason.enum].sort(), Object.keys(REASONS).sort());
});

test("the answer schema declares every field of real answers: the compiled serializer would keep each one", async () => {
  // The route answers with JSON.stringify; a route serialized from UrlCheckAnswer would drop any field the schema
  // does not declare. Every kind of verdict goes through such a route here and must come out unchanged.
  const { json } = await check(
    {
      checks: [
        { url: "https://docs.python.org/3/", context: "link" },
        { url: "https://docs.python.org/3/", context: "image" },
        { url: "javascript:alert(1)", context: "link" },
        { url: "vscode://file/x", context: "link" },
        { url: "ms-msdt:/id", context: "link" },
        { url: "other.ipynb", context: "link", base: "http://localhost:8080/w/team/files/nb.ipynb" },
        { url: "/api/workspaces/1/delete", context: "image" },
        { url: "https://evil.example/login", context: "link" },
        { url: "https://xn--pple-43d.com/", context: "link" },
        { url: "http://10.0.0.1/admin", context: "link" },
        { url: "http://printer.local/", context: "link" },
        { url: "#top", context: "link" },
        { url: "https://good.example@evil.example/", context: "link" },
        { url: "http://user@127.1/", context: "image" },
        { url: "attachment:a.png", context: "image" },
        { url: "http://[", context: "link" },
        { url: `https://example.org/${"x".repeat(9000)}.png`, context: "image" },
      ],
    },
    { "x-test-user": "trusting" },
  );
  assert.ok(json.verdicts.some((v) => v.proxyUrl !== undefined && v.prompt === undefined));
  assert.ok(json.verdicts.some((v) => v.list !== undefined && v.prompt !== undefined));
  const probe = Fastify();
  probe.post("/", { schema: { response: { 200: UrlCheckAnswer } } }, async (request) => request.body);
  const echoed = await probe.inject({ method: "POST", url: "/", payload: json });
  assert.deepEqual(echoed.json(), json);
  await probe.close();
});

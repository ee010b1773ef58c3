// What every response of both origins looks like: security headers, error shape, strict bodies, the content
// origin's isolation, OpenAPI coverage, security.txt; and both origins on real loopback sockets.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/server/config.ts";
import { startStudio } from "../src/server/server.ts";
import { PERMISSIONS_POLICY } from "../src/server/security-headers.ts";
import { multipart, startTestStudio, type Caller, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;
let me: Caller;
before(async () => {
  t = await startTestStudio();
  me = await t.addUser("hana");
});
after(() => t.close());

function assertAppHeaders(headers: Record<string, unknown>, where: string) {
  const csp = String(headers["content-security-policy"]);
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "frame-src http://127.0.0.1:8081",
    "require-trusted-types-for 'script'",
    "trusted-types vitrine",
  ]) {
    assert.ok(csp.includes(directive), `${where}: CSP lacks ${directive}: ${csp}`);
  }
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(headers["referrer-policy"], "no-referrer", where);
  assert.equal(headers["cross-origin-opener-policy"], "same-origin", where);
  assert.equal(headers["cross-origin-resource-policy"], "same-origin", where);
  assert.equal(headers["permissions-policy"], PERMISSIONS_POLICY, where);
  assert.equal(headers["x-content-type-options"], "nosniff", where);
  assert.equal(headers["strict-transport-security"], undefined, `${where}: no HSTS over plain HTTP`);
  assert.match(String(headers["x-request-id"]), /^[0-9a-f-]{36}$/, where);
}

test("security headers on every app response: success, client error, not found, signed out", async () => {
  const responses = {
    health: await t.call(undefined, { method: "GET", url: "/healthz" }),
    list: await t.call(me, { method: "GET", url: "/api/workspaces" }),
    missing: await t.call(undefined, { method: "GET", url: "/no/such/page" }),
    signedOut: await t.call(undefined, { method: "GET", url: "/api/workspaces" }),
    badBody: await t.call(me, { method: "POST", url: "/api/workspaces", payload: { name: "x", extra: 1 } }),
  };
  for (const [name, r] of Object.entries(responses)) assertAppHeaders(r.headers, name);
  assert.equal(responses.missing.statusCode, 404);
  assert.deepEqual(responses.missing.json(), { error: "not_found", message: "there is nothing here" });
});

test("HSTS is sent when the app's public URL is https", async () => {
  const tls = await startTestStudio({ "app-url": "https://studio.example", "content-url": "https://content.example" });
  try {
    const r = await tls.app.inject({ method: "GET", url: "/healthz" });
    assert.equal(r.headers["strict-transport-security"], "max-age=31536000");
  } finally {
    await tls.close();
  }
});

test("the CSP each origin sends, byte for byte, for the default origins and for others", async () => {
  const other = await startTestStudio({
    "app-url": "https://studio.example",
    "content-url": "https://content.example:8443",
  });
  try {
    for (const [studio, app, content] of [
      [t, "http://localhost:8080", "http://127.0.0.1:8081"],
      [other, "https://studio.example", "https://content.example:8443"],
    ] as const) {
      const host = new URL(content).host;
      const page = await studio.app.inject({ method: "GET", url: "/healthz" });
      assert.equal(
        page.headers["content-security-policy"],
        `default-src 'self';script-src 'self';style-src 'self';img-src 'self' data: ${content};font-src 'self';connect-src 'self';frame-src ${content};worker-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none';require-trusted-types-for 'script';trusted-types vitrine-sanitizer`,
      );
      const baseline = await studio.content.inject({ method: "GET", url: "/healthz", headers: { host } });
      assert.equal(
        baseline.headers["content-security-policy"],
        `default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors ${app}`,
      );
      const image = await studio.content.inject({ method: "GET", url: "/image/a/b/c/d", headers: { host } });
      assert.equal(image.headers["content-security-policy"], "default-src 'none'; sandbox");
    }
  } finally {
    await other.close();
  }
});

test("request bodies: unknown fields, wrong types, odd content types and unexpected bodies are refused", async () => {
  const unknown = await t.call(me, {
    method: "POST",
    url: "/api/workspaces",
    payload: { name: "x", owner: "someone" },
  });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.json().error, "invalid_body");
  const typed = await t.call(me, { method: "POST", url: "/api/workspaces", payload: { name: 5 } });
  assert.equal(typed.json().error, "invalid_body");
  const text = await t.call(me, {
    method: "POST",
    url: "/api/workspaces",
    payload: "name=x",
    headers: { "content-type": "text/plain" },
  });
  assert.equal(text.statusCode, 415);
  assert.equal(text.json().error, "unsupported_media_type");
  const form = await t.call(me, {
    method: "POST",
    url: "/api/workspaces",
    payload: "name=x",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(form.statusCode, 415);
  const broken = await t.call(me, {
    method: "POST",
    url: "/api/workspaces",
    payload: "{",
    headers: { "content-type": "application/json" },
  });
  assert.equal(broken.json().error, "invalid_json");
  const unexpected = await t.call(me, { method: "DELETE", url: "/api/session", payload: { x: 1 } });
  assert.equal(unexpected.json().error, "unexpected_body");
  const query = await t.call(me, { method: "GET", url: "/api/audit?limit=5&sneaky=1" });
  assert.ok([400, 403].includes(query.statusCode));
  const huge = await t.call(me, {
    method: "POST",
    url: "/api/workspaces",
    payload: JSON.stringify({ name: "x".repeat(100_000) }),
    headers: { "content-type": "application/json" },
  });
  assert.equal(huge.statusCode, 413);
  assert.equal(huge.json().error, "body_too_large");
  for (const r of [unknown, typed, text, form, broken, unexpected, huge]) {
    assert.deepEqual(Object.keys(r.json()).sort(), ["error", "message"]);
    assert.doesNotMatch(r.body, /at .*\.ts:\d+|node_modules/);
  }
});

test("a server failure answers 500 with a request id the user can quote, logs it, and shows no stack", async () => {
  const broken = await startTestStudio();
  const logged: string[] = [];
  broken.app.log.error = ((obj: unknown) => void logged.push(JSON.stringify(obj))) as typeof broken.app.log.error;
  // A real failure: the database is gone under a running server.
  await broken.studio.db.destroy();
  const r = await broken.app.inject({ method: "GET", url: "/healthz" });
  assert.equal(r.statusCode, 500);
  const body = r.json();
  assert.equal(body.error, "internal_error");
  assert.equal(body.requestId, r.headers["x-request-id"]);
  assert.ok(body.message.includes(body.requestId));
  assert.doesNotMatch(r.body, /destroyed|Error:|\.ts|node_modules/);
  await broken.app.close();
  await broken.content.close();
  rmSync(broken.dataDir, { recursive: true, force: true });
});

test("the content origin answers only its own routes, sets no cookie, and may be framed by the app alone", async () => {
  const health = await t.content.inject({ method: "GET", url: "/healthz", headers: { host: "127.0.0.1:8081" } });
  assert.equal(health.statusCode, 200);
  assert.match(String(health.headers["content-security-policy"]), /frame-ancestors http:\/\/localhost:8080/);
  assert.match(String(health.headers["content-security-policy"]), /default-src 'none'/);
  assert.equal(health.headers["x-content-type-options"], "nosniff");
  for (const [method, url] of [
    ["GET", "/api/session"],
    ["POST", "/api/session"],
    ["GET", "/api/workspaces"],
    ["GET", "/api/openapi.json"],
    ["GET", "/"],
  ] as const) {
    const r = await t.content.inject({
      method,
      url,
      headers: { host: "127.0.0.1:8081", cookie: me.cookie },
      ...(method === "POST" ? { payload: { username: "hana", password: "x" } } : {}),
    });
    assert.ok([404, 415].includes(r.statusCode), `${method} ${url} on the content origin: ${r.statusCode}`);
    assert.equal(r.headers["set-cookie"], undefined);
  }
});

test("a foreign host name (DNS rebinding) is refused on both origins; IP literals are not", async () => {
  const app = await t.app.inject({ method: "GET", url: "/healthz", headers: { host: "attacker.example:8080" } });
  assert.equal(app.statusCode, 421);
  assert.equal(app.json().error, "unknown_host");
  const content = await t.content.inject({ method: "GET", url: "/healthz", headers: { host: "attacker.example" } });
  assert.equal(content.statusCode, 421);
  for (const host of ["localhost:8080", "127.0.0.1:8080", "[::1]:8080"]) {
    assert.equal((await t.app.inject({ method: "GET", url: "/healthz", headers: { host } })).statusCode, 200, host);
  }
});

test("/api/openapi.json describes every route the app origin serves", async () => {
  const spec = (await t.call(undefined, { method: "GET", url: "/api/openapi.json" })).json() as {
    openapi: string;
    paths: Record<string, Record<string, { summary?: string }>>;
  };
  assert.match(spec.openapi, /^3\./);
  const described = new Set(
    Object.entries(spec.paths).flatMap(([p, ms]) => Object.keys(ms).map((m) => `${m.toUpperCase()} ${p}`)),
  );
  const served: { method: string | string[]; url: string; websocket?: boolean }[] = [];
  const inventory = await startTestStudio({}, { onRoute: (route) => void served.push(route) });
  await inventory.close();
  // Every route Fastify has, in OpenAPI's path syntax, must be described (HEAD is implied by GET).
  // The kernel socket is a websocket, not an HTTP answer: docs/api.md describes it, and OpenAPI 3.1 cannot.
  const routeLines = served
    .filter((r) => !r.websocket)
    .flatMap((r) =>
      [r.method]
        .flat()
        .filter((method) => method !== "HEAD")
        .map((method) => `${method} ${r.url.replace(/:([A-Za-z]+)/g, "{$1}").replace(/\*$/, "{*}")}`),
    );
  assert.ok(routeLines.length >= 20, routeLines.join("\n"));
  for (const route of routeLines) assert.ok(described.has(route), `${route} is not in /api/openapi.json`);
  for (const [path, methods] of Object.entries(spec.paths))
    for (const [m, op] of Object.entries(methods)) assert.ok(op.summary, `${m} ${path} has a summary`);
});

test("/api/openapi.json gives every answer a schema: each 2xx its own, every 4XX and 5XX the shared error", async () => {
  interface Answer {
    description?: string;
    content?: Record<string, { schema?: { $ref?: string } }>;
  }
  const spec = (await t.call(undefined, { method: "GET", url: "/api/openapi.json" })).json() as {
    paths: Record<string, Record<string, { responses: Record<string, Answer> }>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  assert.deepEqual(Object.keys(spec.components.schemas.ApiError?.properties ?? {}).slice(0, 2), ["error", "message"]);
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, { responses }] of Object.entries(operations)) {
      const where = `${method.toUpperCase()} ${path}`;
      const successes = Object.entries(responses).filter(([status]) => /^2/.test(status));
      assert.ok(successes.length > 0, `${where} has no 2xx answer`);
      for (const [status, answer] of successes) {
        assert.notEqual(answer.description, "Default Response", `${where} ${status} is not described`);
        if (status === "204") {
          assert.equal(answer.content, undefined, `${where} 204 has a body`);
          continue;
        }
        const media = Object.values(answer.content ?? {});
        assert.ok(media.length > 0 && media.every((m) => m.schema !== undefined), `${where} ${status} has no schema`);
      }
      for (const range of ["4XX", "5XX"]) {
        const schema = responses[range]?.content?.["application/json"]?.schema;
        assert.equal(schema?.$ref, "#/components/schemas/ApiError", `${where} ${range}`);
      }
    }
  }
});

test("security.txt follows RFC 9116 and points at the security policy", async () => {
  const r = await t.call(undefined, { method: "GET", url: "/.well-known/security.txt" });
  assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
  assert.match(r.body, /^Contact: http:\/\/localhost:8080\/SECURITY\.md$/m);
  const expires = /^Expires: (\S+)$/m.exec(r.body)?.[1];
  assert.ok(expires && Date.parse(expires) > Date.now() && Date.parse(expires) <= Date.now() + 366 * 86400_000);
  const policy = await t.call(undefined, { method: "GET", url: "/SECURITY.md" });
  assert.match(policy.body, /Reporting a vulnerability/);
});

function get(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on("error", reject)
      .end();
  });
}

test("both origins listen on loopback sockets and close cleanly", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "vitrine-listen-"));
  const config = loadConfig(
    {
      "data-dir": dataDir,
      "log-level": "silent",
      "app-host": "127.0.0.1",
      "app-port": "0",
      "content-host": "127.0.0.1",
      "content-port": "0",
    },
    {},
  );
  const lines: string[] = [];
  const running = await startStudio(config, (line) => lines.push(line));
  try {
    assert.match(lines.join("\n"), /one-time password: \S{20}/);
    const app = await get(`${running.appAddress}/healthz`);
    assert.equal(app.status, 200);
    assertAppHeaders(app.headers, "socket");
    const content = await get(`${running.contentAddress}/api/openapi.json`);
    assert.equal(content.status, 404);
    assert.equal(content.headers["set-cookie"], undefined);
  } finally {
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test(
  "an upload refused before its body is read is answered at once and its connection closed",
  { timeout: 20_000 },
  async () => {
    const s = await startTestStudio();
    const caller = await s.addUser("early");
    const ws = (await s.call(caller, { method: "POST", url: "/api/workspaces", payload: { name: "w" } })).json().id;
    const url = await s.app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const body = multipart(undefined, [{ path: "big.txt", content: "x".repeat(5_000_000) }]);
      const r = await fetch(`${url}/api/workspaces/${ws}/files`, {
        method: "POST",
        headers: { cookie: caller.cookie, "x-csrf-token": caller.csrf, ...body.headers },
        body: new Uint8Array(body.payload),
      });
      assert.equal(r.status, 400);
      assert.equal(r.headers.get("connection"), "close");
      assert.equal(((await r.json()) as { error: string }).error, "trust_acknowledgment_required");
    } finally {
      // Would hang on a socket left waiting for the rest of the body.
      await s.close();
    }
  },
);

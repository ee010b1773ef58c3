// Every route of /api/openapi.json, as each kind of caller: CSRF refusals for every state-changing route, GETs
// that change nothing, and the authorization matrix (signed out, non-member, viewer, editor, owner).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  multipart,
  snapshot,
  startTestStudio,
  PASSWORD,
  SMALL_NOTEBOOK,
  type Caller,
  type TestStudio,
} from "./server-helpers.ts";

let t: TestStudio;
let owner: Caller;
let editor: Caller;
let viewer: Caller;
let outsider: Caller;
let routes: { method: string; path: string }[];

before(async () => {
  // This test makes many uploads on purpose; the upload limit has its own test.
  t = await startTestStudio({ "upload-requests-per-minute": "100000" });
  owner = await t.addUser("owner");
  editor = await t.addUser("editor");
  viewer = await t.addUser("viewer");
  outsider = await t.addUser("outsider");
  await t.addUser("spare");
  const spec = (await t.call(undefined, { method: "GET", url: "/api/openapi.json" })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((m) => m !== "head")
      .map((m) => ({ method: m.toUpperCase(), path })),
  );
});
after(() => t.close());

interface Fixture {
  ws: string;
  trashedId: number;
  /** A file that went to the trash with its folder ("box"). */
  folderTrashedId: number;
  /** For the routes of one kernel: a running kernel of ws. */
  kernelId?: string;
}

/**
 * The kernel routes' workspace, made once: a kernel costs a second to start, so the routes of one kernel share one
 * (started again when a test shut it down), and kernels a route started are shut down after each call.
 */
let kernelWorkspace: Fixture | undefined;

async function kernelFixture(): Promise<Fixture> {
  kernelWorkspace ??= await fixture();
  const ws = kernelWorkspace.ws;
  let kernelId = t.studio.kernels.list(ws).find((k) => k.state !== "dead")?.id;
  if (!kernelId) {
    const started = await t.call(owner, {
      method: "POST",
      url: `/api/workspaces/${ws}/kernels`,
      payload: { path: "dir/a.ipynb" },
    });
    assert.equal(started.statusCode, 201, started.body);
    kernelId = started.json().id as string;
  }
  return { ...kernelWorkspace, kernelId };
}

/** Shuts down every kernel of the kernel routes' workspace but the one they share. */
async function kernelsCleared(keep: string | undefined): Promise<void> {
  if (!kernelWorkspace) return;
  for (const kernel of t.studio.kernels.list(kernelWorkspace.ws))
    if (kernel.id !== keep) await t.studio.kernels.manager.shutdown(kernel.id);
}

const isKernelRoute = (path: string) => path.includes("/kernels") || path.includes("/kernel-network");

/** The fixture a route is called on. */
async function fixtureFor(path: string): Promise<Fixture> {
  return isKernelRoute(path) ? kernelFixture() : fixture();
}

/** A fresh workspace with a file, a trashed file, and the three members. */
async function fixture(): Promise<Fixture> {
  const ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name: "fixture" } })).json()
    .id as string;
  for (const [name, role] of [
    ["editor", "editor"],
    ["viewer", "viewer"],
  ]) {
    await t.call(owner, { method: "POST", url: `/api/workspaces/${ws}/members`, payload: { username: name, role } });
  }
  const up = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", [
      { path: "dir/a.py", content: "a\n" },
      { path: "gone.py", content: "g\n" },
      { path: "dir/a.ipynb", content: SMALL_NOTEBOOK },
      { path: "box/b.py", content: "b\n" },
    ]),
  });
  assert.equal(up.statusCode, 201, up.body);
  const trashedId = (await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/files/gone.py` })).json()
    .id as number;
  const folderTrashedId = (await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/folders/box` })).json()
    .files[0].id as number;
  await t.call(owner, { method: "POST", url: "/api/trust/domains", payload: { domain: "example.org" } });
  await t.call(owner, { method: "POST", url: "/api/trust/applications", payload: { scheme: "vscode" } });
  return { ws, trashedId, folderTrashedId };
}

function concrete(path: string, f: Fixture): string {
  return path
    .replace("{ws}", f.ws)
    .replace("{*}", path.includes("/folders/") ? "dir" : "{*}")
    .replace("{id}/restore-folder", `${f.folderTrashedId}/restore-folder`)
    .replace("{*}", /\/(notebook|notebook-head|export|script)\//.test(path) ? "dir/a.ipynb" : "dir/a.py")
    .replace("{username}", "viewer")
    .replace("{id}", path.includes("/kernels/") ? (f.kernelId ?? "") : String(f.trashedId))
    .replace("{domain}", "example.org")
    .replace("{scheme}", "vscode");
}

/** A valid request body for each state-changing route, so that a refusal can only come from the check under test. */
function body(method: string, path: string): { payload?: unknown; headers?: Record<string, string> } {
  const key = `${method} ${path}`;
  const bodies: Record<string, unknown> = {
    "POST /api/session": { username: "spare", password: PASSWORD },
    "PUT /api/account/password": { currentPassword: PASSWORD, newPassword: "another long password" },
    "PUT /api/account/theme": { theme: "dark" },
    "POST /api/workspaces": { name: "new" },
    "PATCH /api/workspaces/{ws}": { name: "renamed" },
    "POST /api/workspaces/{ws}/members": { username: "spare", role: "viewer" },
    "PATCH /api/workspaces/{ws}/members/{username}": { role: "editor" },
    "PATCH /api/workspaces/{ws}/files/{*}": { path: "moved.py" },
    "POST /api/workspaces/{ws}/folders": { path: "made-folder" },
    "PATCH /api/workspaces/{ws}/folders/{*}": { path: "moved-folder" },
    "PUT /api/workspaces/{ws}/files/{*}": { content: "saved\n", baseVersion: 1 },
    "POST /api/workspaces/{ws}/new-file": { path: "made.ipynb" },
    "POST /api/trust/domains": { domain: "example.com" },
    "POST /api/trust/applications": { scheme: "zotero" },
    "POST /api/workspaces/{ws}/kernels": { path: "dir/a.ipynb" },
    "PUT /api/workspaces/{ws}/kernel-network": { allowed: false },
    "POST /api/admin/users": { name: `invitee${++invitees}` },
    "PATCH /api/admin/users/{username}": { disabled: false },
    "POST /api/url-check": {
      checks: [
        { url: "https://example.org/a.png", context: "image" },
        { url: "javascript:alert(1)", context: "link" },
      ],
    },
  };
  if (key === "POST /api/workspaces/{ws}/files") {
    const m = multipart("trusted-source-v1", [{ path: "new.py", content: "n\n" }]);
    return { payload: m.payload, headers: m.headers };
  }
  if (key === "POST /api/workspaces/{ws}/review") {
    const m = multipart(undefined, [{ path: "new.py", content: "import os\nos.system('id')\n" }]);
    return { payload: m.payload, headers: m.headers };
  }
  return key in bodies ? { payload: bodies[key] } : {};
}

/** body(), with a fresh invitation token for the route that spends one. */
async function bodyFor(method: string, path: string): Promise<ReturnType<typeof body>> {
  if (method === "POST" && path === "/api/invitation")
    return { payload: { token: await freshInvitationToken(), password: "a long enough password" } };
  return body(method, path);
}

let selves = 0;
let invitees = 0;
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

let administratorCaller: Caller | undefined;
/** An administrator, for the routes that need one (/api/admin/...). */
async function administrator(): Promise<Caller> {
  administratorCaller ??= await t.addUser("administrator", { admin: true });
  return administratorCaller;
}

/** A fresh, unused invitation token, so that each use of POST /api/invitation has one of its own. */
async function freshInvitationToken(): Promise<string> {
  const r = await t.call(await administrator(), {
    method: "POST",
    url: "/api/admin/users",
    payload: { name: `invitee${++invitees}` },
  });
  assert.equal(r.statusCode, 201, r.body);
  return new URLSearchParams(new URL(r.json().link).hash.slice(1)).get("token") as string;
}

test("the OpenAPI description lists the routes this test relies on", () => {
  const listed = new Set(routes.map((r) => `${r.method} ${r.path}`));
  for (const r of [
    "POST /api/session",
    "GET /api/session",
    "DELETE /api/session",
    "POST /api/workspaces/{ws}/files",
    "GET /api/workspaces/{ws}/raw/{*}",
    "POST /api/trust/domains",
    "GET /api/audit",
  ]) {
    assert.ok(listed.has(r), r);
  }
});

test("CSRF: every state-changing route refuses a missing token, a wrong token and a cross-site request, and changes nothing", async () => {
  const changing = routes.filter((r) => STATE_CHANGING.has(r.method));
  assert.ok(changing.length >= 14);
  for (const route of changing) {
    // A user of its own per route, since signing out and changing the password end the caller's session.
    const me =
      route.path === "/api/session" || route.path === "/api/account/password"
        ? await t.addUser(`self${++selves}`)
        : route.path.startsWith("/api/admin/")
          ? await administrator()
          : owner;
    const f = await fixtureFor(route.path);
    const url = concrete(route.path, f);
    const { payload, headers = {} } = await bodyFor(route.method, route.path);
    const signInRoute = route.method === "POST" && (route.path === "/api/session" || route.path === "/api/invitation");
    const variants: { name: string; headers: Record<string, string> }[] = [
      {
        name: "cross-site Origin",
        headers: {
          cookie: me.cookie,
          "x-csrf-token": me.csrf,
          origin: "http://evil.example",
          "sec-fetch-site": "cross-site",
        },
      },
      {
        name: "cross-site Origin without Sec-Fetch-Site",
        headers: { cookie: me.cookie, "x-csrf-token": me.csrf, origin: "http://127.0.0.1:8081" },
      },
      // What a sandboxed output frame (an opaque origin) would send.
      { name: "Origin null", headers: { cookie: me.cookie, "x-csrf-token": me.csrf, origin: "null" } },
      {
        name: "same-site but not same-origin",
        headers: { cookie: me.cookie, "x-csrf-token": me.csrf, "sec-fetch-site": "same-site" },
      },
    ];
    if (!signInRoute) {
      variants.push(
        {
          name: "no token",
          headers: { cookie: me.cookie, origin: "http://localhost:8080", "sec-fetch-site": "same-origin" },
        },
        {
          name: "wrong token",
          headers: {
            cookie: me.cookie,
            "x-csrf-token": "A".repeat(43),
            origin: "http://localhost:8080",
            "sec-fetch-site": "same-origin",
          },
        },
        { name: "another session's token", headers: { cookie: me.cookie, "x-csrf-token": outsider.csrf } },
      );
    }
    for (const variant of variants) {
      const beforeState = await snapshot(t);
      const r = await t.app.inject({
        method: route.method as "POST",
        url,
        payload: payload as string,
        headers: { ...headers, ...variant.headers },
      });
      assert.equal(r.statusCode, 403, `${route.method} ${route.path} with ${variant.name}: ${r.statusCode} ${r.body}`);
      assert.match(r.json().error, /^(cross_site_request|csrf_token_invalid)$/);
      assert.equal(await snapshot(t), beforeState, `${route.method} ${route.path} with ${variant.name} changed state`);
    }
    // The same request, properly made, succeeds: the refusals above were the CSRF checks, not a bad request.
    const ok = await t.app.inject({
      method: route.method as "POST",
      url,
      payload: payload as string,
      headers: {
        ...headers,
        cookie: me.cookie,
        "x-csrf-token": me.csrf,
        origin: "http://localhost:8080",
        "sec-fetch-site": "same-origin",
      },
    });
    assert.ok(
      ok.statusCode >= 200 && ok.statusCode < 300,
      `${route.method} ${route.path} as intended: ${ok.statusCode} ${ok.body}`,
    );
    if (isKernelRoute(route.path)) await kernelsCleared(f.kernelId);
  }
});

test("a GET to every route's URL changes nothing", async () => {
  const f = await fixture();
  for (const route of routes) {
    const beforeState = await snapshot(t);
    const r = await t.call(owner, { method: "GET", url: concrete(route.path, f) });
    // The UI's pages answer 503 ui_not_built when the UI was never built (a checkout without `npm run build:web`).
    const unbuiltUi = r.statusCode === 503 && r.json().error === "ui_not_built";
    assert.ok(r.statusCode < 500 || unbuiltUi, `${route.path}: ${r.statusCode}`);
    assert.equal(await snapshot(t), beforeState, `GET ${route.path} changed state`);
  }
});

// The least role each workspace route needs; every workspace route in the OpenAPI description must be here.
const LEAST_ROLE: Record<string, "viewer" | "editor" | "owner"> = {
  "GET /api/workspaces/{ws}": "viewer",
  "PATCH /api/workspaces/{ws}": "owner",
  "GET /api/workspaces/{ws}/members": "viewer",
  "POST /api/workspaces/{ws}/members": "owner",
  "PATCH /api/workspaces/{ws}/members/{username}": "owner",
  "DELETE /api/workspaces/{ws}/members/{username}": "owner",
  "GET /api/workspaces/{ws}/files": "viewer",
  "POST /api/workspaces/{ws}/files": "editor",
  "GET /api/workspaces/{ws}/files/{*}": "viewer",
  "PATCH /api/workspaces/{ws}/files/{*}": "editor",
  "PUT /api/workspaces/{ws}/files/{*}": "editor",
  "POST /api/workspaces/{ws}/new-file": "editor",
  "DELETE /api/workspaces/{ws}/files/{*}": "editor",
  "GET /api/workspaces/{ws}/raw/{*}": "viewer",
  "GET /api/workspaces/{ws}/notebook-head/{*}": "viewer",
  "GET /api/workspaces/{ws}/notebook/{*}": "viewer",
  // Downloads as a page and as a script (export-routes.ts).
  "GET /api/workspaces/{ws}/export/{*}": "viewer",
  "GET /api/workspaces/{ws}/script/{*}": "viewer",
  "GET /api/workspaces/{ws}/history/{*}": "viewer",
  "GET /api/workspaces/{ws}/trash": "viewer",
  "POST /api/workspaces/{ws}/review": "editor",
  "GET /api/workspaces/{ws}/review/{*}": "viewer",
  "GET /api/workspaces/{ws}/search": "viewer",
  "POST /api/workspaces/{ws}/trash/{id}/restore": "owner",
  "GET /api/workspaces/{ws}/folders": "viewer",
  "POST /api/workspaces/{ws}/folders": "editor",
  "PATCH /api/workspaces/{ws}/folders/{*}": "editor",
  "DELETE /api/workspaces/{ws}/folders/{*}": "editor",
  "POST /api/workspaces/{ws}/trash/{id}/restore-folder": "owner",
  "GET /api/workspaces/{ws}/kernels": "viewer",
  "POST /api/workspaces/{ws}/kernels": "editor",
  "POST /api/workspaces/{ws}/kernels/{id}/interrupt": "editor",
  "POST /api/workspaces/{ws}/kernels/{id}/restart": "editor",
  "DELETE /api/workspaces/{ws}/kernels/{id}": "editor",
  "GET /api/workspaces/{ws}/kernel-network": "viewer",
  "PUT /api/workspaces/{ws}/kernel-network": "owner",
};
const PUBLIC = new Set([
  "GET /healthz",
  "GET /api/config",
  "GET /api/openapi.json",
  "GET /.well-known/security.txt",
  "GET /SECURITY.md",
  "POST /api/session",
  "POST /api/invitation",
]);
/** The UI's pages and files: public (the sign-in page is one of them); 503 when the UI was not built. */
const UI = new Set(["GET /", "GET /sign-in", "GET /w/{*}", "GET /welcome", "GET /admin/{*}", "GET /assets/{*}"]);
const RANK = { viewer: 0, editor: 1, owner: 2 };

test("authorization: every route as signed-out, non-member, viewer, editor and owner", async () => {
  const workspaceRoutes = routes.filter((r) => r.path.startsWith("/api/workspaces/{ws}"));
  assert.deepEqual(
    workspaceRoutes.map((r) => `${r.method} ${r.path}`).sort(),
    Object.keys(LEAST_ROLE).sort(),
    "classify every workspace route",
  );
  const callers = { outsider, viewer, editor, owner } as const;

  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    const { payload, headers = {} } = await bodyFor(route.method, route.path);
    const send = async (caller: Caller | undefined) => {
      const f = await fixtureFor(route.path);
      const answer = await t.call(caller, {
        method: route.method as "GET",
        url: concrete(route.path, f),
        payload: payload as string,
        headers,
      });
      if (isKernelRoute(route.path)) await kernelsCleared(f.kernelId);
      return answer;
    };
    const anonymous = await send(undefined);
    if (UI.has(key)) {
      assert.ok(
        [200, 404, 503].includes(anonymous.statusCode),
        `${key} is public: ${anonymous.statusCode} ${anonymous.body}`,
      );
      if (anonymous.statusCode === 503) assert.equal(anonymous.json().error, "ui_not_built");
      continue;
    }
    if (PUBLIC.has(key)) {
      assert.ok(anonymous.statusCode < 400, `${key} is public: ${anonymous.statusCode} ${anonymous.body}`);
      continue;
    }
    assert.equal(anonymous.statusCode, 401, `${key} signed out: ${anonymous.body}`);
    assert.equal(anonymous.json().error, "not_signed_in");

    const least = LEAST_ROLE[key];
    if (!least) {
      // Not a workspace route: any signed-in user may call it, except the administrators' audit log.
      if (key === "GET /api/audit" || key === "GET /api/audit/export") {
        assert.equal((await send(owner)).json().error, "admin_required");
        continue;
      }
      if (route.path.startsWith("/api/admin/")) {
        const refused = await send(owner);
        assert.equal(refused.statusCode, 403, `${key} as a non-administrator: ${refused.body}`);
        assert.equal(refused.json().error, "admin_required");
        const r = await send(await administrator());
        assert.ok(r.statusCode >= 200 && r.statusCode < 300, `${key} as an administrator: ${r.statusCode} ${r.body}`);
        continue;
      }
      if (key === "DELETE /api/session" || key === "PUT /api/account/password") continue; // covered by the session tests
      const r = await send(owner);
      assert.ok(r.statusCode >= 200 && r.statusCode < 300, `${key}: ${r.statusCode} ${r.body}`);
      continue;
    }
    for (const [name, caller] of Object.entries(callers)) {
      const r = await send(caller);
      if (name === "outsider") {
        assert.equal(r.statusCode, 404, `${key} as a non-member: ${r.body}`);
        assert.equal(r.json().error, "not_found");
        assert.doesNotMatch(r.body, /fixture/);
      } else if (RANK[name as keyof typeof RANK] < RANK[least]) {
        assert.equal(r.statusCode, 403, `${key} as ${name}: ${r.body}`);
        assert.equal(r.json().error, "role_insufficient");
      } else {
        assert.ok(r.statusCode >= 200 && r.statusCode < 300, `${key} as ${name}: ${r.statusCode} ${r.body}`);
      }
    }
  }
});

test("the audit log is for administrators", async () => {
  const admin = await t.addUser("root", { admin: true });
  const r = await t.call(admin, { method: "GET", url: "/api/audit?limit=5&event=member_added" });
  assert.equal(r.statusCode, 200);
  const events = r.json().events;
  assert.ok(events.length > 0 && events.length <= 5);
  assert.ok(events.every((e: { event: string }) => e.event === "member_added"));
  assert.equal((await t.call(viewer, { method: "GET", url: "/api/audit" })).statusCode, 403);
});

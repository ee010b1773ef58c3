// A real studio for tests: real SQLite file and blob store in a temp dir, the real app and content origins.
// Requests go through Fastify's inject (the full request pipeline, no socket) unless a test listens on loopback.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { loadConfig } from "../src/server/config.ts";
import { buildAppOrigin, type BuildOptions } from "../src/server/app-origin.ts";
import { buildContentOrigin } from "../src/server/content-origin.ts";
import { openStudio } from "../src/server/server.ts";
import { createUser } from "../src/server/auth/users.ts";
import type { Studio } from "../src/server/studio.ts";
import type { FileJobPoolOptions } from "../src/server/file-jobs.ts";

export const APP_ORIGIN = "http://localhost:8080";
export const PASSWORD = "correct horse battery staple";

export interface Caller {
  name: string;
  cookie: string;
  csrf: string;
}

export interface TestStudio {
  studio: Studio;
  app: FastifyInstance;
  content: FastifyInstance;
  dataDir: string;
  addUser(name: string, options?: { admin?: boolean }): Promise<Caller>;
  signIn(name: string, password?: string): Promise<Caller>;
  /** A request as the browser's own page sends it: same-origin, with the caller's cookie and CSRF token. */
  call(caller: Caller | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startTestStudio(
  flags: Record<string, string> = {},
  build: BuildOptions = {},
  options: FileJobPoolOptions = {},
): Promise<TestStudio> {
  const dataDir = mkdtempSync(join(tmpdir(), "vitrine-server-"));
  // No test sends a packet off this machine: images on other sites are refused before any lookup.
  const config = loadConfig({ "data-dir": dataDir, "log-level": "silent", "remote-images": "block", ...flags }, {});
  const studio = await openStudio(config, options);
  const app = await buildAppOrigin(studio, build);
  const content = await buildContentOrigin(studio);
  await app.ready();
  await content.ready();

  const signIn = async (name: string, password = PASSWORD): Promise<Caller> => {
    const r = await app.inject({
      method: "POST",
      url: "/api/session",
      headers: { origin: APP_ORIGIN },
      payload: { username: name, password },
    });
    if (r.statusCode !== 200) throw new Error(`sign-in of ${name} failed: ${r.statusCode} ${r.body}`);
    const cookie = String(r.headers["set-cookie"]).split(";")[0] as string;
    return { name, cookie, csrf: (r.json() as { csrfToken: string }).csrfToken };
  };

  return {
    studio,
    app,
    content,
    dataDir,
    async addUser(name, options = {}) {
      await createUser(
        studio.db,
        { name, password: PASSWORD, admin: options.admin ?? false },
        { actor: undefined, clientAddress: "test" },
      );
      return signIn(name);
    },
    signIn,
    call(caller, options) {
      const headers: Record<string, string> = {
        origin: APP_ORIGIN,
        "sec-fetch-site": "same-origin",
        ...(options.headers as Record<string, string> | undefined),
      };
      if (caller) {
        headers.cookie = caller.cookie;
        headers["x-csrf-token"] = caller.csrf;
      }
      return app.inject({ ...options, headers });
    },
    async close() {
      await app.close();
      await content.close();
      await studio.kernels.close();
      await studio.fileJobs.close();
      await studio.db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A multipart/form-data body: the acknowledgment field (unless undefined) then each file as a part named "file". */
/**
 * A workspace named `name`, made by `owner` (a caller of `t`), with each user of `members` (already added) in the
 * role given. Answers its id.
 */
export async function workspaceWith(
  t: TestStudio,
  owner: Caller,
  name: string,
  members: Record<string, "owner" | "editor" | "viewer"> = {},
): Promise<string> {
  const ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name } })).json().id as string;
  for (const [username, role] of Object.entries(members)) {
    const added = await t.call(owner, {
      method: "POST",
      url: `/api/workspaces/${ws}/members`,
      payload: { username, role },
    });
    if (added.statusCode !== 201) throw new Error(`adding ${username} as ${role}: ${added.statusCode} ${added.body}`);
  }
  return ws;
}

/** A studio as most file tests start: a workspace with its owner, an editor and a viewer, and a user outside it. */
export interface StudioWithMembers {
  t: TestStudio;
  owner: Caller;
  /** eddie, an editor of the workspace. */
  editor: Caller;
  /** vera, a viewer of the workspace. */
  viewer: Caller;
  /** oscar, not a member. */
  outsider: Caller;
  ws: string;
}

/**
 * A studio with uploads unthrottled (tests upload many files) and a workspace named `name`, made by `ownerName`
 * (olivia unless given), with eddie as its editor and vera as its viewer; oscar is a user who is not a member.
 */
export async function studioWithMembers(name: string, ownerName = "olivia"): Promise<StudioWithMembers> {
  const t = await startTestStudio({ "upload-requests-per-minute": "10000" });
  const owner = await t.addUser(ownerName);
  const editor = await t.addUser("eddie");
  const viewer = await t.addUser("vera");
  const outsider = await t.addUser("oscar");
  const ws = await workspaceWith(t, owner, name, { eddie: "editor", vera: "viewer" });
  return { t, owner, editor, viewer, outsider, ws };
}

export function multipart(
  acknowledgment: string | undefined,
  files: { path: string; content: string | Buffer }[],
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----vitrine${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  if (acknowledgment !== undefined) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="acknowledgment"\r\n\r\n${acknowledgment}\r\n`,
      ),
    );
  }
  for (const file of files) {
    const encoded = encodeURIComponent(file.path);
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encoded}\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

export const SMALL_NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [{ cell_type: "markdown", id: "a1", metadata: {}, source: "# Hello" }],
});

/** Every row of every table and every file under the data directory's blob and temp folders, for "nothing changed" checks. */
export async function snapshot(t: TestStudio): Promise<string> {
  const { readdirSync, statSync } = await import("node:fs");
  const tables = [
    "users",
    "sessions",
    "workspaces",
    "members",
    "blobs",
    "files",
    "versions",
    "audit_events",
    "trusted_domains",
    "trusted_applications",
    "folders",
    "invitations",
  ] as const;
  const rows: Record<string, unknown[]> = {};
  for (const table of tables) rows[table] = await t.studio.db.selectFrom(table).selectAll().execute();
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(`${full.slice(t.dataDir.length)} ${statSync(full).size}`);
    }
  };
  walk(join(t.dataDir, "blobs"));
  walk(join(t.dataDir, "tmp"));
  return JSON.stringify({ rows, files: files.sort() });
}

export interface SocketRequest {
  method?: string;
  body?: Buffer;
  headers?: Record<string, string>;
}

/** A request to a listening studio (base: its URL) over a real socket, as the caller's own page sends it. */
export function overSocket(base: string, caller: Caller, path: string, init: SocketRequest = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: init.method ?? "GET",
    ...(init.body ? { body: new Uint8Array(init.body) } : {}),
    headers: {
      origin: APP_ORIGIN,
      host: new URL(APP_ORIGIN).host,
      "sec-fetch-site": "same-origin",
      cookie: caller.cookie,
      "x-csrf-token": caller.csrf,
      ...init.headers,
    },
  });
}

import assert from "node:assert/strict";
// Signing in and talking to the studio's API from inside the browser page, as the studio's own UI does: the
// session is an HttpOnly cookie and the CSRF token comes from GET /api/session, so the test's requests are the
// page's requests, with the same cookie, Origin and token checks.
import type { Page } from "playwright-core";

export async function signIn(page: Page, app: string, name: string, password: string): Promise<void> {
  await page.goto(`${app}/`);
  const workspaces = page.getByRole("heading", { name: "Workspaces" });
  const form = page.getByLabel("User name");
  await workspaces.or(form).waitFor();
  if (await workspaces.isVisible()) return;
  await form.fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await workspaces.waitFor();
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** One API request from the page, with the session's CSRF token on anything but GET. */
export async function pageApi(page: Page, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const headers: Record<string, string> = { accept: "application/json" };
      if (method !== "GET") {
        const session = await fetch("/api/session");
        if (!session.ok) return { status: session.status, body: await session.json() };
        headers["x-csrf-token"] = ((await session.json()) as { csrfToken: string }).csrfToken;
      }
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    { method, path, body },
  );
}

export interface UploadFile {
  name: string;
  /** The bytes as base64, so any byte survives the trip into the page. */
  base64: string;
}

/**
 * A multipart POST of files from the page: an upload (with the acknowledgment field first, unless `acknowledgment`
 * is null) or a review.
 */
export async function pagePostFiles(
  page: Page,
  path: string,
  files: UploadFile[],
  acknowledgment: string | null,
): Promise<ApiAnswer> {
  return page.evaluate(
    async ({ path, files, acknowledgment }) => {
      const { csrfToken } = (await (await fetch("/api/session")).json()) as { csrfToken: string };
      const form = new FormData();
      if (acknowledgment !== null) form.append("acknowledgment", acknowledgment);
      for (const file of files)
        form.append("file", new Blob([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))]), file.name);
      const response = await fetch(path, {
        method: "POST",
        headers: { "x-csrf-token": csrfToken, accept: "application/json" },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as unknown };
    },
    { path, files, acknowledgment },
  );
}

/** Uploads files into a workspace with the current trust statement's acknowledgment; anything but 201 fails. */
export async function uploadTrusted(page: Page, workspace: string, files: UploadFile[]): Promise<void> {
  const answer = await pagePostFiles(page, `/api/workspaces/${workspace}/files`, files, "trusted-source-v1");
  assert.equal(answer.status, 201, `upload of ${files.map((f) => f.name).join(", ")}: ${JSON.stringify(answer.body)}`);
}

export async function createWorkspace(page: Page, name: string): Promise<string> {
  const answer = await pageApi(page, "POST", "/api/workspaces", { name });
  if (answer.status !== 201) throw new Error(`workspace not created: ${JSON.stringify(answer)}`);
  return (answer.body as { id: string }).id;
}

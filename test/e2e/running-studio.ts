// A real studio for browser tests: both origins listening on loopback ports of their own, storage in a temp dir,
// and a user to sign in with.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { createUser } from "../../src/server/auth/users.ts";
import { loadConfig } from "../../src/server/config.ts";
import { startStudio, type RunningStudio } from "../../src/server/server.ts";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export interface BrowserStudio {
  running: RunningStudio;
  /** e.g. http://localhost:PORT */
  app: string;
  /** e.g. http://127.0.0.1:PORT */
  content: string;
  close(): Promise<void>;
}

export async function startBrowserStudio(
  users: { name: string; password: string; admin?: boolean }[],
  flags: Record<string, string> = {},
): Promise<BrowserStudio> {
  const dataDir = mkdtempSync(join(tmpdir(), "vitrine-browser-"));
  const [appPort, contentPort] = [await freePort(), await freePort()];
  const app = `http://localhost:${appPort}`;
  const content = `http://127.0.0.1:${contentPort}`;
  const config = loadConfig(
    {
      "data-dir": dataDir,
      "log-level": "silent",
      "app-url": app,
      "content-url": content,
      "app-host": "localhost",
      "app-port": String(appPort),
      "content-host": "127.0.0.1",
      "content-port": String(contentPort),
      // No test sends a packet off this machine: images on other sites are refused before any lookup.
      "remote-images": "block",
      ...flags,
    },
    {},
  );
  const running = await startStudio(config, () => {});
  for (const user of users) {
    await createUser(
      running.studio.db,
      { name: user.name, password: user.password, admin: user.admin ?? false },
      { actor: undefined, clientAddress: "test" },
    );
  }
  return {
    running,
    app,
    content,
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the studio's own sign-in page, as a person does; the browser context keeps the session cookie. */
export async function signInThroughPage(page: Page, app: string, name: string, password: string): Promise<void> {
  await page.goto(`${app}/`);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Workspaces" }).waitFor();
}

// The studio's session and origin defences in Debian's Chromium against a real server on loopback: the session
// cookie is accepted as __Host- and never readable by script, a cross-site page cannot change state with it nor open
// the kernel socket, Trusted Types is enforced on the app origin, and the app cannot be framed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer, type Server } from "node:http";
import { TRUSTED_TYPES_POLICY_NAME } from "../../src/contract/content-security-policy.ts";
import { KERNEL_SOCKET_PATH } from "../../src/contract/kernel-socket.ts";
import type { RunningStudio } from "../../src/server/server.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";

const PASSWORD = "browser test password";
let browser: Browser;
let studio: BrowserStudio;
let running: RunningStudio;
let app = "";
// Another site with no CSP of its own, as an attacker's page would be.
let attacker: Server;
let attackerUrl = "";

before(async () => {
  studio = await startBrowserStudio([{ name: "bea", password: PASSWORD }]);
  ({ running, app } = studio);
  attacker = createHttpServer((_req, res) =>
    res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>elsewhere</title><body></body>"),
  );
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as { port: number }).port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await studio?.close();
  attacker?.close();
});

const workspaceCount = async () => (await running.studio.db.selectFrom("workspaces").select("id").execute()).length;

test("the session cookie is a __Host- cookie script cannot read; the page's own requests work with the CSRF token", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${app}/healthz`);
  const result = await page.evaluate(async (password) => {
    const signIn = await fetch("/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "bea", password }),
    });
    const { csrfToken } = await signIn.json();
    const withToken = await fetch("/api/workspaces", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrfToken },
      body: JSON.stringify({ name: "from the page" }),
    });
    const withoutToken = await fetch("/api/workspaces", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "no token" }),
    });
    return {
      signIn: signIn.status,
      withToken: withToken.status,
      withoutToken: withoutToken.status,
      documentCookie: document.cookie,
    };
  }, PASSWORD);
  assert.deepEqual(
    { ...result, documentCookie: undefined },
    { signIn: 200, withToken: 201, withoutToken: 403, documentCookie: undefined },
  );
  assert.equal(result.documentCookie, "", "script sees no cookie");
  const cookies = await browser.context.cookies(app);
  const session = cookies.find((c) => c.name === "__Host-vitrine-session");
  assert.ok(session, "Chromium accepted the __Host- cookie on localhost");
  assert.equal(session.httpOnly, true);
  assert.equal(session.secure, true);
  assert.equal(session.sameSite, "Strict");
  assert.equal(session.path, "/");
  await page.close();
});

test("a cross-site page cannot change state with the user's session", async () => {
  const before = await workspaceCount();
  const page = await browser.context.newPage();
  await page.goto(attackerUrl);
  const outcome = await page.evaluate(async (appOrigin) => {
    const results: string[] = [];
    // A "simple" request needs no preflight: the classic CSRF shape.
    try {
      await fetch(`${appOrigin}/api/workspaces`, {
        method: "POST",
        mode: "no-cors",
        credentials: "include",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ name: "csrf" }),
      });
      results.push("sent");
    } catch (error) {
      results.push(`blocked: ${(error as Error).message}`);
    }
    try {
      const r = await fetch(`${appOrigin}/api/session`, { credentials: "include" });
      results.push(`read ${r.status}`);
    } catch {
      results.push("read blocked");
    }
    return results;
  }, app);
  assert.notDeepEqual(outcome, []);
  assert.ok(!outcome.includes("read 200"), `the session is not readable cross-site: ${outcome.join(", ")}`);
  assert.equal(await workspaceCount(), before, "no workspace was created from the other site");
  await page.close();
});

test("a page on another origin cannot open the kernel socket with the user's session; the studio's own page can", async () => {
  const own = await browser.context.newPage();
  await own.goto(`${app}/healthz`);
  const workspace = await own.evaluate(async () => {
    const list = await (await fetch("/api/workspaces")).json();
    return list.workspaces[0].id as string;
  });
  const socketUrl = `${app.replace(/^http/, "ws")}${KERNEL_SOCKET_PATH}?ws=${workspace}`;
  const tryOpen = (page: typeof own) =>
    page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(url);
          socket.onopen = () => {
            socket.close();
            resolve("opened");
          };
          socket.onerror = () => resolve("refused");
        }),
      socketUrl,
    );
  assert.equal(await tryOpen(own), "opened", "the studio's own page opens its socket");
  const elsewhere = await browser.context.newPage();
  await elsewhere.goto(attackerUrl);
  assert.equal(await tryOpen(elsewhere), "refused");
  await own.close();
  await elsewhere.close();
});

test("Trusted Types is enforced on the app origin, and the app cannot be framed", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${app}/healthz`);
  const sink = await page.evaluate(() => {
    try {
      // eslint-disable-next-line no-restricted-properties -- the test is that this sink refuses a plain string
      document.body.innerHTML = "<b>x</b>";
      return "assigned";
    } catch (error) {
      return (error as Error).name;
    }
  });
  assert.equal(sink, "TypeError", "innerHTML without a Trusted Types policy is refused");
  const policy = await page.evaluate((policyName) => {
    const tt = (window as unknown as { trustedTypes: { createPolicy(name: string, rules: object): unknown } })
      .trustedTypes;
    const attempts: string[] = [];
    for (const name of [policyName, "attacker"]) {
      try {
        tt.createPolicy(name, { createHTML: (s: string) => s });
        attempts.push(`${name}: created`);
      } catch {
        attempts.push(`${name}: refused`);
      }
    }
    return attempts;
  }, TRUSTED_TYPES_POLICY_NAME);
  assert.deepEqual(policy, [`${TRUSTED_TYPES_POLICY_NAME}: created`, "attacker: refused"]);

  const framing = await browser.context.newPage();
  await framing.goto(attackerUrl);
  await framing.evaluate(
    (appOrigin) =>
      new Promise<void>((resolve) => {
        const frame = document.createElement("iframe");
        frame.src = `${appOrigin}/healthz`;
        frame.onload = () => resolve();
        document.body.append(frame);
      }),
    app,
  );
  const child = framing.frames().find((f) => f !== framing.mainFrame());
  const text = child ? await child.evaluate(() => document.body?.textContent ?? "").catch(() => "") : "";
  assert.doesNotMatch(text, /"status":"ok"/, "the app origin did not render inside another site's frame");
  await framing.close();
  await page.close();
});

// The studio's page carries the signed-in account's theme on its root, written by the server (server/page-theme.ts),
// so that the first paint is already in it; nobody else's page does.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { existsSync } from "node:fs";
import { sessionTheme } from "../src/server/page-theme.ts";
import { UI_BUILD_DIR } from "../src/server/studio-ui.ts";
import { startTestStudio, type Caller, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;
let ada: Caller;
let bob: Caller;

before(async () => {
  t = await startTestStudio();
  ada = await t.addUser("ada");
  bob = await t.addUser("bob");
});
after(() => t.close());

const rootOf = (html: string) => /<html[^>]*>/.exec(html)?.[0];
const tokenOf = (caller: Caller) => caller.cookie.slice(caller.cookie.indexOf("=") + 1);
// The page is the built UI's; `npm test` runs these before it builds the UI.
const UNBUILT = !existsSync(UI_BUILD_DIR) && "the UI is not built (npm run build:web)";

test("a session's token tells its account's theme; no token, or one naming no live session, tells system", async () => {
  const carol = await t.addUser("carol");
  const theme = (token: string | undefined) => sessionTheme(t.studio.db, t.studio.config, token);
  assert.equal(await theme(tokenOf(carol)), "system");
  await t.call(carol, { method: "PUT", url: "/api/account/theme", payload: { theme: "dark" } });
  assert.equal(await theme(tokenOf(carol)), "dark");
  assert.equal(await theme(undefined), "system");
  assert.equal(await theme("A".repeat(43)), "system");
  assert.equal(await theme("not a token"), "system");
  assert.equal((await t.call(carol, { method: "DELETE", url: "/api/session" })).statusCode, 204);
  assert.equal(await theme(tokenOf(carol)), "system");
});

test("the page's root carries the theme of the account whose session comes with it", { skip: UNBUILT }, async () => {
  assert.equal(
    (await t.call(ada, { method: "PUT", url: "/api/account/theme", payload: { theme: "dark" } })).statusCode,
    200,
  );
  assert.equal(
    (await t.call(bob, { method: "PUT", url: "/api/account/theme", payload: { theme: "light" } })).statusCode,
    200,
  );
  for (const url of ["/", "/w/x/f/a.ipynb", "/w/x/f/a.ipynb?edit=1", "/admin/users"]) {
    assert.equal(rootOf((await t.call(ada, { method: "GET", url })).body), '<html data-theme="dark" lang="en">', url);
    assert.equal(rootOf((await t.call(bob, { method: "GET", url })).body), '<html data-theme="light" lang="en">', url);
  }
  assert.equal(
    (await t.call(ada, { method: "PUT", url: "/api/account/theme", payload: { theme: "system" } })).statusCode,
    200,
  );
  assert.equal(rootOf((await t.call(ada, { method: "GET", url: "/" })).body), '<html lang="en">');
});

test("a page without a live session follows the browser", { skip: UNBUILT }, async () => {
  assert.equal(
    (await t.call(bob, { method: "PUT", url: "/api/account/theme", payload: { theme: "dark" } })).statusCode,
    200,
  );
  assert.equal(rootOf((await t.call(undefined, { method: "GET", url: "/" })).body), '<html lang="en">');
  // A cookie that names no session (forged, or ended) gets the page as built.
  const forged = { ...bob, cookie: bob.cookie.replace(/=.*/, `=${"A".repeat(43)}`) };
  assert.equal(rootOf((await t.call(forged, { method: "GET", url: "/" })).body), '<html lang="en">');
  assert.equal((await t.call(bob, { method: "DELETE", url: "/api/session" })).statusCode, 204);
  assert.equal(rootOf((await t.call(bob, { method: "GET", url: "/" })).body), '<html lang="en">');
});

// The studio's page carries the signed-in account's theme on its root, written by the server (server/page-theme.ts),
// so that the first paint is already in it; nobody else's page does. The page is the built UI's: these run with the
// browser tests, after `npm run test:e2e` builds it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { existsSync } from "node:fs";
import { UI_BUILD_DIR } from "../../src/server/studio-ui.ts";
import { startTestStudio, type Caller, type TestStudio } from "../server-helpers.ts";

let t: TestStudio;
let ada: Caller;
let bob: Caller;

before(async () => {
  assert.ok(existsSync(UI_BUILD_DIR), "the UI is built (npm run build:web)");
  t = await startTestStudio();
  ada = await t.addUser("ada");
  bob = await t.addUser("bob");
});
after(() => t.close());

const rootOf = (html: string) => /<html[^>]*>/.exec(html)?.[0];

test("the page's root carries the theme of the account whose session comes with it", async () => {
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

test("a page without a live session follows the browser", async () => {
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

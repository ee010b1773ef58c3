// The account's theme as the server reads it from a session's token, to write it into the studio's page
// (server/page-theme.ts); test/e2e/page-theme-routes.test.ts reads the pages themselves.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sessionTheme } from "../src/server/page-theme.ts";
import { startTestStudio, type Caller, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;

before(async () => {
  t = await startTestStudio();
});
after(() => t.close());

const tokenOf = (caller: Caller) => caller.cookie.slice(caller.cookie.indexOf("=") + 1);

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

// The account's colour theme: "system" until chosen, kept with the account (so a new session, in any browser, has
// it), delivered with the session, refused when it is not one of the three, and audited when it changes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestStudio, type Caller, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;
let ada: Caller;

before(async () => {
  t = await startTestStudio();
  ada = await t.addUser("ada");
});
after(() => t.close());

test("the theme is system until chosen, then kept with the account across sign-out and sign-in", async () => {
  assert.deepEqual((await t.call(ada, { method: "GET", url: "/api/account/theme" })).json(), { theme: "system" });
  assert.equal((await t.call(ada, { method: "GET", url: "/api/session" })).json().theme, "system");
  const set = await t.call(ada, { method: "PUT", url: "/api/account/theme", payload: { theme: "dark" } });
  assert.equal(set.statusCode, 200, set.body);
  assert.deepEqual(set.json(), { theme: "dark" });
  assert.equal((await t.call(ada, { method: "DELETE", url: "/api/session" })).statusCode, 204);
  // A new session (another browser, or the same one after signing out) gets it with the session.
  const again = await t.signIn("ada");
  assert.equal((await t.call(again, { method: "GET", url: "/api/session" })).json().theme, "dark");
  const other = await t.addUser("bob");
  assert.equal((await t.call(other, { method: "GET", url: "/api/session" })).json().theme, "system", "per account");
  ada = again;
});

test("a theme that is not light, dark or system is refused; a change is audited; CSRF is required", async () => {
  const bad = await t.call(ada, { method: "PUT", url: "/api/account/theme", payload: { theme: "sepia" } });
  assert.equal(bad.statusCode, 400);
  const extra = await t.call(ada, { method: "PUT", url: "/api/account/theme", payload: { theme: "dark", x: 1 } });
  assert.equal(extra.statusCode, 400);
  const noToken = await t.call(undefined, {
    method: "PUT",
    url: "/api/account/theme",
    payload: { theme: "light" },
    headers: { cookie: ada.cookie },
  });
  assert.equal(noToken.statusCode, 403);
  assert.equal((await t.call(ada, { method: "GET", url: "/api/account/theme" })).json().theme, "dark");
  assert.equal(
    (await t.call(ada, { method: "PUT", url: "/api/account/theme", payload: { theme: "light" } })).statusCode,
    200,
  );
  const admin = await t.addUser("root", { admin: true });
  const events = (await t.call(admin, { method: "GET", url: "/api/audit?event=theme_changed" })).json().events as {
    actor: string | null;
    details: { theme: string };
  }[];
  assert.deepEqual(
    events.map((e) => [e.actor, e.details.theme]),
    [
      ["ada", "light"],
      ["ada", "dark"],
    ],
  );
});

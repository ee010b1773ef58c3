// Accounts and sessions against the real app origin and a real SQLite file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  hashPassword,
  needsRehash,
  parametersOf,
  verifyPassword,
  DEFAULT_ARGON2,
} from "../src/server/auth/passwords.ts";
import { deleteExpiredSessions } from "../src/server/auth/sessions.ts";
import { ensureFirstAdministrator } from "../src/server/auth/users.ts";
import { APP_ORIGIN, PASSWORD, startTestStudio, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;
before(async () => {
  t = await startTestStudio({
    "login-failures-per-account": "3",
    "login-failures-per-address": "6",
    "session-idle-seconds": "600",
    "session-absolute-seconds": "3600",
  });
});
after(() => t.close());

const signIn = (username: string, password: string, ip = "127.0.0.1") =>
  t.app.inject({
    method: "POST",
    url: "/api/session",
    headers: { origin: APP_ORIGIN },
    payload: { username, password },
    remoteAddress: ip,
  });

test("argon2id hashes record their parameters and verify; weaker ones are marked for re-hashing", async () => {
  const hash = await hashPassword("a password of some length");
  assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.deepEqual(parametersOf(hash), DEFAULT_ARGON2);
  assert.equal(await verifyPassword("a password of some length", hash), true);
  assert.equal(await verifyPassword("a password of some lengtH", hash), false);
  const weak = await hashPassword("x", { memory: 1024, passes: 1, parallelism: 1 });
  assert.equal(await verifyPassword("x", weak), true);
  assert.equal(needsRehash(weak), true);
  assert.equal(needsRehash(hash), false);
});

test("sign-in sets a __Host- cookie, HttpOnly, Secure, SameSite=Strict, and answers the user and the CSRF token only", async () => {
  await t.addUser("sam");
  const r = await signIn("sam", PASSWORD);
  assert.equal(r.statusCode, 200);
  const cookie = String(r.headers["set-cookie"]);
  assert.match(
    cookie,
    /^__Host-vitrine-session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict$/,
  );
  const body = r.json();
  assert.deepEqual(Object.keys(body).sort(), ["csrfToken", "user"]);
  assert.deepEqual(body.user, { id: body.user.id, name: "sam", admin: false, mustChangePassword: false });
  assert.ok(!r.body.includes(cookie.split(";")[0]!.split("=")[1]!), "the session token is not in the body");
  // The database keeps a digest of the token, not the token.
  const token = cookie.split(";")[0]!.split("=")[1]!;
  const rows = await t.studio.db.selectFrom("sessions").select("id").execute();
  assert.ok(rows.every((row) => row.id !== token));
  const again = await t.app.inject({ method: "GET", url: "/api/session", headers: { cookie: cookie.split(";")[0]! } });
  assert.equal(again.json().csrfToken, body.csrfToken);
});

test("wrong password and unknown user get the same answer and are audited", async () => {
  await t.addUser("uma");
  const wrong = await signIn("uma", "not the password", "10.0.0.9");
  const unknown = await signIn("nobody-here", "whatever password", "10.0.0.9");
  assert.equal(wrong.statusCode, 401);
  assert.equal(unknown.statusCode, 401);
  assert.deepEqual(wrong.json(), unknown.json());
  assert.equal(wrong.json().error, "invalid_credentials");
  const failures = await t.studio.db
    .selectFrom("audit_events")
    .selectAll()
    .where("event", "=", "login_failed")
    .execute();
  assert.ok(failures.some((e) => JSON.parse(e.details).user === "uma" && e.client_address === "10.0.0.9"));
});

test("sign-in is throttled per account, even with the right password, with a clear message", async () => {
  await t.addUser("tina");
  for (let i = 0; i < 3; i++) assert.equal((await signIn("tina", "wrong password!", `10.1.0.${i}`)).statusCode, 401);
  const blocked = await signIn("tina", PASSWORD, "10.1.0.99");
  assert.equal(blocked.statusCode, 429);
  assert.equal(blocked.json().error, "login_throttled");
  assert.match(blocked.json().message, /too many failed sign-ins; try again in \d+ minute/);
  assert.ok(Number(blocked.headers["retry-after"]) > 0);
  // When the window has passed (moved back in time here), the right password works again.
  await t.studio.db
    .updateTable("login_failures")
    .set({ at: Date.now() - 3_600_000 })
    .execute();
  assert.equal((await signIn("tina", PASSWORD, "10.1.0.99")).statusCode, 200);
});

test("sign-in is throttled per client address across accounts", async () => {
  await t.addUser("walt");
  for (let i = 0; i < 6; i++) await signIn(`guess${i}`, "wrong password!", "10.2.0.1");
  const blocked = await signIn("walt", PASSWORD, "10.2.0.1");
  assert.equal(blocked.json().error, "login_throttled");
  assert.equal((await signIn("walt", PASSWORD, "10.2.0.2")).statusCode, 200);
});

test("sessions end after the idle timeout and after the absolute timeout", async () => {
  const idle = await t.addUser("ivy");
  const check = (cookie: string) => t.app.inject({ method: "GET", url: "/api/session", headers: { cookie } });
  assert.equal((await check(idle.cookie)).statusCode, 200);
  await t.studio.db
    .updateTable("sessions")
    .set({ last_seen_at: Date.now() - 601_000 })
    .execute();
  const r = await check(idle.cookie);
  assert.equal(r.statusCode, 401);
  assert.match(String(r.headers["set-cookie"]), /Max-Age=0/);

  const old = await t.signIn("ivy");
  await t.studio.db
    .updateTable("sessions")
    .set({ created_at: Date.now() - 3_601_000 })
    .execute();
  assert.equal((await check(old.cookie)).statusCode, 401);
  // The periodic sweep removes the expired sessions nobody came back with.
  await deleteExpiredSessions(t.studio.db, { idleSeconds: 600, absoluteSeconds: 3600 });
  assert.equal((await t.studio.db.selectFrom("sessions").selectAll().execute()).length, 0);
});

test("sign-out revokes the session server-side", async () => {
  const me = await t.addUser("otto");
  const out = await t.call(me, { method: "DELETE", url: "/api/session" });
  assert.equal(out.statusCode, 204);
  assert.match(String(out.headers["set-cookie"]), /^__Host-vitrine-session=; Path=\/; Max-Age=0/);
  assert.equal((await t.call(me, { method: "GET", url: "/api/session" })).statusCode, 401);
});

test("a password change ends every session of the account and starts a fresh one", async () => {
  const first = await t.addUser("pia");
  const second = await t.signIn("pia");
  const wrong = await t.call(first, {
    method: "PUT",
    url: "/api/account/password",
    payload: { currentPassword: "nope nope nope", newPassword: "a brand new password" },
  });
  assert.equal(wrong.json().error, "wrong_password");
  const weak = await t.call(first, {
    method: "PUT",
    url: "/api/account/password",
    payload: { currentPassword: PASSWORD, newPassword: "short" },
  });
  assert.equal(weak.json().error, "weak_password");
  const r = await t.call(first, {
    method: "PUT",
    url: "/api/account/password",
    payload: { currentPassword: PASSWORD, newPassword: "a brand new password" },
  });
  assert.equal(r.statusCode, 200);
  assert.equal((await t.call(first, { method: "GET", url: "/api/session" })).statusCode, 401);
  assert.equal((await t.call(second, { method: "GET", url: "/api/session" })).statusCode, 401);
  const fresh = String(r.headers["set-cookie"]).split(";")[0]!;
  assert.equal(
    (await t.app.inject({ method: "GET", url: "/api/session", headers: { cookie: fresh } })).statusCode,
    200,
  );
  assert.equal((await signIn("pia", PASSWORD)).statusCode, 401);
  assert.equal((await signIn("pia", "a brand new password")).statusCode, 200);
});

test("the first administrator's one-time password must be changed before anything else", async () => {
  // A separate, empty studio: the first start is what is tested.
  const fresh = await startTestStudio();
  try {
    const first = await ensureFirstAdministrator(fresh.studio.db);
    assert.ok(first);
    assert.equal(first.name, "admin");
    assert.equal(await ensureFirstAdministrator(fresh.studio.db), undefined, "created once only");
    const admin = await fresh.signIn("admin", first.password);
    const session = await fresh.call(admin, { method: "GET", url: "/api/session" });
    assert.equal(session.json().user.mustChangePassword, true);
    assert.equal(
      (await fresh.call(admin, { method: "GET", url: "/api/workspaces" })).json().error,
      "password_change_required",
    );
    const changed = await fresh.call(admin, {
      method: "PUT",
      url: "/api/account/password",
      payload: { currentPassword: first.password, newPassword: "the administrator's own password" },
    });
    assert.equal(changed.statusCode, 200);
    const cookie = String(changed.headers["set-cookie"]).split(";")[0]!;
    const after = await fresh.call(
      { name: "admin", cookie, csrf: changed.json().csrfToken },
      { method: "GET", url: "/api/workspaces" },
    );
    assert.equal(after.statusCode, 200);
  } finally {
    await fresh.close();
  }
});

test("sign-in requests are rate limited per client address", async () => {
  const limited = await startTestStudio({ "login-requests-per-minute": "3" });
  try {
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push(
        (
          await limited.app.inject({
            method: "POST",
            url: "/api/session",
            payload: { username: "x", password: "y" },
            remoteAddress: "10.9.9.9",
          })
        ).statusCode,
      );
    assert.deepEqual(codes, [401, 401, 401, 429]);
    const r = await limited.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { username: "x", password: "y" },
      remoteAddress: "10.9.9.9",
    });
    assert.equal(r.json().error, "rate_limited");
  } finally {
    await limited.close();
  }
});

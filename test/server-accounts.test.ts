// Accounts managed from the browser: administrators invite, reset, disable and promote through the API; a one-time
// link sets a password once and signs its holder in; the last enabled administrator cannot be locked out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/server/config.ts";
import { openDatabase } from "../src/server/storage/database.ts";
import { inviteUser } from "../src/server/auth/accounts.ts";
import { spawnServe } from "./serve-process.ts";
import { startTestStudio, APP_ORIGIN, PASSWORD, type Caller, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;
let admin: Caller;
let member: Caller;

before(async () => {
  t = await startTestStudio({});
  admin = await t.addUser("boss", { admin: true });
  member = await t.addUser("member");
});
after(() => t.close());

const NEW_PASSWORD = "a long enough new password";

function tokenOf(link: string): string {
  const url = new URL(link);
  assert.equal(url.pathname, "/welcome");
  assert.equal(url.search, "", "the token is never in the query");
  const token = new URLSearchParams(url.hash.slice(1)).get("token");
  assert.ok(token);
  return token;
}

async function auditEvents(event: string) {
  return t.studio.db.selectFrom("audit_events").selectAll().where("event", "=", event).orderBy("id").execute();
}

async function invite(name: string, extra: Record<string, unknown> = {}) {
  const r = await t.call(admin, { method: "POST", url: "/api/admin/users", payload: { name, ...extra } });
  assert.equal(r.statusCode, 201, r.body);
  return r.json() as { user: { name: string; pending: boolean; admin: boolean }; link: string; expiresAt: string };
}

function accept(token: string, password = NEW_PASSWORD) {
  return t.call(undefined, { method: "POST", url: "/api/invitation", payload: { token, password } });
}

test("an administrator invites a person: the link works once, signs them in, and is stored only as a hash", async () => {
  const made = await invite("newcomer");
  assert.equal(made.user.name, "newcomer");
  assert.equal(made.user.pending, true);
  assert.equal(made.user.admin, false);
  const days = (Date.parse(made.expiresAt) - Date.now()) / 86_400_000;
  assert.ok(days > 6.9 && days <= 7, `expires in ${days} days`);
  const token = tokenOf(made.link);
  const stored = JSON.stringify(await t.studio.db.selectFrom("invitations").selectAll().execute());
  assert.doesNotMatch(stored, new RegExp(token), "the token itself is stored nowhere");
  assert.equal((await auditEvents("invitation_issued")).at(-1)?.actor_name, "boss");
  assert.match((await auditEvents("user_created")).at(-1)?.details ?? "", /"invited":true/);

  // Before the link is used the account cannot sign in with any password.
  const early = await t.call(undefined, {
    method: "POST",
    url: "/api/session",
    payload: { username: "newcomer", password: "!invited" },
  });
  assert.equal(early.statusCode, 401);

  const weak = await accept(token, "short");
  assert.equal(weak.statusCode, 400);
  assert.equal(weak.json().error, "weak_password");

  const used = await accept(token);
  assert.equal(used.statusCode, 200, used.body);
  assert.equal(used.json().user.name, "newcomer");
  const cookie = String(used.headers["set-cookie"]).split(";")[0] as string;
  const session = await t.app.inject({ method: "GET", url: "/api/session", headers: { cookie } });
  assert.equal(session.statusCode, 200, "the link signs the person in");
  assert.equal((await auditEvents("invitation_accepted")).at(-1)?.actor_name, "newcomer");

  const again = await accept(token, "yet another long password");
  assert.equal(again.statusCode, 404);
  assert.equal(again.json().error, "invitation_invalid");
  const signIn = await t.signIn("newcomer", NEW_PASSWORD);
  assert.ok(signIn.csrf);

  const list = await t.call(admin, { method: "GET", url: "/api/admin/users" });
  const row = list.json().users.find((u: { name: string }) => u.name === "newcomer");
  assert.equal(row.pending, false);
  assert.ok(row.lastSignInAt);
  assert.ok(Date.parse(row.createdAt) > 0);
});

test("a link that expired or was never issued is refused, with stable codes", async () => {
  const made = await invite("late");
  await t.studio.db
    .updateTable("invitations")
    .set({ expires_at: Date.now() - 1 })
    .execute();
  const expired = await accept(tokenOf(made.link));
  assert.equal(expired.statusCode, 410);
  assert.equal(expired.json().error, "invitation_expired");
  const unknown = await accept("A".repeat(43));
  assert.equal(unknown.json().error, "invitation_invalid");
  const malformed = await accept("not a token");
  assert.equal(malformed.json().error, "invitation_invalid");
  const tooLong = await t.call(undefined, {
    method: "POST",
    url: "/api/invitation",
    payload: { token: "x".repeat(65), password: NEW_PASSWORD },
  });
  assert.equal(tooLong.statusCode, 400);
});

test("a password reset link replaces the old password and ends the account's sessions when used", async () => {
  const target = await t.addUser("forgetful");
  const first = await t.call(admin, { method: "POST", url: "/api/admin/users/forgetful/password-reset" });
  assert.equal(first.statusCode, 201, first.body);
  const second = await t.call(admin, { method: "POST", url: "/api/admin/users/forgetful/password-reset" });
  // Issuing a link is not yet a change of password: the sessions live until it is used.
  assert.equal((await t.call(target, { method: "GET", url: "/api/session" })).statusCode, 200);
  assert.equal(
    (await accept(tokenOf(first.json().link))).json().error,
    "invitation_invalid",
    "only the newest link works",
  );
  assert.equal((await accept(tokenOf(second.json().link))).statusCode, 200);
  assert.equal((await t.call(target, { method: "GET", url: "/api/session" })).statusCode, 401);
  const old = await t.call(undefined, {
    method: "POST",
    url: "/api/session",
    payload: { username: "forgetful", password: PASSWORD },
  });
  assert.equal(old.statusCode, 401);
  await t.signIn("forgetful", NEW_PASSWORD);
  const missing = await t.call(admin, { method: "POST", url: "/api/admin/users/nobody/password-reset" });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error, "user_not_found");
});

test("a disabled user is refused at sign-in and on the session they had, until enabled again", async () => {
  const target = await t.addUser("leaver");
  const off = await t.call(admin, { method: "PATCH", url: "/api/admin/users/leaver", payload: { disabled: true } });
  assert.equal(off.statusCode, 200, off.body);
  assert.equal(off.json().disabled, true);
  assert.equal((await t.call(target, { method: "GET", url: "/api/session" })).statusCode, 401);
  const refused = await t.call(undefined, {
    method: "POST",
    url: "/api/session",
    payload: { username: "leaver", password: PASSWORD },
  });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().error, "account_disabled");
  const wrong = await t.call(undefined, {
    method: "POST",
    url: "/api/session",
    payload: { username: "leaver", password: "wrong password!" },
  });
  assert.equal(wrong.json().error, "invalid_credentials", "a guesser does not learn that the account is disabled");
  assert.ok((await auditEvents("user_disabled")).some((e) => e.details.includes('"leaver"')));

  // A reset link issued before or after does not let a disabled account back in.
  const reset = await t.call(admin, { method: "POST", url: "/api/admin/users/leaver/password-reset" });
  const refusedLink = await accept(tokenOf(reset.json().link));
  assert.equal(refusedLink.statusCode, 403);
  assert.equal(refusedLink.json().error, "account_disabled");

  const on = await t.call(admin, { method: "PATCH", url: "/api/admin/users/leaver", payload: { disabled: false } });
  assert.equal(on.json().disabled, false);
  await t.signIn("leaver", PASSWORD);
  assert.equal((await auditEvents("user_enabled")).length, 1);
});

test("a session that outlived its account's disabling is refused (the session check reads the flag)", async () => {
  const target = await t.addUser("sneaky");
  // Set the flag without the route, as a second server sharing the database might see it.
  await t.studio.db.updateTable("users").set({ disabled_at: Date.now() }).where("name", "=", "sneaky").execute();
  const r = await t.call(target, { method: "GET", url: "/api/session" });
  assert.equal(r.statusCode, 401);
  await t.studio.db.updateTable("users").set({ disabled_at: null }).where("name", "=", "sneaky").execute();
});

test("administrator is granted and removed, and the last enabled administrator cannot be locked out", async () => {
  await t.addUser("deputy");
  const grant = await t.call(admin, { method: "PATCH", url: "/api/admin/users/deputy", payload: { admin: true } });
  assert.equal(grant.json().admin, true);
  assert.equal((await auditEvents("admin_granted")).length, 1);
  const revoke = await t.call(admin, { method: "PATCH", url: "/api/admin/users/deputy", payload: { admin: false } });
  assert.equal(revoke.json().admin, false);
  assert.equal((await auditEvents("admin_revoked")).length, 1);

  // boss is now the only enabled administrator.
  for (const payload of [{ admin: false }, { disabled: true }, { admin: false, disabled: true }]) {
    const r = await t.call(admin, { method: "PATCH", url: "/api/admin/users/boss", payload });
    assert.equal(r.statusCode, 409, JSON.stringify(payload));
    assert.equal(r.json().error, "last_administrator");
  }
  // A disabled administrator does not count: it cannot sign in to manage anything.
  await t.call(admin, { method: "PATCH", url: "/api/admin/users/deputy", payload: { admin: true } });
  await t.call(admin, { method: "PATCH", url: "/api/admin/users/deputy", payload: { disabled: true } });
  const stillLast = await t.call(admin, { method: "PATCH", url: "/api/admin/users/boss", payload: { admin: false } });
  assert.equal(stillLast.json().error, "last_administrator");
  await t.call(admin, { method: "PATCH", url: "/api/admin/users/deputy", payload: { disabled: false } });
  // With another enabled administrator, demoting oneself is allowed.
  const second = await t.signIn("deputy");
  const demoted = await t.call(admin, { method: "PATCH", url: "/api/admin/users/boss", payload: { admin: false } });
  assert.equal(demoted.statusCode, 200, demoted.body);
  assert.equal(
    (await t.call(second, { method: "PATCH", url: "/api/admin/users/boss", payload: { admin: true } })).statusCode,
    200,
  );
});

test("only administrators manage accounts; bad input is refused with stable codes", async () => {
  for (const [method, url, payload] of [
    ["GET", "/api/admin/users", undefined],
    ["POST", "/api/admin/users", { name: "intruder" }],
    ["PATCH", "/api/admin/users/boss", { disabled: true }],
    ["POST", "/api/admin/users/boss/password-reset", undefined],
  ] as const) {
    const r = await t.call(member, { method, url, ...(payload ? { payload } : {}) });
    assert.equal(r.statusCode, 403, `${method} ${url}`);
    assert.equal(r.json().error, "admin_required");
  }
  assert.equal(
    (await t.call(admin, { method: "GET", url: "/api/admin/users" }))
      .json()
      .users.some((u: { name: string }) => u.name === "intruder"),
    false,
  );

  const badName = await t.call(admin, { method: "POST", url: "/api/admin/users", payload: { name: "Bad Name" } });
  assert.equal(badName.statusCode, 400);
  assert.equal(badName.json().error, "invalid_user_name");
  const exists = await t.call(admin, { method: "POST", url: "/api/admin/users", payload: { name: "member" } });
  assert.equal(exists.statusCode, 409);
  assert.equal(exists.json().error, "user_exists");
  const extra = await t.call(admin, { method: "POST", url: "/api/admin/users", payload: { name: "x", role: "god" } });
  assert.equal(extra.statusCode, 400);
  const empty = await t.call(admin, { method: "PATCH", url: "/api/admin/users/member", payload: {} });
  assert.equal(empty.statusCode, 400);
  const missing = await t.call(admin, { method: "PATCH", url: "/api/admin/users/ghost", payload: { disabled: true } });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error, "user_not_found");
});

test("the invitation token never reaches the server's log, even at trace level", { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "vitrine-invitation-log-"));
  try {
    // The account and its link are made in the data directory (opening it migrates it); `vitrine serve` then opens it.
    const db = await openDatabase(loadConfig({ "data-dir": dataDir }, {}).databaseUrl);
    const made = await inviteUser(
      db,
      { name: "logged", admin: false },
      { actor: undefined, clientAddress: "test" },
      APP_ORIGIN,
    );
    await db.destroy();
    const token = tokenOf(made.link);
    const serve = spawnServe(dataDir, { logLevel: "trace" });
    try {
      const app = await serve.ready;
      const r = await fetch(`${app}/api/invitation`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token, password: NEW_PASSWORD }),
      });
      assert.equal(r.status, 200, await r.text());
      serve.child.kill("SIGTERM");
      assert.equal(await serve.exited, 0);
    } finally {
      if (serve.child.exitCode === null) serve.child.kill("SIGKILL");
    }
    assert.match(serve.output(), /"url":"\/api\/invitation"/, "the request was logged");
    assert.ok(!serve.output().includes(token), "the token was not");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the audit log filters by event, user, workspace and time, pages back, and exports what it filters", async () => {
  const ann = await t.addUser("ann_1");
  const ws = (await t.call(ann, { method: "POST", url: "/api/workspaces", payload: { name: "=HYPERLINK(1)" } })).json()
    .id as string;
  await t.call(ann, {
    method: "POST",
    url: `/api/workspaces/${ws}/members`,
    payload: { username: "member", role: "viewer" },
  });
  const get = async (query: string) => {
    const r = await t.call(admin, { method: "GET", url: `/api/audit?${query}` });
    assert.equal(r.statusCode, 200, r.body);
    return r.json().events as {
      id: number;
      event: string;
      actor: string | null;
      workspace: string | null;
      at: string;
      details: Record<string, unknown>;
    }[];
  };
  const inWorkspace = await get(`workspace=${ws}`);
  assert.deepEqual(
    inWorkspace.map((e) => e.event),
    ["member_added", "workspace_created"],
  );
  // A user's events are the ones they did and the ones done to them; "_" is a character, not LIKE's wildcard.
  const annEvents = await get("user=ann_1");
  assert.ok(
    annEvents.some((e) => e.event === "user_created" && e.actor === null),
    "done to ann_1",
  );
  assert.ok(
    annEvents.some((e) => e.event === "workspace_created" && e.actor === "ann_1"),
    "done by ann_1",
  );
  assert.deepEqual(await get("user=ann%5F1x"), []);
  assert.deepEqual(await get("user=annx1"), []);
  const memberAdded = await get(`event=member_added&user=member`);
  assert.ok(memberAdded.length >= 1 && memberAdded.every((e) => e.event === "member_added"));

  const newest = inWorkspace[0]!;
  const at = Date.parse(newest.at);
  assert.deepEqual(
    (await get(`workspace=${ws}&from=${at}`)).map((e) => e.id),
    [newest.id],
  );
  assert.ok((await get(`workspace=${ws}&to=${at}`)).every((e) => e.id !== newest.id));
  const all = await get("limit=1000");
  const paged = await get(`limit=2&before=${all[1]!.id}`);
  assert.deepEqual(
    paged.map((e) => e.id),
    [all[2]!.id, all[3]!.id],
  );

  const bad = await t.call(admin, { method: "GET", url: "/api/audit?from=yesterday" });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error, "invalid_query");

  const jsonl = await t.call(admin, { method: "GET", url: `/api/audit/export?format=jsonl&workspace=${ws}` });
  assert.equal(jsonl.statusCode, 200, jsonl.body);
  assert.match(String(jsonl.headers["content-type"]), /^application\/x-ndjson/);
  assert.match(String(jsonl.headers["content-disposition"]), /^attachment; filename="vitrine-audit-.+\.jsonl"$/);
  assert.deepEqual(
    jsonl.body
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line)),
    inWorkspace,
    "the export holds what the filter shows",
  );
  const csv = await t.call(admin, { method: "GET", url: `/api/audit/export?format=csv&workspace=${ws}` });
  assert.match(String(csv.headers["content-type"]), /^text\/csv/);
  const rows = csv.body.split("\r\n");
  assert.equal(rows[0], "id,at,event,actor,clientAddress,workspace,details");
  assert.equal(rows.length, 4);
  assert.match(csv.body, /""name"":""=HYPERLINK\(1\)""/, "the details cell starts with {, so it stays as it is");

  for (const url of ["/api/audit/export?format=csv", "/api/audit/export", "/api/audit?from=yesterday"]) {
    const refused = await t.call(member, { method: "GET", url });
    assert.equal(refused.statusCode, 403, url);
    assert.equal(refused.json().error, "admin_required");
  }
  const noFormat = await t.call(admin, { method: "GET", url: "/api/audit/export" });
  assert.equal(noFormat.statusCode, 400);
});

test("the invitation route is rate-limited per client address, as sign-in is", async () => {
  const limited = await startTestStudio({ "login-requests-per-minute": "3" });
  try {
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await limited.call(undefined, {
        method: "POST",
        url: "/api/invitation",
        payload: { token: "A".repeat(43), password: NEW_PASSWORD },
      });
      answers.push(r.statusCode);
    }
    assert.deepEqual(answers, [404, 404, 404, 429]);
  } finally {
    await limited.close();
  }
});

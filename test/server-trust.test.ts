// Per-user trusted domains and applications: canonical forms, refusals, isolation between users, audit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { listTrustedDomains } from "../src/server/trust.ts";
import { startTestStudio, type Caller, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;
let ann: Caller;
let ben: Caller;
before(async () => {
  t = await startTestStudio();
  ann = await t.addUser("ann");
  ben = await t.addUser("ben");
});
after(() => t.close());

test("domains are stored canonical (lower case, punycode), per user, and audited", async () => {
  const added = await t.call(ann, {
    method: "POST",
    url: "/api/trust/domains",
    payload: { domain: "Bücher.Example." },
  });
  assert.equal(added.statusCode, 201, added.body);
  assert.equal(added.json().domain, "xn--bcher-kva.example");
  await t.call(ann, { method: "POST", url: "/api/trust/domains", payload: { domain: "xn--bcher-kva.example" } });
  assert.deepEqual((await t.call(ann, { method: "GET", url: "/api/trust/domains" })).json().domains, [
    "xn--bcher-kva.example",
  ]);
  assert.deepEqual((await t.call(ben, { method: "GET", url: "/api/trust/domains" })).json().domains, []);
  const user = await t.studio.db.selectFrom("users").select("id").where("name", "=", "ann").executeTakeFirstOrThrow();
  assert.deepEqual(await listTrustedDomains(t.studio.db, user.id), ["xn--bcher-kva.example"]);
  const events = await t.studio.db
    .selectFrom("audit_events")
    .selectAll()
    .where("event", "=", "trust_domain_added")
    .execute();
  assert.equal(events.length, 1, "adding the same domain twice is one decision");
  assert.equal(events[0]?.actor_name, "ann");
  assert.equal(
    (await t.call(ben, { method: "DELETE", url: "/api/trust/domains/xn--bcher-kva.example" })).json().error,
    "not_trusted",
  );
  assert.equal(
    (await t.call(ann, { method: "DELETE", url: "/api/trust/domains/xn--bcher-kva.example" })).statusCode,
    204,
  );
});

test("IP addresses, single labels and junk are not domains", async () => {
  for (const domain of ["127.0.0.1", "localhost", "exa mple.com", "[::1]", "a..b"]) {
    const r = await t.call(ann, { method: "POST", url: "/api/trust/domains", payload: { domain } });
    assert.equal(r.json().error, "invalid_domain", domain);
  }
});

test("applications are URL schemes; the web's own and script-running schemes cannot be trusted", async () => {
  assert.equal(
    (await t.call(ann, { method: "POST", url: "/api/trust/applications", payload: { scheme: "VSCode:" } })).json()
      .scheme,
    "vscode",
  );
  for (const scheme of ["javascript", "https", "data", "file"]) {
    assert.equal(
      (await t.call(ann, { method: "POST", url: "/api/trust/applications", payload: { scheme } })).json().error,
      "scheme_not_trustable",
      scheme,
    );
  }
  assert.equal(
    (await t.call(ann, { method: "POST", url: "/api/trust/applications", payload: { scheme: "1bad" } })).json().error,
    "invalid_scheme",
  );
  assert.deepEqual((await t.call(ann, { method: "GET", url: "/api/trust/applications" })).json().applications, [
    "vscode",
  ]);
  assert.equal((await t.call(ann, { method: "DELETE", url: "/api/trust/applications/vscode" })).statusCode, 204);
  const events = (await t.studio.db.selectFrom("audit_events").select("event").execute()).map((e) => e.event);
  assert.ok(events.includes("trust_application_added") && events.includes("trust_application_removed"));
});

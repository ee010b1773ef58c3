import { test } from "node:test";
import assert from "node:assert/strict";
import { auditHref, parseRoute } from "./addresses.ts";

test("the administrators' pages and the one-time link's page have addresses of their own", () => {
  assert.deepEqual(parseRoute("/admin/users", ""), { page: "admin-users" });
  assert.deepEqual(parseRoute("/admin/users/", ""), { page: "admin-users" });
  assert.deepEqual(parseRoute("/admin/audit", "?event=x"), { page: "admin-audit", filters: { event: "x" } });
  assert.deepEqual(parseRoute("/welcome", ""), { page: "welcome" });
  assert.deepEqual(parseRoute("/admin", ""), { page: "not-found" });
  assert.deepEqual(parseRoute("/admin/other", ""), { page: "not-found" });
});

test("the audit log's filters live in its address and survive the trip; values the API would refuse are left out", () => {
  const filters = {
    event: "upload",
    user: "ana lyst",
    workspace: "AbCdEfGh12345678",
    from: 1764892800000,
    to: 1764979200000,
  };
  const href = auditHref(filters);
  assert.equal(
    href,
    "/admin/audit?event=upload&user=ana+lyst&workspace=AbCdEfGh12345678&from=1764892800000&to=1764979200000",
  );
  const url = new URL(href, "https://studio.test");
  assert.deepEqual(parseRoute(url.pathname, url.search), { page: "admin-audit", filters });
  assert.equal(auditHref({}), "/admin/audit");
  assert.deepEqual(
    parseRoute("/admin/audit", `?workspace=short&from=-1&to=1e9&event=${"x".repeat(65)}&user=%20&other=1`),
    { page: "admin-audit", filters: {} },
  );
});

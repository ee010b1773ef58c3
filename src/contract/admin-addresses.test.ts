import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRoute } from "./addresses.ts";

test("the administrators' pages and the one-time link's page have addresses of their own", () => {
  assert.deepEqual(parseRoute("/admin/users", ""), { page: "admin-users" });
  assert.deepEqual(parseRoute("/admin/users/", ""), { page: "admin-users" });
  assert.deepEqual(parseRoute("/admin/audit", "?event=x"), { page: "admin-audit" });
  assert.deepEqual(parseRoute("/welcome", ""), { page: "welcome" });
  assert.deepEqual(parseRoute("/admin", ""), { page: "not-found" });
  assert.deepEqual(parseRoute("/admin/other", ""), { page: "not-found" });
});

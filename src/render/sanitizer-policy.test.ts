import { test } from "node:test";
import assert from "node:assert/strict";
import { ALLOWED_TAGS, ATTRIBUTES_BY_TAG, FORBIDDEN_TAGS } from "./sanitizer-policy.ts";

test("allowlists are frozen and consistent", () => {
  assert.ok(Object.isFrozen(ALLOWED_TAGS));
  assert.ok(Object.isFrozen(ATTRIBUTES_BY_TAG));
  assert.ok(Object.isFrozen(ATTRIBUTES_BY_TAG.a));
  assert.ok(Object.isFrozen(FORBIDDEN_TAGS));
  assert.deepEqual(
    ALLOWED_TAGS.filter((t) => FORBIDDEN_TAGS.includes(t)),
    [],
  );
  assert.throws(() => (ALLOWED_TAGS as string[]).push("script"));
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { FRAME_CSP, studioFrameCsp } from "./csp.ts";

test("the frame policies, byte for byte", () => {
  assert.equal(
    FRAME_CSP,
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; media-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'",
  );
  assert.equal(
    studioFrameCsp("http://localhost:8080"),
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src data:; font-src 'self' data:; media-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors http://localhost:8080",
  );
});

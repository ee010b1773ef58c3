import { test } from "node:test";
import assert from "node:assert/strict";
import { ImageSigner } from "./image-signature.ts";

const KEY_A = { id: "a", secret: "a".repeat(32) };
const KEY_B = { id: "b2026", secret: Buffer.alloc(32, 7) };

test("a signed URL verifies, and gives back exactly the URL that was signed", () => {
  const signer = new ImageSigner({ keys: [KEY_A] });
  const url = "https://example.com/a b/ü.png?x=1&y=/#";
  const { path, expires } = signer.sign(url);
  assert.match(path, /^\/image\/a\/\d+\/[A-Za-z0-9_-]{43}\/[A-Za-z0-9_-]+$/);
  assert.deepEqual(signer.verify(path.slice("/image/".length)), { ok: true, url, expires });
});

test("tampering with any part fails; unknown keys and malformed paths are named", () => {
  const signer = new ImageSigner({ keys: [KEY_A] });
  const rest = signer.sign("https://example.com/a.png").path.slice(7);
  const [kid, exp, sig, enc] = rest.split("/") as [string, string, string, string];
  const other = Buffer.from("https://example.com/b.png").toString("base64url");
  assert.deepEqual(signer.verify([kid, exp, sig, other].join("/")), { ok: false, reason: "bad_signature" });
  assert.deepEqual(signer.verify([kid, String(Number(exp) + 1000), sig, enc].join("/")), {
    ok: false,
    reason: "bad_signature",
  });
  const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
  assert.deepEqual(signer.verify([kid, exp, flipped, enc].join("/")), { ok: false, reason: "bad_signature" });
  assert.deepEqual(signer.verify(["zz", exp, sig, enc].join("/")), { ok: false, reason: "unknown_key" });
  for (const bad of [
    "",
    "a/1/2",
    `${kid}/x/${sig}/${enc}`,
    `${kid}/${exp}/short/${enc}`,
    `${kid}/${exp}/${sig}/${enc}/extra`,
    `${kid}/${exp}/${sig}/a+b`,
  ]) {
    assert.deepEqual(signer.verify(bad), { ok: false, reason: "malformed" }, bad);
  }
  const otherSecret = new ImageSigner({ keys: [{ id: "a", secret: "b".repeat(32) }] });
  assert.deepEqual(otherSecret.verify(rest), { ok: false, reason: "bad_signature" }, "same key id, another secret");
});

test("expiry: valid until the second it expires", () => {
  let now = 1_700_000_000_000;
  const signer = new ImageSigner({ keys: [KEY_A], ttlSeconds: 60, now: () => now });
  const rest = signer.sign("https://example.com/a.png").path.slice(7);
  now += 59_000;
  assert.equal(signer.verify(rest).ok, true);
  now += 1_000;
  assert.deepEqual(signer.verify(rest), { ok: false, reason: "expired" });
});

test("rotation: the first key signs, older keys still verify until removed", () => {
  const old = new ImageSigner({ keys: [KEY_A] });
  const oldPath = old.sign("https://example.com/a.png").path.slice(7);
  const rotated = new ImageSigner({ keys: [KEY_B, KEY_A] });
  assert.equal(rotated.verify(oldPath).ok, true);
  assert.match(rotated.sign("https://example.com/a.png").path, /^\/image\/b2026\//);
  const retired = new ImageSigner({ keys: [KEY_B] });
  assert.deepEqual(retired.verify(oldPath), { ok: false, reason: "unknown_key" });
});

test("weak or ambiguous keys are refused at start-up", () => {
  assert.throws(() => new ImageSigner({ keys: [] }), /at least one key/);
  assert.throws(() => new ImageSigner({ keys: [{ id: "a", secret: "short" }] }), /shorter than 32 bytes/);
  assert.throws(() => new ImageSigner({ keys: [{ id: "a/b", secret: "a".repeat(32) }] }), /key ids/);
  assert.throws(() => new ImageSigner({ keys: [KEY_A, KEY_A] }), /used twice/);
  assert.throws(
    () => new ImageSigner({ keys: [KEY_A] }).sign(`https://example.com/${"x".repeat(9000)}`),
    /longer than/,
  );
});

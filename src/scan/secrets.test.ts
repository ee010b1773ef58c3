import assert from "node:assert/strict";
import { test } from "node:test";
import { findSecrets, maskedSlice, maskSecret, maskSecrets } from "./secrets.ts";
import { excerpt } from "./sink.ts";

const AWS = "AKIA2E0A8F3B4C5D6E7F";

test("finds each kind of secret and says what it is", () => {
  const cases: [string, string][] = [
    [`key = "${AWS}"`, "aws-access-key-id"],
    ["aws_secret_access_key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'", "aws-secret-access-key"],
    [`t = "ghp_${"a1B2c3D4e5".repeat(4)}"`, "github-token"],
    ["xoxb-123456789012-abcdefghijklmnop", "slack-token"],
    [`AIza${"Sy".repeat(17)}A`, "google-api-key"],
    ["-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----", "private-key"],
    ["mysql://root:tr0ub4dor@db.example:3306/x", "password-in-url"],
    ["DefaultEndpointsProtocol=https;AccountName=a;AccountKey=" + "Zm9vYmFy".repeat(8) + "==", "azure-storage-key"],
    [`hf_${"x".repeat(34)}`, "huggingface-token"],
  ];
  for (const [text, id] of cases)
    assert.ok(
      findSecrets(text).some((match) => match.id === id),
      `${id} in ${text}`,
    );
});

test("ignores placeholders, examples in prose and ordinary URLs", () => {
  for (const text of [
    "postgresql://user:<password>@localhost/db",
    "postgresql://user:${PASSWORD}@localhost/db",
    "https://example.org/a:b@c",
    "Your key starts with AKIA and has 20 characters.",
    "-----BEGIN PRIVATE KEY-----",
    "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  ]) {
    assert.deepEqual(findSecrets(text), [], text);
  }
});

test("masks keep at most four characters of long secrets and none of short ones", () => {
  assert.equal(maskSecret(AWS), "AKIA…[20 chars masked]");
  assert.equal(maskSecret("hunter2"), "…[7 chars masked]");
  assert.equal(
    maskSecrets(`id=${AWS} pw in mysql://root:tr0ub4dor@db/x`),
    "id=AKIA…[20 chars masked] pw in mysql://root:…[9 chars masked]@db/x",
  );
});

test("a slice that starts inside a secret's context is still masked", () => {
  const text = "engine = create_engine('postgresql://etl:Winter2024!@warehouse/prod')";
  const at = text.indexOf("Winter");
  assert.equal(maskedSlice(text, at, text.length), "…[11 chars masked]@warehouse/prod')");
  // Cut in the middle of a secret: the whole secret is masked, nothing of its tail leaks.
  const cut = maskedSlice(`x = '${AWS}'`, 8, 14);
  assert.ok(!cut.includes("8F3B"), cut);
});

test("excerpts are one line, masked and shortened", () => {
  const line = excerpt(`a\n  b ${AWS} ${"c".repeat(300)}`);
  assert.ok(line.length <= 120);
  assert.ok(!line.includes(AWS));
  assert.ok(!line.includes("\n"));
});

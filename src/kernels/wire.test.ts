import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { DELIMITER, PROTOCOL_VERSION, Session } from "./wire.ts";

const KEY = "a".repeat(64);

test("a built message has the v5.3 header and round-trips through encode and decode", () => {
  const sender = new Session(KEY, { username: "alice" });
  const receiver = new Session(KEY);
  const message = sender.message("execute_request", { code: "1 + 1" }, { buffers: [Buffer.from([1, 2, 3])] });
  assert.equal(message.header.version, PROTOCOL_VERSION);
  assert.equal(message.header.session, sender.id);
  assert.equal(message.header.username, "alice");
  assert.match(message.header.msg_id, /^[0-9a-f-]{36}$/);
  assert.ok(!Number.isNaN(Date.parse(message.header.date)));
  message.identities = [Buffer.from("peer")];
  const frames = sender.encode(message);
  assert.equal(frames[1]!.toString(), DELIMITER);
  const decoded = receiver.decode(frames);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.message.content, { code: "1 + 1" });
  assert.deepEqual(decoded.message.identities, [Buffer.from("peer")]);
  assert.deepEqual(decoded.message.buffers, [Buffer.from([1, 2, 3])]);
});

test("the signature is HMAC-SHA256 over header, parent, metadata, content, as jupyter_client computes it", () => {
  const session = new Session(KEY);
  const frames = session.encode(session.message("kernel_info_request", {}));
  const expected = createHmac("sha256", Buffer.from(KEY)).update(frames[2]!).update(frames[3]!);
  expected.update(frames[4]!).update(frames[5]!);
  assert.equal(frames[1]!.toString(), expected.digest("hex"));
});

test("buffers are not signed: changing one keeps the message valid", () => {
  const session = new Session(KEY);
  const frames = session.encode(session.message("comm_msg", {}, { buffers: [Buffer.from("x")] }));
  frames[6] = Buffer.from("y");
  assert.ok(new Session(KEY).decode(frames).ok);
});

test("every refusal is dropped and counted by reason, never thrown", () => {
  const sender = new Session(KEY);
  const receiver = new Session(KEY);
  const good = () => sender.encode(sender.message("status", { execution_state: "idle" }));

  const forged = new Session("b".repeat(64)).encode(sender.message("status", {}));
  assert.deepEqual(receiver.decode(forged), { ok: false, reason: "bad_signature" });

  const unsigned = good();
  unsigned[1] = Buffer.alloc(0);
  assert.deepEqual(receiver.decode(unsigned), { ok: false, reason: "missing_signature" });

  const tampered = good();
  tampered[5] = Buffer.from('{"execution_state":"busy"}');
  assert.deepEqual(receiver.decode(tampered), { ok: false, reason: "bad_signature" });

  const short = good().slice(0, 4);
  assert.deepEqual(receiver.decode(short), { ok: false, reason: "wrong_frame_count" });

  assert.deepEqual(receiver.decode([Buffer.from("no delimiter")]), { ok: false, reason: "no_delimiter" });

  const notJson = [
    Buffer.from(DELIMITER),
    Buffer.alloc(0),
    Buffer.from("{"),
    Buffer.from("{}"),
    Buffer.from("{}"),
    Buffer.from("{}"),
  ];
  notJson[1] = Buffer.from(sender.sign(notJson.slice(2)));
  assert.deepEqual(receiver.decode(notJson), { ok: false, reason: "malformed_json" });

  const noType = [
    Buffer.from(DELIMITER),
    Buffer.alloc(0),
    Buffer.from('{"msg_id":"1"}'),
    Buffer.from("{}"),
    Buffer.from("{}"),
    Buffer.from("{}"),
  ];
  noType[1] = Buffer.from(sender.sign(noType.slice(2)));
  assert.deepEqual(receiver.decode(noType), { ok: false, reason: "bad_header" });

  const once = good();
  assert.ok(receiver.decode(once).ok);
  assert.deepEqual(receiver.decode(once), { ok: false, reason: "replayed_signature" });

  assert.equal(receiver.drops.bad_signature, 2);
  assert.equal(receiver.drops.missing_signature, 1);
  assert.equal(receiver.drops.wrong_frame_count, 1);
  assert.equal(receiver.drops.no_delimiter, 1);
  assert.equal(receiver.drops.malformed_json, 1);
  assert.equal(receiver.drops.bad_header, 1);
  assert.equal(receiver.drops.replayed_signature, 1);
  assert.equal(receiver.dropped, 8);
});

test("a session without a key is refused", () => {
  assert.throws(() => new Session(""));
});

// The connection rule the image proxy applies to every socket it opens, at the address it really reached.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connectionRefusal } from "./image-proxy-fetch.ts";

const none: ReadonlySet<string> = new Set();
const pairs: ReadonlySet<string> = new Set(["127.0.0.1:4567", "[::1]:4568"]);

test("public addresses on 80 and 443 only", () => {
  assert.equal(connectionRefusal("93.184.215.14", 443, none), null);
  assert.equal(connectionRefusal("2606:4700::1111", 80, none), null);
  assert.equal(connectionRefusal("::ffff:93.184.215.14", 443, none), null, "an IPv4 peer on a dual-stack socket");
  assert.equal(connectionRefusal("93.184.215.14", 8080, none)?.reason, "bad_port");
  assert.equal(connectionRefusal("93.184.215.14", 22, none)?.reason, "bad_port");
});

test("special addresses are refused whatever the port, with the range named", () => {
  for (const [address, range] of [["127.0.0.1", /loopback/], ["10.0.0.5", /RFC 1918/], ["169.254.169.254", /link-local/], ["::1", /loopback/],
    ["::ffff:10.0.0.5", /IPv4-mapped/], ["fd00::1", /unique local/], ["64:ff9b::a9fe:a9fe", /NAT64/], ["0.0.0.0", /this network/]] as const) {
    const refusal = connectionRefusal(address, 443, none);
    assert.equal(refusal?.reason, "private_address", address);
    assert.match(refusal?.message ?? "", range, address);
  }
  assert.equal(connectionRefusal("not-an-address", 443, none)?.reason, "invalid_address");
});

test("allowed loopback pairs open exactly that address and port", () => {
  assert.equal(connectionRefusal("127.0.0.1", 4567, pairs), null);
  assert.equal(connectionRefusal("::ffff:127.0.0.1", 4567, pairs), null);
  assert.equal(connectionRefusal("::1", 4568, pairs), null);
  assert.equal(connectionRefusal("127.0.0.1", 4568, pairs)?.reason, "private_address");
  assert.equal(connectionRefusal("127.0.0.2", 4567, pairs)?.reason, "private_address");
  assert.equal(connectionRefusal("::1", 4567, pairs)?.reason, "private_address");
  assert.equal(connectionRefusal("93.184.215.14", 4567, pairs)?.reason, "bad_port", "the pair's port opens nothing else");
});

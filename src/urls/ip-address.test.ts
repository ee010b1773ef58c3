// The address table as the image proxy uses it: addresses as a socket reports them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyAddress } from "./ip-address.ts";

const SPECIAL: readonly (readonly [string, RegExp])[] = [
  ["127.0.0.1", /loopback/],
  ["127.255.255.254", /loopback/],
  ["0.0.0.0", /this network/],
  ["10.1.2.3", /RFC 1918/],
  ["172.16.0.1", /RFC 1918/],
  ["172.31.0.1", /RFC 1918/],
  ["192.168.0.1", /RFC 1918/],
  ["100.64.0.1", /carrier-grade/],
  ["169.254.169.254", /link-local/],
  ["192.0.0.9", /IETF/],
  ["192.0.2.1", /TEST-NET-1/],
  ["198.18.5.5", /benchmarking/],
  ["224.0.0.251", /multicast/],
  ["240.1.1.1", /reserved/],
  ["255.255.255.255", /broadcast/],
  ["192.88.99.1", /6to4 relay/],
  ["::1", /^loopback$/],
  ["::", /unspecified/],
  ["::ffff:127.0.0.1", /IPv4-mapped 127\.0\.0\.1: loopback/],
  ["::ffff:10.0.0.1", /IPv4-mapped 10\.0\.0\.1/],
  ["::ffff:0:10.0.0.1", /IPv4-translated/],
  ["::10.0.0.1", /IPv4-compatible 10\.0\.0\.1/],
  ["::8.8.8.8", /IPv4-compatible \(deprecated\)/],
  ["64:ff9b::7f00:1", /NAT64 127\.0\.0\.1/],
  ["64:ff9b:1::1", /local-use NAT64/],
  ["2002:0a00:0001::1", /6to4 10\.0\.0\.1/],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", /Teredo client 192\.0\.2\.45/],
  ["2001:0:0a00:0001::", /Teredo server 10\.0\.0\.1/],
  ["2001:0:4136:e378:8000:63bf:f7f7:f7f7", /^Teredo$/],
  ["fc00::1", /unique local/],
  ["fdff:ffff::1", /unique local/],
  ["fe80::1", /link-local/],
  ["fe80::1%eth0", /link-local/],
  ["[fe80::1]", /link-local/],
  ["fec0::1", /site-local/],
  ["ff05::2", /multicast/],
  ["100::1", /discard/],
  ["2001:db8::1", /documentation/],
  ["3fff:0fff::1", /documentation/],
  ["2001:2::1", /benchmarking/],
  ["2001:10::1", /IETF/],
  ["2620:4f:8000::1", /AS112/],
  ["4000::1", /reserved/],
  ["::ffff:169.254.169.254", /link-local/],
];

test("special-purpose IPv4 and IPv6 ranges, and IPv4 carried in IPv6, are special", () => {
  for (const [address, range] of SPECIAL) {
    const c = classifyAddress(address);
    assert.ok(c?.special, address);
    assert.match(c.range, range, address);
  }
});

test("public unicast addresses are not special", () => {
  for (const address of [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "172.32.0.1",
    "100.128.0.1",
    "11.0.0.1",
    "2606:4700::1111",
    "2a00:1450:4001::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
    "3fff:1000::1",
  ]) {
    assert.equal(classifyAddress(address)?.special, false, address);
  }
});

test("host names are not addresses", () => {
  for (const text of ["example.com", "localhost", "1.2.3", "::g", "[::1", ""])
    assert.equal(classifyAddress(text), null, text);
});

// The egress rule on its own: request targets as kernels write them, and the default resolver asking a DNS server
// the test runs on loopback (so the production path, not a test resolver, meets inward answers).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { dnsResolverLookup, EgressRule, parseConnectTarget, parseProxyUrl } from "./egress-rule.ts";

test("CONNECT authorities and absolute URLs are parsed to a canonical host and port, or refused with a code", () => {
  assert.deepEqual(parseConnectTarget("Example.ORG:443"), { ok: true, host: "example.org", port: 443 });
  assert.deepEqual(parseConnectTarget("[2001:db8::1]:8443"), { ok: true, host: "2001:db8::1", port: 8443 });
  assert.deepEqual(parseConnectTarget("0x7f.1:80"), { ok: true, host: "127.0.0.1", port: 80 });
  for (const bad of ["example.org", "user@example.org:443", "example.org:443/x", "example.org:0", "a b:443", ":443"])
    assert.equal((parseConnectTarget(bad) as { reason?: string }).reason, "bad_target", bad);
  const url = parseProxyUrl("http://Example.org./a/b?c=1#frag");
  assert.deepEqual(url, { ok: true, host: "example.org", port: 80, path: "/a/b?c=1", hostHeader: "example.org." });
  assert.equal((parseProxyUrl("/relative") as { reason?: string }).reason, "not_a_proxy_request");
  assert.equal((parseProxyUrl("https://example.org/") as { reason?: string }).reason, "bad_scheme");
  assert.equal((parseProxyUrl("ftp://example.org/") as { reason?: string }).reason, "bad_scheme");
});

/** A DNS server on 127.0.0.1 answering A and AAAA questions from a table; other names get NXDOMAIN. */
async function dnsServer(table: Record<string, { a?: string[]; aaaa?: string[] }>) {
  const socket = createSocket("udp4");
  socket.on("message", (query, peer) => {
    let at = 12;
    const labels: string[] = [];
    while (query[at]! > 0) {
      labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString("latin1"));
      at += query[at]! + 1;
    }
    const question = query.subarray(12, at + 5);
    const type = query.readUInt16BE(at + 1);
    const entry = table[labels.join(".").toLowerCase()];
    const answers = (type === 1 ? entry?.a : type === 28 ? entry?.aaaa : []) ?? [];
    const records = answers.map((address) => {
      const data =
        type === 1
          ? Buffer.from(address.split(".").map(Number))
          : Buffer.from(
              address
                .split(":")
                .map((g) => g.padStart(4, "0"))
                .join(""),
              "hex",
            );
      const head = Buffer.alloc(12);
      head.writeUInt16BE(0xc00c, 0);
      head.writeUInt16BE(type, 2);
      head.writeUInt16BE(1, 4);
      head.writeUInt32BE(60, 6);
      head.writeUInt16BE(data.length, 10);
      return Buffer.concat([head, data]);
    });
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2);
    header.writeUInt16BE(entry ? 0x8180 : 0x8183, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(records.length, 6);
    socket.send(Buffer.concat([header, question, ...records]), peer.port, peer.address);
  });
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return { socket, server: `127.0.0.1:${(socket.address() as AddressInfo).port}` };
}

test("the default resolver's answers meet the rule: every answer is checked, inward ones refused", async () => {
  const dns = await dnsServer({
    "site.test": { a: ["127.0.0.1"] },
    "rebind.test": { a: ["93.184.215.14", "10.0.0.1"] },
    "six.test": { aaaa: ["fd00:0:0:0:0:0:0:1"] },
    "public.test": { a: ["93.184.215.14"], aaaa: ["2606:4700:0:0:0:0:0:1111"] },
  });
  try {
    const rule = new EgressRule({
      ports: [80, 443],
      studioOrigins: ["http://localhost:8080"],
      allowLoopback: ["127.0.0.1:4567"],
      lookup: dnsResolverLookup([dns.server]),
    });
    const resolve = (host: string, port: number) => rule.resolve({ host, port }, AbortSignal.timeout(5_000));
    assert.deepEqual(await resolve("site.test", 4567), { ok: true, addresses: ["127.0.0.1"] });
    const otherPort = await resolve("site.test", 4568);
    assert.equal(!otherPort.ok && otherPort.reason, "private_address", "the pair opens one port only");
    const rebind = await resolve("rebind.test", 443);
    assert.equal(!rebind.ok && rebind.reason, "private_address");
    const six = await resolve("six.test", 443);
    assert.equal(!six.ok && six.reason, "private_address");
    const both = await resolve("public.test", 443);
    assert.ok(both.ok);
    assert.deepEqual(both.addresses.sort(), ["2606:4700::1111", "93.184.215.14"]);
    const missing = await resolve("missing.test", 443);
    assert.equal(!missing.ok && missing.reason, "unknown_host");
    const studio = await resolve("LOCALHOST", 8080);
    assert.equal(!studio.ok && studio.reason, "studio_origin");
  } finally {
    dns.socket.close();
  }
});

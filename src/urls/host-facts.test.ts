import { test } from "node:test";
import assert from "node:assert/strict";
import { BlocklistBuilder, parsePattern } from "./blocklist.ts";
import { checkUrl } from "./check-url.ts";
import { HOST_CACHE_WAYS, HOST_KEY_CHARS, hostCacheSet, hostFacts, hostHash } from "./host-facts.ts";
import type { UrlPolicy } from "./types.ts";

/** hostFacts of the host of an http(s) href as the parser writes it. */
function factsOf(url: string) {
  const href = new URL(url).href;
  return hostFacts(href, href.indexOf("//") + 2);
}

function blocking(...patterns: string[]): UrlPolicy {
  const builder = new BlocklistBuilder();
  const tag = builder.list("test");
  for (const pattern of patterns) builder.add(parsePattern(pattern), tag);
  return { blocklist: builder.build() };
}

/** Hosts whose djb2 states are equal: equal-length labels that collide, under the same suffix. */
const COLLIDING: readonly [string, string][] = [
  ["od5v535", "oby4535"],
  ["ly968fz", "n5yx8fz"],
  ["3ctchvy", "kuizzn9"],
];

test("the colliding labels really share a hash, so the tests below test what they say", () => {
  for (const [a, b] of COLLIDING) {
    assert.equal(hostHash(`${a}.example`), hostHash(`${b}.example`), `${a} ${b}`);
    assert.equal(hostHash(`www.${a}.example.org`), hostHash(`www.${b}.example.org`), `${a} ${b} inside a longer name`);
  }
});

test("a known host is found again from any URL on it, with its port or without", () => {
  const facts = factsOf("https://docs.example.org/a");
  assert.equal(facts.host, "docs.example.org");
  assert.equal(factsOf("https://docs.example.org/b?x#y"), facts);
  assert.equal(factsOf("http://docs.example.org:8443/c"), facts, "the port is not part of the host");
  assert.notEqual(factsOf("https://docs.example.org.evil.example/"), facts);
  assert.notEqual(factsOf("https://docs.example.or/"), facts);
  assert.notEqual(factsOf("https://ocs.example.org/"), facts);
  assert.equal(factsOf("https://docs.example.org.evil.example/").host, "docs.example.org.evil.example");
});

test("hosts with the same hash each keep their own facts", () => {
  const [a, b] = COLLIDING[0] as [string, string];
  const policy = blocking(`${a}.example`);
  for (let round = 0; round < 3; round++) {
    assert.equal(factsOf(`https://${a}.example/`).host, `${a}.example`);
    assert.equal(factsOf(`https://${b}.example/`).host, `${b}.example`);
    assert.equal(checkUrl(`https://${a}.example/x`, "link", { policy }).reason, "blocklisted", `round ${round}`);
    assert.equal(checkUrl(`https://${b}.example/x`, "link", { policy }).reason, "external_site", `round ${round}`);
    assert.equal(checkUrl(`https://${b}.example/x`, "image", { policy }).reason, "proxied_image", `round ${round}`);
    assert.equal(checkUrl(`https://${a}.example/x`, "image", { policy }).reason, "blocklisted", `round ${round}`);
  }
});

test("hosts longer than a key, equal in their first characters and in their hash, are told apart", () => {
  const prefix = `${"a".repeat(40)}.${"b".repeat(HOST_KEY_CHARS)}.`;
  const [a, b] = COLLIDING[1] as [string, string];
  const hostA = `${prefix}${a}.example`;
  const hostB = `${prefix}${b}.example`;
  assert.ok(hostA.length > HOST_KEY_CHARS && hostA.length === hostB.length);
  assert.equal(hostHash(hostA), hostHash(hostB));
  const policy = blocking(hostB);
  for (let round = 0; round < 3; round++) {
    assert.equal(factsOf(`https://${hostA}/`).host, hostA);
    assert.equal(factsOf(`https://${hostB}/`).host, hostB);
    assert.equal(checkUrl(`https://${hostA}/`, "link", { policy }).reason, "external_site");
    assert.equal(checkUrl(`https://${hostB}/`, "link", { policy }).reason, "blocklisted");
  }
});

test("more hosts in one set than it has ways: the oldest leaves, none is confused with another", () => {
  const wanted = HOST_CACHE_WAYS + 2;
  const bySet = new Map<number, string[]>();
  let hosts: string[] = [];
  for (let i = 0; hosts.length < wanted; i++) {
    const host = `s${i}.sets.example`;
    const set = hostCacheSet(host);
    const group = bySet.get(set) ?? [];
    group.push(host);
    bySet.set(set, group);
    if (group.length === wanted) hosts = group;
  }
  // The set is the one hostFacts really uses: one host more than its ways pushes the first one out.
  const firstFacts = factsOf(`https://${hosts[0]}/`);
  for (const host of hosts.slice(1, HOST_CACHE_WAYS)) factsOf(`https://${host}/`);
  assert.equal(factsOf(`https://${hosts[0]}/`), firstFacts, "still cached while the set has room");
  for (const host of hosts.slice(1, HOST_CACHE_WAYS + 1)) factsOf(`https://${host}/`);
  assert.notEqual(factsOf(`https://${hosts[0]}/`), firstFacts, "evicted");
  const policy = blocking(hosts[0] as string, hosts[2] as string);
  for (let round = 0; round < 3; round++) {
    for (const [i, host] of hosts.entries()) {
      assert.equal(factsOf(`https://${host}/`).host, host);
      assert.equal(
        checkUrl(`https://${host}/p`, "image", { policy }).reason,
        i === 0 || i === 2 ? "blocklisted" : "proxied_image",
        `${host}, round ${round}`,
      );
    }
  }
  // After an eviction, every host still in the set is found with its own facts, and found again (cached).
  const recent = hosts.slice(-HOST_CACHE_WAYS);
  const cached = recent.map((host) => factsOf(`https://${host}/`));
  for (let round = 0; round < 3; round++) {
    for (const [i, host] of recent.entries()) {
      assert.equal(factsOf(`https://${host}/x`), cached[i], `${host} stays cached`);
      assert.equal((cached[i] as { host: string }).host, host);
    }
  }
});

test("a host and its trailing-dot spelling get the same verdict, in either order", () => {
  const policy = blocking("dotted.example");
  for (const url of ["https://dotted.example./x", "https://dotted.example/x", "https://DOTTED.example../x"]) {
    const verdict = checkUrl(url, "link", { policy });
    assert.equal(verdict.reason, "blocklisted", url);
    assert.equal(verdict.display, "dotted.example", url);
  }
  for (const url of ["https://plain.example./a", "https://plain.example/a"]) {
    const verdict = checkUrl(url, "link");
    assert.equal(
      `${verdict.reason} ${verdict.normalized} ${verdict.display}`,
      "external_site https://plain.example/a plain.example",
      url,
    );
  }
  assert.equal(factsOf("https://plain.example./").host, "plain.example.", "the dotted spelling keeps facts of its own");
  assert.equal(factsOf("https://plain.example/").host, "plain.example");
});

test("IPv6 hosts end at their bracket, ports and all", () => {
  assert.equal(factsOf("http://[2001:db8::1]/").host, "[2001:db8::1]");
  assert.equal(factsOf("http://[2001:db8::1]:8080/x").host, "[2001:db8::1]");
  assert.equal(factsOf("http://[2001:db8::1]:8080/x"), factsOf("http://[2001:db8::1]/"));
  assert.notEqual(factsOf("http://[2001:db8::2]/"), factsOf("http://[2001:db8::1]/"));
  assert.equal(checkUrl("http://[::1]:8080/", "link").reason, "private_address");
  assert.equal(checkUrl("http://[2606:4700::1111]:8080/", "link").reason, "external_site");
  assert.equal(checkUrl("http://[2606:4700::1111]:8080/", "image").reason, "bad_port");
  assert.equal(checkUrl("http://[2606:4700::1111]:443/", "image").reason, "proxied_image");
  assert.equal(checkUrl("http://[::ffff:127.0.0.1]/", "image").reason, "private_address");
});

test("ports never change which host's facts are used", () => {
  const policy = blocking("ported.example");
  for (const url of [
    "https://ported.example:1/",
    "https://ported.example:65535/a",
    "http://ported.example:80/",
    "https://ported.example/",
  ]) {
    assert.equal(checkUrl(url, "link", { policy }).reason, "blocklisted", url);
  }
  assert.equal(checkUrl("http://127.0.0.1:9/", "link").reason, "private_address");
  assert.equal(checkUrl("http://10.0.0.1:8080/", "link").reason, "private_address");
  assert.equal(factsOf("http://1.2.3.4:5678/").host, "1.2.3.4");
});

test("a host outside ASCII (never from the parser) is judged afresh, never matched against a cached key", () => {
  // "\u0161" is 0x161: kept as one byte it would read as "a".
  const plain = hostFacts("https://xa.example/", 8);
  const wide = hostFacts("https://x\u0161.example/", 8);
  assert.equal(wide.host, "x\u0161.example");
  assert.notEqual(wide, plain);
  assert.notEqual(hostFacts("https://x\u0161.example/", 8), wide, "not cached");
  assert.equal(hostFacts("https://xa.example/", 8), plain);
});

// The verdict engine, by attack class: each row is a spelling an attacker could use, and the verdict it must get.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BlocklistBuilder, checkUrl, parsePattern, REASONS, type UrlContext, type UrlPolicy } from "./index.ts";

type Row = readonly [input: string, reason: string, normalized?: string | null];

function table(
  name: string,
  context: UrlContext,
  verdict: string,
  rows: readonly Row[],
  options: { base?: string; policy?: UrlPolicy } = {},
) {
  test(`${name} (${context}: ${verdict})`, () => {
    for (const [input, reason, normalized] of rows) {
      const v = checkUrl(input, context, options);
      assert.equal(
        `${v.verdict} ${v.reason}`,
        `${verdict} ${reason}`,
        `${JSON.stringify(input)} -> ${JSON.stringify(v)}`,
      );
      assert.equal(v.input, input);
      assert.equal(v.context, context);
      assert.ok(v.message.startsWith(REASONS[v.reason]), "the message is the reason's sentence");
      if (normalized !== undefined) assert.equal(v.normalized, normalized, JSON.stringify(input));
    }
  });
}

const MAPPED = "The address points into a private";

table("script and local schemes, however they are spelled", "link", "block", [
  ["javascript:alert(1)", "scheme_not_allowed"],
  ["JAVASCRIPT:alert(1)", "scheme_not_allowed"],
  [" \u0001\u001f javascript:alert(1)", "scheme_not_allowed"],
  ["java\tscript:alert(1)", "scheme_not_allowed"],
  ["java\nscript:alert(1)", "scheme_not_allowed"],
  ["java\rscript:alert(1)", "scheme_not_allowed"],
  ["jav&#x09;ascript:alert(1)", "scheme_not_allowed"],
  ["jav&#9;ascript:alert(1)", "scheme_not_allowed"],
  ["jav&Tab;ascript:alert(1)", "scheme_not_allowed"],
  ["javascript&colon;alert(1)", "scheme_not_allowed"],
  ["&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)", "scheme_not_allowed"],
  ["&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)", "scheme_not_allowed"],
  ["&#0000106avascript:alert(1)", "scheme_not_allowed"],
  ["javascript&NewLine;:alert(1)", "scheme_not_allowed"],
  ["vbscript:msgbox(1)", "scheme_not_allowed"],
  ["VbScRiPt:msgbox(1)", "scheme_not_allowed"],
  ["data:text/html,<script>alert(1)</script>", "scheme_not_allowed"],
  ["data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "scheme_not_allowed"],
  ["data:image/png;base64,iVBORw0KGgo=", "scheme_not_allowed"],
  ["DATA:text/html,x", "scheme_not_allowed"],
  ["file:///etc/passwd", "scheme_not_allowed"],
  ["file://server/share", "scheme_not_allowed"],
  ["blob:https://example.com/0b1c", "scheme_not_allowed"],
  ["filesystem:https://example.com/temporary/x", "scheme_not_allowed"],
  ["about:blank", "scheme_not_allowed"],
  ["view-source:https://example.com/", "scheme_not_allowed"],
  ["chrome://settings", "scheme_not_allowed"],
  ["jar:https://example.com/x.jar!/a", "scheme_not_allowed"],
  ["intent://scan/#Intent;scheme=zxing;end", "scheme_not_allowed"],
  ["attachment:image.png", "scheme_not_allowed"],
]);

table("script and non-raster schemes as images", "image", "block", [
  ["javascript:alert(1)", "scheme_not_allowed"],
  ["data:image/svg+xml,<svg onload=alert(1)>", "scheme_not_allowed"],
  ["data:image/svg+xml;base64,PHN2Zz4=", "scheme_not_allowed"],
  ["data:text/html;base64,PHNjcmlwdD4=", "scheme_not_allowed"],
  ["data:image/png,rawbytes", "scheme_not_allowed"],
  ["data:image/png;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=", "scheme_not_allowed"],
  ["data:image/gif;base64,iVBORw0KGgo=", "scheme_not_allowed"],
  ["file:///tmp/a.png", "scheme_not_allowed"],
  ["blob:https://example.com/0b1c", "scheme_not_allowed"],
  ["vscode://file/a.png", "scheme_not_allowed"],
  ["ftp://example.com/a.png", "scheme_not_allowed"],
  ["#top", "same_document"],
]);

table("raster data: images and attachments", "image", "allow", [
  ["data:image/png;base64,iVBORw0KGgo=", "data_image", "data:image/png;base64,iVBORw0KGgo="],
  ["data:image/PNG;BASE64,iVBORw0K\nGgo=", "data_image", "data:image/png;base64,iVBORw0KGgo="],
  ["data:image/jpeg;base64,/9j/4AAQ", "data_image"],
  ["data:image/gif;base64,R0lGODlhAQABAAAAACw=", "data_image"],
  ["data:image/webp;base64,UklGRiQAAABXRUJQVlA4", "data_image"],
  ["attachment:plot.png", "attachment", "attachment:plot.png"],
  ["attachment:my%20figure.jpg", "attachment"],
]);

table(
  "links that stay in the notebook or the workspace",
  "link",
  "allow",
  [
    ["#section-2", "same_document", "#section-2"],
    ["  #x", "same_document", "#x"],
    ["&#35;x", "same_document", "#x"],
    ["#", "same_document", "#"],
    ["other.ipynb", "workspace_relative", "http://localhost:8080/w/team/files/other.ipynb"],
    ["./data/table.csv", "workspace_relative", "http://localhost:8080/w/team/files/data/table.csv"],
    ["../files/x.ipynb#cell-3", "workspace_relative"],
    ["http://localhost:8080/w/team/files/x.ipynb", "workspace_relative"],
    ["HTTP://LOCALHOST.:8080/w/team/", "workspace_relative"],
    ["/w/team", "workspace_relative"],
    ["/w/%74eam/files/x.ipynb", "workspace_relative"],
  ],
  { base: "http://localhost:8080/w/team/files/notebook.ipynb" },
);

table(
  "links into the studio outside the notebook's workspace are asked first",
  "link",
  "prompt",
  [
    ["/w/other/f/x.ipynb", "outside_workspace", "http://localhost:8080/w/other/f/x.ipynb"],
    ["../../other/f/x.ipynb", "outside_workspace"],
    ["/", "outside_workspace"],
    ["/w/", "outside_workspace"],
    ["/w/teams/f/x.ipynb", "outside_workspace"],
    ["/W/team/f/x.ipynb", "outside_workspace"],
    ["http://localhost:8080/w/%2574eam/", "outside_workspace"],
    ["HTTP://LOCALHOST.:8080/w/team2/", "outside_workspace"],
  ],
  { base: "http://localhost:8080/w/team/files/notebook.ipynb" },
);

test("leaving the workspace is a prompt of its own kind, only for links, and only from a notebook in a workspace", () => {
  const base = "http://localhost:8080/w/team/f/notebook.ipynb";
  const v = checkUrl("/w/other/", "link", { base });
  assert.equal(v.prompt?.kind, "studio_page");
  assert.equal(v.prompt?.clickThrough, true);
  assert.equal(checkUrl("/w/other/x.png", "image", { base }).reason, "workspace_relative");
  assert.equal(checkUrl("/w/other/", "link").reason, "workspace_relative", "no base: the studio's root");
  assert.equal(
    checkUrl("http://localhost:8080/w/other/", "link", { base: "https://elsewhere.example/w/team/" }).reason,
    "workspace_relative",
    "a base off the studio is in no workspace",
  );
  assert.equal(checkUrl("/api/x", "link", { base }).reason, "app_api", "the API is blocked before anything else");
});

table(
  "the studio's own API and routes with side effects, in every spelling the router accepts",
  "link",
  "block",
  [
    ["/api/workspaces/1/delete", "app_api", "http://localhost:8080/api/workspaces/1/delete"],
    ["../../../api/session", "app_api"],
    ["/API/session", "app_api"],
    ["/Api", "app_api"],
    ["/%61pi/session", "app_api"],
    ["/%2561pi/session", "app_api"],
    ["/%41%50%49/x", "app_api"],
    ["//localhost:8080/api/x", "app_api"],
    ["/./api/x", "app_api"],
    ["/x/../api/x", "app_api"],
    ["/x/%2e%2e/api/x", "app_api"],
    ["/x/%2E%2E/api/x", "app_api"],
    ["/x/.%2e/api/x", "app_api"],
    ["\\api\\x", "app_api"],
    ["/api;jsessionid=1/x", "app_api"],
    ["/api%2fx", "app_api"],
    ["/ap\ti/x", "app_api"],
    ["/logout", "app_api"],
    ["/auth/callback?code=1", "app_api"],
    ["http://localhost:8080/api/x", "app_api"],
    ["http://LOCALHOST:8080/api/x", "app_api"],
    ["http://localhost.:8080/api/x", "app_api"],
    ["http://localhost..:8080/api/x", "app_api"],
    ["http://localhost:08080/api/x", "app_api"],
    ["https://localhost/api/x", "app_api"],
    ["http://localhost:9999/api/x", "app_api"],
    ["http://user:pass@localhost:8080/api/x", "app_api", "http://localhost:8080/api/x"],
    ["http:\\\\localhost:8080\\api\\x", "app_api"],
    ["/api&#47;x", "app_api"],
    ["&#x2f;api/x", "app_api"],
  ],
  { base: "http://localhost:8080/w/team/files/notebook.ipynb" },
);

table(
  "a deployed studio on its own host name",
  "link",
  "block",
  [
    ["https://studio.example.org/api/x", "app_api"],
    ["https://STUDIO.example.org./api/x", "app_api"],
    ["https://studio.example.org:443/api/x", "app_api"],
    ["http://studio.example.org/api/x", "app_api"],
    ["https://studio.example.org/%61pi/x", "app_api"],
  ],
  { policy: { appOrigin: "https://studio.example.org" } },
);

table("the studio's API as an image (a GET with cookies would be a CSRF)", "image", "block", [
  ["/api/logout", "app_api"],
  ["http://localhost:8080/api/x", "app_api"],
  ["/%61%70%69/x", "app_api"],
]);

const LOOPBACK_AND_PRIVATE: readonly string[] = [
  "http://127.0.0.1/",
  "http://127.1/",
  "http://127.0.1/",
  "http://2130706433/",
  "http://0x7f000001/",
  "http://0x7f.0x0.0x0.0x1/",
  "http://0177.0.0.1/",
  "http://017700000001/",
  "http://0x7f.1/",
  "http://127.000.000.001/",
  "http://127.0.0.1./",
  "http://%31%32%37.0.0.1/",
  "http://１２７．０．０．１/",
  "http://127。0。0。1/",
  "http://0/",
  "http://0.0.0.0/",
  "http://[::1]/",
  "http://[0:0:0:0:0:0:0:1]/",
  "http://[::]/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://[0:0:0:0:0:ffff:127.0.0.1]/",
  "http://[::127.0.0.1]/",
  "http://[::ffff:0:127.0.0.1]/",
  "http://10.0.0.1/",
  "http://10.255.255.255/",
  "http://012.1/",
  "http://167772161/",
  "http://172.16.0.1/",
  "http://172.31.255.255/",
  "http://192.168.1.1/",
  "http://0xc0a80101/",
  "http://3232235777/",
  "http://169.254.169.254/latest/meta-data/",
  "http://0xa9fea9fe/",
  "http://2852039166/",
  "http://0251.0376.0251.0376/",
  "http://[::ffff:169.254.169.254]/",
  "http://[::ffff:a9fe:a9fe]/",
  "http://[64:ff9b::169.254.169.254]/",
  "http://[64:ff9b::a9fe:a9fe]/",
  "http://[64:ff9b::10.0.0.1]/",
  "http://[64:ff9b:1::8.8.8.8]/",
  "http://[2002:7f00:1::]/",
  "http://[2002:a9fe:a9fe::1]/",
  "http://[2002:c0a8:101::]/",
  "http://[2001:0:4136:e378:8000:63bf:80ff:fefe]/",
  "http://[2001::1]/",
  "http://100.64.0.1/",
  "http://100.127.255.255/",
  "http://192.0.0.1/",
  "http://192.0.2.1/",
  "http://198.18.0.1/",
  "http://198.19.255.255/",
  "http://198.51.100.7/",
  "http://203.0.113.9/",
  "http://224.0.0.1/",
  "http://239.255.255.250/",
  "http://240.0.0.1/",
  "http://255.255.255.255/",
  "http://[fc00::1]/",
  "http://[fd12:3456::1]/",
  "http://[fe80::1]/",
  "http://[febf::1]/",
  "http://[fec0::1]/",
  "http://[ff02::1]/",
  "http://[100::1]/",
  "http://[2001:db8::1]/",
  "http://[3fff::1]/",
  "http://[2001:2::1]/",
  "http://[5f00::1]/",
  "http://[::ffff:192.168.0.1]/",
  "http://user@127.0.0.1/",
  "http://example.com@127.0.0.1/",
  "https://127.0.0.1:443/",
  "http://[::1]:80/",
  "http:\\\\127.0.0.1\\",
  "//127.0.0.1/",
  "\\\\127.0.0.1/",
  "http://127.0.0.1&#47;x",
  "http&#58;//127.0.0.1/",
  "ht\ttp://127.0.0.1/",
];

table(
  "loopback, private and special-purpose addresses, every spelling",
  "image",
  "block",
  LOOPBACK_AND_PRIVATE.map((u) => [u, "private_address"] as const),
);
table(
  "loopback, private and special-purpose addresses as links",
  "link",
  "block",
  LOOPBACK_AND_PRIVATE.map((u) => [u, "private_address"] as const),
);

const LOCAL_NAMES = [
  "http://localhost/",
  "http://LOCALHOST/",
  "http://localhost./",
  "http://foo.localhost/",
  "http://a.b.localhost./",
  "http://printer.local/",
  "http://nas.LOCAL/",
  "http://metadata.google.internal/",
  "http://db.internal./",
  "http://router.home.arpa/",
  "http://1.0.0.127.in-addr.arpa/",
  "http://intranet/",
  "http://printer/",
  "http://fileserver./",
  "http://box.lan/",
  "http://x.localdomain/",
  "http://wiki.corp/",
  "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/",
  "http://localhost%2e/",
  "http://%6c%6f%63%61%6c%68%6f%73%74/",
  "///api/x",
  "/\\api/x",
  "https://xn--/",
];
table(
  "local names",
  "image",
  "block",
  LOCAL_NAMES.map((u) => [u, "local_name"] as const),
);
table(
  "local names as links",
  "link",
  "block",
  LOCAL_NAMES.map((u) => [u, "local_name"] as const),
  { policy: { appOrigin: "https://studio.example.org" } },
);

table("images: http(s) anywhere public, via the proxy", "image", "allow", [
  ["https://example.com/a.png", "proxied_image", "https://example.com/a.png"],
  ["http://example.com/a.png#frag", "proxied_image", "http://example.com/a.png"],
  ["https://example.com:443/a.png", "proxied_image", "https://example.com/a.png"],
  ["http://example.com:443/a.png", "proxied_image", "http://example.com:443/a.png"],
  ["https://example.com:80/a.png", "proxied_image", "https://example.com:80/a.png"],
  ["//upload.example.org/x.gif", "proxied_image", "http://upload.example.org/x.gif"],
  ["https://8.8.8.8/x.png", "proxied_image"],
  ["https://[2606:4700::1111]/x.png", "proxied_image"],
  ["https://[::ffff:8.8.8.8]/x.png", "proxied_image"],
  ["https://[2002:808:808::1]/x.png", "proxied_image"],
  ["https://münchen.de/karte.png", "proxied_image", "https://xn--mnchen-3ya.de/karte.png"],
  ["https://example.com/a.png?x=1&amp;y=2", "proxied_image", "https://example.com/a.png?x=1&y=2"],
]);

table("images on other ports", "image", "block", [
  ["http://example.com:8080/a.png", "bad_port"],
  ["https://example.com:8443/a.png", "bad_port"],
  ["http://example.com:22/", "bad_port"],
  ["http://example.com:6379/", "bad_port"],
  ["http://8.8.8.8:25/", "bad_port"],
]);

table("unparsable URLs", "link", "block", [
  ["", "invalid_url", null],
  ["   ", "invalid_url", null],
  ["http://", "invalid_url", null],
  ["http://exa mple.com/", "invalid_url", null],
  ["http://[::1/", "invalid_url", null],
  ["http://256.256.256.256/", "invalid_url", null],
  ["http://1.2.3.4.5/", "invalid_url", null],
  ["http://0x100000000/", "invalid_url", null],
  ["http://example.com:99999/", "invalid_url", null],
  ["http://a<b.com/", "invalid_url", null],
]);

table("external websites ask first", "link", "prompt", [
  ["https://example.com/", "external_site", "https://example.com/"],
  ["HTTPS://EXAMPLE.COM/Path", "external_site", "https://example.com/Path"],
  ["https://example.com./", "external_site"],
  ["https://example.com:8443/", "external_site"],
  ["//example.com/x", "external_site"],
  ["https://docs.python.org/3/#x", "external_site", "https://docs.python.org/3/#x"],
  ["https://münchen.de/", "external_site"],
  ["https://пример.рф/", "external_site"],
  ["https://例え.jp/", "external_site"],
  ["https://日本語ドメイン.jp/", "external_site"],
  ["https://ελληνικά.gr/", "external_site"],
  ["https://bücher.example/", "external_site"],
]);

table("confusable hosts ask with a warning, in punycode", "link", "prompt", [
  ["https://аррӏе.com/", "confusable_host", "https://xn--80ak6aa92e.com/"],
  ["https://xn--80ak6aa92e.com/", "confusable_host"],
  ["https://аpple.com/", "confusable_host"],
  ["https://paypaӏ.com/", "confusable_host"],
  ["https://ехаmрlе.com/", "confusable_host"],
  ["https://gοοgle.com/", "confusable_host"],
  ["https://ԝһаtѕарр.com/", "confusable_host"],
  ["https://օօ.com/", "confusable_host"],
  ["https://раураl.com/", "confusable_host"],
  ["https://gіthub.com/", "confusable_host"],
  ["https://microsоft.com/", "confusable_host"],
  ["https://ροκ.com/", "confusable_host"],
  ["https://аррӏе-1.com/", "confusable_host"],
  ["https://gооgle.com./", "confusable_host"],
  ["https://wіkіреdіа.org/", "confusable_host"],
]);

table("external applications ask first, named", "link", "prompt", [
  ["vscode://file/home/me/x.py", "external_application"],
  ["vscode-insiders://x", "external_application"],
  ["ms-excel:ofe|u|https://example.com/a.xlsx", "external_application"],
  ["zoommtg://zoom.us/join?confno=1", "external_application"],
  ["slack://open", "external_application"],
  ["mailto:someone@example.com", "external_application"],
  ["MAILTO:someone@example.com", "external_application"],
  ["tel:+15555550100", "external_application"],
  ["magnet:?xt=urn:btih:0", "external_application"],
  ["my-tool+x.y:anything", "external_application"],
]);

table("external applications on the hard deny list", "link", "block", [
  ["shell:startup", "scheme_denied"],
  ["SHELL:startup", "scheme_denied"],
  ["ms-help://x", "scheme_denied"],
  ["ms-msdt:/id PCWDiagnostic", "scheme_denied"],
  ["search-ms:query=x", "scheme_denied"],
  ["ms-officecmd:{}", "scheme_denied"],
  ["ms-appinstaller:?source=https://example.com/x", "scheme_denied"],
  ["hcp://system/x", "scheme_denied"],
  ["afp://server/x", "scheme_denied"],
  ["vnd.ms.radio:x", "scheme_denied"],
  ["nntp://news.example/x", "scheme_denied"],
  ["smb://server/share", "scheme_denied"],
  ["sh&#101;ll:startup", "scheme_denied"],
]);

test("application names, trust, and what a prompt shows", () => {
  const excel = checkUrl("ms-excel:ofe|u|https://example.com/a.xlsx", "link");
  assert.equal(excel.application, "Microsoft Excel");
  assert.deepEqual(excel.prompt, {
    kind: "external_application",
    host: null,
    registrableDomain: null,
    clickThrough: true,
    application: "Microsoft Excel",
  });
  assert.equal(checkUrl("my-tool:x", "link").application, 'the "my-tool" application');
  const trusted = checkUrl("vscode://file/x", "link", { policy: { trustedApplications: ["vscode"] } });
  assert.equal(`${trusted.verdict} ${trusted.reason}`, "allow trusted_application");
  const byName = checkUrl("zoommtg://x", "link", { policy: { trustedApplications: ["Zoom"] } });
  assert.equal(byName.verdict, "allow");
  const denied = checkUrl("shell:startup", "link", { policy: { trustedApplications: ["shell"] } });
  assert.equal(denied.verdict, "block", "trust never opens a denied scheme");
  assert.equal(denied.prompt?.clickThrough, false);
});

test("trusted domains allow that domain and its subdomains only, never a block", () => {
  const policy: UrlPolicy = { trustedDomains: ["example.com", "MÜNCHEN.de"] };
  assert.equal(checkUrl("https://example.com/", "link", { policy }).reason, "trusted_site");
  assert.equal(checkUrl("https://docs.example.com/", "link", { policy }).reason, "trusted_site");
  assert.equal(checkUrl("https://münchen.de/", "link", { policy }).reason, "trusted_site");
  assert.equal(checkUrl("https://notexample.com/", "link", { policy }).reason, "external_site");
  assert.equal(checkUrl("https://example.com.evil.net/", "link", { policy }).reason, "external_site");
  const builder = new BlocklistBuilder();
  builder.add(parsePattern("https://example.com/bad*"), builder.list("feed"));
  const blocklist = builder.build();
  const bad = checkUrl("https://example.com/bad", "link", { policy: { ...policy, blocklist } });
  assert.equal(`${bad.verdict} ${bad.reason} ${bad.list}`, "block blocklisted feed");
  assert.equal(bad.prompt?.clickThrough, false, "never a way past a blocklist hit");
});

test("display: no userinfo, Unicode when honest, punycode when confusable, registrable domain marked", () => {
  const v = checkUrl("https://bank.example.com@www.evil.co.uk/login", "link");
  assert.equal(v.display, "www.evil.co.uk");
  assert.equal(v.registrableDomain, "evil.co.uk");
  assert.equal(v.normalized, "https://www.evil.co.uk/login");
  assert.equal(`${v.verdict} ${v.reason} ${v.writtenForm}`, "block userinfo userinfo");
  assert.deepEqual(v.prompt, {
    kind: "blocked",
    host: "www.evil.co.uk",
    registrableDomain: "evil.co.uk",
    clickThrough: false,
  });
  const honest = checkUrl("https://www.münchen.de/", "link");
  assert.equal(honest.display, "www.münchen.de");
  assert.equal(honest.registrableDomain, "münchen.de");
  assert.equal(honest.warning, undefined);
  const spoof = checkUrl("https://аррӏе.com/", "link");
  assert.equal(spoof.display, "xn--80ak6aa92e.com");
  assert.match(spoof.warning ?? "", /Cyrillic/);
  const pages = checkUrl("https://someone.github.io/x", "link");
  assert.equal(pages.registrableDomain, "someone.github.io", "a private suffix: the owner is someone, not GitHub");
});

test("allowLoopback opens exact loopback host:port pairs and nothing else", () => {
  const policy: UrlPolicy = { allowLoopback: ["127.0.0.1:4567", "[::1]:4568"] };
  assert.equal(checkUrl("http://127.0.0.1:4567/a.png", "image", { policy }).reason, "proxied_image");
  assert.equal(checkUrl("http://[::1]:4568/a.png", "image", { policy }).reason, "proxied_image");
  assert.equal(checkUrl("http://127.0.0.1:4568/a.png", "image", { policy }).reason, "private_address");
  assert.equal(checkUrl("http://127.0.0.2:4567/a.png", "image", { policy }).reason, "private_address");
  assert.equal(checkUrl("http://127.0.0.1/a.png", "image", { policy }).reason, "private_address");
  assert.throws(
    () => checkUrl("http://x/", "image", { policy: { allowLoopback: ["10.0.0.1:4567"] } }),
    /loopback addresses only/,
  );
  assert.throws(() => checkUrl("http://x/", "image", { policy: { allowLoopback: ["127.0.0.1"] } }), /host:port/);
});

test("with remote images blocked, images on other sites are refused; links, embedded images, refusals and allowed loopback pairs are as before", () => {
  const policy: UrlPolicy = { allowLoopback: ["127.0.0.1:4567"], remoteImages: false };
  for (const url of ["https://example.com/a.png", "//upload.example.org/x.gif", "https://8.8.8.8/x.png"]) {
    const verdict = checkUrl(url, "image", { policy });
    assert.equal(verdict.verdict, "block", url);
    assert.equal(verdict.reason, "remote_images_blocked", url);
    assert.equal(verdict.message, "This studio does not fetch images from other sites.");
  }
  // A name on the allowed pair's port is still another site: only the exact pair is reached.
  assert.equal(checkUrl("http://img.example:4567/a.png", "image", { policy }).reason, "remote_images_blocked");
  assert.equal(checkUrl("http://127.0.0.1:4567/a.png", "image", { policy }).reason, "proxied_image");
  assert.equal(checkUrl("https://example.com/a.png", "link", { policy }).reason, "external_site");
  assert.equal(checkUrl("http://10.0.0.1/a.png", "image", { policy }).reason, "private_address");
  assert.equal(checkUrl("https://example.com:8080/a.png", "image", { policy }).reason, "bad_port");
  assert.equal(
    checkUrl("https://example.com/a.png", "image", { policy: { remoteImages: true } }).reason,
    "proxied_image",
  );
});

test("a refusal is final: no way past it, whatever was refused; a prompt may be gone past", () => {
  for (const input of ["http://192.168.1.1/", "http://printer.local/", "javascript:alert(1)", "/api/x"])
    for (const context of ["link", "image"] as const)
      assert.equal(checkUrl(input, context).prompt?.clickThrough, false, `${input} (${context})`);
  assert.equal(checkUrl("https://example.com/", "link").prompt?.clickThrough, true);
  assert.equal(checkUrl("mailto:a@example.com", "link").prompt?.clickThrough, true);
});

test("a scheme written without its two slashes is refused, whichever page it is in, and says where it goes", () => {
  const v = checkUrl("http:/127.0.0.1/", "image");
  assert.equal(v.normalized, "http://localhost:8080/127.0.0.1/");
  assert.equal(`${v.verdict} ${v.reason}`, "block scheme_slashes");
  assert.match(v.message, /it goes to http:\/\/localhost:8080\/127\.0\.0\.1\//);
  // With a page of another scheme the same text goes to the address: refused for the address, the form named.
  const other = checkUrl("http:/127.0.0.1/", "image", { base: "https://studio.example.org/w/" });
  assert.equal(`${other.verdict} ${other.reason} ${other.writtenForm}`, "block private_address scheme_slashes");
});

test("text input is not decoded a second time", () => {
  const v = checkUrl("https://example.com/?a=1&amp;b=2", "link", { source: "text" });
  assert.equal(v.normalized, "https://example.com/?a=1&amp;b=2");
  assert.equal(checkUrl("https://example.com/?a=1&amp;b=2", "link").normalized, "https://example.com/?a=1&b=2");
});

test("every reason has a sentence; the mapped-address message names the range", () => {
  for (const [code, sentence] of Object.entries(REASONS)) assert.ok(sentence.endsWith("."), code);
  const v = checkUrl("http://[::ffff:169.254.169.254]/", "image");
  assert.ok(v.message.startsWith(MAPPED));
  assert.match(v.message, /IPv4-mapped 169\.254\.169\.254: link-local/);
});

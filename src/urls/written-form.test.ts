// URLs written so that they read as one destination while the browser goes to another: each form, in several
// spellings (mixed case, percent-encoded, as HTML character references, relative), for links and images, is
// refused under its code with the real destination in the message; URLs written plainly keep their verdicts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkUrl, REASONS, type UrlContext, type UrlVerdict } from "./index.ts";
import type { WrittenFormCode } from "../contract/url-reasons.ts";

/** Rows of input and the destination the browser really goes to. */
type Row = readonly [input: string, goesTo: string];

const BASE = "http://localhost:8080/w/team/f/a.ipynb";

function refused(code: WrittenFormCode, rows: readonly Row[], base = BASE) {
  for (const context of ["link", "image"] as const satisfies readonly UrlContext[]) {
    test(`${code}: refused as a ${context}, with where it really goes`, () => {
      for (const [input, goesTo] of rows) {
        const v = checkUrl(input, context, { base });
        const where = `${JSON.stringify(input)} -> ${JSON.stringify(v)}`;
        assert.equal(v.verdict, "block", where);
        assert.equal(v.writtenForm, code, where);
        assert.equal(v.prompt?.clickThrough, false, where);
        assert.equal(v.prompt?.kind, "blocked", where);
        // Refused for its form, or, where the destination is refused on its own, for that with the form named.
        if (v.reason === code) assert.ok(v.message.startsWith(REASONS[code]), where);
        else assert.ok(v.message.startsWith(REASONS[v.reason]) && v.message.includes(REASONS[code]), where);
        const destination = context === "image" ? goesTo.replace(/#.*$/, "") : goesTo;
        assert.equal(v.normalized, destination, where);
        assert.ok(v.message.includes(`it goes to ${destination})`), where);
      }
    });
  }
}

refused("backslash_slash", [
  ["https:\\\\evil.example/", "https://evil.example/"],
  ["HTTPS:/\\evil.example/x", "https://evil.example/x"],
  ["https:\\/evil.example/", "https://evil.example/"],
  ["https:&#92;&#92;evil.example/", "https://evil.example/"],
  ["https:&bsol;&bsol;evil.example/", "https://evil.example/"],
  ["\\\\evil.example/a.png", "http://evil.example/a.png"],
  ["/\\evil.example/", "http://evil.example/"],
  ["\\/evil.example/", "http://evil.example/"],
  ["https://bank.example\\@evil.example/", "https://bank.example/@evil.example/"],
  ["//good.example\\@evil.example/", "http://good.example/@evil.example/"],
  ["https://bank.example&#x5c;.evil.example/", "https://bank.example/.evil.example/"],
]);

refused("scheme_slashes", [
  ["https:evil.example/login", "https://evil.example/login"],
  ["HTTPS:evil.example", "https://evil.example/"],
  ["https:/evil.example/", "https://evil.example/"],
  ["https:///evil.example/", "https://evil.example/"],
  ["https:////evil.example/", "https://evil.example/"],
  ["///evil.example/", "http://evil.example/"],
  ["h&#x74;tps:/evil.example/", "https://evil.example/"],
  // With the page's own scheme, the same writing is a path of the studio, not the host it shows.
  ["http:evil.example/x", "http://localhost:8080/w/team/f/evil.example/x"],
  ["http:/evil.example/x", "http://localhost:8080/evil.example/x"],
]);

refused("userinfo", [
  ["https://bank.example@evil.example/", "https://evil.example/"],
  ["https://bank.example:secret@evil.example/", "https://evil.example/"],
  ["https://@evil.example/", "https://evil.example/"],
  ["https://:@evil.example/", "https://evil.example/"],
  ["https://BANK.EXAMPLE@Evil.Example/", "https://evil.example/"],
  ["https://bank%2eexample@evil.example/", "https://evil.example/"],
  ["https://%40@evil.example/", "https://evil.example/"],
  ["https://bank.example&#64;evil.example/", "https://evil.example/"],
  ["https://bank.example&commat;evil.example/", "https://evil.example/"],
  ["//bank.example@evil.example/a.png", "http://evil.example/a.png"],
  ["https://localhost:8080@evil.example/", "https://evil.example/"],
  ["http://localhost:8080@evil.example/api/session", "http://evil.example/api/session"],
  ["https://a@b@evil.example/", "https://evil.example/"],
]);

/** Where the parser sends a written URL: the destination the refusal must name. */
const parsed = (written: string): string => new URL(written, BASE).href;

refused("host_lookalike", [
  ["https://bank.example\u2044login.evil.example/", parsed("https://bank.example\u2044login.evil.example/")],
  ["https://bank.example%E2%81%84login.evil.example/", parsed("https://bank.example\u2044login.evil.example/")],
  ["https://bank.example&#x2044;login.evil.example/", parsed("https://bank.example\u2044login.evil.example/")],
  ["https://bank.example\u2215login.evil.example/", parsed("https://bank.example\u2215login.evil.example/")],
  ["https://bank.example\u2236443.evil.example/", parsed("https://bank.example\u2236443.evil.example/")],
  ["https://bank\uff0eexample.evil.example/", parsed("https://bank\uff0eexample.evil.example/")],
  ["https://bank\u3002example/", parsed("https://bank\u3002example/")],
  ["https://bank\uff61example/", parsed("https://bank\uff61example/")],
  ["https://bank\u00b7example.com/", parsed("https://bank\u00b7example.com/")],
  ["https://bank\u2027example.com/", parsed("https://bank\u2027example.com/")],
  ["https://bank\u30fbexample.com/", parsed("https://bank\u30fbexample.com/")],
  ["https://bank\u2571example.com/", parsed("https://bank\u2571example.com/")],
  ["https://bank.example\u0338evil.example/", parsed("https://bank.example\u0338evil.example/")],
  ["https://bank\ua4f8example.com/", parsed("https://bank\ua4f8example.com/")],
  ["https://bank\u02d0example.com/", parsed("https://bank\u02d0example.com/")],
  ["https://bank\u2474.example/", parsed("https://bank\u2474.example/")],
]);

refused("host_hidden_characters", [
  ["https://bank.ex\tample.evil.example/", "https://bank.example.evil.example/"],
  ["https://bank.ex&Tab;ample.evil.example/", "https://bank.example.evil.example/"],
  ["https://bank.ex&#10;ample/", "https://bank.example/"],
  ["https://bank.ex\rample/", "https://bank.example/"],
  ["https://bank.ex\u00adample/", "https://bank.example/"],
  ["https://bank.ex&shy;ample/", "https://bank.example/"],
  ["https://bank.ex\u200bample/", "https://bank.example/"],
  ["https://bank.ex\u2060ample/", "https://bank.example/"],
  ["https://bank.ex\ufeffample/", "https://bank.example/"],
  ["https://bank.ex\ufe0fample/", "https://bank.example/"],
  ["https://bank.ex%C2%ADample/", "https://bank.example/"],
]);

refused("host_percent_encoded", [
  ["https://exam%70le.org/", "https://example.org/"],
  ["https://EXAM%70LE.org/", "https://example.org/"],
  ["https://bank.example%2eevil.example/", "https://bank.example.evil.example/"],
  ["https://bank.example%2Eevil.example/", "https://bank.example.evil.example/"],
  ["//exam%70le.org/a.png", "http://example.org/a.png"],
]);

refused("ip_address_form", [
  ["https://134744072/", "https://8.8.8.8/"],
  ["https://0x8.8.8.8/", "https://8.8.8.8/"],
  ["https://0X08.0X08.0X08.0X08/", "https://8.8.8.8/"],
  ["https://8.8.8.010/", "https://8.8.8.8/"],
  ["https://8.8.2056/", "https://8.8.8.8/"],
  ["https://8.526344/", "https://8.8.8.8/"],
  ["https://\u2467.\u2467.\u2467.\u2467/", "https://8.8.8.8/"],
  ["https://\uff18.\uff18.\uff18.\uff18/", "https://8.8.8.8/"],
]);

test("a destination refused on its own keeps its reason, and the form is named beside it", () => {
  const rows: readonly [string, string, WrittenFormCode][] = [
    ["http://127.1/", "private_address", "ip_address_form"],
    ["http://0x7f.0.0.1/", "private_address", "ip_address_form"],
    ["http://user:pass@localhost:8080/api/session", "app_api", "userinfo"],
    ["http:\\\\localhost:8080\\api\\session", "app_api", "backslash_slash"],
    ["https://good.example@192.168.1.1/", "private_address", "userinfo"],
    ["https://printer\uff0elocal/", "local_name", "host_lookalike"],
  ];
  for (const [input, reason, form] of rows) {
    const v: UrlVerdict = checkUrl(input, "link");
    assert.equal(`${v.verdict} ${v.reason} ${v.writtenForm}`, `block ${reason} ${form}`, JSON.stringify(v));
    assert.ok(v.message.startsWith(REASONS[v.reason]) && v.message.includes(REASONS[form]), v.message);
    assert.equal(v.prompt?.clickThrough, false);
  }
});

test("URLs written plainly keep their verdicts, and have no written form", () => {
  const rows: readonly [input: string, context: UrlContext, verdict: string][] = [
    ["#section", "link", "allow same_document"],
    ["other.ipynb", "link", "allow workspace_relative"],
    ["./data/plot.png", "image", "allow workspace_relative"],
    ["/w/%74eam/f/x.ipynb", "link", "allow workspace_relative"],
    ["\\api\\session", "link", "block app_api"],
    ["x\\y.ipynb", "link", "allow workspace_relative"],
    ["mailto:someone@example.com", "link", "prompt external_application"],
    ["https://example.com/a@b", "link", "prompt external_site"],
    ["https://example.com/?u=a@b\\c", "link", "prompt external_site"],
    ["https://example.com/#@evil.example", "link", "prompt external_site"],
    ["https://example.com/p%40th/%2e%2e/x", "link", "prompt external_site"],
    ["https://example.com/path\\to", "link", "prompt external_site"],
    ["https://m%C3%BCnchen.de/", "link", "prompt external_site"],
    ["https://münchen.de/", "link", "prompt external_site"],
    ["https://пример.рф/", "link", "prompt external_site"],
    ["https://col·legi.cat/", "link", "prompt external_site"],
    ["https://ア・イ.jp/", "link", "prompt external_site"],
    ["https://example.com:0443/", "link", "prompt external_site"],
    ["https://example.com:/", "link", "prompt external_site"],
    ["https://8.8.8.8/", "link", "prompt external_site"],
    ["https://8.8.8.8./", "link", "prompt external_site"],
    ["https://[2001:4860:4860::8888]/", "link", "prompt external_site"],
    ["https://[2001:4860:4860:0:0:0:0:08888]/", "link", "block invalid_url"],
    ["HTTPS://EXAMPLE.COM/", "link", "prompt external_site"],
    ["  https://example.com/  ", "link", "prompt external_site"],
    ["https://example.com/a\nb", "link", "prompt external_site"],
    ["//cdn.example/a.png", "image", "allow proxied_image"],
    ["https://ＥＸＡＭＰＬＥ.com/", "link", "prompt external_site"],
    ["https://example.com/a b", "link", "prompt external_site"],
    ["https://xn--mnchen-3ya.de/", "link", "prompt external_site"],
  ];
  for (const [input, context, verdict] of rows) {
    const v = checkUrl(input, context);
    assert.equal(`${v.verdict} ${v.reason}`, verdict, `${JSON.stringify(input)} -> ${JSON.stringify(v)}`);
    assert.equal(v.writtenForm, undefined, JSON.stringify(input));
  }
});

test("the image proxy's next hop is judged by the same rule: a redirect carrying userinfo is refused", () => {
  // A redirect's Location is resolved by the proxy and checked as the URL it serializes to.
  const next = new URL("https://bank.example@evil.example/a.png");
  const v = checkUrl(next.href, "image", { source: "text" });
  assert.equal(`${v.verdict} ${v.reason}`, "block userinfo");
});

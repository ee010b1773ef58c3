import { test } from "node:test";
import assert from "node:assert/strict";
import { NotebookError } from "./errors.ts";
import type { NotebookErrorCode } from "./errors.ts";
import { parseJson } from "./json.ts";
import type { JsonLimits } from "./json.ts";

function failure(text: string, limits?: Partial<JsonLimits>): NotebookError {
  try {
    parseJson(text, limits);
  } catch (error) {
    assert.ok(error instanceof NotebookError, `expected a NotebookError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text.slice(0, 80))} to be refused`);
}

function assertFails(
  text: string,
  code: NotebookErrorCode,
  where: { pointer: string; line: number; column: number },
  message?: RegExp,
  limits?: Partial<JsonLimits>,
): void {
  const error = failure(text, limits);
  assert.equal(error.code, code, error.message);
  assert.deepEqual(error.location, where, error.message);
  if (message) assert.match(error.message, message);
}

/** Plain-prototype copy, so parsed values compare with JSON.parse's. */
function plain(value: unknown): unknown {
  return structuredClone(value);
}

test("parses every kind of JSON value like JSON.parse does", () => {
  const text =
    ' {"a": [1, -0, 2.5e-3, 1E2, true, false, null], "b": {"c": "d\\n\\t\\"\\\\\\/\\b\\f\\r\\u00e9\\ud83d\\ude00"}, "": [], "e": {}} ';
  assert.deepEqual(plain(parseJson(text)), JSON.parse(text));
  assert.equal(parseJson('"plain"'), "plain");
  assert.equal(parseJson("  42 \r\n"), 42);
  assert.equal(parseJson('"\\ud83d\\ude00"'), "😀");
  assert.equal(parseJson('"😀 raw pair"'), "😀 raw pair");
  assert.ok(Object.is(parseJson("-0"), -0));
});

test("objects have no prototype, so __proto__ and constructor are plain keys", () => {
  const parsed = parseJson(
    '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "toString": 1}',
  );
  assert.equal(Object.getPrototypeOf(parsed), null);
  const object = parsed as Record<string, unknown>;
  assert.deepEqual(Object.keys(object), ["__proto__", "constructor", "toString"]);
  assert.equal(Object.getPrototypeOf(object["__proto__"]), null);
  assert.equal((object["__proto__"] as Record<string, unknown>)["polluted"], true);
  assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted"), false);
});

test("duplicate keys are refused at the second key, with its pointer", () => {
  assertFails('{"a": 1,\n "a": 2}', "duplicate_key", { pointer: "/a", line: 2, column: 2 }, /duplicate key "a"/);
  assertFails('{"x": [{"a/b~": 1, "a/b~": 2}]}', "duplicate_key", { pointer: "/x/0/a~1b~0", line: 1, column: 20 });
  assertFails('{"__proto__": 1, "__proto__": 2}', "duplicate_key", { pointer: "/__proto__", line: 1, column: 18 });
  // The same key spelled with an escape is still the same key.
  assertFails('{"a": 1, "\\u0061": 2}', "duplicate_key", { pointer: "/a", line: 1, column: 10 });
  // Equal keys in different objects are fine.
  assert.deepEqual(plain(parseJson('[{"a": 1}, {"a": 2}]')), [{ a: 1 }, { a: 2 }]);
});

test("syntax errors say what was expected and what was found, where", () => {
  const cases: [string, { pointer: string; line: number; column: number }, RegExp][] = [
    ["", { pointer: "", line: 1, column: 1 }, /expected a value .* found the end of the document/],
    [
      '{"a": 1,}',
      { pointer: "", line: 1, column: 9 },
      /expected a string key after ',', found '}' \(JSON allows no trailing comma\)/,
    ],
    [
      "[1, 2,\n]",
      { pointer: "/2", line: 2, column: 1 },
      /expected a value .*found '\]' \(JSON allows no trailing comma\)/,
    ],
    ['{"a" 1}', { pointer: "/a", line: 1, column: 6 }, /expected ':' after the key "a", found '1'/],
    ["{'a': 1}", { pointer: "", line: 1, column: 2 }, /expected a string key or '}', found '''/],
    ['{"a": [1 2]}', { pointer: "/a", line: 1, column: 10 }, /expected ',' or '\]' after an array element, found '2'/],
    ['{"a": 1 "b": 2}', { pointer: "", line: 1, column: 9 }, /expected ',' or '}' after an object member, found '"'/],
    ['{"cells": [\n  {"source": True}]}', { pointer: "/cells/0/source", line: 2, column: 14 }, /found 'True'/],
    ['{"x": NaN}', { pointer: "/x", line: 1, column: 7 }, /found 'NaN'/],
    ["[01]", { pointer: "/0", line: 1, column: 2 }, /leading zero/],
    ["[1.]", { pointer: "/0", line: 1, column: 4 }, /expected a digit after '\.'/],
    ["[-]", { pointer: "/0", line: 1, column: 3 }, /expected a digit after '-'/],
    ["[1e+]", { pointer: "/0", line: 1, column: 5 }, /expected a digit in the exponent/],
    ["[+1]", { pointer: "/0", line: 1, column: 2 }, /expected a value/],
    ['"abc', { pointer: "", line: 1, column: 1 }, /unterminated string/],
    ['{"a": "x\ny"}', { pointer: "/a", line: 1, column: 9 }, /control character U\+000A must be escaped/],
    ['["\\x"]', { pointer: "/0", line: 1, column: 3 }, /invalid escape "\\\\x"/],
    ['["\\u12G4"]', { pointer: "/0", line: 1, column: 3 }, /four hex digits/],
    ["[1] [2]", { pointer: "", line: 1, column: 5 }, /expected the end of the document, found '\['/],
    ["\ufeff{}", { pointer: "", line: 1, column: 1 }, /found U\+FEFF/],
    ['{"a":\r\n\r\n  }', { pointer: "/a", line: 3, column: 3 }, /expected a value/],
    ['{"a":\r\r  }', { pointer: "/a", line: 3, column: 3 }, /expected a value/],
  ];
  for (const [text, where, message] of cases) assertFails(text, "invalid_json", where, message);
});

test("unpaired surrogates are refused, escaped or raw (I-JSON)", () => {
  assertFails('["\\ud800"]', "invalid_json", { pointer: "/0", line: 1, column: 3 }, /unpaired surrogate U\+D800/);
  assertFails('["ok", "\\udc00\\ud800"]', "invalid_json", { pointer: "/1", line: 1, column: 9 }, /U\+DC00/);
  assertFails('["\\ud800\\u0041"]', "invalid_json", { pointer: "/0", line: 1, column: 3 });
  assertFails('{"k": "a\ud800b"}', "invalid_json", { pointer: "/k", line: 1, column: 9 }, /U\+D800/);
  assertFails('{"k": "a\udc00"}', "invalid_json", { pointer: "/k", line: 1, column: 9 });
  assertFails('{"\ud800": 1}', "invalid_json", { pointer: "", line: 1, column: 3 });
  assertFails("[\ud800]", "invalid_json", { pointer: "/0", line: 1, column: 2 }, /found U\+D800/);
});

test("nesting deeper than maxDepth is refused where it starts", () => {
  assert.ok(parseJson("[".repeat(64) + "]".repeat(64)));
  assertFails(
    "[".repeat(65) + "]".repeat(65),
    "too_deep",
    { pointer: "/0".repeat(64), line: 1, column: 65 },
    /deeper than the limit of 64/,
  );
  assertFails('{"a": {"b": [{}]}}', "too_deep", { pointer: "/a/b/0", line: 1, column: 14 }, undefined, { maxDepth: 3 });
  // Empty containers count too.
  assertFails("[[[]]]", "too_deep", { pointer: "/0/0", line: 1, column: 3 }, undefined, { maxDepth: 2 });
});

test("100,000 levels of nesting neither crash nor recurse", () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  assert.equal(failure(deep).code, "too_deep");
  const objects = '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000);
  assert.equal(failure(objects).code, "too_deep");
  // With the limit lifted the parser still copes: it keeps its own stack.
  let value = parseJson(deep, { maxDepth: 200_000 });
  let depth = 0;
  while (Array.isArray(value) && value.length > 0) {
    value = value[0] as unknown as typeof value;
    depth++;
  }
  assert.equal(depth, 99_999);
  // Unclosed: the error comes at the end, still without recursion.
  assert.equal(failure("[".repeat(100_000), { maxDepth: 200_000 }).code, "invalid_json");
});

test("strings longer than maxStringLength are refused at their opening quote", () => {
  assert.equal(parseJson('"abcde"', { maxStringLength: 5 }), "abcde");
  assertFails(
    '{"k": "abcdef"}',
    "string_too_long",
    { pointer: "/k", line: 1, column: 7 },
    /6 characters is longer than the limit of 5/,
    { maxStringLength: 5 },
  );
  // The limit counts decoded characters: six escapes make six characters.
  assertFails(
    '["\\u0041\\u0042\\u0043\\n\\t\\""]',
    "string_too_long",
    { pointer: "/0", line: 1, column: 2 },
    /6 characters/,
    { maxStringLength: 5 },
  );
  assert.equal(parseJson('"\\u0041\\u0042\\u0043\\n\\t"', { maxStringLength: 5 }), "ABC\n\t");
  // Keys are strings too.
  assertFails('{"abcdef": 1}', "string_too_long", { pointer: "", line: 1, column: 2 }, undefined, {
    maxStringLength: 5,
  });
});

test("huge strings parse in one piece", () => {
  const big = "x".repeat(20_000_000);
  assert.equal((parseJson(`["${big}"]`) as string[])[0]?.length, 20_000_000);
  const escaped = "\\n".repeat(1_000_000);
  assert.equal((parseJson(`["${escaped}"]`) as string[])[0], "\n".repeat(1_000_000));
  assert.equal(failure(`["${big}"]`, { maxStringLength: 19_999_999 }).code, "string_too_long");
});

// No timing is asserted (shared, noisy machines); the timeout only stops a hang, as a quadratic step would cause.
test("pathological shapes parse without hanging", { timeout: 120_000 }, () => {
  parseJson("[" + Array.from({ length: 200_000 }, () => '"\\n\\"\\u00e9"').join(",") + "]");
  parseJson("{" + Array.from({ length: 200_000 }, (_, i) => `"k${i}":{}`).join(",") + "}");
  parseJson("[" + "1,".repeat(500_000) + "1]");
  parseJson(" ".repeat(5_000_000) + "[]");
});

test("never throws anything but a NotebookError, and agrees with JSON.parse on what it accepts", () => {
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const sample = '{"cells": [{"source": ["a\\n", "\\u00e9"], "n": -1.5e3, "t": true, "f": false, "z": null}], "m": {}}';
  const alphabet = [
    '"',
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "u",
    "0",
    "e",
    "-",
    ".",
    " ",
    "\n",
    "\u0000",
    "\ud800",
    "a",
    "n",
    "t",
  ];
  for (let k = 0; k < 3_000; k++) {
    const chars = [...sample];
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * chars.length);
      const roll = random();
      if (roll < 0.33) chars.splice(at, 1);
      else if (roll < 0.66) chars.splice(at, 0, alphabet[Math.floor(random() * alphabet.length)] as string);
      else chars[at] = alphabet[Math.floor(random() * alphabet.length)] as string;
    }
    const text = chars.join("");
    let expected: unknown;
    let jsonParseFailed = false;
    try {
      expected = JSON.parse(text);
    } catch {
      jsonParseFailed = true;
    }
    try {
      const ours = parseJson(text);
      assert.equal(jsonParseFailed, false, `accepted what JSON.parse refuses: ${JSON.stringify(text)}`);
      assert.deepEqual(plain(ours), expected);
    } catch (error) {
      assert.ok(error instanceof NotebookError, `${String(error)} for ${JSON.stringify(text)}`);
      assert.ok(error.location.line !== undefined && error.location.column !== undefined);
      // Where JSON.parse accepts, we may refuse only for what it cannot see: duplicates and surrogates.
      if (!jsonParseFailed)
        assert.ok(
          error.code === "duplicate_key" || /surrogate/.test(error.message),
          `${error.message} for ${JSON.stringify(text)}`,
        );
    }
  }
});

test("long strings are checked as closely as short ones, wherever the character is", () => {
  // Long runs are scanned by a regular expression instead of the per-character loop: the same characters stop both.
  const pad = "x".repeat(200);
  assert.deepEqual(plain(parseJson(`["${pad}\\n${pad}\\u00e9${pad}\\ud83d\\ude00"]`, {})), [`${pad}\n${pad}é${pad}😀`]);
  assert.deepEqual(plain(parseJson(`["${pad}😀${pad}"]`, {})), [`${pad}😀${pad}`]);
  assertFails(
    `{"a": "${pad}\u0001"}`,
    "invalid_json",
    { pointer: "/a", line: 1, column: 208 },
    /control character U\+0001/,
  );
  assertFails(`{"a": "${pad}\ud800${pad}"}`, "invalid_json", { pointer: "/a", line: 1, column: 208 }, /surrogate/);
  assertFails(`{"a": "${pad}\\q"}`, "invalid_json", { pointer: "/a", line: 1, column: 208 }, /invalid escape/);
  assertFails(`{"a": "${pad}`, "invalid_json", { pointer: "/a", line: 1, column: 7 }, /unterminated string/);
});

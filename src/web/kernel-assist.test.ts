import { test } from "node:test";
import assert from "node:assert/strict";
import { codePointOffset, completionOf, inspectionOf, MAX_INSPECTION_CHARS, utf16Offset } from "./kernel-assist.ts";

test("cursor offsets cross between UTF-16 units and code points both ways, an emoji counting one point", () => {
  const source = 's = "😀"; alpha_';
  // "😀" is two UTF-16 units and one code point.
  assert.equal(source.length, 16);
  assert.equal([...source].length, 15);
  assert.equal(codePointOffset(source, source.length), 15);
  assert.equal(utf16Offset(source, 15), 16);
  assert.equal(codePointOffset(source, 5), 5, "before the emoji nothing changes");
  assert.equal(codePointOffset(source, 7), 6, "after it, one less");
  assert.equal(utf16Offset(source, 6), 7);
  for (let i = 0; i <= source.length; i++) {
    if (i === 6) continue; // inside the pair
    assert.equal(utf16Offset(source, codePointOffset(source, i)), i, `round trip at ${i}`);
  }
  // An offset inside a pair counts the whole character; the way back lands after it.
  assert.equal(codePointOffset(source, 6), 6);
  // Out of range, clamped; lone surrogates count one each.
  assert.equal(codePointOffset(source, 99), 15);
  assert.equal(utf16Offset(source, 99), 16);
  assert.equal(codePointOffset(source, -3), 0);
  assert.equal(codePointOffset("\ud800x\udc00", 3), 3);
  assert.equal(utf16Offset("\ud800x\udc00", 2), 2);
  const two = "🐍🐍ab";
  assert.equal(codePointOffset(two, 6), 4);
  assert.equal(utf16Offset(two, 3), 5);
});

test("a completion reply's code point range becomes a UTF-16 range, with the kinds IPython names", () => {
  const source = 's = "😀"; os.pa';
  const cursor = source.length;
  const reply = {
    matches: ["pardir", "path", "pathsep", "path"],
    cursorStart: [...source].length - 2,
    cursorEnd: [...source].length,
    types: [
      { text: "pardir", type: "instance" },
      { text: "path", type: "module", signature: "" },
      { text: "pathsep", type: "<unknown>" },
    ],
  };
  const completion = completionOf(source, cursor, reply);
  assert.ok(completion);
  assert.equal(source.slice(completion.from, completion.to), "pa");
  assert.deepEqual(completion.matches, [
    { label: "pardir", type: "instance" },
    { label: "path", type: "module" },
    { label: "pathsep" },
  ]);
  // A range that does not hold the cursor, or is backwards, is refused; so is a reply with no match.
  assert.equal(completionOf(source, cursor, { ...reply, cursorStart: 0, cursorEnd: 2 }), null);
  assert.equal(completionOf(source, cursor, { ...reply, cursorStart: 14, cursorEnd: 13 }), null);
  assert.equal(completionOf(source, cursor, { ...reply, matches: [] }), null);
});

test("an inspection shows the kernel's text/plain, cut when very long, and nothing when it found nothing", () => {
  assert.deepEqual(inspectionOf({ found: true, data: { "text/plain": "\x1b[31mSignature:\x1b[0m len(obj, /)" } }), {
    text: "\x1b[31mSignature:\x1b[0m len(obj, /)",
  });
  assert.deepEqual(inspectionOf({ found: true, data: { "text/plain": ["a", "b"] } }), { text: "ab" });
  assert.equal(inspectionOf({ found: false, data: { "text/plain": "x" } }), null);
  assert.equal(inspectionOf({ found: true, data: { "text/html": "<b>x</b>" } }), null);
  assert.equal(inspectionOf({ found: true, data: { "text/plain": "  \n" } }), null);
  const long = inspectionOf({ found: true, data: { "text/plain": "x".repeat(MAX_INSPECTION_CHARS + 10) } });
  assert.ok(long && long.text.length < MAX_INSPECTION_CHARS + 20 && long.text.endsWith("(cut)"));
});

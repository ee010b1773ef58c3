// The file-name rules, one row per name: the code each refusal carries, and names close to a refused one that pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "./errors.ts";
import { checkFilePath } from "./file-names.ts";

function verdict(path: string): string {
  try {
    checkFilePath(path);
    return "ok";
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.status, 400);
    assert.deepEqual(error.details, { path }, "the refusal names the path");
    return error.code;
  }
}

const DEVICES = ["con", "prn", "aux", "nul", "conin$", "conout$", "clock$"];
for (let digit = 0; digit <= 9; digit++) DEVICES.push(`com${digit}`, `lpt${digit}`);
for (const superscript of ["\u00b9", "\u00b2", "\u00b3"]) DEVICES.push(`com${superscript}`, `lpt${superscript}`);

test("every Windows device name is refused, in any case, with or without extension, spaces or trailing dots", () => {
  for (const device of DEVICES) {
    const spellings = [device, device.toUpperCase(), device[0]!.toUpperCase() + device.slice(1)];
    for (const name of spellings) {
      // The device is what is named, before the type rule or the rule on trailing dots and spaces.
      for (const tail of ["", " ", ".", ". ", " .", ".txt", ".tar.gz", " .py", "  .py", ". .py", "..py", ".py."]) {
        assert.equal(verdict(`${name}${tail}`), "name_reserved", JSON.stringify(name + tail));
        assert.equal(verdict(`folder/${name}${tail}`), "name_reserved", JSON.stringify(`folder/${name}${tail}`));
      }
      assert.equal(verdict(`${name}/x.py`), "name_reserved", `${name} as a folder`);
    }
  }
});

const ROWS: [path: string, code: string][] = [
  // Names that look like a device and are not one.
  ["console.py", "ok"],
  ["con x.py", "ok"],
  ["xcon.py", "ok"],
  ["com10.py", "ok"],
  ["lpt.py", "ok"],
  ["com\u2074.py", "ok"],
  ["conin.py", "ok"],
  ["clock.py", "ok"],
  ["nul_.txt", "ok"],
  // Invisible characters, at the start and anywhere else.
  ["\ufeffreport.py", "name_invisible_character"],
  ["\u200breport.py", "name_invisible_character"],
  ["re\u200bport.py", "name_invisible_character"],
  ["\u2060report.py", "name_invisible_character"],
  ["re\u00adport.py", "name_invisible_character"],
  ["\u180ereport.py", "name_invisible_character"],
  ["dir/\ufeffa.py", "name_invisible_character"],
  ["\u{e0041}a.py", "name_invisible_character"],
  ["\u3164a.py", "name_invisible_character"],
  ["\u115fa.py", "name_invisible_character"],
  ["\uffa0a.py", "name_invisible_character"],
  // Bidi controls are format characters too, and keep their own code.
  ["\u202ereport.py", "name_bidi_character"],
  ["\u200freport.py", "name_bidi_character"],
  // Spaces other than U+0020.
  ["\u00a0report.py", "name_unusual_space"],
  ["my\u00a0report.py", "name_unusual_space"],
  ["\u2007a.py", "name_unusual_space"],
  ["\u3000a.py", "name_unusual_space"],
  ["\u202fa.py", "name_unusual_space"],
  ["\u1680a.py", "name_unusual_space"],
  ["my report.py", "ok"],
  // Line separators break a name across lines.
  ["a\u2028b.py", "name_control_character"],
  ["a\u2029b.py", "name_control_character"],
  // Joiners inside a name are spelling; at its edges, and combining marks at its start, they are not.
  ["\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.md", "ok"],
  ["\u{1f469}\u200d\u{1f4bb}.md", "ok"],
  ["\u200creport.py", "name_edge_character"],
  ["dir\u200d/report.py", "name_edge_character"],
  ["\u0301report.py", "name_edge_character"],
  ["dir/\u20ddx.py", "name_edge_character"],
  ["e\u0301t\u0301e\u0301.py", "name_not_normalized"],
  ["\u00e9t\u00e9.py", "ok"],
  // Not UTF-8: replaced bytes or a lone surrogate.
  ["bad\ufffd.py", "name_not_utf8"],
  ["bad\ud800.py", "name_not_utf8"],
  ["bad\udc00x.py", "name_not_utf8"],
  ["\u{1f600}.py", "ok"],
];

test("file-name rules: invisible characters, unusual spaces, edges, encodings", () => {
  for (const [path, code] of ROWS) assert.equal(verdict(path), code, JSON.stringify(path));
});

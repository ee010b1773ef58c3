// The part counter that notices a part the multipart parser dropped: it must count a body's parts however the
// network cuts it into chunks, or it would refuse good uploads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PartCounter } from "./file-routes.ts";

const B = "XyZ";
const part = (content: string) =>
  `--${B}\r\nContent-Disposition: form-data; name="file"; filename="a.py"\r\n\r\n${content}\r\n`;

const BODIES: [name: string, body: string, parts: number][] = [
  ["one part", `${part("1")}--${B}--\r\n`, 1],
  ["three parts", `${part("1")}${part("2")}${part("3")}--${B}--\r\n`, 3],
  ["a preamble", `preamble\r\n${part("1")}--${B}--\r\n`, 1],
  ["the boundary inside content without CRLF before it", `${part(`x--${B}y`)}--${B}--\r\n`, 1],
  ["an epilogue that looks like a part", `${part("1")}--${B}--\r\n${part("2")}`, 1],
  ["an empty part", `${part("1")}--${B}\r\n\r\n\r\n--${B}--\r\n`, 2],
  ["no closing delimiter", `${part("1")}${part("2")}`, 2],
];

test("the counter finds each body's parts, whatever the chunk size", () => {
  for (const [name, text, parts] of BODIES) {
    const body = Buffer.from(text);
    for (let size = 1; size <= body.length; size++) {
      const counter = new PartCounter(B);
      for (let at = 0; at < body.length; at += size) counter.push(body.subarray(at, at + size));
      assert.equal(counter.parts, parts, `${name}, chunks of ${size}`);
    }
  }
});

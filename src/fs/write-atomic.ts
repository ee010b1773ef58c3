import { randomBytes } from "node:crypto";
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Parts shorter than this are gathered into one write; longer ones are written as they are. */
const WRITE_CHUNK_BYTES = 64 * 1024;

/**
 * Writes a file so that a crash leaves either the old file or the new one, never half of it. `data` may come in
 * parts (an export's serialization), written one after another so the whole text never has to exist as one
 * string and one buffer at the same time.
 */
export function writeFileAtomic(path: string, data: string | readonly string[]): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const fd = openSync(temp, "wx", 0o644);
    try {
      writeParts(fd, typeof data === "string" ? [data] : data);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function writeParts(fd: number, parts: readonly string[]): void {
  const buffer = Buffer.allocUnsafe(WRITE_CHUNK_BYTES);
  let used = 0;
  const flush = (): void => {
    for (let at = 0; at < used;) at += writeSync(fd, buffer, at, used - at);
    used = 0;
  };
  for (const part of parts) {
    // UTF-8 takes at most three bytes per UTF-16 unit, so a part this short always fits in an empty buffer.
    if (part.length * 3 <= WRITE_CHUNK_BYTES) {
      if (used + part.length * 3 > WRITE_CHUNK_BYTES) flush();
      used += buffer.write(part, used);
      continue;
    }
    flush();
    writeAll(fd, Buffer.from(part, "utf8"));
  }
  flush();
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
}

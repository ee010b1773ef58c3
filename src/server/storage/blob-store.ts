// File contents stored by SHA-256 under DATA/blobs/ab/cdef…, written so that a crash at any moment leaves either
// no blob or a whole one: bytes go to a temp file in the same file system, are fsynced, renamed into place, and
// the directory is fsynced so the rename itself survives. Rows that point at a blob are written only afterwards.

import { createHash, randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

export interface StagedBlob {
  sha256: string;
  size: number;
}

export class BlobStore {
  readonly root: string;
  readonly tempDir: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, "blobs");
    this.tempDir = join(dataDir, "tmp");
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await mkdir(this.tempDir, { recursive: true, mode: 0o700 });
    // Temp files belong to uploads that never finished (the server was stopped or killed); none is referenced.
    for (const name of await readdir(this.tempDir)) await rm(join(this.tempDir, name), { force: true });
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error("not a SHA-256");
    return join(this.root, sha256.slice(0, 2), sha256.slice(2));
  }

  static hash(bytes: Uint8Array): string {
    return createHash("sha256").update(bytes).digest("hex");
  }

  /** Makes the blob durable in place (a no-op when the same content is already stored). */
  async put(bytes: Uint8Array): Promise<StagedBlob> {
    const sha256 = BlobStore.hash(bytes);
    const target = this.pathOf(sha256);
    if (await exists(target)) return { sha256, size: bytes.byteLength };
    const temp = join(this.tempDir, `${sha256}.${randomBytes(6).toString("hex")}`);
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const dir = join(this.root, sha256.slice(0, 2));
    const created = await mkdir(dir, { recursive: true, mode: 0o700 });
    await rename(temp, target);
    await syncDirectory(dir);
    // A new prefix folder is itself an entry of the blob root, which must reach the disk too.
    if (created !== undefined) await syncDirectory(this.root);
    return { sha256, size: bytes.byteLength };
  }

  read(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256));
  }

  /** Blob files on disk, for the start-up sweep of blobs left behind by a crash between rename and commit. */
  async listStored(): Promise<string[]> {
    const out: string[] = [];
    for (const prefix of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const rest of await readdir(join(this.root, prefix))) out.push(prefix + rest);
    }
    return out;
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

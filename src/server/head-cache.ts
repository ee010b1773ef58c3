// Heads of stored notebooks (render/notebook-head.ts), serialized, for GET /api/workspaces/{ws}/notebook-head/{path}. A
// head depends only on the stored bytes, so heads are kept per blob (content-addressed: a sha256 names the same
// bytes for ever) in a small in-memory cache bounded by size. Heads are made on a worker thread, by a file job
// (serializedHead in file-job.ts), so that the server's own thread never loads the renderer: an upload's job makes
// its notebooks' heads with their check and review; after a restart a head is made again on its first request.

/** The cache's bound, in bytes of serialized heads. */
const CACHE_MAX_BYTES = 32 * 1024 * 1024;

/** Serialized heads by the sha256 of their notebook's bytes; the least recently used go first. */
export class NotebookHeads {
  readonly #heads = new Map<string, string>();
  #bytes = 0;
  readonly #maxBytes: number;

  constructor(maxBytes = CACHE_MAX_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** The head's JSON, when it is cached. */
  get(sha256: string): string | undefined {
    const json = this.#heads.get(sha256);
    if (json === undefined) return undefined;
    // A Map keeps insertion order: inserting again makes this the most recently used.
    this.#heads.delete(sha256);
    this.#heads.set(sha256, json);
    return json;
  }

  /** Caches and returns a head's JSON. */
  remember(sha256: string, json: string): string {
    this.#forget(sha256);
    if (json.length > this.#maxBytes) return json;
    this.#heads.set(sha256, json);
    this.#bytes += json.length;
    for (const key of this.#heads.keys()) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#forget(key);
    }
    return json;
  }

  /** Heads cached, and their bytes. */
  get size(): { heads: number; bytes: number } {
    return { heads: this.#heads.size, bytes: this.#bytes };
  }

  #forget(sha256: string): void {
    const json = this.#heads.get(sha256);
    if (json === undefined) return;
    this.#heads.delete(sha256);
    this.#bytes -= json.length;
  }
}

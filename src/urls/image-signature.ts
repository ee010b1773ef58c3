// Signed image-proxy URLs. The app origin's URL check signs the one normalized URL it allowed; the content origin's
// proxy fetches only what carries a valid, unexpired signature, so a notebook cannot make the proxy fetch anything
// the check did not see. HMAC-SHA256 with named keys: a new key signs, older keys still verify until removed
// (rotation without breaking pages already open).
import { createHmac, timingSafeEqual } from "node:crypto";

export interface SigningKey {
  /** Short public name of the key, carried in the URL so the verifier knows which key to use. */
  id: string;
  /** At least 32 bytes of secret (raw bytes, or text such as base64 from a config file). */
  secret: string | Uint8Array;
}

export interface SignerOptions {
  /** The first key signs; every key verifies. */
  keys: readonly SigningKey[];
  /** How long a signed URL stays valid (default 1 hour). */
  ttlSeconds?: number;
  /** Clock, in milliseconds (tests). */
  now?: () => number;
}

export type VerifyFailure = "malformed" | "unknown_key" | "bad_signature" | "expired";
export type VerifyResult = { ok: true; url: string; expires: number } | { ok: false; reason: VerifyFailure };

export const DEFAULT_SIGNATURE_TTL_SECONDS = 3600;
/** Longest URL that is signed: longer ones are refused, not truncated. */
export const MAX_SIGNED_URL_LENGTH = 8192;
const KEY_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;
const MIN_SECRET_BYTES = 32;
// Domain separation: a MAC made for image URLs can never be mistaken for one made for anything else.
const PURPOSE = "vitrine image proxy v1";

export class ImageSigner {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #current: string;
  readonly #ttl: number;
  readonly #now: () => number;

  constructor(options: SignerOptions) {
    if (options.keys.length === 0) throw new Error("the image signer needs at least one key");
    const keys = new Map<string, Buffer>();
    for (const key of options.keys) {
      if (!KEY_ID_RE.test(key.id))
        throw new Error(`image signing key ids are 1 to 32 letters, digits, "_" or "-", not "${key.id}"`);
      const secret = typeof key.secret === "string" ? Buffer.from(key.secret, "utf8") : Buffer.from(key.secret);
      if (secret.length < MIN_SECRET_BYTES)
        throw new Error(`image signing key "${key.id}" is shorter than ${MIN_SECRET_BYTES} bytes`);
      if (keys.has(key.id)) throw new Error(`image signing key id "${key.id}" is used twice`);
      keys.set(key.id, secret);
    }
    this.#keys = keys;
    this.#current = options.keys[0]?.id as string;
    this.#ttl = options.ttlSeconds ?? DEFAULT_SIGNATURE_TTL_SECONDS;
    if (!Number.isSafeInteger(this.#ttl) || this.#ttl <= 0)
      throw new Error("ttlSeconds must be a positive whole number");
    this.#now = options.now ?? Date.now;
  }

  #mac(keyId: string, secret: Buffer, expires: number, url: string): Buffer {
    return createHmac("sha256", secret).update(`${PURPOSE}\n${keyId}\n${expires}\n${url}`).digest();
  }

  /** The path (under the proxy's origin) that fetches `url`, valid for the signer's TTL. */
  sign(url: string): { path: string; expires: number } {
    if (url.length > MAX_SIGNED_URL_LENGTH)
      throw new Error(`URLs longer than ${MAX_SIGNED_URL_LENGTH} characters are not signed`);
    const expires = Math.floor(this.#now() / 1000) + this.#ttl;
    const secret = this.#keys.get(this.#current) as Buffer;
    const signature = this.#mac(this.#current, secret, expires, url).toString("base64url");
    return {
      path: `/image/${this.#current}/${expires}/${signature}/${Buffer.from(url, "utf8").toString("base64url")}`,
      expires,
    };
  }

  /** Checks the part of a proxy path after "/image/". Constant-time in the signature. */
  verify(rest: string): VerifyResult {
    const parts = rest.split("/");
    if (parts.length !== 4) return { ok: false, reason: "malformed" };
    const [keyId = "", expiresText = "", signatureText = "", encodedUrl = ""] = parts;
    if (
      !/^\d{1,12}$/.test(expiresText) ||
      !/^[A-Za-z0-9_-]{43}$/.test(signatureText) ||
      !/^[A-Za-z0-9_-]+$/.test(encodedUrl)
    ) {
      return { ok: false, reason: "malformed" };
    }
    const secret = this.#keys.get(keyId);
    if (!secret) return { ok: false, reason: "unknown_key" };
    const url = Buffer.from(encodedUrl, "base64url").toString("utf8");
    if (url.length > MAX_SIGNED_URL_LENGTH) return { ok: false, reason: "malformed" };
    const expires = Number(expiresText);
    const expected = this.#mac(keyId, secret, expires, url);
    const given = Buffer.from(signatureText, "base64url");
    // The signature is checked before the expiry so that an attacker learns nothing from which answer comes back.
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: "bad_signature" };
    if (expires * 1000 <= this.#now()) return { ok: false, reason: "expired" };
    return { ok: true, url, expires };
  }
}

// The image proxy's outbound side: fetch one signed image URL without letting it reach anything the URL rules
// refuse. Every hop is checked by the verdict engine (redirects included); every connection is checked at the
// address it really reached (the resolver's answer, and the socket's remote address), which defeats DNS rebinding
// and covers literal IPs; bytes, pixels, redirects and time are capped. Nothing from the client is forwarded.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction, Socket } from "node:net";
import { Agent, buildConnector, request } from "undici";
import { sniffImageType, type WebImageType } from "../images/raster.ts";
import { checkUrl, IMAGE_PORTS, type UrlPolicy } from "../urls/index.ts";
import { imageDimensions } from "../images/image-dimensions.ts";
import {
  addressHasAllowedPair,
  allowedPairSet,
  connectionRefusal as sharedConnectionRefusal,
} from "../urls/connect-rules.ts";

export interface ImageFetchLimits {
  /** Bytes of image body actually received (compressed or chunked bodies counted as they arrive). */
  maxBytes: number;
  /** width x height the image header declares. */
  maxPixels: number;
  maxRedirects: number;
  connectTimeoutMs: number;
  /** For the whole fetch, redirects and body included: a slow server is cut off, never waited on. */
  totalTimeoutMs: number;
  /**
   * Fetches in flight at once. Each may hold up to maxBytes in memory, so this bounds the proxy's memory
   * (32 x 10 MiB by default) however many images a page asks for; more wait their turn.
   */
  maxConcurrent: number;
  /** Fetches waiting for a turn; beyond this the proxy answers 503 at once rather than queue without end. */
  maxQueued: number;
}

export const DEFAULT_IMAGE_LIMITS: Readonly<ImageFetchLimits> = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxRedirects: 3,
  connectTimeoutMs: 5_000,
  totalTimeoutMs: 15_000,
  maxConcurrent: 32,
  maxQueued: 1_000,
});

export type ImageFetchResult =
  | { ok: true; type: WebImageType; bytes: Buffer; width: number; height: number; url: string }
  | { ok: false; status: number; reason: string; message: string };

export interface ImageFetcherOptions {
  /** The same policy the URL check uses (blocklist, allowLoopback). Trust lists do not apply to images. */
  policy?: UrlPolicy;
  limits?: Partial<ImageFetchLimits>;
  /** Host name resolver (default: the system's, as `dns.lookup`). Tests pass their own to play DNS tricks. */
  lookup?: LookupFunction;
  /**
   * Certificate authorities that image servers' certificates must chain to, replacing Node's bundled list (for
   * a company's own CA, and for tests). Default: Node's bundled list.
   */
  tlsCa?: string | Buffer | readonly (string | Buffer)[];
}

/** A refusal raised inside the connection layer; carries its reason code through undici. */
class AddressRefused extends Error {
  readonly code = "VITRINE_ADDRESS_REFUSED";
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9";
const SNIFF_BYTES = 32;

/** Drops a response body we will not read: the connection is closed rather than drained. */
function discard(body: { on(event: "error", listener: () => void): unknown; destroy(): unknown }): void {
  body.on("error", () => {}); // the abort this causes is expected, not a failure
  body.destroy();
}

function refuse(status: number, reason: string, message: string): ImageFetchResult {
  return { ok: false, status, reason, message };
}

/**
 * The shared connect-time rule (src/urls/connect-rules.ts) on the image ports: public unicast addresses on 80 and
 * 443, or an exact allowed loopback pair.
 */
export function connectionRefusal(
  address: string,
  port: number,
  allowedPairs: ReadonlySet<string>,
): { reason: string; message: string } | null {
  return sharedConnectionRefusal(address, port, allowedPairs, IMAGE_PORTS);
}

export class ImageFetcher {
  readonly #policy: UrlPolicy;
  readonly #limits: ImageFetchLimits;
  readonly #agent: Agent;
  readonly #allowedPairs: ReadonlySet<string>;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(options: ImageFetcherOptions = {}) {
    this.#policy = { ...options.policy, trustedDomains: [], trustedApplications: [] };
    this.#limits = { ...DEFAULT_IMAGE_LIMITS, ...options.limits };
    this.#allowedPairs = allowedPairSet(options.policy?.allowLoopback ?? []);
    const resolve = options.lookup ?? (dnsLookup as LookupFunction);
    const connector = buildConnector({
      timeout: this.#limits.connectTimeoutMs,
      lookup: this.#guardedLookup(resolve),
      autoSelectFamily: true,
      ...(options.tlsCa === undefined ? {} : { ca: options.tlsCa as string | Buffer | (string | Buffer)[] }),
    });
    this.#agent = new Agent({
      connect: (opts, callback) => {
        connector(opts, (error, socket) => {
          if (error || !socket) return callback(error ?? new Error("no socket"), null);
          const refusal = this.#checkConnected(socket as Socket);
          if (refusal) {
            socket.destroy();
            return callback(refusal, null);
          }
          callback(null, socket);
        });
      },
      headersTimeout: this.#limits.totalTimeoutMs,
      bodyTimeout: this.#limits.totalTimeoutMs,
      connections: 16,
      pipelining: 1,
    });
  }

  #refusal(address: string, port: number): AddressRefused | null {
    const refusal = connectionRefusal(address, port, this.#allowedPairs);
    return refusal ? new AddressRefused(refusal.reason, refusal.message) : null;
  }

  /** Resolves, and keeps only addresses that may be reached: a name that resolves only inward never connects. */
  #guardedLookup(resolve: LookupFunction): LookupFunction {
    return ((hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
      resolve(hostname, { ...options, all: true }, (error, answers) => {
        if (error) return callback(error);
        const list = (
          Array.isArray(answers) ? answers : [{ address: answers as unknown as string, family: 4 }]
        ) as LookupAddress[];
        // The port is not known here; it is checked again on the connected socket.
        const allowed = list.filter((a) => this.#refusal(a.address, 443) === null || this.#allowedAddress(a.address));
        if (allowed.length === 0) {
          const first = list[0]?.address ?? "nothing";
          return callback(
            this.#refusal(first, 443) ?? new AddressRefused("private_address", `the host resolved to ${first}`),
          );
        }
        if (options.all) callback(null, allowed);
        else callback(null, allowed[0]?.address, allowed[0]?.family);
      });
    }) as LookupFunction;
  }

  #allowedAddress(address: string): boolean {
    return addressHasAllowedPair(address, this.#allowedPairs);
  }

  /** The connection as it really is: its remote address and port, whatever the resolver said. */
  #checkConnected(socket: Socket): AddressRefused | null {
    const address = socket.remoteAddress;
    const port = socket.remotePort;
    if (address === undefined || port === undefined)
      return new AddressRefused("invalid_address", "the connection has no remote address");
    return this.#refusal(address, port);
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  /** Fetches the image at a URL the URL check allowed. Never throws for anything the remote side does. */
  async fetch(url: string): Promise<ImageFetchResult> {
    if (this.#active >= this.#limits.maxConcurrent) {
      if (this.#waiting.length >= this.#limits.maxQueued)
        return refuse(503, "proxy_busy", "the image proxy is busy; try again shortly");
      // A finishing fetch hands its turn straight to the first in line, so the count never overshoots.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await this.#fetch(url);
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }

  async #fetch(url: string): Promise<ImageFetchResult> {
    const signal = AbortSignal.timeout(this.#limits.totalTimeoutMs);
    let current = url;
    for (let hop = 0; ; hop++) {
      const verdict = checkUrl(current, "image", { source: "text", policy: this.#policy });
      if (verdict.reason !== "proxied_image" || verdict.normalized === null) {
        return refuse(
          403,
          verdict.reason,
          hop === 0 ? verdict.message : `a redirect led to a refused address: ${verdict.message}`,
        );
      }
      let response;
      try {
        response = await request(verdict.normalized, {
          dispatcher: this.#agent,
          method: "GET",
          // Only what the proxy itself says: no cookies, no client headers, no referrer.
          headers: { accept: ACCEPT, "accept-encoding": "identity", "user-agent": "Vitrine-image-proxy/1" },
          signal,
        });
      } catch (error) {
        return this.#failure(error, signal);
      }
      const { statusCode, headers, body } = response;
      if (REDIRECTS.has(statusCode)) {
        discard(body);
        const location = typeof headers.location === "string" ? headers.location : undefined;
        if (!location) return refuse(502, "bad_redirect", `the server answered ${statusCode} without a Location`);
        if (hop >= this.#limits.maxRedirects)
          return refuse(502, "too_many_redirects", `more than ${this.#limits.maxRedirects} redirects`);
        const next = URL.parse(location, verdict.normalized);
        if (!next) return refuse(502, "bad_redirect", "the redirect's Location is not a URL");
        current = next.href;
        continue;
      }
      if (statusCode !== 200) {
        discard(body);
        return refuse(502, "upstream_status", `the image server answered ${statusCode}`);
      }
      const encoding = headers["content-encoding"];
      if (encoding !== undefined && encoding !== "identity") {
        // Compressed bodies are how decompression bombs arrive; images are compressed already.
        discard(body);
        return refuse(502, "encoded_response", `the image server sent a ${String(encoding)}-encoded body`);
      }
      const declared = Number(headers["content-length"]);
      if (Number.isFinite(declared) && declared > this.#limits.maxBytes) {
        discard(body);
        return refuse(502, "too_large", `the image is ${declared} bytes, more than ${this.#limits.maxBytes}`);
      }
      return this.#readImage(body, signal, verdict.normalized);
    }
  }

  async #readImage(
    body: AsyncIterable<Buffer> & { on(event: "error", listener: () => void): unknown; destroy(): unknown },
    signal: AbortSignal,
    url: string,
  ): Promise<ImageFetchResult> {
    const chunks: Buffer[] = [];
    let received = 0;
    let sniffed = false;
    try {
      for await (const chunk of body) {
        received += chunk.length;
        if (received > this.#limits.maxBytes) {
          discard(body);
          return refuse(502, "too_large", `the image is more than ${this.#limits.maxBytes} bytes`);
        }
        chunks.push(chunk);
        if (!sniffed && received >= SNIFF_BYTES) {
          sniffed = true;
          // Refused as soon as the first bytes show it is not an image, not after reading the rest.
          if (!sniffImageType(Buffer.concat(chunks))) {
            discard(body);
            return refuse(502, "not_an_image", "the response is not a PNG, JPEG, GIF, WebP or AVIF image");
          }
        }
      }
    } catch (error) {
      return this.#failure(error, signal);
    }
    const bytes = Buffer.concat(chunks);
    const type = sniffImageType(bytes);
    if (!type) return refuse(502, "not_an_image", "the response is not a PNG, JPEG, GIF, WebP or AVIF image");
    const size = imageDimensions(bytes, type);
    if (!size) return refuse(502, "unreadable_image", `the ${type} header does not say how large the image is`);
    if (size.width * size.height > this.#limits.maxPixels) {
      return refuse(
        502,
        "too_many_pixels",
        `the image declares ${size.width} x ${size.height} pixels, more than ${this.#limits.maxPixels}`,
      );
    }
    return { ok: true, type, bytes, width: size.width, height: size.height, url };
  }

  #failure(error: unknown, signal: AbortSignal): ImageFetchResult {
    if (error instanceof AddressRefused) return refuse(403, error.reason, error.message);
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof AddressRefused) return refuse(403, cause.reason, cause.message);
    const code = (error as { code?: string }).code ?? "";
    if (
      signal.aborted ||
      code === "UND_ERR_HEADERS_TIMEOUT" ||
      code === "UND_ERR_BODY_TIMEOUT" ||
      (error as Error).name === "TimeoutError"
    ) {
      return refuse(504, "timeout", `the image server did not answer within ${this.#limits.totalTimeoutMs} ms`);
    }
    if (code === "UND_ERR_CONNECT_TIMEOUT")
      return refuse(504, "connect_timeout", `no connection within ${this.#limits.connectTimeoutMs} ms`);
    if (code === "ENOTFOUND" || code === "EAI_AGAIN")
      return refuse(502, "unknown_host", "the image's host name does not resolve");
    if (/CERT|TLS|SSL|SIGNATURE|ISSUER/.test(code))
      return refuse(502, "tls_error", `the image server's certificate was refused (${code})`);
    return refuse(502, "upstream_error", `the image could not be fetched (${code || (error as Error).message})`);
  }
}

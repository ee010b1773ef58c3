// GET /image/<key>/<expires>/<signature>/<url> on the content origin: a cookieless proxy that fetches an image the
// URL check allowed and signed, and hands back only verified raster bytes. Registered by the studio server as a
// Fastify plugin on the content origin, which sets no cookies and reads none.
import type { FastifyInstance, FastifyReply } from "fastify";
import { IMAGE_PROXY_CSP } from "../contract/content-security-policy.ts";
import type { ImageSigner } from "../urls/image-signature.ts";
import type { UrlPolicy } from "../urls/index.ts";
import { ImageFetcher, type ImageFetcherOptions, type ImageFetchLimits } from "./image-proxy-fetch.ts";
import type { LookupFunction } from "node:net";

export interface ImageProxyOptions {
  signer: ImageSigner;
  /**
   * The URL policy (blocklist; allowLoopback for tests and local development, off by default: see UrlPolicy).
   * The proxy re-checks every URL and redirect with it, so a list updated after signing still applies.
   */
  policy?: UrlPolicy;
  limits?: Partial<ImageFetchLimits>;
  /** Host name resolver for outbound connections (default: the system's). */
  lookup?: LookupFunction;
  /** Certificate authorities for image servers, replacing Node's bundled list (see ImageFetcherOptions). */
  tlsCa?: ImageFetcherOptions["tlsCa"];
  /** Longest time browsers may cache an image (default 1 day); never past the signature's expiry. */
  maxCacheSeconds?: number;
}

/** Headers on every answer, image or refusal: nothing served here can run, be sniffed into HTML, or set cookies. */
const SAFE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "x-content-type-options": "nosniff",
  "content-security-policy": IMAGE_PROXY_CSP,
  "referrer-policy": "no-referrer",
  // The app origin shows these images; they are meant to be embedded cross-origin.
  "cross-origin-resource-policy": "cross-origin",
});

function refuse(reply: FastifyReply, status: number, error: string, message: string) {
  return reply
    .code(status)
    .header("cache-control", "no-store")
    .type("application/json; charset=utf-8")
    .send({ error, message });
}

export async function imageProxyPlugin(app: FastifyInstance, options: ImageProxyOptions): Promise<void> {
  const fetcher = new ImageFetcher({
    policy: options.policy,
    limits: options.limits,
    lookup: options.lookup,
    tlsCa: options.tlsCa,
  });
  const maxCache = options.maxCacheSeconds ?? 86_400;
  app.addHook("onClose", async () => fetcher.close());
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.headers(SAFE_HEADERS);
    reply.removeHeader("set-cookie");
    return payload;
  });

  // A wildcard, not named parameters: the encoded URL can be longer than the router's parameter limit.
  app.get("/image/*", async (request, reply) => {
    const rest = (request.params as { "*": string })["*"];
    const signed = options.signer.verify(rest);
    if (!signed.ok) {
      const message =
        signed.reason === "expired"
          ? "The image link has expired; reload the page."
          : "The image link is not signed by this studio.";
      return refuse(reply, 403, signed.reason, message);
    }
    const result = await fetcher.fetch(signed.url);
    if (!result.ok) return refuse(reply, result.status, result.reason, result.message);
    const remaining = Math.max(0, signed.expires - Math.floor(Date.now() / 1000));
    return reply
      .code(200)
      .header("content-type", result.type)
      .header("cache-control", `private, max-age=${Math.min(remaining, maxCache)}`)
      .header("content-disposition", "inline")
      .send(result.bytes);
  });
}

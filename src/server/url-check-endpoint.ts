// POST /api/url-check on the app origin: the browser asks before it uses any URL from a notebook. The studio
// server registers this plugin inside its authenticated, CSRF-checked scope; the plugin itself does not do auth.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { checkUrl, REASONS, type UrlContext, type UrlPolicy, type UrlVerdict } from "../urls/index.ts";
import { MAX_SIGNED_URL_LENGTH, type ImageSigner } from "../urls/image-signature.ts";

export interface UserTrust {
  domains: readonly string[];
  applications: readonly string[];
}

export interface UrlCheckRouteOptions {
  /** The engine policy (appOrigin, blocklist, allowLoopback), or a function for one that changes (list reloads). */
  policy?: UrlPolicy | (() => UrlPolicy);
  signer: ImageSigner;
  /** The content origin's public URL (e.g. http://127.0.0.1:8081): allowed images are fetched through its proxy. */
  contentOrigin: string;
  /** The signed-in person's trusted domains and applications: their prompts become allow (never a block). */
  getUserTrust?: (request: FastifyRequest) => Promise<UserTrust>;
  /** Fastify route config, e.g. the server's rate limit: `rateLimits(studio.config).urlCheck`. */
  routeConfig?: Record<string, unknown>;
}

export interface CheckedUrl extends UrlVerdict {
  /** For an allowed image from the web: the signed proxy URL, the only URL the page may load it from. */
  proxyUrl?: string;
}

/** Most checks in one request (a notebook's links and images are sent in batches of this many). */
export const MAX_URL_CHECKS = 1000;
/** Longest URL accepted in a check (data: images included). */
export const MAX_CHECKED_URL_LENGTH = 65_536;
const BODY_LIMIT = 16 * 1024 * 1024;

/** The request body, for documentation (OpenAPI); validation is validateUrlCheckBody, which refuses unknown fields. */
export const URL_CHECK_BODY_SCHEMA = Object.freeze({
  type: "object",
  additionalProperties: false,
  required: ["checks"],
  properties: {
    checks: {
      type: "array",
      maxItems: MAX_URL_CHECKS,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["url", "context"],
        properties: {
          url: { type: "string", maxLength: MAX_CHECKED_URL_LENGTH },
          context: { type: "string", enum: ["link", "image"] },
          base: { type: "string", maxLength: 8192, description: "an http(s) URL relative references resolve against" },
        },
      },
    },
  },
});

interface CheckRequest {
  url: string;
  context: UrlContext;
  base?: string;
}

class BodyError extends Error {
  readonly pointer: string;
  constructor(pointer: string, message: string) {
    super(message);
    this.pointer = pointer;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], pointer: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw new BodyError(`${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, `unknown field "${key}"`);
  }
}

/**
 * Strict validation, written out rather than left to Fastify's Ajv: its default configuration removes unknown
 * fields silently, and a request with fields we do not understand is refused, not half-read.
 */
export function validateUrlCheckBody(body: unknown): { checks: CheckRequest[] } {
  if (!isPlainObject(body)) throw new BodyError("", "the body must be a JSON object");
  onlyKeys(body, ["checks"], "");
  const checks = body.checks;
  if (!Array.isArray(checks)) throw new BodyError("/checks", "checks must be an array");
  if (checks.length > MAX_URL_CHECKS)
    throw new BodyError("/checks", `at most ${MAX_URL_CHECKS} checks per request, not ${checks.length}`);
  return {
    checks: checks.map((check: unknown, i): CheckRequest => {
      const at = `/checks/${i}`;
      if (!isPlainObject(check)) throw new BodyError(at, "each check must be an object");
      onlyKeys(check, ["url", "context", "base"], at);
      const { url, context, base } = check;
      if (typeof url !== "string") throw new BodyError(`${at}/url`, "url must be a string");
      if (url.length > MAX_CHECKED_URL_LENGTH)
        throw new BodyError(`${at}/url`, `url is longer than ${MAX_CHECKED_URL_LENGTH} characters`);
      if (context !== "link" && context !== "image")
        throw new BodyError(`${at}/context`, 'context must be "link" or "image"');
      if (base === undefined) return { url, context };
      if (typeof base !== "string" || base.length > 8192)
        throw new BodyError(`${at}/base`, "base must be a string of at most 8192 characters");
      const parsed = URL.parse(base);
      if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:"))
        throw new BodyError(`${at}/base`, "base must be an http(s) URL");
      return { url, context, base };
    }),
  };
}

export async function urlCheckRoute(app: FastifyInstance, options: UrlCheckRouteOptions): Promise<void> {
  const contentOrigin = new URL(options.contentOrigin).origin;
  const policyOf =
    typeof options.policy === "function" ? options.policy : () => (options.policy as UrlPolicy | undefined) ?? {};

  app.post(
    "/api/url-check",
    {
      schema: {
        summary:
          "Check URLs from a notebook before the browser uses them: verdicts in order, with a signed proxy URL for allowed images",
        tags: ["urls"],
        body: URL_CHECK_BODY_SCHEMA,
      },
      validatorCompiler: () => (data: unknown) => {
        try {
          return { value: validateUrlCheckBody(data) };
        } catch (error) {
          return { error: error as Error };
        }
      },
      attachValidation: true,
      bodyLimit: BODY_LIMIT,
      ...(options.routeConfig === undefined ? {} : { config: options.routeConfig }),
    },
    async (request, reply) => {
      // Only JSON: a text/plain POST is what a cross-site form can send without a preflight.
      if (!/^application\/json\s*(;|$)/i.test(request.headers["content-type"] ?? "")) {
        return reply.code(415).send({ error: "unsupported_media_type", message: "The body must be application/json." });
      }
      const invalid = request.validationError as (Error & { validation?: unknown }) | undefined;
      if (invalid) {
        const cause = invalid instanceof BodyError ? invalid : ((invalid as { cause?: unknown }).cause ?? invalid);
        const pointer = cause instanceof BodyError ? cause.pointer : "";
        return reply.code(400).send({ error: "invalid_body", message: (cause as Error).message, at: pointer });
      }
      const { checks } = request.body as { checks: CheckRequest[] };
      const trust = options.getUserTrust ? await options.getUserTrust(request) : { domains: [], applications: [] };
      const policy: UrlPolicy = {
        ...policyOf(),
        trustedDomains: trust.domains,
        trustedApplications: trust.applications,
      };
      const verdicts = checks.map(({ url, context, base }): CheckedUrl => {
        const verdict: CheckedUrl = checkUrl(url, context, { base, policy });
        if (verdict.reason !== "proxied_image" || verdict.normalized === null) return verdict;
        if (verdict.normalized.length > MAX_SIGNED_URL_LENGTH) {
          // Too long to sign is too long to fetch: refused, not passed through unproxied.
          return {
            ...verdict,
            verdict: "block",
            reason: "invalid_url",
            message: `${REASONS.invalid_url} (longer than ${MAX_SIGNED_URL_LENGTH} characters)`,
            prompt: {
              kind: "blocked",
              host: verdict.display,
              registrableDomain: verdict.registrableDomain ?? null,
              clickThrough: false,
            },
          };
        }
        verdict.proxyUrl = `${contentOrigin}${options.signer.sign(verdict.normalized).path}`;
        return verdict;
      });
      return reply.header("cache-control", "no-store").send({ verdicts });
    },
  );
}

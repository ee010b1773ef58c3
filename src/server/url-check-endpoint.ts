// POST /api/url-check on the app origin: the browser asks before it uses any URL from a notebook. The studio
// server registers this plugin inside its authenticated, CSRF-checked scope; the plugin itself does not do auth.
import type { FastifyInstance, FastifyRequest, FastifySchemaValidationError } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { withErrors } from "../contract/api-answers.ts";
import { HTTP_URL_FORMAT, UrlCheckAnswer, UrlCheckBody, type UrlVerdict } from "../contract/api-url-check.ts";
import { checkUrl, REASONS, type UrlPolicy } from "../urls/index.ts";
import { MAX_SIGNED_URL_LENGTH, type ImageSigner } from "../urls/image-signature.ts";
import { compileValidator } from "./fastify-options.ts";
import { registerSharedSchemas } from "./shared-schemas.ts";

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

/** Longest request body: a full batch of the longest URLs. */
const BODY_LIMIT = 16 * 1024 * 1024;

/** A refused body, placed by the JSON pointer of the part that was refused. */
class BodyError extends Error {
  readonly at: string;
  constructor(at: string, message: string) {
    super(message);
    this.at = at;
  }
}

/**
 * Words the schema's first refusal for people, placed by a JSON pointer: what was expected where (`url must be a
 * string`), not the validator's own phrasing. The validator is the strict one (compileValidator), whose errors
 * carry the schema and the value they refused.
 */
export function refusedBody(errors: readonly FastifySchemaValidationError[]): BodyError {
  const error = errors[0];
  if (!error) return new BodyError("", "the body is not valid");
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const { parentSchema, data } = error as { parentSchema?: Record<string, unknown>; data?: unknown };
  switch (error.keyword) {
    case "additionalProperties": {
      const field = String(params.additionalProperty);
      return new BodyError(`${at}/${escapePointer(field)}`, `unknown field "${field}"`);
    }
    case "required": {
      const field = String(params.missingProperty);
      const properties = parentSchema?.properties as Record<string, Record<string, unknown>> | undefined;
      return new BodyError(`${at}/${escapePointer(field)}`, `${field} must be ${expected(properties?.[field])}`);
    }
    case "type":
    case "enum":
    case "format":
      return new BodyError(at, `${nameOf(at)} must be ${expected(parentSchema)}`);
    case "maxLength":
      return new BodyError(at, `${nameOf(at)} is longer than ${String(params.limit)} characters`);
    case "maxItems":
      return new BodyError(
        at,
        `at most ${String(params.limit)} ${nameOf(at)} per request, not ${Array.isArray(data) ? data.length : "more"}`,
      );
    default:
      return new BodyError(at, `${nameOf(at)} ${error.message ?? "is not valid"}`);
  }
}

/** What a schema accepts, for people: "a string", "an array", '"link" or "image"', "an http(s) URL". */
function expected(schema: Record<string, unknown> | undefined): string {
  if (!schema) return "given";
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(" or ");
  if (schema.format === HTTP_URL_FORMAT) return "an http(s) URL";
  switch (schema.type) {
    case "object":
      return "a JSON object";
    case "array":
      return "an array";
    case "integer":
      return "an integer";
    default:
      return `a ${String(schema.type)}`;
  }
}

/** The name of the part at a JSON pointer: "the body", the last field's name, or "item N of" its array. */
function nameOf(pointer: string): string {
  if (pointer === "") return "the body";
  const segments = pointer.slice(1).split("/").map(unescapePointer);
  const last = segments[segments.length - 1] as string;
  return /^\d+$/.test(last) ? `item ${last} of ${segments[segments.length - 2] ?? "the body"}` : last;
}

const escapePointer = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");
const unescapePointer = (segment: string) => segment.replace(/~1/g, "/").replace(/~0/g, "~");

export async function urlCheckRoute(app: FastifyInstance, options: UrlCheckRouteOptions): Promise<void> {
  const contentOrigin = new URL(options.contentOrigin).origin;
  const policyOf =
    typeof options.policy === "function" ? options.policy : () => (options.policy as UrlPolicy | undefined) ?? {};
  registerSharedSchemas(app);
  // Only JSON: a text/plain POST is what a cross-site form can send without a preflight. Without its parser,
  // Fastify refuses such a body (415) before the route runs, here as in the studio, which removes it everywhere.
  app.removeContentTypeParser("text/plain");

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    "/api/url-check",
    {
      schema: {
        summary:
          "Check URLs from a notebook before the browser uses them: verdicts in order, with a signed proxy URL for allowed images",
        tags: ["urls"],
        body: UrlCheckBody,
        response: withErrors({ 200: UrlCheckAnswer }),
      },
      // The strict validator wherever the route is mounted: an unknown field is refused, never removed.
      validatorCompiler: compileValidator,
      // An answer is hundreds of short strings (URLs, messages, hosts), where V8's own JSON.stringify is about twice
      // as fast as the schema-compiled serializer's per-string escaping (npm run bench:server). The schema still
      // documents the answer, and url-check-endpoint.test.ts proves that the compiled serializer would keep every
      // field of real answers, so the two cannot drift apart.
      serializerCompiler: () => (data) => JSON.stringify(data),
      schemaErrorFormatter: (errors) => refusedBody(errors),
      // A refusal is answered by the route, with the place of the refused part, wherever the route is mounted.
      attachValidation: true,
      bodyLimit: BODY_LIMIT,
      ...(options.routeConfig === undefined ? {} : { config: options.routeConfig }),
    },
    async (request, reply) => {
      const invalid = request.validationError;
      if (invalid) {
        const at = invalid instanceof BodyError ? invalid.at : "";
        return reply.code(400).send({ error: "invalid_body", message: invalid.message, at });
      }
      const { checks } = request.body;
      const trust = options.getUserTrust ? await options.getUserTrust(request) : { domains: [], applications: [] };
      const policy: UrlPolicy = {
        ...policyOf(),
        trustedDomains: trust.domains,
        trustedApplications: trust.applications,
      };
      const verdicts = checks.map(({ url, context, base }): UrlVerdict => {
        const verdict: UrlVerdict = checkUrl(url, context, { base, policy });
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

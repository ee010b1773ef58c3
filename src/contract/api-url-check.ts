// The URL check: the page asks before it uses any URL from a notebook, and the server answers a verdict for each.
import { Type, type Static } from "typebox";
import { MAX_CHECKED_URL_LENGTH, MAX_URL_CHECK_BASE_LENGTH, MAX_URL_CHECKS } from "./limits.ts";
import { URL_REASON_CODES, WRITTEN_FORM_CODES } from "./url-reasons.ts";

/** The custom string format of a URL check's base: a URL that parses, with the http or https scheme. */
export const HTTP_URL_FORMAT = "http-url";

export const UrlContext = Type.Enum(["link", "image"], { type: "string" });
export type UrlContext = Static<typeof UrlContext>;

export const UrlCheck = Type.Object(
  {
    url: Type.String({ maxLength: MAX_CHECKED_URL_LENGTH }),
    context: UrlContext,
    base: Type.Optional(
      Type.String({
        maxLength: MAX_URL_CHECK_BASE_LENGTH,
        format: HTTP_URL_FORMAT,
        description: "an http(s) URL relative references resolve against",
      }),
    ),
  },
  { additionalProperties: false },
);
export type UrlCheck = Static<typeof UrlCheck>;

export const UrlCheckBody = Type.Object(
  { checks: Type.Array(UrlCheck, { maxItems: MAX_URL_CHECKS }) },
  { additionalProperties: false },
);
export type UrlCheckBody = Static<typeof UrlCheckBody>;

/** The verdicts' stable reason codes (url-reasons.ts); the URL engine (src/urls/reasons.ts) has a sentence for each. */
export const UrlReason = Type.Enum([...URL_REASON_CODES], { type: "string" });
export type UrlReason = Static<typeof UrlReason>;

/** What a prompt needs to ask, or to explain a refusal. */
export const UrlPrompt = Type.Object({
  kind: Type.Enum(["external_site", "external_application", "studio_page", "blocked"], { type: "string" }),
  host: Type.Union([Type.String(), Type.Null()], { description: "the host for people" }),
  registrableDomain: Type.Union([Type.String(), Type.Null()], {
    description: "the part of the host that says who owns it (eTLD+1), to be shown in bold",
  }),
  application: Type.Optional(Type.String()),
  clickThrough: Type.Boolean({ description: "whether a person may go on anyway" }),
});
export type UrlPrompt = Static<typeof UrlPrompt>;

export const UrlVerdict = Type.Object({
  input: Type.String(),
  context: UrlContext,
  verdict: Type.Enum(["allow", "prompt", "block"], { type: "string" }),
  reason: UrlReason,
  message: Type.String({ description: "a sentence for people" }),
  normalized: Type.Union([Type.String(), Type.Null()], {
    description: "the only form anything downstream may use (null when unparsable)",
  }),
  display: Type.Union([Type.String(), Type.Null()], { description: "the host for people" }),
  registrableDomain: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  application: Type.Optional(Type.String({ description: 'the external application, for "external_application"' })),
  list: Type.Optional(Type.String({ description: 'the blocklist, for "blocklisted"' })),
  warning: Type.Optional(Type.String({ description: "something a person should know though the URL may be used" })),
  prompt: Type.Optional(UrlPrompt),
  writtenForm: Type.Optional(
    Type.Enum([...WRITTEN_FORM_CODES], {
      type: "string",
      description: "a way of writing the URL that hides where it goes: the URL is refused",
    }),
  ),
  proxyUrl: Type.Optional(
    Type.String({ description: "an allowed image from the web: the signed proxy URL, the only one to load it from" }),
  ),
});
export type UrlVerdict = Static<typeof UrlVerdict>;

export const UrlCheckAnswer = Type.Object(
  {
    verdicts: Type.Array(UrlVerdict, { description: "one for each check, in order" }),
  },
  { description: "a verdict for each URL" },
);
export type UrlCheckAnswer = Static<typeof UrlCheckAnswer>;

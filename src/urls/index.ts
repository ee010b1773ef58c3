// URL safety: the verdict engine and what it is made of.
export type { UrlContext, Verdict, UrlVerdict, UrlPolicy, CheckOptions, PromptData } from "./types.ts";
export {
  Blocklist,
  BlocklistBuilder,
  BlocklistError,
  parsePattern,
  type BlocklistEntry,
  type EntryKind,
} from "./blocklist.ts";
export { readFeed, detectFormat, FEED_FORMATS, type FeedFormat, type FeedResult } from "./blocklist-formats.ts";
export { REASONS, WRITTEN_FORM_NAMES, type Reason } from "./reasons.ts";
export { checkUrl, IMAGE_PORTS } from "./check-url.ts";
export { classifyAddress, type AddressClass } from "./ip-address.ts";
export { isLocalName, LOCAL_SUFFIXES } from "./local-names.ts";
export { APP_SIDE_EFFECT_SEGMENTS, DEFAULT_APP_ORIGIN } from "./studio-paths.ts";
export { APPLICATION_NAMES, DENIED_SCHEMES, BROWSER_SCHEMES, applicationName } from "./schemes.ts";
export { checkConfusable } from "./confusable.ts";
export {
  ImageSigner,
  DEFAULT_SIGNATURE_TTL_SECONDS,
  MAX_SIGNED_URL_LENGTH,
  type SigningKey,
  type SignerOptions,
  type VerifyResult,
} from "./image-signature.ts";

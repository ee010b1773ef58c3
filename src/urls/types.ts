// The verdict engine's public shapes. Other parts of the studio (renderer, scanner, server) code against these.
import type { Blocklist } from "./blocklist.ts";
import type { WrittenFormCode } from "../contract/url-reasons.ts";
import type { Reason } from "./reasons.ts";

export type UrlContext = "link" | "image";
export type Verdict = "allow" | "prompt" | "block";

/** What a UI prompt needs to ask, or to explain a refusal. */
export interface PromptData {
  /** studio_page: another workspace or page of the studio itself, outside the notebook's workspace. */
  kind: "external_site" | "external_application" | "studio_page" | "blocked";
  /** Host for people (see UrlVerdict.display). */
  host: string | null;
  /** The part of the host that says who owns it (eTLD+1), to be shown in bold; in the same form as host. */
  registrableDomain: string | null;
  application?: string;
  /** Whether a person may go on anyway: only when asked (a prompt), never past a refusal. */
  clickThrough: boolean;
}

export interface UrlVerdict {
  input: string;
  context: UrlContext;
  verdict: Verdict;
  /** Stable code, one of REASONS. */
  reason: Reason;
  /** A sentence for people. */
  message: string;
  /** The only form anything downstream may use (null when unparsable). */
  normalized: string | null;
  /** Host for people: Unicode where safe, punycode where confusable, no userinfo. */
  display: string | null;
  /** The registrable domain (eTLD+1) within display, so a UI can mark it. */
  registrableDomain?: string | null;
  /** External application name, for reason "external_application". */
  application?: string;
  /** Blocklist name, for reason "blocklisted". */
  list?: string;
  /** Something a person should know even though the URL may be used (confusable host, credentials removed). */
  warning?: string;
  /** For verdicts a person sees: what the prompt or the refusal says. */
  prompt?: PromptData;
  /** A way of writing the URL that hides where it goes (src/urls/written-form.ts): it is refused. */
  writtenForm?: WrittenFormCode;
}

export interface UrlPolicy {
  /** The studio's own origin (default http://localhost:8080): its API and routes with side effects are refused. */
  appOrigin?: string;
  /** First path segments on the app origin that act on the studio (default APP_SIDE_EFFECT_SEGMENTS). */
  appSideEffectSegments?: readonly string[];
  /** Reputation lists (see blocklist-store.ts): a hit blocks, names the list, and cannot be clicked through. */
  blocklist?: Blocklist;
  /** Host names a person trusts (a name trusts its subdomains too): their external_site prompt becomes allow. */
  trustedDomains?: readonly string[];
  /** Application names or schemes a person trusts: their external_application prompt becomes allow. */
  trustedApplications?: readonly string[];
  /**
   * Loopback "host:port" pairs that may be reached anyway, e.g. "127.0.0.1:4567". Off (empty) by default; meant
   * for tests and local development that serve images from this machine. Only exact host:port pairs on loopback
   * addresses or localhost are accepted. The pair's port is also accepted for image URLs on other hosts, because
   * the image proxy checks the address it connects to: on that port it reaches the allowed pair and nothing else.
   */
  allowLoopback?: readonly string[];
  /**
   * Whether http(s) images on other sites are proxied (default true). False refuses them (`remote_images_blocked`),
   * in the URL check and again in the proxy, before any name is looked up or connection made; images at an
   * allowLoopback pair are still proxied.
   */
  remoteImages?: boolean;
}

export interface CheckOptions {
  /** The URL relative references resolve against (the notebook's own URL). Default: the app origin's root. */
  base?: string;
  policy?: UrlPolicy;
  /**
   * "html" (default): the input is an attribute value or markdown destination as written, so character references
   * are decoded first as the renderer's HTML parser will. "text": the input is already decoded.
   */
  source?: "html" | "text";
}

// The verdict engine: one raw URL from a notebook, in a context, against a policy -> allow, prompt or block.
// Pure and synchronous (no DNS, no I/O): the image proxy repeats the address rules at connect time.
import { checkRasterDataUrl, type DataUrlCheck } from "../images/data-url.ts";
import {
  APP_SIDE_EFFECT_SEGMENTS,
  DEFAULT_APP_ORIGIN,
  hostWithoutTrailingDot,
  isSideEffectPath,
} from "./studio-paths.ts";
import { URL_ENTRIES } from "./blocklist.ts";
import { decodeAttribute } from "./html-references.ts";
import { blocklistHostTag, hostFacts, type HostFacts } from "./host-facts.ts";
import { classifyAddress } from "./ip-address.ts";
import { REASONS, type Reason } from "./reasons.ts";
import { applicationName, BROWSER_SCHEMES, DENIED_SCHEMES } from "./schemes.ts";
import {
  ipAddressForm,
  plainAuthority,
  plainHost,
  writtenFormProblem,
  type WrittenFormProblem,
} from "./written-form.ts";
import type { CheckOptions, PromptData, UrlContext, UrlPolicy, UrlVerdict, Verdict } from "./types.ts";

/** Ports an image may be fetched from: the proxy connects to nothing else. */
export const IMAGE_PORTS: readonly number[] = Object.freeze([80, 443]);
const IMAGE_PORT_TEXT: ReadonlySet<string> = new Set(IMAGE_PORTS.map(String));

interface PreparedPolicy {
  appHost: string;
  /** host:port as the URL parser prints it (no port when default), trailing dot removed. */
  appHostPort: string;
  appBase: string;
  /** The app origin as the URL parser serializes it. */
  appOrigin: string;
  sideEffectSegments: readonly string[];
  trustedDomains: readonly string[];
  trustedApplications: ReadonlySet<string>;
  allowLoopback: ReadonlySet<string>;
  /** allowLoopback.size > 0, read on every verdict: a plain field is cheaper than the Set's size getter. */
  hasLoopback: boolean;
  /** Ports of the allowLoopback pairs (see UrlPolicy.allowLoopback). */
  allowLoopbackPorts: ReadonlySet<string>;
  blocklist: UrlPolicy["blocklist"];
  remoteImages: boolean;
}

const prepared = new WeakMap<UrlPolicy, PreparedPolicy>();
const EMPTY_POLICY: UrlPolicy = Object.freeze({});

/** Policies are usually long-lived objects; their derived forms are computed once per object. */
let lastPolicy: UrlPolicy | undefined;
let lastPrepared: PreparedPolicy | undefined;

function prepare(policy: UrlPolicy): PreparedPolicy {
  if (policy === lastPolicy && lastPrepared) return lastPrepared;
  let ready = prepared.get(policy);
  if (ready) {
    lastPolicy = policy;
    lastPrepared = ready;
    return ready;
  }
  const app = new URL(policy.appOrigin ?? DEFAULT_APP_ORIGIN);
  ready = {
    appHost: hostWithoutTrailingDot(app.hostname),
    appHostPort: hostWithoutTrailingDot(app.hostname) + (app.port ? `:${app.port}` : ""),
    appBase: `${app.origin}/`,
    appOrigin: app.origin,
    sideEffectSegments: (policy.appSideEffectSegments ?? APP_SIDE_EFFECT_SEGMENTS).map((s) => s.toLowerCase()),
    trustedDomains: (policy.trustedDomains ?? []).map(asciiDomain).filter((d) => d !== ""),
    trustedApplications: new Set((policy.trustedApplications ?? []).map((a) => a.toLowerCase())),
    allowLoopback: new Set((policy.allowLoopback ?? []).map(loopbackPair)),
    hasLoopback: (policy.allowLoopback ?? []).length > 0,
    allowLoopbackPorts: new Set((policy.allowLoopback ?? []).map((pair) => loopbackPair(pair).replace(/^.*:/, ""))),
    blocklist: policy.blocklist,
    remoteImages: policy.remoteImages !== false,
  };
  prepared.set(policy, ready);
  lastPolicy = policy;
  lastPrepared = ready;
  return ready;
}

function asciiDomain(domain: string): string {
  const parsed = URL.parse(`http://${domain.trim()}/`);
  return parsed ? hostWithoutTrailingDot(parsed.hostname) : "";
}

/** "127.0.0.1:4567" -> its canonical host:port; anything that is not loopback is refused loudly. */
function loopbackPair(pair: string): string {
  const parsed = URL.parse(`http://${pair}/`);
  if (!parsed || !parsed.port) throw new Error(`allowLoopback entries are host:port pairs, not "${pair}"`);
  const host = hostWithoutTrailingDot(parsed.hostname);
  const address = classifyAddress(host);
  const loopback =
    host === "localhost" ||
    (address !== null && (address.range === "loopback" || address.range.endsWith(": loopback")));
  if (!loopback) throw new Error(`allowLoopback accepts loopback addresses only, not "${pair}"`);
  return `${host}:${parsed.port}`;
}

/** Whether the text starts with "http://" or "https://" at `i`, in any case (a hot path: no regex). */
function isAbsoluteWeb(text: string, i: number): boolean {
  if (
    (text.charCodeAt(i) | 0x20) !== 104 ||
    (text.charCodeAt(i + 1) | 0x20) !== 116 ||
    (text.charCodeAt(i + 2) | 0x20) !== 116 ||
    (text.charCodeAt(i + 3) | 0x20) !== 112
  )
    return false;
  const at = (text.charCodeAt(i + 4) | 0x20) === 115 ? i + 5 : i + 4;
  return text.charCodeAt(at) === 58 && text.charCodeAt(at + 1) === 47 && text.charCodeAt(at + 2) === 47;
}

/** A verdict on a URL that has no host to show (schemes, fragments, data and attachments, unparsable input). */
interface Parts {
  verdict: Verdict;
  reason: Reason;
  normalized: string | null;
  application?: string;
  detail?: string;
}

function promptData(
  verdict: Verdict,
  reason: Reason,
  host: HostFacts | null,
  application: string | undefined,
): PromptData {
  const prompt: PromptData = {
    kind:
      verdict === "block"
        ? "blocked"
        : reason === "external_application"
          ? "external_application"
          : reason === "outside_workspace"
            ? "studio_page"
            : "external_site",
    host: host ? host.display : null,
    registrableDomain: host ? host.registrableDomain : null,
    // A person may go on only where they are asked; a refusal is final, as the studio offers it (no way past a
    // blocklist hit, a script, a denied program, the studio itself, a private address or a deceptive form).
    clickThrough: verdict === "prompt",
  };
  if (application !== undefined) prompt.application = application;
  return prompt;
}

function finish(input: string, context: UrlContext, parts: Parts): UrlVerdict {
  const { verdict, reason, normalized } = parts;
  const result: UrlVerdict = {
    input,
    context,
    verdict,
    reason,
    message: parts.detail ? `${REASONS[reason]} (${parts.detail})` : REASONS[reason],
    normalized,
    display: null,
  };
  if (parts.application !== undefined) result.application = parts.application;
  if (verdict !== "allow") result.prompt = promptData(verdict, reason, null, parts.application);
  return result;
}

export function checkUrl(input: string, context: UrlContext, options: CheckOptions = {}): UrlVerdict {
  const policy = prepare(options.policy ?? EMPTY_POLICY);
  const decoded = options.source === "text" || !input.includes("&") ? input : decodeAttribute(input);
  // The parser itself drops leading and trailing C0 controls and spaces, and every tab and newline; we only need to
  // see where the URL starts (an empty one would resolve to the base, and "#x" is a fragment).
  let start = 0;
  while (start < decoded.length && decoded.charCodeAt(start) <= 0x20) start++;
  if (start === decoded.length)
    return finish(input, context, { verdict: "block", reason: "invalid_url", normalized: null, detail: "empty" });
  // An absolute http(s) URL parses the same with or without a base; skipping the base halves the parse cost. With
  // a tab or newline inside the scheme the test fails and the base is used, which is still exact.
  const absoluteWeb = isAbsoluteWeb(decoded, start);
  const url = absoluteWeb ? URL.parse(decoded) : URL.parse(decoded, options.base ?? policy.appBase);
  if (!url) return finish(input, context, { verdict: "block", reason: "invalid_url", normalized: null });

  if (decoded.charCodeAt(start) === 35) {
    if (context === "link")
      return finish(input, context, { verdict: "allow", reason: "same_document", normalized: url.hash || "#" });
    return finish(input, context, {
      verdict: "block",
      reason: "same_document",
      normalized: null,
      detail: "an image cannot be the page itself",
    });
  }

  // An input that starts "http://" or "https://" (any case, nothing in between) and parsed has that scheme: the
  // parser's getter, which copies, is only needed for the rest.
  const protocol = absoluteWeb ? ((decoded.charCodeAt(start + 4) | 0x20) === 115 ? "https:" : "http:") : url.protocol;
  if (protocol === "https:" || protocol === "http:") {
    const verdict = checkWeb(input, context, url, policy, protocol, options.base);
    // How it is written, judged apart (written-form.ts). Nearly every URL is "http(s)://" and a plain lower-case
    // host: only an IPv4 address written short can be wrong with those, and only a host that starts with a digit
    // is looked at again.
    const hostStart = start + protocol.length + 2;
    let problem: WrittenFormProblem | null = null;
    if (!absoluteWeb || !plainAuthority(decoded, hostStart))
      problem = writtenFormProblem(decoded, start, verdict.display);
    else if (verdict.display !== null && isDigit(decoded.charCodeAt(hostStart)))
      problem = ipAddressForm(plainHost(decoded, hostStart), verdict.display);
    return problem === null ? verdict : refuseWrittenForm(verdict, problem);
  }
  const scheme = protocol.slice(0, -1);
  if (context === "image") {
    if (scheme === "attachment") return checkAttachment(input, url);
    if (scheme === "data") return checkDataImage(input, decoded);
    return finish(input, context, {
      verdict: "block",
      reason: "scheme_not_allowed",
      normalized: url.href,
      detail: `${scheme}: is not an image source`,
    });
  }
  if (BROWSER_SCHEMES.has(scheme) || scheme === "attachment") {
    return finish(input, context, {
      verdict: "block",
      reason: "scheme_not_allowed",
      normalized: url.href,
      detail: `${scheme}:`,
    });
  }
  const application = applicationName(scheme);
  if (DENIED_SCHEMES.has(scheme)) {
    return finish(input, context, {
      verdict: "block",
      reason: "scheme_denied",
      normalized: url.href,
      application,
      detail: `${scheme}:`,
    });
  }
  const trusted = policy.trustedApplications.has(scheme) || policy.trustedApplications.has(application.toLowerCase());
  return finish(input, context, {
    verdict: trusted ? "allow" : "prompt",
    reason: trusted ? "trusted_application" : "external_application",
    normalized: url.href,
    application,
  });
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * A URL written so that it reads as another destination is refused, whatever its destination. A destination that
 * is refused on its own keeps its reason (a blocklist hit stays one) and the form is added to its message; any
 * other becomes a refusal under the form's code. Either way the message ends with where the URL really goes, and
 * `writtenForm` names the form, so the studio can say both.
 */
function refuseWrittenForm(verdict: UrlVerdict, problem: WrittenFormProblem): UrlVerdict {
  const goesTo = verdict.normalized === null ? "" : `; it goes to ${verdict.normalized}`;
  const form = `${REASONS[problem.code]} (${problem.detail}${goesTo})`;
  if (verdict.verdict === "block")
    return { ...verdict, message: `${verdict.message} ${form}`, writtenForm: problem.code };
  const refused: UrlVerdict = {
    input: verdict.input,
    context: verdict.context,
    verdict: "block",
    reason: problem.code,
    message: form,
    normalized: verdict.normalized,
    display: verdict.display,
    registrableDomain: verdict.registrableDomain ?? null,
    writtenForm: problem.code,
    prompt: {
      kind: "blocked",
      host: verdict.display,
      registrableDomain: verdict.registrableDomain ?? null,
      clickThrough: false,
    },
  };
  if (verdict.warning !== undefined) refused.warning = verdict.warning;
  return refused;
}

function checkAttachment(input: string, url: URL): UrlVerdict {
  // attachment:NAME names a file in the cell's own attachments; it is resolved from the notebook, never fetched.
  if (url.pathname === "" || url.host !== "" || url.search !== "") {
    return finish(input, "image", {
      verdict: "block",
      reason: "invalid_url",
      normalized: null,
      detail: "attachment: needs a plain name",
    });
  }
  return finish(input, "image", { verdict: "allow", reason: "attachment", normalized: url.href });
}

/** Why a `data:` image was refused, for the verdict's message. */
function dataImageProblem(check: Extract<DataUrlCheck, { ok: false }>): string {
  switch (check.reason) {
    case "not_data_url":
      return "the data: scheme is not written plainly at the start";
    case "no_payload":
      return "a data: URL without data";
    case "not_raster":
      return `data:${check.mime || "text/plain"} is not a raster image`;
    case "not_plain_base64":
      return "raster data: images must be base64, with no other parameter";
    default:
      return `the bytes are not a ${check.mime} image (${check.reason})`;
  }
}

/**
 * A `data:` image is judged on the text as written (entities decoded), not on what the URL parser made of it: the
 * parser drops tabs and newlines anywhere and control characters around it, which the sanitizer does not, and the
 * one rule (src/images/data-url.ts) must see what both see.
 */
function checkDataImage(input: string, written: string): UrlVerdict {
  const check = checkRasterDataUrl(written);
  if (!check.ok) {
    return finish(input, "image", {
      verdict: "block",
      reason: "scheme_not_allowed",
      normalized: null,
      detail: dataImageProblem(check),
    });
  }
  return finish(input, "image", { verdict: "allow", reason: "data_image", normalized: check.dataUrl });
}

function isTrustedDomain(host: string, trusted: readonly string[]): boolean {
  for (const domain of trusted) {
    if (host === domain || (host.endsWith(domain) && host.charCodeAt(host.length - domain.length - 1) === 46))
      return true;
  }
  return false;
}

/**
 * finish() for http(s) URLs, without the intermediate parts object: this is the path nearly every URL takes. The
 * callers pass the reason's sentence as REASONS.<reason>, a load V8 folds into a constant; REASONS[reason] with a
 * reason that varies by call is a megamorphic keyed load on every verdict.
 */
function web(
  input: string,
  context: UrlContext,
  normalized: string,
  facts: HostFacts,
  warning: string | undefined,
  verdict: Verdict,
  reason: Reason,
  message: string,
  list?: string,
): UrlVerdict {
  // Built as one literal per outcome rather than grown field by field: this runs for nearly every URL.
  const result: UrlVerdict =
    verdict === "allow"
      ? {
          input,
          context,
          verdict,
          reason,
          message,
          normalized,
          display: facts.display,
          registrableDomain: facts.registrableDomain,
        }
      : {
          input,
          context,
          verdict,
          reason,
          message,
          normalized,
          display: facts.display,
          registrableDomain: facts.registrableDomain,
          prompt:
            reason === "external_site"
              ? (facts.sitePrompt ??= Object.freeze(promptData(verdict, reason, facts, undefined)))
              : promptData(verdict, reason, facts, undefined),
        };
  if (list !== undefined) result.list = list;
  if (warning !== undefined) result.warning = warning;
  return result;
}

/**
 * The workspace a studio address is in (`/w/{workspace}/…`, its id decoded as the router decodes it), or null.
 * Only called for addresses on the studio's own host, never on the path most URLs take.
 */
function workspaceOf(pathname: string): string | null {
  const match = /^\/w\/([^/]+)(?:\/|$)/.exec(pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1] as string);
  } catch {
    return null;
  }
}

/**
 * Whether a link on the studio's own origin stays in the workspace of the notebook it is in. A notebook's links may
 * lead anywhere in its own workspace at once; another workspace or page of the studio is a place its reader did
 * not choose to go, so they are asked first. Without a base in a workspace there is nothing to leave.
 */
function staysInWorkspace(url: URL, base: string | undefined, appOrigin: string): boolean {
  const from = base === undefined ? null : URL.parse(base);
  const workspace = from && from.origin === appOrigin ? workspaceOf(from.pathname) : null;
  return workspace === null || workspaceOf(url.pathname) === workspace;
}

function checkWeb(
  input: string,
  context: UrlContext,
  url: URL,
  policy: PreparedPolicy,
  protocol: string,
  base: string | undefined,
): UrlVerdict {
  let warning: string | undefined;
  // The getters compare offsets and return "" without copying when there is no userinfo: cheaper than a scan.
  // Userinfo is how "https://bank.example@evil.example/" fools people: it is never passed on, and the verdict is
  // a refusal for its written form (refuseWrittenForm).
  if (url.username !== "" || url.password !== "") {
    url.username = "";
    url.password = "";
  }
  const hostStart = protocol.length + 2;
  let normalized = url.href;
  let facts = hostFacts(normalized, hostStart);
  // "example.com." is the same server as "example.com"; one spelling keeps blocklists and trust lists exact.
  if (facts.host.endsWith(".")) {
    const stripped = hostWithoutTrailingDot(facts.host);
    if (stripped !== "") {
      url.hostname = stripped;
      normalized = url.href;
      facts = hostFacts(normalized, hostStart);
    }
  }
  const hostname = facts.host;
  // In an http(s) href the first "#" starts the fragment (the parser escapes any other), which images never send.
  if (context === "image") {
    const hash = normalized.indexOf("#");
    if (hash >= 0) normalized = normalized.slice(0, hash);
  }
  if (hostname === policy.appHost) {
    if (isSideEffectPath(url.pathname, policy.sideEffectSegments))
      return web(input, context, normalized, facts, warning, "block", "app_api", REASONS.app_api);
    if (hostname + (url.port ? `:${url.port}` : "") === policy.appHostPort) {
      if (context === "link" && !staysInWorkspace(url, base, policy.appOrigin))
        return web(
          input,
          context,
          normalized,
          facts,
          warning,
          "prompt",
          "outside_workspace",
          REASONS.outside_workspace,
        );
      return web(input, context, normalized, facts, warning, "allow", "workspace_relative", REASONS.workspace_relative);
    }
  }
  // The port matters only to the loopback allowance and to images; links skip the getter.
  const port = context === "image" || policy.hasLoopback ? url.port : "";
  const loopbackAllowed =
    policy.hasLoopback && policy.allowLoopback.has(`${hostname}:${port || (protocol === "https:" ? "443" : "80")}`);
  if (!loopbackAllowed) {
    const address = facts.address;
    if (address?.special)
      return web(
        input,
        context,
        normalized,
        facts,
        warning,
        "block",
        "private_address",
        `${REASONS.private_address} (${address.range})`,
      );
    if (facts.local)
      return web(
        input,
        context,
        normalized,
        facts,
        warning,
        "block",
        "local_name",
        `${REASONS.local_name} (${hostname})`,
      );
    if (context === "image" && port !== "" && !IMAGE_PORT_TEXT.has(port) && !policy.allowLoopbackPorts.has(port))
      return web(input, context, normalized, facts, warning, "block", "bad_port", `${REASONS.bad_port} (port ${port})`);
  }
  const blocklist = policy.blocklist;
  if (blocklist) {
    let tag = blocklistHostTag(facts, blocklist);
    if (tag === URL_ENTRIES) tag = blocklist.urlTag(normalized);
    if (tag >= 0) {
      const list = blocklist.names[tag] ?? "";
      return web(
        input,
        context,
        normalized,
        facts,
        warning,
        "block",
        "blocklisted",
        `${REASONS.blocklisted} (list "${list}")`,
        list,
      );
    }
  }
  if (context === "image") {
    if (!policy.remoteImages && !loopbackAllowed)
      return web(
        input,
        context,
        normalized,
        facts,
        warning,
        "block",
        "remote_images_blocked",
        REASONS.remote_images_blocked,
      );
    return web(input, context, normalized, facts, warning, "allow", "proxied_image", REASONS.proxied_image);
  }
  if (facts.confusable !== undefined) {
    warning = `The host is shown in punycode because ${facts.confusable}.`;
    return web(input, context, normalized, facts, warning, "prompt", "confusable_host", REASONS.confusable_host);
  }
  if (policy.trustedDomains.length > 0 && isTrustedDomain(hostname, policy.trustedDomains))
    return web(input, context, normalized, facts, warning, "allow", "trusted_site", REASONS.trusted_site);
  return web(input, context, normalized, facts, warning, "prompt", "external_site", REASONS.external_site);
}

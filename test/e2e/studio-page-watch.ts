// Watches a studio page in the browser tests: what would show that notebook content ran in the app origin
// (alert, print, confirm, prompt, a fetch anywhere but the studio's own API, the hostile notebooks' marker), the
// page's CSP and Trusted Types violations, and its console errors, with the defences' own refusals told apart exactly.
import assert from "node:assert/strict";
import type { ConsoleMessage, Page } from "playwright-core";
import { PWNED_ATTRIBUTE } from "./hostile-marker.ts";

export interface Violation {
  directive: string;
  blockedURI: string;
  sourceFile: string;
  sample: string;
  disposition: string;
  /** Where the browser reported it: "document", or the element that violated the policy. */
  target: string;
}

export interface PageRecord {
  /** Everything that would mean script from a notebook ran in the page. */
  hits: string[];
  /** CSP and Trusted Types violations the page's own document reported. */
  violations: Violation[];
}

// Runs before any script of the page, in the top window only: frames are the content origin's business (their
// own tests read what they could reach), and the wrappers must not change how an output behaves in its frame.
function instrument(pwnedAttribute: string): void {
  if (window.top !== window) return;
  const hits: string[] = [];
  const violations: unknown[] = [];
  const record = (what: string, detail: unknown) => hits.push(`${what}: ${String(detail).slice(0, 200)}`);
  Object.defineProperty(window, "__vtRecord", { value: { hits, violations } });
  window.alert = (message?: unknown) => record("alert", message);
  window.confirm = (message?: unknown) => (record("confirm", message), false);
  window.prompt = (message?: unknown) => (record("prompt", message), null);
  window.print = () => record("print", "");
  const realFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const href = input instanceof Request ? input.url : String(input);
    const url = new URL(href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith("/api/")) record("fetch", url.href);
    return realFetch(input, init);
  };
  // The hostile notebooks' marker (hostile-marker.ts), caught as it is set.
  new MutationObserver((records) => {
    for (const r of records)
      if (r.target === document.documentElement) record("flag", document.documentElement.getAttribute(pwnedAttribute));
  }).observe(document, { attributes: true, subtree: true, attributeFilter: [pwnedAttribute] });
  document.addEventListener(
    "securitypolicyviolation",
    (event) => {
      violations.push({
        directive: event.effectiveDirective,
        blockedURI: event.blockedURI,
        sourceFile: event.sourceFile,
        sample: event.sample,
        disposition: event.disposition,
        target:
          event.target === document
            ? "document"
            : `${(event.target as Node | null)?.nodeName} connected=${(event.target as Node | null)?.isConnected} sameDoc=${(event.target as Node | null)?.ownerDocument === document}`,
      });
    },
    true,
  );
}

export async function instrumentPage(page: Page): Promise<void> {
  await page.addInitScript(instrument, PWNED_ATTRIBUTE);
}

export async function pageRecord(page: Page): Promise<PageRecord> {
  return page.evaluate(() => {
    const record = (window as unknown as { __vtRecord?: { hits: string[]; violations: Violation[] } }).__vtRecord;
    if (!record) throw new Error("the page was not instrumented");
    return { hits: [...record.hits], violations: [...record.violations] };
  });
}

/**
 * Nothing went wrong in an instrumented page so far: no CSP or Trusted Types violation in the app's document,
 * nothing ran that should not (`hits`), and no console error. The watch goes on; a caller that is done stops it.
 */
export async function assertPageClean(page: Page, watch: ConsoleWatch): Promise<void> {
  const record = await pageRecord(page);
  assert.deepEqual(record.violations, [], "no CSP or Trusted Types violation in the app's document");
  assert.deepEqual(record.hits, [], "nothing ran that should not");
  assert.deepEqual(watch.errors, [], "no console error");
}

/** The policies both origins really send, read from the running server. */
export interface Policies {
  app: string;
  frame: string;
}

export async function readPolicies(app: string, content: string): Promise<Policies> {
  const policyOf = async (url: string) => {
    const response = await fetch(url);
    await response.arrayBuffer();
    const policy = response.headers.get("content-security-policy");
    if (!policy) throw new Error(`${url} sends no content-security-policy`);
    return policy;
  };
  return { app: await policyOf(`${app}/`), frame: await policyOf(`${content}/frame/`) };
}

const directivesOf = (policy: string) =>
  new Set(
    policy
      .split(";")
      .map((d) => d.trim().replace(/\s+/g, " "))
      .filter(Boolean),
  );

// Chromium's wording for a refusal by a frame's sandbox. The app's document is not sandboxed, so such a refusal
// can only come from an output frame.
const SANDBOX_REFUSAL =
  /(because the (form's |document's )?frame is sandboxed and the '[a-z-]+' (permission|flag) is not set|The document is sandboxed, and the '[a-z-]+' keyword is not set)/;
// Chromium quotes the directive a load violated: `... violates the following Content Security Policy directive: "script-src 'self' 'unsafe-inline'"`.
const CSP_DIRECTIVE = /Content Security Policy directive: "([^"]+)"/;
// A frame's fetch refused by its connect-src 'none' does not quote the directive; a refused URL on the app's own
// origin can only be a frame's, since the app's policy allows its own origin (connect-src 'self').
const CONNECT_REFUSAL =
  /^Fetch API cannot load (\S+)\. Refused to connect because it violates the document's Content Security Policy\.$/;

// Chromium gives the documents DOMParser makes the page's own policy. DOMPurify parses a notebook's markup in
// such a document (inert: nothing in it runs or loads), and the policy still refuses there, in the page's name,
// the inline handlers, inline styles and <base> of hostile markup before DOMPurify removes them. These are the
// only refusals set aside in the app's document, and only for tests of hostile markup (see inertParseRefusals).
const INERT_PARSE_REFUSAL =
  /^(Executing inline event handler violates the following Content Security Policy directive 'script-src 'self''|Applying inline style violates the following Content Security Policy directive 'style-src 'self''|Setting the document's base URI to '[^']*' violates the following Content Security Policy directive: "base-uri 'none'")/;

/**
 * Splits the app document's violations into the inert parse's refusals of hostile markup (see
 * INERT_PARSE_REFUSAL: inline handler, inline style, or a <base> the notebook itself names, reported against the
 * app's bundle) and everything else, which would be the app's own code breaking its policy or hostile content
 * getting further than the sanitizer's parse (a script element, a load, a Trusted Types sink).
 */
export function inertParseRefusals(
  violations: Violation[],
  app: string,
  notebookText: string,
): { refusals: Violation[]; others: Violation[] } {
  const refusals: Violation[] = [];
  const others: Violation[] = [];
  for (const v of violations) {
    const fromBundle = v.sourceFile.startsWith(`${app}/assets/`) && v.target === "document";
    const inline =
      v.blockedURI === "inline" && ["script-src-attr", "style-src-attr", "style-src-elem"].includes(v.directive);
    // Chromium withholds some refused URLs (blockedURI ""); then the notebook must at least have a <base>.
    const namedBase =
      v.directive === "base-uri" &&
      (v.blockedURI === "" ? /<base\b/i.test(notebookText) : notebookText.includes(v.blockedURI));
    (fromBundle && (inline || namedBase) ? refusals : others).push(v);
  }
  return { refusals, others };
}

export interface ConsoleWatch {
  /** Console errors and uncaught exceptions that are not the notebook's own content refused or failing in its frame. */
  errors: string[];
  /** What was set aside: refusals of notebook content by the frames' CSP or sandbox, and the outputs' own exceptions. */
  refusals: string[];
  stop(): void;
}

/**
 * Console errors of the page and its frames. Set aside, exactly:
 * - a CSP refusal that quotes a directive of the output frames' policy that the app's policy does not have (so it
 *   happened in a frame, to the notebook's content);
 * - a refusal by a frame's sandbox, or of a frame's fetch to the app's own origin (see CONNECT_REFUSAL);
 * - with `hostileMarkup`, the inert parse's refusals of the notebook's markup (see INERT_PARSE_REFUSAL);
 * - an uncaught exception whose stack is all on the content origin and starts in code the frame shell ran for
 *   the output (the notebook's own script failing in its frame, e.g. a library it wanted from a CDN).
 * Anything else, in the app's document or in the frame shell's own code, is an error of the studio.
 */
export function watchConsole(
  page: Page,
  policies: Policies,
  contentOrigin: string,
  options: { hostileMarkup?: boolean } = {},
): ConsoleWatch {
  const appDirectives = directivesOf(policies.app);
  const frameDirectives = directivesOf(policies.frame);
  const watch: ConsoleWatch = { errors: [], refusals: [], stop: () => {} };
  const onError = (error: Error) => {
    const locations = [...(error.stack ?? "").matchAll(/^\s+at (?:.*? \()?(.*?):\d+:\d+\)?$/gm)].map((m) => m[1] ?? "");
    const outputCode =
      locations[0] === "<anonymous>" && locations.slice(1).every((l) => l.startsWith(`${contentOrigin}/frame/`));
    if (outputCode) watch.refusals.push(`output exception: ${error.message}`);
    else watch.errors.push(`pageerror: ${error.message}\n${error.stack ?? ""}`);
  };
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() !== "error") return;
    const text = message.text();
    const directive = CSP_DIRECTIVE.exec(text)?.[1]?.replace(/\s+/g, " ");
    const refusedUrl = CONNECT_REFUSAL.exec(text)?.[1];
    const frameConnect =
      refusedUrl !== undefined &&
      appDirectives.has("connect-src 'self'") &&
      refusedUrl.startsWith(`${new URL(page.url()).origin}/`);
    const inertParse =
      options.hostileMarkup === true &&
      INERT_PARSE_REFUSAL.test(text) &&
      message.location().url.startsWith(`${new URL(page.url()).origin}/assets/`);
    if (
      (directive !== undefined && frameDirectives.has(directive) && !appDirectives.has(directive)) ||
      SANDBOX_REFUSAL.test(text) ||
      inertParse ||
      frameConnect
    ) {
      watch.refusals.push(text);
      return;
    }
    watch.errors.push(`${text} (at ${message.location().url})`);
  };
  page.on("pageerror", onError);
  page.on("console", onConsole);
  watch.stop = () => {
    page.off("pageerror", onError);
    page.off("console", onConsole);
  };
  return watch;
}

// Every Content-Security-Policy Vitrine sends or writes: the app page, the content origin's baseline, the studio's
// output frame shell, image proxy answers, downloads, and the static export's page and frames. Each policy is a
// list of directives, and a directive that several policies share is written once below, so two policies cannot
// drift apart on it. Pure data and string builders: the server, which applies the headers
// (src/server/security-headers.ts), the export, which writes them into its pages, and the browser all read this.

/**
 * The name of the studio page's one Trusted Types policy: the app page's CSP allows exactly this name, and the page
 * creates it once, inside the sanitizer wiring, where only DOMPurify can reach it.
 */
export const TRUSTED_TYPES_POLICY_NAME = "vitrine-sanitizer";

/** One directive: its name, then its sources (none for `sandbox`). */
export type CspDirective = readonly [name: string, ...sources: string[]];
export type CspDirectives = readonly CspDirective[];

const SELF = "'self'";
const NONE = "'none'";
const UNSAFE_INLINE = "'unsafe-inline'";
const DATA = "data:";

// Shared walls. Nothing loads unless a directive names it; nothing rewrites relative URLs through <base>;
// nothing is submitted anywhere.
const NOTHING_BY_DEFAULT: CspDirective = ["default-src", NONE];
const NO_BASE: CspDirective = ["base-uri", NONE];
const NO_FORMS: CspDirective = ["form-action", NONE];
// A document served with `sandbox` runs in an opaque origin with no script, whoever opens it.
const SANDBOX: CspDirective = ["sandbox"];

/** A policy as a header or meta value: directives separated by "; ". */
export function serializeCsp(directives: CspDirectives): string {
  return directives.map((directive) => directive.join(" ")).join("; ");
}

/**
 * The app origin's policy: no inline script or style, frames only from the content origin, and HTML sinks only
 * through the one Trusted Types policy.
 */
export function appPageDirectives(contentOrigin: string): CspDirectives {
  return [
    ["default-src", SELF],
    ["script-src", SELF],
    ["style-src", SELF],
    // Remote images reach the page only through the content origin's proxy; embedded ones are data: URLs.
    ["img-src", SELF, DATA, contentOrigin],
    ["font-src", SELF],
    ["connect-src", SELF],
    ["frame-src", contentOrigin],
    ["worker-src", SELF],
    ["object-src", NONE],
    NO_BASE,
    ["form-action", SELF],
    ["frame-ancestors", NONE],
    ["require-trusted-types-for", "'script'"],
    ["trusted-types", TRUSTED_TYPES_POLICY_NAME],
  ];
}

/**
 * The content origin's baseline: nothing may load or frame it except the app origin. Routes that serve frame
 * documents or proxied images replace it with their own policy below.
 */
export function contentBaselineCsp(appOrigin: string): string {
  return serializeCsp([NOTHING_BY_DEFAULT, NO_BASE, NO_FORMS, ["frame-ancestors", appOrigin]]);
}

/**
 * An output frame's policy. Frames get script (their output may need it) but no network: nothing to connect to,
 * no forms to submit, images only from data: URLs, no <base> to redirect relative URLs. The studio's frame shell
 * also loads its own module and the libraries outputs draw with from its origin (the content origin), and only
 * the studio may embed it; an export frame is a srcdoc document with nothing to load and no embedder to name.
 */
function outputFrameDirectives(shell?: { appOrigin: string }): CspDirectives {
  const own = shell ? [SELF] : [];
  return [
    NOTHING_BY_DEFAULT,
    ["script-src", ...own, UNSAFE_INLINE],
    ["style-src", ...own, UNSAFE_INLINE],
    ["img-src", DATA],
    ["font-src", ...own, DATA],
    ["media-src", DATA],
    ["connect-src", NONE],
    NO_FORMS,
    NO_BASE,
    ...(shell ? [["frame-ancestors", shell.appOrigin] as const] : []),
  ];
}

/** The studio's output frame shell, sent by the content origin as a header. */
export function studioFrameShellCsp(appOrigin: string): string {
  return serializeCsp(outputFrameDirectives({ appOrigin }));
}

/**
 * Every output frame of the static export carries this in a meta element. A srcdoc frame also inherits the page's
 * policy, so both apply and the stricter wins.
 */
export const EXPORT_FRAME_CSP = serializeCsp(outputFrameDirectives());

/** What the export page allows by hash; the export computes the hashes of what it embeds. */
export interface ExportPageSources {
  /** The page's own script and every frame's inline scripts. */
  scripts: readonly string[];
  /** The page's stylesheet and every frame's style elements. */
  styles: readonly string[];
  /** Every frame's style attributes. */
  styleAttributes: readonly string[];
  /** Whether remote images load (the export's `--remote-images=allow`). */
  remoteImages: boolean;
  /** Whether the page's stylesheet embeds fonts as data: URLs (KaTeX's, when the file has math). */
  embeddedFonts?: boolean;
}

/**
 * The export page's policy: no script but the hashed ones, no style but the hashed ones. Style attributes can only
 * be allowed by hash together with 'unsafe-hashes', which is added only when a frame has one.
 */
export function exportPageCsp(sources: ExportPageSources): string {
  const styles = [...sources.styles];
  if (sources.styleAttributes.length > 0) styles.push("'unsafe-hashes'", ...sources.styleAttributes);
  return serializeCsp([
    NOTHING_BY_DEFAULT,
    ["script-src", ...sources.scripts],
    ["style-src", ...styles],
    ["img-src", DATA, ...(sources.remoteImages ? ["https:", "http:"] : [])],
    // Audio and video embedded in outputs as data: URLs: a srcdoc frame is held to this policy as well as its own,
    // so without this they would not play. Media cannot run script.
    ["media-src", DATA],
    // Fonts only from data: URLs, and only in a page whose hashed stylesheet embeds them: a file with no math
    // loads no font at all, and no font is ever fetched from anywhere.
    ...(sources.embeddedFonts === true ? [["font-src", DATA] as const] : []),
    NO_BASE,
    NO_FORMS,
  ]);
}

/** Image proxy answers, image or refusal: nothing served there can run or load anything. */
export const IMAGE_PROXY_CSP = serializeCsp([NOTHING_BY_DEFAULT, SANDBOX]);

/** A download of stored bytes: never run, even if a browser opens it. */
export const DOWNLOAD_CSP = serializeCsp([SANDBOX]);

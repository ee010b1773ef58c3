// Links and images through the studio's URL verdict engine (src/urls): what it blocks, and what it would prompt
// for other than an ordinary website, is what a reviewer should see before trusting the file.

import { checkUrl, type UrlContext, type UrlPolicy, type UrlVerdict } from "../urls/index.ts";
import type { TextReporter } from "./sink.ts";
import type { Severity } from "./types.ts";

/**
 * How much a verdict matters to a reviewer. Blocks are high: the studio's API, private networks, blocklisted or
 * script URLs are attacks or mistakes that leak. A confusable host imitates another site. Opening an application
 * (mailto:, slack:) is ordinary in documentation, so it is only noted.
 */
export function urlSeverity(verdict: UrlVerdict): Severity | undefined {
  if (verdict.verdict === "block") return verdict.reason === "invalid_url" ? "medium" : "high";
  if (verdict.verdict !== "prompt" || verdict.reason === "external_site") return undefined;
  if (verdict.reason === "confusable_host") return "high";
  if (verdict.reason === "external_application") return "low";
  return "medium";
}

export function reportUrl(
  url: string,
  context: UrlContext,
  holder: "link" | "image" | "resource",
  source: TextReporter,
  policy: UrlPolicy | undefined,
): void {
  const verdict = checkUrl(url, context, policy === undefined ? {} : { policy });
  const severity = urlSeverity(verdict);
  if (severity === undefined) return;
  const found = source.text.indexOf(url);
  const offset = found >= 0 ? found : Math.max(0, source.text.toLowerCase().indexOf(url.slice(0, 24).toLowerCase()));
  const what = holder === "resource" ? "resource the page loads" : holder;
  const action = verdict.verdict === "block" ? "blocks" : "asks before following";
  const application = verdict.application !== undefined ? ` (${verdict.application})` : "";
  const list = verdict.list !== undefined ? ` (list ${verdict.list})` : "";
  source.report(
    "url-verdict",
    offset,
    `the URL check ${action} this ${what} [${verdict.reason}]${application}${list}: ${verdict.message}`,
    {
      severity,
      to: offset + url.length,
    },
  );
}

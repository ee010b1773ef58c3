// The page's client for POST /api/url-check: every link and image of a notebook is checked by the server before
// the browser uses it. Batches stay within the endpoint's limit.
import type { UrlCheck, UrlCheckAnswer, UrlCheckBody, UrlContext, UrlVerdict } from "../contract/api-url-check.ts";
import { MAX_URL_CHECKS } from "../contract/limits.ts";
import { apiRequest } from "./api-client.ts";

export interface LinkDecision {
  href: string;
  verdict: UrlVerdict;
}

export async function checkUrls(items: { url: string; context: UrlContext }[], base: string): Promise<UrlVerdict[]> {
  const verdicts: UrlVerdict[] = [];
  for (let start = 0; start < items.length; start += MAX_URL_CHECKS) {
    const checks = items
      .slice(start, start + MAX_URL_CHECKS)
      .map((item): UrlCheck => ({ url: item.url, context: item.context, base }));
    const body: UrlCheckBody = { checks };
    const answer = await apiRequest<UrlCheckAnswer>("POST", "/api/url-check", body);
    // Verdicts are matched to URLs by their order: an answer of another length matches none of them.
    if (answer.verdicts.length !== checks.length)
      throw new Error(`the URL check answered ${answer.verdicts.length} verdicts for ${checks.length} URLs`);
    verdicts.push(...answer.verdicts);
  }
  return verdicts;
}

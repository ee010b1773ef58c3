// The page's client for POST /api/url-check: every link and image of a notebook is checked by the server before
// the browser uses it. Batches stay within the endpoint's limit.
import { apiRequest } from "./api-client.ts";
import type { StudioVerdict } from "./studio-host.ts";

/** The endpoint's largest batch. */
export const URL_CHECK_BATCH = 1000;

export interface LinkDecision {
  href: string;
  verdict: StudioVerdict;
}

export async function checkUrls(
  items: { url: string; context: "link" | "image" }[],
  base: string,
): Promise<StudioVerdict[]> {
  const verdicts: StudioVerdict[] = [];
  for (let start = 0; start < items.length; start += URL_CHECK_BATCH) {
    const checks = items
      .slice(start, start + URL_CHECK_BATCH)
      .map((item) => ({ url: item.url, context: item.context, base }));
    const answer = await apiRequest<{ verdicts: StudioVerdict[] }>("POST", "/api/url-check", { checks });
    verdicts.push(...answer.verdicts);
  }
  return verdicts;
}

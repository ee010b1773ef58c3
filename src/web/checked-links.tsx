// What a click on a notebook's link does, on every page that shows one (a file, a comparison of its versions): the
// server's URL check first; an allowed link is followed, a page of the studio in place and anything else apart,
// without a way back to this page; any other verdict is the link prompt's to ask or refuse (link-prompt.tsx).
import { useCallback, useState, type ReactNode } from "react";
import { LinkPrompt } from "./link-prompt.tsx";
import { navigate } from "./router.ts";
import { studioApi } from "./studio-calls.ts";
import { checkUrls, type LinkDecision } from "./url-check-client.ts";

export interface CheckedLinks {
  /** A link the notebook's reader clicked (in the page or in an output's frame), as written. */
  onLink(href: string): void;
  /** The prompt for the link being decided, or nothing. */
  prompt: ReactNode;
}

/** Links of a notebook whose relative addresses resolve against `base`; `onError` hears of a check that failed. */
export function useCheckedLinks(base: string, onError: (message: string) => void): CheckedLinks {
  const [decision, setDecision] = useState<LinkDecision | null>(null);
  const follow = useCallback((target: string) => {
    const url = new URL(target, location.origin);
    if (url.origin === location.origin) navigate(url.pathname + url.search + url.hash);
    else window.open(url.href, "_blank", "noopener,noreferrer");
  }, []);
  const onLink = useCallback(
    (href: string) => {
      void checkUrls([{ url: href, context: "link" }], base).then(
        ([verdict]) => {
          if (!verdict) return;
          if (verdict.verdict === "allow" && verdict.normalized) return follow(verdict.normalized);
          setDecision({ href, verdict });
        },
        (e: unknown) => onError(`The link could not be checked: ${e instanceof Error ? e.message : String(e)}`),
      );
    },
    [base, follow, onError],
  );
  const prompt = decision && (
    <LinkPrompt
      href={decision.href}
      verdict={decision.verdict}
      onOpen={follow}
      onTrustDomain={async (domain) => {
        await studioApi.trustDomain(domain);
      }}
      onTrustApplication={async (scheme) => {
        await studioApi.trustApplication(scheme);
      }}
      onClose={() => setDecision(null)}
    />
  );
  return { onLink, prompt };
}

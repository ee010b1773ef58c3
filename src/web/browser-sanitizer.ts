// The studio page's sanitizer: the project's one DOMPurify policy (src/render/sanitizer-policy.ts), applied by its
// engine (src/render/sanitize.ts) on the browser's own parser, under Trusted Types.
//
// With `require-trusted-types-for 'script'`, every HTML sink takes only TrustedHTML. The page creates its one
// policy here and hands it to DOMPurify alone, which uses it for its inert parse of the dirty markup (a
// DOMParser document, where nothing runs). The policy passes strings through unchanged, so it must never be
// reachable from anywhere else: it lives in this closure and is not exported. Sanitized results leave as DOM
// fragments, inserted as nodes, so no other code in the page ever needs an HTML sink at all. Typeset math in a
// fragment gets its box styles through the CSSOM before the fragment leaves (math-styles.ts).
import type { TrustedTypePolicy, TrustedTypesWindow } from "trusted-types/lib/index.js";
import { createSanitizer, type Sanitizer } from "../render/sanitize.ts";
import { TRUSTED_TYPES_POLICY_NAME } from "../contract/content-security-policy.ts";
import { applyMathStyles } from "./math-styles.ts";

let sanitizer: Sanitizer | undefined;

export function browserSanitizer(): Sanitizer {
  if (sanitizer) return sanitizer;
  const factory = (window as unknown as TrustedTypesWindow).trustedTypes;
  let policy: TrustedTypePolicy | undefined;
  if (factory) {
    // createPolicy throws if the CSP does not allow the name or if it already exists: either means the page is
    // not what it should be, and sanitizing without the policy would fail closed anyway.
    // The browser's policy object has all three methods; those without a rule throw, which is what we want.
    policy = factory.createPolicy(TRUSTED_TYPES_POLICY_NAME, {
      createHTML: (markup: string) => markup,
    }) as unknown as TrustedTypePolicy;
  }
  const engine = createSanitizer(window, policy ? { trustedTypesPolicy: policy } : {});
  sanitizer = {
    // Fragments go into this page, so typeset math gets its checked box styles now (math-styles.ts).
    sanitizeToFragment(html, context) {
      const fragment = engine.sanitizeToFragment(html, context);
      applyMathStyles(fragment);
      return fragment;
    },
    // Strings go to output frames. Their math is drawn from its MathML unless the caller asks for KaTeX's HTML too,
    // which a frame can draw only with KaTeX's stylesheet (the studio's frame shell loads it: web/frame/frame-math.ts).
    sanitizeToString: (html, context) => engine.sanitizeToString(html, { mathMarkup: "mathml", ...context }),
  };
  return sanitizer;
}

// The name of the studio page's one Trusted Types policy. The app origin's CSP allows exactly this name
// (`trusted-types vitrine-sanitizer`) and the page creates it once, inside the sanitizer wiring, where only
// DOMPurify can reach it.
export const TRUSTED_TYPES_POLICY_NAME = "vitrine-sanitizer";

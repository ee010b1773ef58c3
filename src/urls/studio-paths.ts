// The studio's own routes. A URL aimed at the studio is judged after every rewrite its router makes (case, trailing
// dot, default port, dot segments, percent-decoding, repeated slashes, backslashes), so no spelling of /api/ passes.

export const DEFAULT_APP_ORIGIN = "http://localhost:8080";

/** First path segments of routes that act (API, sign-in and sign-out, single sign-on callbacks). */
export const APP_SIDE_EFFECT_SEGMENTS: readonly string[] = Object.freeze([
  "api",
  "login",
  "logout",
  "signin",
  "signout",
  "sign-in",
  "sign-out",
  "auth",
  "oauth",
  "oauth2",
  "sso",
  "saml",
  "oidc",
  "callback",
  "upload",
  "uploads",
  "admin",
  "jupyter",
]);

export function hostWithoutTrailingDot(host: string): string {
  return host.endsWith(".") ? host.replace(/\.+$/, "") : host;
}

function decodeFully(path: string): string {
  let current = path;
  // Decoding twice covers a router (or proxy in front of it) that decodes once more; bounded against loops.
  for (let i = 0; i < 4 && current.includes("%"); i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      next = current.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    }
    if (next === current) break;
    current = next;
  }
  return current;
}

/** The first path segment as the router will see it, lower-cased. */
export function routerFirstSegment(pathname: string): string {
  const decoded = decodeFully(pathname).replace(/\\/g, "/").toLowerCase();
  const segments: string[] = [];
  for (const raw of decoded.split("/")) {
    const segment = raw.split(";")[0]?.trim() ?? "";
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  return segments[0] ?? "";
}

/** Whether the path, on the app's host, reaches a route with side effects. */
export function isSideEffectPath(pathname: string, segments: readonly string[] = APP_SIDE_EFFECT_SEGMENTS): boolean {
  return segments.includes(routerFirstSegment(pathname));
}

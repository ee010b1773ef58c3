// What the server says about a page in the page itself (server/page-preloads.ts writes it): which API reads it
// started for the page (`<link rel="preload">`), and, when the request carried no session cookie, that nobody is
// signed in, so that the page shows the sign-in form without first asking for a session it cannot have (an answer
// the browser's console would log as a failed request). Neither is a secret, and a page without them simply asks.

/** The meta element's name, and its content when the request had no session cookie. */
export const SESSION_META = "vitrine-session";
export const NO_SESSION = "none";

export function serverSawNoSession(doc: Document): boolean {
  return doc.querySelector(`meta[name="${SESSION_META}"]`)?.getAttribute("content") === NO_SESSION;
}

/** Whether the server named this request as a preload of the page, which it does only for a signed-in person. */
export function preloaded(doc: Document, href: string): boolean {
  for (const link of doc.querySelectorAll('link[rel="preload"]')) if (link.getAttribute("href") === href) return true;
  return false;
}

// Names that the server and the browser both spell on the wire. Plain constants, with no schema library behind
// them, so that the studio page can import them without growing its bundle.

/** The request header that carries the session's CSRF token on every request that is not a GET. */
export const CSRF_HEADER = "x-csrf-token";

/**
 * The session cookie. "__Host-": the browser accepts the cookie only with Secure, Path=/ and no Domain, so no
 * sibling host or plain-HTTP page can plant or overwrite it.
 */
export const SESSION_COOKIE = "__Host-vitrine-session";

/** The response header that names the request, the id a person quotes when they report a failure. */
export const REQUEST_ID_HEADER = "x-request-id";

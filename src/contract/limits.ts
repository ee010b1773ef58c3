// Limits that the server enforces and the browser must respect: the request schemas are built from them, and
// the page sizes its requests and its inputs by them. Plain constants, with no schema library behind them, so
// that the studio page can import them without growing its bundle.

/** Most URL checks in one request: the page sends a notebook's links and images in batches of this many. */
export const MAX_URL_CHECKS = 1000;
/** Longest URL accepted in a check (data: images included), in characters. */
export const MAX_CHECKED_URL_LENGTH = 65_536;
/** Longest base URL of a check, in characters. */
export const MAX_URL_CHECK_BASE_LENGTH = 8192;

/** Longest user name, in characters. */
export const MAX_USER_NAME_LENGTH = 64;
/** Shortest password a person may choose, in characters. */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest password, in characters: hashing has a cost, and a megabyte "password" is an attack on it. */
export const MAX_PASSWORD_LENGTH = 1024;
/** Longest workspace name, in characters. */
export const MAX_WORKSPACE_NAME_LENGTH = 200;
/** Longest path of a file in a workspace, in bytes of UTF-8. */
export const MAX_PATH_BYTES = 1024;
/** Longest domain name a person can trust (RFC 1035's limit on a name's text form). */
export const MAX_DOMAIN_LENGTH = 253;
/** Longest URL scheme a person can trust as an external application. */
export const MAX_SCHEME_LENGTH = 64;

/** A kernel's id: a UUID as randomUUID() writes it. */
export const UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

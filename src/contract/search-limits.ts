// Search's limits, shared by the server, its API schemas and the studio's page (which may not import TypeBox).

/** Longest query accepted (characters); the server says query_too_long past it. */
export const MAX_SEARCH_QUERY_CHARS = 200;
/** Results sent when the request names no limit, and the most a request may ask for. */
export const DEFAULT_SEARCH_RESULTS = 50;
export const MAX_SEARCH_RESULTS = 200;

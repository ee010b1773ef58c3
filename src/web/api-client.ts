// The studio's client for its own API. The session lives in an HttpOnly cookie the page cannot read; the CSRF
// token comes back from sign-in (or from GET /api/session after a reload) and is kept here, in memory only, never
// in storage that other script could read. Every request that is not a GET carries it as X-CSRF-Token.
import type { ApiError as ErrorAnswer } from "../contract/api-answers.ts";
import type { Session } from "../contract/api-session.ts";
import { CSRF_HEADER } from "../contract/http-names.ts";

/** An answer the server refused: its stable code and its sentence for people. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

let csrfToken: string | null = null;

async function errorOf(response: Response): Promise<ApiError> {
  let code = `http_${response.status}`;
  let message = response.statusText || "The server refused the request.";
  try {
    const body = (await response.json()) as Partial<Record<keyof ErrorAnswer, unknown>>;
    if (typeof body.error === "string") code = body.error;
    if (typeof body.message === "string") message = body.message;
  } catch {
    // Not JSON (a proxy's error page, say): the status is all there is.
  }
  return new ApiError(response.status, code, message);
}

export async function apiRequest<T>(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") {
    if (csrfToken === null) throw new ApiError(401, "not_signed_in", "Sign in first.");
    headers[CSRF_HEADER] = csrfToken;
  }
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: "same-origin", redirect: "error" });
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** The live session, or null when signed out. */
export async function currentSession(): Promise<Session | null> {
  try {
    const session = await apiRequest<Session>("GET", "/api/session");
    csrfToken = session.csrfToken;
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      csrfToken = null;
      return null;
    }
    throw error;
  }
}

export async function signIn(username: string, password: string): Promise<Session> {
  // Sign-in is the one POST without a token yet; the server checks its Origin instead.
  const response = await fetch("/api/session", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ username, password }),
    credentials: "same-origin",
    redirect: "error",
  });
  if (!response.ok) throw await errorOf(response);
  const session = (await response.json()) as Session;
  csrfToken = session.csrfToken;
  return session;
}

export async function signOut(): Promise<void> {
  try {
    await apiRequest<void>("DELETE", "/api/session");
  } finally {
    csrfToken = null;
  }
}

/**
 * A multipart POST that reports its upload progress (fetch cannot), with the same CSRF header and the same
 * error answers as apiRequest.
 */
export function uploadWithProgress<T>(
  path: string,
  form: FormData,
  onProgress: (fraction: number) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (csrfToken === null) return reject(new ApiError(401, "not_signed_in", "Sign in first."));
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader(CSRF_HEADER, csrfToken);
    xhr.setRequestHeader("accept", "application/json");
    xhr.responseType = "text";
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("error", () =>
      reject(new ApiError(0, "network_error", "The upload did not reach the server.")),
    );
    xhr.addEventListener("load", () => {
      let body: Partial<Record<keyof ErrorAnswer, unknown>> | undefined;
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as T);
        return;
      }
      reject(
        new ApiError(
          xhr.status,
          typeof body?.error === "string" ? body.error : `http_${xhr.status}`,
          typeof body?.message === "string" ? body.message : xhr.statusText,
        ),
      );
    });
    xhr.send(form);
  });
}

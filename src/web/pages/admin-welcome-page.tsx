// The page a one-time link opens (/welcome#token=...): the person chooses a password and is signed in. The token
// is read from the fragment, which the browser never sends to a server, and removed from the address bar at once so
// that it stays out of the history, bookmarks and anything the page's address is copied into.
import { useState, type FormEvent } from "react";
import type { Session } from "../../contract/api-session.ts";
import { MIN_PASSWORD_LENGTH } from "../../contract/limits.ts";
import { acceptInvitation } from "../account-calls.ts";
import { ApiError } from "../api-client.ts";

/** Takes the token out of the address, once; later renders get the same value. */
function takeToken(): string | null {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (location.hash) history.replaceState(null, "", location.pathname);
  return token;
}

export function WelcomePage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token] = useState(takeToken);
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!token) return;
    if (password !== again) {
      setError("The two passwords differ.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await acceptInvitation(token, password);
      history.replaceState(null, "", "/");
      onSignedIn(session);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="vt-sign-in" id="vt-main">
      <h1>Welcome to Vitrine</h1>
      {!token ? (
        <p className="vt-error" role="alert">
          This address has no link token. Open the whole link you were given, or ask an administrator for a new one.
        </p>
      ) : (
        <form onSubmit={(e) => void submit(e)} aria-describedby={error ? "welcome-error" : undefined}>
          <p>Choose your password. The link works once.</p>
          <label>
            New password
            <input
              name="new-password"
              type="password"
              autoComplete="new-password"
              required
              minLength={MIN_PASSWORD_LENGTH}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <label>
            The same again
            <input
              name="new-password-again"
              type="password"
              autoComplete="new-password"
              required
              value={again}
              onChange={(e) => setAgain(e.target.value)}
            />
          </label>
          {error && (
            <p id="welcome-error" className="vt-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy}>
            Set password and sign in
          </button>
        </form>
      )}
    </main>
  );
}

import { useEffect, useState, type FormEvent } from "react";
import { ApiError, currentSession, signIn, signOut, type Session } from "./api.ts";

type State = { kind: "loading" } | { kind: "signed-out" } | { kind: "signed-in"; session: Session } | { kind: "failed"; message: string };

export function App() {
  const [state, setState] = useState<State>({ kind: "loading" });

  useEffect(() => {
    currentSession().then(
      (session) => setState(session ? { kind: "signed-in", session } : { kind: "signed-out" }),
      (error: unknown) => setState({ kind: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);

  switch (state.kind) {
    case "loading":
      return <p className="vt-status" role="status">Loading…</p>;
    case "failed":
      return <p className="vt-status vt-error" role="alert">The studio could not reach its server: {state.message}</p>;
    case "signed-out":
      return <SignIn onSignedIn={(session) => setState({ kind: "signed-in", session })} />;
    case "signed-in":
      return (
        <div className="vt-shell">
          <header className="vt-app-header">
            <span className="vt-brand">Vitrine</span>
            <span className="vt-user">{state.session.user.name}</span>
            <button type="button" onClick={() => void signOut().finally(() => setState({ kind: "signed-out" }))}>
              Sign out
            </button>
          </header>
          <main className="vt-main" />
        </div>
      );
  }
}

function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(username, password));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="vt-sign-in">
      <h1>Vitrine</h1>
      <form onSubmit={(event) => void submit(event)} aria-describedby={error ? "sign-in-error" : undefined}>
        <label>
          User name
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p id="sign-in-error" className="vt-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

import { useEffect, useState, type FormEvent } from "react";
import type { Session } from "../contract/api-session.ts";
import { MIN_PASSWORD_LENGTH } from "../contract/limits.ts";
import { ApiError, currentSession, signIn, signOut } from "./api-client.ts";
import { AppLink } from "./app-link.tsx";
import { type PageStart, studioOrigins, type StudioOrigins } from "./page-start.ts";
import { FilePage } from "./pages/file-page.tsx";
import { ComparePage, HistoryPage } from "./pages/history-page.tsx";
import { WorkspacePage } from "./pages/workspace-page.tsx";
import { SearchPage } from "./pages/search-page.tsx";
import { NotebookFind } from "./search-in-notebook-bar.tsx";
import { WorkspacesPage } from "./pages/workspaces-page.tsx";
import { AdminUsersPage } from "./pages/admin-users-page.tsx";
import { AdminAuditPage } from "./pages/admin-audit-page.tsx";
import { WelcomePage } from "./pages/admin-welcome-page.tsx";
import { useRoute } from "./router.ts";
import { studioApi } from "./studio-calls.ts";
import { applyTheme, loadTheme } from "./theme-choice.ts";
import { ThemePicker } from "./theme-picker.tsx";

type State = PageStart | { kind: "loading" };

/** The studio, drawn first from where the page started (page-start.ts). */
export function App({ start }: { start: PageStart }) {
  const [state, setState] = useState<State>(start);

  const enter = (session: Session) => {
    setState({ kind: "loading" });
    // A sign-in's answer does not carry the account's theme; the session read after a one-time link does.
    if (session.theme) applyTheme(session.theme);
    else loadTheme().then(applyTheme, () => undefined);
    studioOrigins().then(
      (origins) => setState({ kind: "signed-in", session, origins }),
      (error: unknown) => setState({ kind: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
  };

  // A one-time link's page, signed in or not: the link signs its holder in as the account it was made for.
  if (location.pathname === "/welcome" && state.kind !== "loading" && state.kind !== "failed")
    return <WelcomePage onSignedIn={enter} />;

  switch (state.kind) {
    case "loading":
      return (
        <p className="vt-status" role="status">
          Loading…
        </p>
      );
    case "failed":
      return (
        <p className="vt-status vt-error" role="alert">
          The studio could not reach its server: {state.message}
        </p>
      );
    case "signed-out":
      return <SignIn onSignedIn={enter} />;
    case "signed-in":
      return (
        <div className="vt-shell">
          <a className="vt-skip" href="#vt-main">
            Skip to content
          </a>
          <header className="vt-app-header">
            <AppLink href="/" className="vt-brand">
              Vitrine
            </AppLink>
            {state.session.user.admin && (
              <nav className="vt-admin-links" aria-label="Administration">
                <AppLink href="/admin/users">Users</AppLink> <AppLink href="/admin/audit">Audit</AppLink>
              </nav>
            )}
            <span className="vt-user">{state.session.user.name}</span>
            <ThemePicker />
            <button
              type="button"
              onClick={() =>
                void signOut().finally(() => {
                  // The sign-in page belongs to no account: it follows the browser.
                  applyTheme("system");
                  setState({ kind: "signed-out" });
                })
              }
            >
              Sign out
            </button>
          </header>
          <main className="vt-main" id="vt-main" tabIndex={-1}>
            {state.session.user.mustChangePassword ? (
              <ChangePassword onChanged={(session) => setState({ ...state, session })} />
            ) : (
              <Pages origins={state.origins} user={state.session.user} />
            )}
          </main>
        </div>
      );
  }
}

function Pages({ origins, user }: { origins: StudioOrigins; user: Session["user"] }) {
  const route = useRoute();
  useEffect(() => {
    document.title = "path" in route ? `${route.path} · Vitrine` : "Vitrine";
  }, [route]);
  switch (route.page) {
    case "workspaces":
      return <WorkspacesPage />;
    case "workspace":
      return (
        <WorkspacePage
          key={route.workspace}
          workspaceId={route.workspace}
          folder={route.folder}
          trustStatement={origins.trustStatement}
        />
      );
    case "file":
      return (
        <>
          <FilePage
            key={`${route.workspace}/${route.path}?${route.version ?? ""}`}
            workspaceId={route.workspace}
            path={route.path}
            version={route.version}
            origins={origins}
          />
          <NotebookFind key={`find:${route.workspace}/${route.path}`} />
        </>
      );
    // A file's history and comparisons of its versions.
    case "history":
      return <HistoryPage key={`${route.workspace}/${route.path}`} workspaceId={route.workspace} path={route.path} />;
    case "compare":
      return (
        <ComparePage
          key={`${route.workspace}/${route.path}?${route.from}..${route.to}`}
          workspaceId={route.workspace}
          path={route.path}
          from={route.from}
          to={route.to}
          origins={origins}
        />
      );
    case "search":
      return <SearchPage key={route.workspace} workspaceId={route.workspace} query={route.query} />;
    // Administration: the server refuses the API to anyone else, and the pages say so.
    case "admin-users":
      return user.admin ? <AdminUsersPage me={user.name} /> : <NotAdministrator />;
    case "admin-audit":
      return user.admin ? <AdminAuditPage filters={route.filters} /> : <NotAdministrator />;
    case "welcome":
    case "not-found":
      return (
        <p>
          There is no page at this address. <AppLink href="/">Your workspaces</AppLink>
        </p>
      );
  }
}

function NotAdministrator() {
  return (
    <p>
      This page is for administrators. <AppLink href="/">Your workspaces</AppLink>
    </p>
  );
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
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
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

function ChangePassword({ onChanged }: { onChanged: (session: Session) => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await studioApi.changePassword(current, next);
      const session = await currentSession();
      if (session) onChanged(session);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }

  return (
    <section className="vt-sign-in">
      <h1>Choose your password</h1>
      <p>Your account has a one-time password. Choose your own to go on.</p>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          One-time password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <label>
          New password
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        {error && (
          <p className="vt-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit">Save</button>
      </form>
    </section>
  );
}

import { useEffect, useState, type FormEvent } from "react";
import { ApiError } from "../api-client.ts";
import { navigate, workspaceHref } from "../router.ts";
import type { Workspace } from "../../contract/api-workspaces.ts";
import { studioApi } from "../studio-calls.ts";
import { AppLink } from "../app-link.tsx";
import { MAX_WORKSPACE_NAME_LENGTH } from "../../contract/limits.ts";

export function WorkspacesPage() {
  const [workspaces, setWorkspaces] = useState<Workspace[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");

  useEffect(() => {
    studioApi.workspaces().then(setWorkspaces, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const made = await studioApi.createWorkspace(name.trim());
      navigate(workspaceHref(made.id));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }

  return (
    <section className="vt-panel" aria-labelledby="workspaces-title">
      <h1 id="workspaces-title">Workspaces</h1>
      {error && (
        <p className="vt-error" role="alert">
          {error}
        </p>
      )}
      {workspaces === null && !error && <p className="vt-status">Loading…</p>}
      {workspaces && workspaces.length === 0 && <p>You are not a member of any workspace yet. Create one below.</p>}
      {workspaces && workspaces.length > 0 && (
        <ul className="vt-list">
          {workspaces.map((w) => (
            <li key={w.id}>
              <AppLink href={workspaceHref(w.id)}>{w.name}</AppLink> <span className="vt-role">{w.role}</span>
            </li>
          ))}
        </ul>
      )}
      <form className="vt-inline-form" onSubmit={(e) => void create(e)}>
        <label>
          New workspace{" "}
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={MAX_WORKSPACE_NAME_LENGTH}
          />
        </label>
        <button type="submit">Create</button>
      </form>
    </section>
  );
}

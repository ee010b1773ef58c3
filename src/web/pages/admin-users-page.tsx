// Accounts, for administrators: who exists, who is an administrator or disabled, and one-time links for new
// accounts and password resets. A link is shown once, when it is made; the server keeps only its hash.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { Account, InvitationLink } from "../../contract/api-accounts.ts";
import { MAX_USER_NAME_LENGTH } from "../../contract/limits.ts";
import { accountApi } from "../account-calls.ts";
import { ApiError } from "../api-client.ts";
import { AppLink } from "../app-link.tsx";
import { formatTime } from "../studio-calls.ts";

const messageOf = (caught: unknown) => (caught instanceof ApiError ? caught.message : String(caught));

/** A one-time link with its copy button; said plainly that it will not be shown again. */
export function OneTimeLink({ made, purpose }: { made: InvitationLink; purpose: "invitation" | "reset" }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="vt-one-time-link" role="status">
      <p>
        {purpose === "invitation" ? "Account " : "Password reset for "}
        <strong>{made.user.name}</strong>: give this link to the person. It works once, until{" "}
        {formatTime(made.expiresAt)}, and is not shown again.
      </p>
      <div className="vt-one-time-link-row">
        <input readOnly value={made.link} aria-label="One-time link" onFocus={(e) => e.target.select()} />
        <button
          type="button"
          onClick={() =>
            // Without clipboard access (a page that is not a secure context) the field stays there to copy by hand.
            void navigator.clipboard.writeText(made.link).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

export function AdminUsersPage({ me }: { me: string }) {
  const [users, setUsers] = useState<Account[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [admin, setAdmin] = useState(false);
  const [link, setLink] = useState<{ made: InvitationLink; purpose: "invitation" | "reset" } | null>(null);

  const load = useCallback(() => {
    accountApi.users().then(setUsers, (e: unknown) => setError(messageOf(e)));
  }, []);
  useEffect(load, [load]);

  async function act(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(messageOf(caught));
    }
    load();
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    await act(async () => {
      const made = await accountApi.create(name.trim(), admin);
      setLink({ made, purpose: "invitation" });
      setName("");
      setAdmin(false);
    });
  }

  return (
    <section className="vt-panel vt-admin" aria-labelledby="admin-users-title">
      <h1 id="admin-users-title">Users</h1>
      <p className="vt-admin-nav">
        <AppLink href="/admin/audit">Audit log</AppLink>
      </p>
      {error && (
        <p className="vt-error" role="alert">
          {error}
        </p>
      )}
      {link && <OneTimeLink made={link.made} purpose={link.purpose} />}
      <form className="vt-inline-form" onSubmit={(e) => void create(e)}>
        <label>
          New user{" "}
          <input
            name="new-user"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={MAX_USER_NAME_LENGTH}
            pattern="[a-z0-9][a-z0-9._\-]*"
            title="lower-case letters, digits, dots, dashes or underscores"
          />
        </label>
        <label className="vt-admin-check">
          <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} /> Administrator
        </label>
        <button type="submit">Create and get a link</button>
      </form>
      {users === null && !error && <p className="vt-status">Loading…</p>}
      {users && (
        <div className="vt-table-scroll">
          <table className="vt-table vt-users">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.name} data-user={u.name}>
                  <th scope="row">
                    {u.name}
                    {u.name === me && <span className="vt-role"> you</span>}
                  </th>
                  <td data-label="Status">
                    {[u.admin && "administrator", u.disabled && "disabled", u.pending && "invited"]
                      .filter(Boolean)
                      .join(", ") || "active"}
                  </td>
                  <td data-label="Created">{formatTime(u.createdAt)}</td>
                  <td data-label="Last sign-in">{u.lastSignInAt ? formatTime(u.lastSignInAt) : "never"}</td>
                  <td className="vt-user-actions">
                    <button
                      type="button"
                      onClick={() =>
                        void act(async () =>
                          setLink({ made: await accountApi.resetPassword(u.name), purpose: "reset" }),
                        )
                      }
                    >
                      Reset password
                    </button>
                    <button
                      type="button"
                      onClick={() => void act(() => accountApi.change(u.name, { disabled: !u.disabled }))}
                    >
                      {u.disabled ? "Enable" : "Disable"}
                    </button>
                    <button
                      type="button"
                      onClick={() => void act(() => accountApi.change(u.name, { admin: !u.admin }))}
                    >
                      {u.admin ? "Remove administrator" : "Make administrator"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

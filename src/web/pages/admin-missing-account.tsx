// What the members form adds, for an administrator, when the name it was given has no account (the form itself says
// that the user does not exist): the offer to create the account, and then its one-time link, shown once.
import { useEffect, useState } from "react";
import type { InvitationLink } from "../../contract/api-accounts.ts";
import type { Role } from "../../contract/api-workspaces.ts";
import { accountApi } from "../account-calls.ts";
import { ApiError, currentSession } from "../api-client.ts";
import { studioApi } from "../studio-calls.ts";
import { OneTimeLink } from "./admin-users-page.tsx";

export function MissingAccount({
  workspaceId,
  username,
  role,
  onAdded,
}: {
  workspaceId: string;
  username: string;
  role: Role;
  onAdded: () => void;
}) {
  const [admin, setAdmin] = useState<boolean | null>(null);
  const [made, setMade] = useState<InvitationLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    currentSession().then(
      (session) => setAdmin(session?.user.admin ?? false),
      () => setAdmin(false),
    );
  }, []);

  async function create() {
    setError(null);
    try {
      const link = await accountApi.create(username, false);
      setMade(link);
      await studioApi.addMember(workspaceId, username, role);
      onAdded();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }

  if (made)
    return (
      <div>
        <OneTimeLink made={made} purpose="invitation" />
        {error && (
          <p className="vt-error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  if (!admin) return null;
  return (
    <div className="vt-missing-account">
      <p>
        As an administrator, you can create the account <strong>{username}</strong>.{" "}
        <button type="button" onClick={() => void create()}>
          Create the account and add them as {role}
        </button>
      </p>
      {error && (
        <p className="vt-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

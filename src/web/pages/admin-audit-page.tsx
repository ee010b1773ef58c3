// The audit log, for administrators: filtered by event, user, workspace and time, a page at a time, and the same
// filter exported as JSON lines or CSV.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { AuditEvent } from "../../contract/api-audit.ts";
import { AUDIT_EVENT_NAMES } from "../../contract/audit-events.ts";
import { auditHref } from "../../contract/addresses.ts";
import { auditApi, type AuditFilters } from "../account-calls.ts";
import { ApiError } from "../api-client.ts";
import { AppLink } from "../app-link.tsx";
import { navigate } from "../router.ts";
import { formatTime } from "../studio-calls.ts";

const PAGE = 50;

/** A datetime-local input's value (local time) as ms since the epoch, or undefined when empty. */
const timeOf = (value: string) => (value ? new Date(value).getTime() : undefined);

/** Ms since the epoch as a datetime-local input's value (local time, to the minute). */
function inputTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "";
  const at = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`;
}

function formFor(filters: AuditFilters) {
  return {
    event: filters.event ?? "",
    user: filters.user ?? "",
    workspace: filters.workspace ?? "",
    from: inputTime(filters.from),
    to: inputTime(filters.to),
  };
}

/** The audit log filtered by `filters`, which the page's address holds, so a filtered view can be shared. */
export function AdminAuditPage({ filters }: { filters: AuditFilters }) {
  const [form, setForm] = useState(() => formFor(filters));
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback((current: AuditFilters, before?: number) => {
    setError(null);
    auditApi.events(current, PAGE + 1, before).then(
      (page) => {
        setMore(page.length > PAGE);
        setEvents((shown) => [...(before !== undefined && shown ? shown : []), ...page.slice(0, PAGE)]);
      },
      (caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)),
    );
  }, []);
  // The address is the filter: a new one (applied here, or by back and forward) loads from the newest event. `key`
  // stands for `filters`, which is a new object at each render.
  const key = auditHref(filters);
  useEffect(() => {
    setForm(formFor(filters));
    setEvents(null);
    load(filters);
  }, [key, load]);

  function apply(event: FormEvent) {
    event.preventDefault();
    const next: AuditFilters = {};
    if (form.event.trim()) next.event = form.event.trim();
    if (form.user.trim()) next.user = form.user.trim();
    if (form.workspace.trim()) next.workspace = form.workspace.trim();
    const from = timeOf(form.from);
    const to = timeOf(form.to);
    if (from !== undefined) next.from = from;
    if (to !== undefined) next.to = to;
    const href = auditHref(next);
    // The same filter again reloads in place; a new one is a new entry in the history.
    if (href === key) load(next);
    else navigate(href);
  }

  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });

  return (
    <section className="vt-panel vt-admin" aria-labelledby="admin-audit-title">
      <h1 id="admin-audit-title">Audit log</h1>
      <p className="vt-admin-nav">
        <AppLink href="/admin/users">Users</AppLink>
      </p>
      <form className="vt-audit-filters" onSubmit={apply}>
        <label>
          Event <input name="event" list="vt-audit-events" {...field("event")} />
        </label>
        <datalist id="vt-audit-events">
          {AUDIT_EVENT_NAMES.map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
        <label>
          User <input name="user" {...field("user")} />
        </label>
        <label>
          Workspace id <input name="workspace" pattern="[A-Za-z0-9_\-]{16}" {...field("workspace")} />
        </label>
        <label>
          From <input name="from" type="datetime-local" {...field("from")} />
        </label>
        <label>
          Until <input name="to" type="datetime-local" {...field("to")} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <p className="vt-audit-exports">
        Export these events: <a href={auditApi.exportHref(filters, "jsonl")}>JSON lines</a> ·{" "}
        <a href={auditApi.exportHref(filters, "csv")}>CSV</a>
      </p>
      {error && (
        <p className="vt-error" role="alert">
          {error}
        </p>
      )}
      {events === null && !error && <p className="vt-status">Loading…</p>}
      {events && events.length === 0 && <p>No event matches.</p>}
      {events && events.length > 0 && (
        <div className="vt-table-scroll">
          <table className="vt-table vt-audit">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">By</th>
                <th scope="col">Workspace</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} data-event={e.event}>
                  <td data-label="Time">{formatTime(e.at)}</td>
                  <td data-label="Event">{e.event}</td>
                  <td data-label="By">{e.actor ?? "—"}</td>
                  <td data-label="Workspace">{e.workspace ?? "—"}</td>
                  <td data-label="Details">
                    <code>{JSON.stringify(e.details)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more && events && (
        <button type="button" onClick={() => load(filters, events[events.length - 1]?.id)}>
          Older events
        </button>
      )}
    </section>
  );
}

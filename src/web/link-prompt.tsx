// The prompts a link click can lead to: an external website (Open, Copy, Trust this domain), an external
// application ("This link opens … on your computer. Do you trust it?"), another part of the studio outside the
// notebook's workspace (Open, Copy), or a refusal that says why and offers no way through. A URL refused for how it
// is written names the form and shows, as text, both what it reads as and where it really goes.
import { useRef, useState } from "react";
import type { UrlVerdict } from "../contract/api-url-check.ts";
import { WRITTEN_FORM_NAMES } from "../urls/reasons.ts";
import { useModalDialog } from "./modal-dialog.ts";

export interface LinkPromptProps {
  href: string;
  verdict: UrlVerdict;
  onOpen(url: string): void;
  onTrustDomain(domain: string): Promise<void>;
  /** Trusts the application by its URL scheme (what the server remembers). */
  onTrustApplication(scheme: string): Promise<void>;
  onClose(): void;
}

export function LinkPrompt({ href, verdict, onOpen, onTrustDomain, onTrustApplication, onClose }: LinkPromptProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [alwaysTrust, setAlwaysTrust] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  useModalDialog(dialog);

  const target = verdict.normalized;
  const kind = verdict.verdict === "block" ? "blocked" : (verdict.prompt?.kind ?? "external_site");
  const host = verdict.display ?? "";
  const domain = verdict.registrableDomain ?? null;

  async function open(trust: () => Promise<void>) {
    if (!target) return;
    try {
      await trust();
      onOpen(target);
      onClose();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  return (
    <dialog ref={dialog} className="vt-dialog vt-link-prompt" aria-labelledby="vt-link-prompt-title" onCancel={onClose}>
      {kind === "blocked" && (
        <>
          <h2 id="vt-link-prompt-title">This link is blocked</h2>
          {verdict.writtenForm && <p className="vt-link-form">{WRITTEN_FORM_NAMES[verdict.writtenForm]}</p>}
          <p>{verdict.message}</p>
          <p className="vt-link-raw">
            {verdict.writtenForm && "As written: "}
            <code>{href}</code>
          </p>
          {verdict.writtenForm && target && (
            <p className="vt-link-raw">
              It really goes to: <code className="vt-link-destination">{target}</code>
            </p>
          )}
        </>
      )}
      {kind === "external_site" && (
        <>
          <h2 id="vt-link-prompt-title">This link leaves the studio</h2>
          <p>
            It opens a page on <HostName host={host} domain={domain} />.
          </p>
          {verdict.warning && <p className="vt-warning">{verdict.warning}</p>}
          <p className="vt-link-raw">
            <code>{target}</code>
          </p>
        </>
      )}
      {kind === "studio_page" && (
        <>
          <h2 id="vt-link-prompt-title">This link leaves this workspace</h2>
          <p>It opens another page of the studio.</p>
          <p className="vt-link-raw">
            <code>{target}</code>
          </p>
        </>
      )}
      {kind === "external_application" && (
        <>
          <h2 id="vt-link-prompt-title">This link opens an application</h2>
          <p>
            This link opens <strong>{verdict.application ?? "an application"}</strong> on your computer. Do you trust
            it?
          </p>
          <p className="vt-link-raw">
            <code>{target}</code>
          </p>
          <label className="vt-check">
            <input type="checkbox" checked={alwaysTrust} onChange={(e) => setAlwaysTrust(e.target.checked)} /> Always
            trust this application
          </label>
        </>
      )}
      {error && (
        <p className="vt-error" role="alert">
          {error}
        </p>
      )}
      <div className="vt-dialog-actions">
        {(kind === "external_site" || kind === "studio_page") && target && (
          <>
            <button type="button" className="vt-primary" onClick={() => void open(async () => {})}>
              Open
            </button>
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard.writeText(target).then(
                  () => setCopied(true),
                  () => setError("The browser did not allow copying."),
                )
              }
            >
              {copied ? "Copied" : "Copy"}
            </button>
            {kind === "external_site" && domain && (
              <button type="button" onClick={() => void open(() => onTrustDomain(domain))}>
                Trust {domain}
              </button>
            )}
          </>
        )}
        {kind === "external_application" && target && (
          <button
            type="button"
            className="vt-primary"
            onClick={() =>
              void open(() =>
                alwaysTrust ? onTrustApplication(new URL(target).protocol.slice(0, -1)) : Promise.resolve(),
              )
            }
          >
            Open
          </button>
        )}
        <button type="button" onClick={onClose} autoFocus>
          {kind === "blocked" ? "Close" : "Cancel"}
        </button>
      </div>
    </dialog>
  );
}

/** The host with its registrable domain in bold, so "paypal.com.evil.example" reads as evil.example. */
function HostName({ host, domain }: { host: string; domain: string | null }) {
  if (!domain || !host.endsWith(domain)) return <strong>{host}</strong>;
  const prefix = host.slice(0, host.length - domain.length);
  return (
    <span className="vt-host">
      {prefix}
      <strong>{domain}</strong>
    </span>
  );
}

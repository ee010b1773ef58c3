// Per-user trust decisions: domains whose links open without a second prompt and external applications (URL
// schemes such as vscode:) the user agreed to hand links to. The URL check reads them through these functions;
// every change is audited.

import { BROWSER_SCHEMES, DENIED_SCHEMES } from "../urls/schemes.ts";
import type { Db } from "./storage/database.ts";
import { recordAudit, type AuditContext } from "./audit.ts";
import { AppError } from "./errors.ts";

// Schemes that are the web itself, the browser's own, or denied outright (the URL engine's lists): trusting them
// as "applications" would be meaningless or dangerous.
const isNotApplication = (scheme: string): boolean =>
  scheme === "http" ||
  scheme === "https" ||
  scheme === "ftp" ||
  BROWSER_SCHEMES.has(scheme) ||
  DENIED_SCHEMES.has(scheme);

/** The canonical form of a domain (lower case, punycode), or an error saying why it is not one. */
export function canonicalDomain(input: string): string {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, "");
  let host: string;
  try {
    host = new URL(`http://${trimmed}/`).hostname;
  } catch {
    throw new AppError(400, "invalid_domain", `"${input}" is not a domain name`);
  }
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(host) || /^[\d.]+$/.test(host)) {
    throw new AppError(
      400,
      "invalid_domain",
      `"${input}" is not a domain name (IP addresses and single labels cannot be trusted)`,
    );
  }
  return host;
}

export function canonicalScheme(input: string): string {
  const scheme = input.trim().toLowerCase().replace(/:$/, "");
  if (!/^[a-z][a-z0-9+.-]{0,62}$/.test(scheme))
    throw new AppError(400, "invalid_scheme", `"${input}" is not a URL scheme`);
  if (isNotApplication(scheme))
    throw new AppError(400, "scheme_not_trustable", `${scheme}: links are not an external application`);
  return scheme;
}

export async function listTrustedDomains(db: Db, userId: number): Promise<string[]> {
  return (
    await db.selectFrom("trusted_domains").select("domain").where("user_id", "=", userId).orderBy("domain").execute()
  ).map((r) => r.domain);
}

export async function listTrustedApplications(db: Db, userId: number): Promise<string[]> {
  return (
    await db
      .selectFrom("trusted_applications")
      .select("scheme")
      .where("user_id", "=", userId)
      .orderBy("scheme")
      .execute()
  ).map((r) => r.scheme);
}

export async function trustDomain(db: Db, userId: number, input: string, context: AuditContext): Promise<string> {
  const domain = canonicalDomain(input);
  await db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto("trusted_domains")
      .values({ user_id: userId, domain, created_at: Date.now() })
      .onConflict((oc) => oc.columns(["user_id", "domain"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0)
      await recordAudit(tx, context, "trust_domain_added", { domain });
  });
  return domain;
}

export async function distrustDomain(db: Db, userId: number, input: string, context: AuditContext): Promise<void> {
  const domain = canonicalDomain(input);
  await db.transaction().execute(async (tx) => {
    const deleted = await tx
      .deleteFrom("trusted_domains")
      .where("user_id", "=", userId)
      .where("domain", "=", domain)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0)
      throw new AppError(404, "not_trusted", `${domain} is not in your trusted domains`);
    await recordAudit(tx, context, "trust_domain_removed", { domain });
  });
}

export async function trustApplication(db: Db, userId: number, input: string, context: AuditContext): Promise<string> {
  const scheme = canonicalScheme(input);
  await db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto("trusted_applications")
      .values({ user_id: userId, scheme, created_at: Date.now() })
      .onConflict((oc) => oc.columns(["user_id", "scheme"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0)
      await recordAudit(tx, context, "trust_application_added", { scheme });
  });
  return scheme;
}

export async function distrustApplication(db: Db, userId: number, input: string, context: AuditContext): Promise<void> {
  const scheme = canonicalScheme(input);
  await db.transaction().execute(async (tx) => {
    const deleted = await tx
      .deleteFrom("trusted_applications")
      .where("user_id", "=", userId)
      .where("scheme", "=", scheme)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0)
      throw new AppError(404, "not_trusted", `${scheme}: is not in your trusted applications`);
    await recordAudit(tx, context, "trust_application_removed", { scheme });
  });
}

// The URL check's stable reason codes: API clients, the CLI and the UI key on them. Plain constants, so that the
// URL engine and the page can read them without the schema library.

export const URL_REASON_CODES = [
  "same_document",
  "workspace_relative",
  "external_site",
  "trusted_site",
  "proxied_image",
  "data_image",
  "attachment",
  "external_application",
  "trusted_application",
  "scheme_denied",
  "scheme_not_allowed",
  "private_address",
  "local_name",
  "app_api",
  "outside_workspace",
  "confusable_host",
  "blocklisted",
  "invalid_url",
  "bad_port",
] as const;

export type UrlReasonCode = (typeof URL_REASON_CODES)[number];

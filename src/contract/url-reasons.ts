// The URL check's stable reason codes: API clients, the CLI and the UI key on them. Plain constants, so that the
// URL engine and the page can read them without the schema library.

/**
 * Ways of writing a URL so that a person reads one destination while the browser goes to another
 * (src/urls/written-form.ts): each blocks, under its own code, or named in the verdict of a destination that blocks.
 */
export const WRITTEN_FORM_CODES = [
  "backslash_slash",
  "scheme_slashes",
  "userinfo",
  "host_lookalike",
  "host_hidden_characters",
  "host_percent_encoded",
  "ip_address_form",
] as const;

export type WrittenFormCode = (typeof WRITTEN_FORM_CODES)[number];

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
  "remote_images_blocked",
  ...WRITTEN_FORM_CODES,
] as const;

export type UrlReasonCode = (typeof URL_REASON_CODES)[number];

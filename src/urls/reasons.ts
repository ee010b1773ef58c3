// A sentence for each of the URL check's stable reason codes (src/contract/url-reasons.ts): API clients, the CLI
// and the UI key on the code, people read the text.
import type { UrlReasonCode, WrittenFormCode } from "../contract/url-reasons.ts";

export const REASONS: Readonly<Record<UrlReasonCode, string>> = Object.freeze({
  same_document: "The link points at a place in this notebook.",
  workspace_relative:
    "The address points inside the studio (into this workspace, for a notebook in one), outside its API.",
  external_site: "The link leaves the studio for an external website.",
  trusted_site: "The link leaves the studio for a website you trust.",
  proxied_image: "The image is fetched through the studio's image proxy, without your cookies.",
  data_image: "The image is embedded in the notebook and its bytes are a real raster image.",
  attachment: "The image is a cell attachment, shown from the notebook itself.",
  external_application: "The link opens an application on your computer.",
  trusted_application: "The link opens an application on your computer that you trust.",
  scheme_denied: "The link would start a program that is known to be abused; it is never opened.",
  scheme_not_allowed: "This kind of address is not allowed here: it could run code or read local data.",
  private_address: "The address points into a private or special network, such as your own machine or router.",
  local_name: "The host name only makes sense on a local network.",
  app_api: "The address points at the studio's own API or an action, which a notebook may never trigger.",
  outside_workspace: "The address points into the studio outside this workspace.",
  confusable_host: "The host name uses letters that look like those of another alphabet and may imitate another site.",
  blocklisted: "The address is on a blocklist of malicious sites.",
  invalid_url: "The address cannot be understood as a URL.",
  bad_port: "Images are fetched only from the standard web ports 80 and 443.",
  remote_images_blocked: "This studio does not fetch images from other sites.",
  backslash_slash: "The address uses a backslash where the browser reads a slash, so it leads elsewhere than it reads.",
  scheme_slashes:
    "The address has missing or extra slashes after its scheme, so where it leads depends on the page it is in.",
  userinfo: "The address puts a name before an @ sign; the browser goes to the host after it, not to that name.",
  host_lookalike:
    "The host contains a character that imitates a slash, dot, colon or other punctuation of the address.",
  host_hidden_characters:
    "The host contains invisible or control characters that the browser drops, joining it into another name.",
  host_percent_encoded: "The host is percent-encoded, which hides the name the browser uses.",
  ip_address_form: "The IP address is written in a short, hexadecimal, octal or non-ASCII form that hides the address.",
});

export type Reason = UrlReasonCode;

/** Short names of the written forms a URL is refused for, for the heading of a refusal a person reads. */
export const WRITTEN_FORM_NAMES: Readonly<Record<WrittenFormCode, string>> = Object.freeze({
  backslash_slash: "A backslash written where a slash is read",
  scheme_slashes: "Missing or extra slashes after the scheme",
  userinfo: "A name before an @ sign, which is not where it goes",
  host_lookalike: "A character in the host that imitates punctuation",
  host_hidden_characters: "Invisible characters in the host",
  host_percent_encoded: "A percent-encoded host",
  ip_address_form: "An IP address written in a disguised form",
});

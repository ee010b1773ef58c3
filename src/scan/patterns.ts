// Shared vocabulary of the code rules: what names a credential store, a metadata endpoint, a secret variable, an
// encoded blob. One place, used by the Python, shell, R and Julia detectors alike.

/**
 * Pieces of paths and addresses that only credential stores and credential services have. Matched against the
 * lower-cased contents of string literals and shell words (not against comments or whole lines).
 */
export const CREDENTIAL_MARKERS: readonly { marker: string; what: string }[] = Object.freeze([
  { marker: ".aws/credentials", what: "the AWS credentials file" },
  { marker: "~/.aws", what: "the AWS configuration folder" },
  { marker: "~/.ssh", what: "the SSH keys folder" },
  { marker: "/.ssh/", what: "the SSH keys folder" },
  { marker: "id_rsa", what: "an SSH private key" },
  { marker: "id_ed25519", what: "an SSH private key" },
  { marker: "id_ecdsa", what: "an SSH private key" },
  { marker: "~/.kube", what: "the Kubernetes configuration" },
  { marker: ".kube/config", what: "the Kubernetes configuration" },
  { marker: ".netrc", what: "the .netrc password file" },
  { marker: ".git-credentials", what: "git's stored credentials" },
  { marker: "~/.azure", what: "the Azure CLI's token cache" },
  { marker: ".azure/accesstokens", what: "the Azure CLI's token cache" },
  { marker: "msal_token_cache", what: "the Azure CLI's token cache" },
  { marker: ".config/gcloud", what: "the Google Cloud credentials" },
  { marker: "application_default_credentials.json", what: "the Google Cloud credentials" },
  { marker: ".docker/config.json", what: "Docker registry credentials" },
  { marker: ".pypirc", what: "PyPI upload credentials" },
  { marker: "google/chrome", what: "a Chrome browser profile" },
  { marker: "google-chrome", what: "a Chrome browser profile" },
  { marker: "chromium/default", what: "a Chromium browser profile" },
  { marker: ".mozilla/firefox", what: "a Firefox browser profile" },
  { marker: "mozilla/firefox/profiles", what: "a Firefox browser profile" },
  { marker: "microsoft/edge", what: "an Edge browser profile" },
  { marker: "login data", what: "a browser's saved passwords" },
  { marker: "cookies.sqlite", what: "a browser's cookies" },
  { marker: "logins.json", what: "a browser's saved passwords" },
  { marker: "key4.db", what: "a browser's key store" },
  { marker: "169.254.169.254", what: "the cloud instance metadata endpoint" },
  { marker: "169.254.170.2", what: "the container credentials endpoint" },
  { marker: "fd00:ec2::254", what: "the cloud instance metadata endpoint" },
  { marker: "metadata.google.internal", what: "the Google Cloud metadata endpoint" },
  { marker: "/metadata/identity/oauth2/token", what: "the Azure managed-identity token endpoint" },
  { marker: "identity_endpoint", what: "the managed-identity endpoint" },
  { marker: "msi_endpoint", what: "the managed-identity endpoint" },
]);

/** Path segments that are credential folders on their own (`Path.home() / ".ssh"`). */
const CREDENTIAL_SEGMENTS: ReadonlyMap<string, string> = new Map([
  [".ssh", "the SSH keys folder"],
  [".aws", "the AWS configuration folder"],
  [".azure", "the Azure CLI's token cache"],
  [".kube", "the Kubernetes configuration"],
  [".netrc", "the .netrc password file"],
  [".git-credentials", "git's stored credentials"],
]);

/** What credential store or service a string names, or undefined. */
export function credentialIn(value: string): string | undefined {
  const lower = value.toLowerCase();
  const segment = CREDENTIAL_SEGMENTS.get(lower.replace(/^\/+|\/+$/g, ""));
  if (segment !== undefined) return segment;
  for (const { marker, what } of CREDENTIAL_MARKERS) if (lower.includes(marker)) return what;
  return undefined;
}

/** Commands that print an access token (words in order, each a prefix of the command's words). */
export const TOKEN_COMMANDS: readonly (readonly string[])[] = Object.freeze([
  ["az", "account", "get-access-token"],
  ["az", "ad", "sp", "credential"],
  ["gcloud", "auth", "print-access-token"],
  ["gcloud", "auth", "application-default", "print-access-token"],
  ["aws", "sts", "get-session-token"],
  ["aws", "configure", "export-credentials"],
  ["aws", "ecr", "get-login-password"],
  ["kubectl", "config", "view", "--raw"],
  ["gh", "auth", "token"],
]);

/** Environment variable names that hold credentials: *_TOKEN, *_SECRET*, *PASSWORD*, *_API_KEY, *_ACCESS_KEY*. */
export const SECRET_VARIABLE =
  /(?:^|_)(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH|SAS)(?:_|$)|(?:^|_)KEY$/i;

export function isSecretVariable(name: string): boolean {
  return SECRET_VARIABLE.test(name) && name !== "PWD" && name !== "OLDPWD";
}

/** A string this long or longer, made only of base64 or hex characters, hides something from a reader. */
export const BLOB_MIN_CHARS = 200;

/** "base64", "hex" or undefined: whether `value` is a long encoded blob. */
export function encodedBlobKind(value: string): "base64" | "hex" | "escaped bytes" | undefined {
  if (value.length < BLOB_MIN_CHARS) return undefined;
  const compact = value.replace(/\\n|\s+/g, "");
  if (compact.length >= BLOB_MIN_CHARS) {
    if (/^[0-9a-fA-F]+$/.test(compact)) return "hex";
    if (
      /^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) &&
      /[0-9]/.test(compact) &&
      /[a-z]/.test(compact) &&
      /[A-Z]/.test(compact)
    )
      return "base64";
  }
  // "\x4d\x5a..." or "\u0069\u006d..."
  if (/^(?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\[0-7]{3}){50,}/.test(compact)) return "escaped bytes";
  return undefined;
}

/** Host of an http(s) URL, lower-cased, or undefined. */
export function urlHost(value: string): string | undefined {
  const match = /^\s*https?:\/\/(?:[^@/\s]*@)?(\[[^\]]+\]|[^:/?#\s]+)/i.exec(value);
  return match ? match[1]!.toLowerCase() : undefined;
}

/** Whether a URL's host is one the notebook itself links to (or a subdomain of one). */
export function isOwnHost(host: string | undefined, linkHosts: ReadonlySet<string>): boolean {
  if (host === undefined) return false;
  for (const own of linkHosts) if (host === own || host.endsWith(`.${own}`)) return true;
  return false;
}

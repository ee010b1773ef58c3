// Credentials written into the file itself. These are formats with a fixed shape (a vendor prefix, a PEM header,
// `scheme://user:password@host`), so a pattern is the right tool here, unlike code, which is read by parsing.
// Every place that shows text from a file (excerpts in all output formats) masks through `maskSecrets`.

export interface SecretPattern {
  id: string;
  /** What it is, for the message. */
  label: string;
  /** Global regex; group 1, when present, is the secret part to mask (the rest is context). */
  pattern: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = Object.freeze([
  { id: "aws-access-key-id", label: "an AWS access key id", pattern: /\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b/g },
  {
    id: "aws-secret-access-key",
    label: "an AWS secret access key",
    pattern: /aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
  },
  {
    id: "github-token",
    label: "a GitHub token",
    pattern: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/g,
  },
  { id: "gitlab-token", label: "a GitLab token", pattern: /\b(glpat-[A-Za-z0-9_-]{20,})\b/g },
  { id: "slack-token", label: "a Slack token", pattern: /\b(xox[abprs]-[A-Za-z0-9-]{10,})\b/g },
  { id: "google-api-key", label: "a Google API key", pattern: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g },
  {
    id: "openai-key",
    label: "an OpenAI API key",
    pattern: /\b(sk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|sk-proj-[A-Za-z0-9_-]{40,})/g,
  },
  { id: "anthropic-key", label: "an Anthropic API key", pattern: /\b(sk-ant-[A-Za-z0-9_-]{32,})/g },
  { id: "stripe-key", label: "a Stripe secret key", pattern: /\b((?:sk|rk)_live_[A-Za-z0-9]{20,})\b/g },
  { id: "huggingface-token", label: "a Hugging Face token", pattern: /\b(hf_[A-Za-z0-9]{34,})\b/g },
  {
    id: "private-key",
    label: "a private key",
    // The key body, which may be on following lines or on the same line with `\n` escapes (a key in a string).
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY(?: BLOCK)?-----((?:\\[nr]|\s)*[A-Za-z0-9+/=](?:\\[nr]|[A-Za-z0-9+/=\s]){15,})/g,
  },
  {
    id: "azure-storage-key",
    label: "an Azure storage account key",
    pattern: /AccountKey=([A-Za-z0-9+/]{40,}={0,2})/g,
  },
  {
    id: "azure-sas",
    label: "an Azure shared access signature",
    pattern: /[?&]sig=([A-Za-z0-9%+/]{30,}={0,2})/g,
  },
  {
    id: "password-in-url",
    label: "a password in a URL or connection string",
    // scheme://user:password@host, for any scheme (postgres, mysql, mongodb+srv, redis, amqp, http, ...). The
    // password part is what is masked; placeholders like `<password>` or `${PASSWORD}` are not secrets.
    pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@"'<>]{1,128}:([^\s@/"'<>{}$]{3,256})@[a-z0-9.[\]-]+/gi,
  },
  {
    id: "jwt",
    label: "a JSON web token",
    pattern: /\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/g,
  },
]);

export interface SecretMatch {
  id: string;
  label: string;
  /** Offset of the secret part in the text. */
  offset: number;
  length: number;
}

/** Values that document a format rather than leak a credential. */
const PLACEHOLDER = /^(?:password|passwd|pass|pwd|secret|changeme|xxx+|\*+|\.\.\.|<.*>|\[.*\]|user|username|example)$/i;

// Patterns only apply to text that contains one of these; a cheap first look that skips most text.
const HINTS =
  /AKIA|ASIA|ABIA|ACCA|secret|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|AIza|sk-|_live_|hf_|PRIVATE KEY|AccountKey|sig=|:\/\/[^\s/@]*:[^\s/@]*@|eyJ/i;

export function findSecrets(text: string): SecretMatch[] {
  if (!HINTS.test(text)) return [];
  const found: SecretMatch[] = [];
  for (const { id, label, pattern } of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const secret = match[1] ?? match[0];
      if (id === "password-in-url" && PLACEHOLDER.test(secret)) continue;
      found.push({ id, label, offset: match.index + match[0].indexOf(secret), length: secret.length });
    }
  }
  return found;
}

/**
 * A long secret shown as its first four characters and its length (enough to recognise a vendor's token, useless
 * to use it); a short one, such as a password, as its length only.
 */
export function maskSecret(secret: string): string {
  const keep = secret.length >= 20 ? 4 : 0;
  return `${secret.slice(0, keep)}…[${secret.length} chars masked]`;
}

/** `text` with every secret in it masked. */
export function maskSecrets(text: string): string {
  const matches = findSecrets(text).sort((a, b) => a.offset - b.offset);
  if (matches.length === 0) return text;
  let result = "";
  let at = 0;
  for (const match of matches) {
    if (match.offset < at) continue;
    result += text.slice(at, match.offset) + maskSecret(text.slice(match.offset, match.offset + match.length));
    at = match.offset + match.length;
  }
  return result + text.slice(at);
}

/** How far around a slice to look for a secret it may cut through (the longest context a pattern needs). */
const MASK_CONTEXT = 512;

/**
 * `text.slice(from, to)` with every secret that overlaps it masked, including secrets whose recognisable context
 * (`scheme://user:` before a password, `AccountKey=`) lies outside the slice.
 */
export function maskedSlice(text: string, from: number, to: number): string {
  const windowStart = Math.max(0, from - MASK_CONTEXT);
  const windowText = text.slice(windowStart, Math.min(text.length, to + MASK_CONTEXT));
  const spans = findSecrets(windowText)
    .map((match) => ({ start: windowStart + match.offset, end: windowStart + match.offset + match.length }))
    .filter((span) => span.end > from && span.start < to)
    .sort((a, b) => a.start - b.start);
  let result = "";
  let at = from;
  for (const span of spans) {
    if (span.end <= at) continue;
    result += text.slice(at, Math.max(at, span.start)) + maskSecret(text.slice(span.start, span.end));
    at = span.end;
  }
  return result + text.slice(Math.min(at, Math.max(at, to)), Math.max(at, to));
}

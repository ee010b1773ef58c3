// The review rules as data: what each rule looks for, how severe a finding is by default, and how a reviewer
// checks it. The detectors (python-rules.ts, shell-rules.ts, r-julia.ts, html.ts, secrets.ts, text-checks.ts,
// hidden-content.ts, url-rule.ts) report against these ids; the CLI, SARIF output and docs/cli.md's rules table
// read this list.

import type { Severity } from "./types.ts";

export interface Rule {
  id: string;
  severity: Severity;
  title: string;
  /** What it finds, one sentence. */
  description: string;
  /** How to check a finding of this rule. */
  check: string;
}

export const RULES: readonly Rule[] = Object.freeze([
  {
    id: "file-unreadable",
    severity: "high",
    title: "File could not be read",
    description:
      "The file is not a readable notebook or text file (bad JSON, bad UTF-8, over a limit), so nothing in " +
      "it was reviewed; or one piece of code in it is beyond what its language allows and was not reviewed.",
    check: "Open the file at the reported place; a notebook that Jupyter cannot read either should not be trusted.",
  },
  {
    id: "active-markdown",
    severity: "high",
    title: "Active content in markdown",
    description:
      "Markdown holds HTML the sanitizer removes because it can act: scripts, event handlers, javascript: URLs, frames, forms, SVG.",
    check: "Read the cell's source: ordinary documentation never needs script, handlers or frames in markdown.",
  },
  {
    id: "active-output",
    severity: "low",
    title: "Active content in an output",
    description:
      "An output carries script, event handlers, frames, forms or javascript: URLs; it runs only in its sandboxed frame.",
    check:
      "Plotting and widget libraries emit script; check that the output came from such a library and not from text written to look like one.",
  },
  {
    id: "markup-injection",
    severity: "high",
    title: "Markup where there should be none",
    description:
      "HTML with script, handlers or frames in notebook or cell metadata (title, tags, widget state), raw " +
      "cells, image payloads or output metadata: aimed at renderers that insert these fields unescaped.",
    check: "Look at the field in the file itself: a title, tag or image never needs HTML, let alone script.",
  },
  {
    id: "css-escape",
    severity: "medium",
    title: "CSS positioned outside its box",
    description:
      "A style attribute uses fixed or absolute positioning with offsets, or a huge z-index: content that could cover or imitate the page around it.",
    check: "See where the element would be drawn; content that overlays buttons or notices is a spoofing attempt.",
  },
  {
    id: "url-verdict",
    severity: "medium",
    title: "Link or image the URL check stops",
    description:
      "A link or image that the studio's URL check blocks (application schemes, private addresses, the " +
      "studio's own API, blocklists) or asks about (external applications, confusable hosts).",
    check: "Read the full URL: where it really points, and whether the notebook needs it at all.",
  },
  {
    id: "shell-exec",
    severity: "medium",
    title: "Shell escape or process execution",
    description:
      "Code runs other programs: `!cmd`, `%%bash`, `%system`, subprocess, os.system, pty, R system(), Julia run().",
    check: "Read every command it runs and what the command does with files and the network.",
  },
  {
    id: "package-install",
    severity: "low",
    title: "Package installation",
    description: "Packages are installed by name from a package index (pip, conda, install.packages, Pkg.add).",
    check: "Check each package name for typos of well-known packages and that the versions are expected.",
  },
  {
    id: "download-exec",
    severity: "high",
    title: "Download and execute",
    description:
      "Code fetched from the network is run: `curl ... | sh`, pip install from a URL or git, wget then chmod +x, remote %run, exec of a downloaded text.",
    check:
      "Fetch the URL yourself without running it and read what it would run; prefer a pinned package from the index.",
  },
  {
    id: "dynamic-code",
    severity: "medium",
    title: "Dynamic code",
    description:
      "Code built or decoded at run time is executed or deserialized: eval, exec, compile, pickle.loads, " +
      "marshal, __import__; high when decoded from base64 or hex first.",
    check: "Find out what string or bytes reach the call; decode any encoded data without running it.",
  },
  {
    id: "credential-access",
    severity: "high",
    title: "Credential access",
    description:
      "Code reads credential stores (~/.aws, ~/.ssh, ~/.azure, ~/.kube, ~/.netrc, ~/.git-credentials, " +
      "browser profiles), asks for access tokens, or calls cloud metadata and managed-identity endpoints.",
    check: "A notebook about data has no reason to read these; find where what it reads is sent.",
  },
  {
    id: "secret-env",
    severity: "medium",
    title: "Secret read from the environment",
    description:
      "Code reads environment variables named like tokens, keys, secrets or passwords, or the whole environment.",
    check: "Check that the value is only passed to the service it is meant for and never printed or sent elsewhere.",
  },
  {
    id: "data-exfiltration",
    severity: "medium",
    title: "Data leaving the machine",
    description:
      "Code sends data out: HTTP POST/PUT, raw sockets, mail or FTP, DNS lookups built from data, to hosts the notebook does not link to.",
    check: "Find what data is sent and to which host; the host should be one the notebook documents.",
  },
  {
    id: "encoded-blob",
    severity: "medium",
    title: "Long encoded blob in code",
    description: "A long base64 or hex string in code: a common way to hide a payload from a reader.",
    check: "Decode it without running it and read what it contains.",
  },
  {
    id: "trojan-source",
    severity: "high",
    title: "Invisible or bidirectional control characters",
    description:
      "Zero-width or bidi control characters in code make it read differently from how it runs (Trojan Source).",
    check: "View the cell with control characters shown, or in a hex viewer.",
  },
  {
    id: "homoglyph-identifier",
    severity: "high",
    title: "Look-alike identifier",
    description:
      "An identifier mixes letters of different scripts (a Cyrillic `а` in `pаssword`): it looks like one name and is another.",
    check: "Compare the identifier's code points with the name it imitates.",
  },
  {
    id: "hidden-cell",
    severity: "medium",
    title: "Hidden cell",
    description:
      "Cell metadata hides the cell's code or outputs in Jupyter (source_hidden, outputs_hidden, hide_input, jupyter.hide).",
    check: "Read the hidden cell in full: hiding code from a reader is not needed to show results.",
  },
  {
    id: "hidden-code",
    severity: "medium",
    title: "Code outside code cells",
    description: "Code sits where a reader does not look: in a raw cell, or in notebook or cell metadata.",
    check: "Read it; code in metadata runs only through an extension that looks for it.",
  },
  {
    id: "secret",
    severity: "high",
    title: "Secret in the file",
    description:
      "The file itself contains a credential: a cloud key, token, private key, connection string or password in a URL (shown masked).",
    check: "Revoke the credential; a shared notebook must not carry one.",
  },
] satisfies Rule[]);

const BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));

export function ruleById(id: string): Rule {
  const rule = BY_ID.get(id);
  if (rule === undefined) throw new Error(`unknown scan rule ${id}`);
  return rule;
}

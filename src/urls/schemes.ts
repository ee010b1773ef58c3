// Schemes by what they do. Anything with a scheme that is not web, mail, data or attachment opens an external
// application, and a person is asked first, unless the scheme is on the hard deny list.

/** Schemes the browser itself acts on (script, local files, in-memory objects, browser internals): never allowed. */
export const BROWSER_SCHEMES: ReadonlySet<string> = new Set([
  "javascript", "vbscript", "livescript", "mocha", "data", "file", "blob", "filesystem", "about", "view-source",
  "chrome", "chrome-extension", "chrome-untrusted", "devtools", "edge", "moz-extension", "resource", "jar",
  "wyciwyg", "intent", "android-app", "content", "ws", "wss",
]);

/**
 * External application schemes that are refused outright. Chromium keeps such a list (its external protocol
 * handler denies afp, disk(s), file, hcp, ie.http, javascript, ms-help, nntp, res, shell, vbscript, view-source,
 * vnd.ms.radio); the rest are Windows handlers abused for code execution or credential leaks (Follina's ms-msdt,
 * search-ms, ms-officecmd, ms-appinstaller, smb/NTLM).
 */
export const DENIED_SCHEMES: ReadonlySet<string> = new Set([
  "afp", "disk", "disks", "hcp", "help", "ie.http", "ms-help", "nntp", "res", "shell", "vnd.ms.radio",
  "ms-msdt", "msdt", "search-ms", "search", "ms-search", "ms-officecmd", "ms-appinstaller", "ms-cxh", "ms-cxh-full",
  "ms-its", "mk", "its", "mhtml", "smb", "cifs", "nfs", "ldap", "ldaps", "jnlp", "telnet", "rlogin", "tn3270",
  "ms-settings", "ms-excel-file", "microsoft-edge", "ms-word-file", "ms-powerpoint-file", "ms-distributed-transaction-coordinator",
  "ms-gamingoverlay", "ms-screenclip", "ms-calculator", "x-apple-systempreferences", "gopher",
]);

/** Names people recognise for common application schemes. Unknown schemes are named by the scheme itself. */
export const APPLICATION_NAMES: Readonly<Record<string, string>> = Object.freeze({
  mailto: "your email program",
  tel: "your phone app",
  sms: "your messaging app",
  callto: "your phone app",
  facetime: "FaceTime",
  vscode: "Visual Studio Code",
  "vscode-insiders": "Visual Studio Code Insiders",
  vscodium: "VSCodium",
  cursor: "Cursor",
  jetbrains: "JetBrains Toolbox",
  "x-github-client": "GitHub Desktop",
  "github-windows": "GitHub Desktop",
  sourcetree: "Sourcetree",
  "ms-excel": "Microsoft Excel",
  "ms-word": "Microsoft Word",
  "ms-powerpoint": "Microsoft PowerPoint",
  "ms-teams": "Microsoft Teams",
  msteams: "Microsoft Teams",
  onenote: "Microsoft OneNote",
  zoommtg: "Zoom",
  zoomus: "Zoom",
  slack: "Slack",
  discord: "Discord",
  tg: "Telegram",
  whatsapp: "WhatsApp",
  skype: "Skype",
  webex: "Webex",
  spotify: "Spotify",
  steam: "Steam",
  magnet: "a torrent program",
  irc: "an IRC client",
  ircs: "an IRC client",
  xmpp: "a chat program",
  matrix: "a Matrix client",
  ssh: "an SSH client",
  sftp: "an SFTP client",
  ftp: "an FTP client",
  git: "a Git client",
  "git+ssh": "a Git client",
  notion: "Notion",
  obsidian: "Obsidian",
  figma: "Figma",
  zotero: "Zotero",
  rstudio: "RStudio",
  "x-apple.systempreferences": "System Settings",
  itms: "the App Store",
  "itms-apps": "the App Store",
  maps: "your maps app",
  geo: "your maps app",
  webcal: "your calendar",
  bitcoin: "a Bitcoin wallet",
  ethereum: "an Ethereum wallet",
});

export function applicationName(scheme: string): string {
  return APPLICATION_NAMES[scheme] ?? `the "${scheme}" application`;
}

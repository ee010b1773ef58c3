/**
 * What a sandbox sees of /etc. An allowlist, never the whole folder: /etc holds host secrets and identity
 * (shadow, ssh keys, ssl/private, pip.conf/npmrc/gitconfig with tokens, machine-id, the server's own config), so
 * only files that programs need to run, format text, verify TLS and find fonts are bound, read-only, and only when
 * they exist. Account and name files are written for the sandbox instead of shared.
 */
export const ETC_READ_ONLY: readonly string[] = [
  "/etc/alternatives", // Debian's command alternatives: symlinks into /usr
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/localtime",
  "/etc/timezone",
  "/etc/nsswitch.conf",
  "/etc/host.conf",
  "/etc/gai.conf",
  "/etc/protocols",
  "/etc/services",
  "/etc/mime.types",
  "/etc/ssl/certs", // public CA certificates only: /etc/ssl/private is never bound
  "/etc/ssl/openssl.cnf",
  "/etc/ca-certificates.conf",
  "/etc/fonts",
  "/etc/matplotlibrc",
  "/etc/python3",
  "/etc/python3.11",
  "/etc/python3.12",
  "/etc/python3.13",
  "/etc/R",
  "/etc/debian_version",
  "/etc/os-release",
  "/etc/terminfo",
  "/etc/inputrc",
  "/etc/magic",
];

export const SANDBOX_USER = "kernel";
export const SANDBOX_HOSTNAME = "vitrine-kernel";

/** /etc/passwd, /etc/group and /etc/hosts of a sandbox whose user has `uid` (as seen inside). */
export function generatedEtcFiles(uid: number, home: string): { path: string; text: string }[] {
  return [
    { path: "/etc/passwd", text: `${SANDBOX_USER}:x:${uid}:${uid}:Vitrine kernel:${home}:/usr/sbin/nologin\n` },
    { path: "/etc/group", text: `${SANDBOX_USER}:x:${uid}:\n` },
    {
      path: "/etc/hosts",
      text: `127.0.0.1\tlocalhost ${SANDBOX_HOSTNAME}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
    },
  ];
}

// The studio's settings: one table says, for each setting, its flag, its environment variable, its default and
// how it is read. The settings table in docs/configuration.md mirrors SETTINGS; `vitrine serve --help` prints it.

import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { defaultPoolSize } from "../threads/worker-pool.ts";
import { DEFAULT_KERNEL_LIMITS } from "../kernels/kernel-manager.ts";
import { DEFAULT_OUTPUT_LIMITS } from "../kernels/outputs.ts";
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from "../kernels/sandbox-limits.ts";
import { DEFAULT_EGRESS_LIMITS } from "./egress-proxy.ts";

export interface ServerConfig {
  /** Public URL of the app origin (the UI and /api). */
  appUrl: URL;
  /** Public URL of the content origin (frames, image proxy); must be a different site from appUrl. */
  contentUrl: URL;
  appHost: string;
  appPort: number;
  contentHost: string;
  contentPort: number;
  dataDir: string;
  databaseUrl: string;
  /** Largest single uploaded file, in bytes. */
  maxUploadBytes: number;
  /** Most bytes of all files in one upload request together (the files are held in memory until all are checked). */
  maxUploadTotalBytes: number;
  /** Most files in one upload request. */
  maxFilesPerUpload: number;
  /** Worker threads that check, review and render files (src/server/file-jobs.ts). */
  fileWorkers: number;
  /** Time one file's job may take (check, review and head together) before its worker is ended. */
  fileJobSeconds: number;
  /** Heap one file's job may use (V8's old generation of its worker) before its worker is ended. */
  fileJobMemoryMb: number;
  sessionIdleSeconds: number;
  sessionAbsoluteSeconds: number;
  /** Failed sign-ins per account, and per client address, within loginWindowSeconds before sign-in is refused. */
  loginFailuresPerAccount: number;
  loginFailuresPerAddress: number;
  loginWindowSeconds: number;
  /** Requests per minute per client for sign-in, per user for uploads and for URL checks. */
  loginRequestsPerMinute: number;
  uploadRequestsPerMinute: number;
  urlCheckRequestsPerMinute: number;
  /** Searches of a workspace's files per minute per user (the search box asks as the person types). */
  searchRequestsPerMinute: number;
  /** Key for signed, short-lived URLs (image proxy); generated into the data directory when not given. */
  signingKey: Buffer;
  /**
   * Keys signing used before the current one, still accepted for what they signed until it expires: how the
   * signing key is rotated without breaking images already on screen.
   */
  previousSigningKeys: Buffer[];
  /**
   * Loopback host:port pairs the image proxy may fetch from and the URL check lets through, e.g. a local test
   * server. Empty by default: images from this machine are refused like every other private address.
   */
  imageAllowLoopback: string[];
  /**
   * Whether images on other sites are fetched through the content origin's proxy ("allow", the default), or not
   * at all ("block"): for a studio that must reach no other machine, such as one on an isolated network, and for
   * the test suite. Loopback pairs of imageAllowLoopback are still reached. The words are `vitrine render`'s.
   */
  remoteImages: "allow" | "block";
  /** Trust X-Forwarded-For from a reverse proxy for the client address. */
  trustProxy: boolean;
  /** The RFC 9116 Contact URI; defaults to the studio's own copy of SECURITY.md. */
  securityContact: string;
  /** Kernelspec names the studio may start (src/kernels/kernelspecs.ts); "all" for every one installed. */
  kernels: string[] | "all";
  kernelsPerUser: number;
  kernelsPerServer: number;
  /** Minutes a kernel may sit idle before it is shut down; 0 keeps idle kernels. */
  kernelIdleMinutes: number;
  /** Seconds between an editor's automatic saves of a notebook with changes; 0 saves only when asked. */
  autosaveSeconds: number;
  /** Each kernel's sandbox limits (src/kernels/sandbox-limits.ts, docs/kernel-sandbox.md). */
  kernelLimits: SandboxLimits;
  /** Output one cell's run may keep, in MiB; past it outputs are cut with a note. */
  kernelOutputMb: number;
  /** Runs kernels without bubblewrap, for hosts that cannot make namespaces. Never the default; logged loudly. */
  unsafeKernelsWithoutSandbox: boolean;
  /** Ports kernels may reach through the egress proxy when their workspace allows network. */
  egressPorts: number[];
  /** Bytes one kernel may move through the egress proxy, both ways together. */
  egressBytesPerKernel: number;
  logLevel: string;
}

/**
 * A file's job on the server: the largest corpus notebooks are checked, reviewed and given a head in well under a
 * second and 200 MB, so these leave room for large honest notebooks on a slow machine.
 */
export const DEFAULT_FILE_JOB_SECONDS = 30;
export const DEFAULT_FILE_JOB_MEMORY_MB = 1024;

interface Setting {
  key:
    | Exclude<keyof ServerConfig, "kernelLimits">
    | "signingKeyFile"
    | "previousSigningKeyFiles"
    | "kernelMemoryMb"
    | "kernelCpuSeconds"
    | "kernelProcesses"
    | "kernelOpenFiles"
    | "kernelScratchMb"
    | "kernelTmpMb";
  flag: string;
  env: string;
  default: string;
  help: string;
}

/** Every setting; order is the order of the table in docs/configuration.md and of `vitrine serve --help`. */
export const SETTINGS: readonly Setting[] = [
  {
    key: "appUrl",
    flag: "--app-url",
    env: "VITRINE_APP_URL",
    default: "http://localhost:8080",
    help: "public URL of the app origin",
  },
  {
    key: "contentUrl",
    flag: "--content-url",
    env: "VITRINE_CONTENT_URL",
    default: "http://127.0.0.1:8081",
    help: "public URL of the content origin (another site)",
  },
  {
    key: "appHost",
    flag: "--app-host",
    env: "VITRINE_APP_HOST",
    default: "localhost",
    help: "address the app origin listens on",
  },
  {
    key: "appPort",
    flag: "--app-port",
    env: "VITRINE_APP_PORT",
    default: "8080",
    help: "port the app origin listens on",
  },
  {
    key: "contentHost",
    flag: "--content-host",
    env: "VITRINE_CONTENT_HOST",
    default: "127.0.0.1",
    help: "address the content origin listens on",
  },
  {
    key: "contentPort",
    flag: "--content-port",
    env: "VITRINE_CONTENT_PORT",
    default: "8081",
    help: "port the content origin listens on",
  },
  {
    key: "dataDir",
    flag: "--data-dir",
    env: "VITRINE_DATA_DIR",
    default: "./data",
    help: "files, database and generated secrets",
  },
  {
    key: "databaseUrl",
    flag: "--database-url",
    env: "VITRINE_DATABASE_URL",
    default: "sqlite:DATA_DIR/vitrine.db",
    help: "database; sqlite:PATH is the embedded default",
  },
  {
    key: "maxUploadBytes",
    flag: "--max-upload-bytes",
    env: "VITRINE_MAX_UPLOAD_BYTES",
    default: String(50 * 1024 * 1024),
    help: "largest uploaded file in bytes",
  },
  {
    key: "maxUploadTotalBytes",
    flag: "--max-upload-total-bytes",
    env: "VITRINE_MAX_UPLOAD_TOTAL_BYTES",
    default: String(200 * 1024 * 1024),
    help: "most bytes in one upload, all files together",
  },
  {
    key: "maxFilesPerUpload",
    flag: "--max-files-per-upload",
    env: "VITRINE_MAX_FILES_PER_UPLOAD",
    default: "100",
    help: "most files in one upload",
  },
  {
    key: "fileWorkers",
    flag: "--file-workers",
    env: "VITRINE_FILE_WORKERS",
    default: "auto",
    help: "worker threads that check, review and render files; auto: one per core, 2 to 4",
  },
  {
    key: "fileJobSeconds",
    flag: "--file-job-seconds",
    env: "VITRINE_FILE_JOB_SECONDS",
    default: String(DEFAULT_FILE_JOB_SECONDS),
    help: "time one file's check, review and head may take before it is stopped",
  },
  {
    key: "fileJobMemoryMb",
    flag: "--file-job-memory-mb",
    env: "VITRINE_FILE_JOB_MEMORY_MB",
    default: String(DEFAULT_FILE_JOB_MEMORY_MB),
    help: "heap in MB one file's check, review and head may use before it is stopped",
  },
  {
    key: "sessionIdleSeconds",
    flag: "--session-idle-seconds",
    env: "VITRINE_SESSION_IDLE_SECONDS",
    default: String(2 * 3600),
    help: "a session unused this long ends",
  },
  {
    key: "sessionAbsoluteSeconds",
    flag: "--session-absolute-seconds",
    env: "VITRINE_SESSION_ABSOLUTE_SECONDS",
    default: String(24 * 3600),
    help: "a session ends this long after sign-in",
  },
  {
    key: "loginFailuresPerAccount",
    flag: "--login-failures-per-account",
    env: "VITRINE_LOGIN_FAILURES_PER_ACCOUNT",
    default: "5",
    help: "failed sign-ins per account before it is throttled",
  },
  {
    key: "loginFailuresPerAddress",
    flag: "--login-failures-per-address",
    env: "VITRINE_LOGIN_FAILURES_PER_ADDRESS",
    default: "20",
    help: "failed sign-ins per client address before it is throttled",
  },
  {
    key: "loginWindowSeconds",
    flag: "--login-window-seconds",
    env: "VITRINE_LOGIN_WINDOW_SECONDS",
    default: "900",
    help: "window in which failed sign-ins count",
  },
  {
    key: "loginRequestsPerMinute",
    flag: "--login-requests-per-minute",
    env: "VITRINE_LOGIN_REQUESTS_PER_MINUTE",
    default: "30",
    help: "sign-in requests per minute per client address",
  },
  {
    key: "uploadRequestsPerMinute",
    flag: "--upload-requests-per-minute",
    env: "VITRINE_UPLOAD_REQUESTS_PER_MINUTE",
    default: "60",
    help: "upload requests per minute per user",
  },
  {
    key: "urlCheckRequestsPerMinute",
    flag: "--url-check-requests-per-minute",
    env: "VITRINE_URL_CHECK_REQUESTS_PER_MINUTE",
    default: "120",
    help: "URL-check requests per minute per user",
  },
  {
    key: "searchRequestsPerMinute",
    flag: "--search-requests-per-minute",
    env: "VITRINE_SEARCH_REQUESTS_PER_MINUTE",
    default: "120",
    help: "searches of a workspace's files per minute per user",
  },
  {
    key: "signingKeyFile",
    flag: "--signing-key-file",
    env: "VITRINE_SIGNING_KEY_FILE",
    default: "DATA_DIR/secrets/signing.key",
    help: "key for signed URLs; generated (mode 0600) when missing",
  },
  {
    key: "imageAllowLoopback",
    flag: "--image-allow-loopback",
    env: "VITRINE_IMAGE_ALLOW_LOOPBACK",
    default: "",
    help: "comma-separated loopback host:port pairs images, and kernels allowed network, may reach (tests, local development); none by default",
  },
  {
    key: "remoteImages",
    flag: "--remote-images",
    env: "VITRINE_REMOTE_IMAGES",
    default: "allow",
    help: "allow: images on other sites come through the content origin's proxy; block: they are never fetched (an isolated network)",
  },
  {
    key: "previousSigningKeyFiles",
    flag: "--previous-signing-key-files",
    env: "VITRINE_PREVIOUS_SIGNING_KEY_FILES",
    default: "",
    help: "comma-separated key files signing used before; still verified, never used to sign (key rotation)",
  },
  {
    key: "trustProxy",
    flag: "--trust-proxy",
    env: "VITRINE_TRUST_PROXY",
    default: "false",
    help: "take the client address from X-Forwarded-For",
  },
  {
    key: "securityContact",
    flag: "--security-contact",
    env: "VITRINE_SECURITY_CONTACT",
    default: "APP_URL/SECURITY.md",
    help: "Contact URI in /.well-known/security.txt",
  },
  {
    key: "kernels",
    flag: "--kernels",
    env: "VITRINE_KERNELS",
    default: "python3",
    help: "kernelspec names the studio may start, comma-separated, or all",
  },
  {
    key: "kernelsPerUser",
    flag: "--kernels-per-user",
    env: "VITRINE_KERNELS_PER_USER",
    default: String(DEFAULT_KERNEL_LIMITS.perUser),
    help: "kernels one user may have running at once",
  },
  {
    key: "kernelsPerServer",
    flag: "--kernels-per-server",
    env: "VITRINE_KERNELS_PER_SERVER",
    default: String(DEFAULT_KERNEL_LIMITS.perServer),
    help: "kernels the server runs at once",
  },
  {
    key: "kernelIdleMinutes",
    flag: "--kernel-idle-minutes",
    env: "VITRINE_KERNEL_IDLE_MINUTES",
    default: String(DEFAULT_KERNEL_LIMITS.idleCullMs / 60_000),
    help: "minutes a kernel may sit idle before it is shut down; 0 keeps them",
  },
  {
    key: "autosaveSeconds",
    flag: "--autosave-seconds",
    env: "VITRINE_AUTOSAVE_SECONDS",
    default: "30",
    help: "seconds between an editor's automatic saves of a notebook with changes; 0 turns autosave off",
  },
  {
    key: "kernelMemoryMb",
    flag: "--kernel-memory-mb",
    env: "VITRINE_KERNEL_MEMORY_MB",
    default: String(DEFAULT_SANDBOX_LIMITS.memoryMb),
    help: "address space of each kernel process, in MiB",
  },
  {
    key: "kernelCpuSeconds",
    flag: "--kernel-cpu-seconds",
    env: "VITRINE_KERNEL_CPU_SECONDS",
    default: String(DEFAULT_SANDBOX_LIMITS.cpuSeconds),
    help: "CPU time of each kernel process before it is killed",
  },
  {
    key: "kernelProcesses",
    flag: "--kernel-processes",
    env: "VITRINE_KERNEL_PROCESSES",
    default: String(DEFAULT_SANDBOX_LIMITS.processes),
    help: "processes and threads in one kernel's sandbox",
  },
  {
    key: "kernelOpenFiles",
    flag: "--kernel-open-files",
    env: "VITRINE_KERNEL_OPEN_FILES",
    default: String(DEFAULT_SANDBOX_LIMITS.openFiles),
    help: "open files of each kernel process",
  },
  {
    key: "kernelScratchMb",
    flag: "--kernel-scratch-mb",
    env: "VITRINE_KERNEL_SCRATCH_MB",
    default: String(DEFAULT_SANDBOX_LIMITS.scratchMb),
    help: "size of a kernel's writable scratch folder, in MiB",
  },
  {
    key: "kernelTmpMb",
    flag: "--kernel-tmp-mb",
    env: "VITRINE_KERNEL_TMP_MB",
    default: String(DEFAULT_SANDBOX_LIMITS.tmpMb),
    help: "size of each of a kernel's private /tmp, home and /dev/shm, in MiB",
  },
  {
    key: "kernelOutputMb",
    flag: "--kernel-output-mb",
    env: "VITRINE_KERNEL_OUTPUT_MB",
    default: String(DEFAULT_OUTPUT_LIMITS.maxBytes / (1024 * 1024)),
    help: "output one cell's run keeps, in MiB; past it outputs are cut with a note",
  },
  {
    key: "unsafeKernelsWithoutSandbox",
    flag: "--unsafe-kernels-without-sandbox",
    env: "VITRINE_UNSAFE_KERNELS_WITHOUT_SANDBOX",
    default: "false",
    help: "true runs kernels WITHOUT isolation, on hosts where bubblewrap cannot work; never do this with untrusted files",
  },
  {
    key: "egressPorts",
    flag: "--egress-ports",
    env: "VITRINE_EGRESS_PORTS",
    default: DEFAULT_EGRESS_LIMITS.ports.join(","),
    help: "ports kernels may reach through the egress proxy, when their workspace allows network",
  },
  {
    key: "egressBytesPerKernel",
    flag: "--egress-bytes-per-kernel",
    env: "VITRINE_EGRESS_BYTES_PER_KERNEL",
    default: String(DEFAULT_EGRESS_LIMITS.bytesPerKernel),
    help: "bytes one kernel may move through the egress proxy",
  },
  {
    key: "logLevel",
    flag: "--log-level",
    env: "VITRINE_LOG_LEVEL",
    default: "info",
    help: "fatal, error, warn, info, debug or silent",
  },
];

/** A setting with a bad value; the message names the flag and the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const SETTINGS_HELP = SETTINGS.map(
  (s) => `  ${`${s.flag} VALUE`.padEnd(36)} ${s.env}; ${s.help} (default ${s.default})`,
).join("\n");

/** Reads settings from flags (highest), then the environment, then defaults. Creates the data directory. */
export function loadConfig(
  flags: Readonly<Record<string, string | undefined>>,
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const raw = (key: Setting["key"]): { value: string; from: string } => {
    const setting = SETTINGS.find((s) => s.key === key);
    if (!setting) throw new Error(`no setting ${key}`);
    const fromFlag = flags[setting.flag.slice(2)];
    if (fromFlag !== undefined) return { value: fromFlag, from: setting.flag };
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, from: setting.env };
    return { value: setting.default, from: `default of ${setting.flag}` };
  };
  const integer = (key: Setting["key"], min: number, max: number): number => {
    const { value, from } = raw(key);
    if (!/^\d+$/.test(value)) throw new ConfigError(`${from}: "${value}" is not a whole number`);
    const n = Number(value);
    if (n < min || n > max) throw new ConfigError(`${from}: ${n} is outside ${min}..${max}`);
    return n;
  };
  const origin = (key: "appUrl" | "contentUrl"): URL => {
    const { value, from } = raw(key);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(`${from}: "${value}" is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new ConfigError(`${from}: only http and https URLs can serve the studio`);
    if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
      throw new ConfigError(`${from}: give an origin only (scheme, host and port), without path, query or credentials`);
    }
    return url;
  };

  const dataDir = resolve(raw("dataDir").value);
  const appUrl = origin("appUrl");
  const contentUrl = origin("contentUrl");
  // Two names on one site (a.example and b.example) would share cookies set for the site and count as same-site
  // for SameSite and Sec-Fetch-Site; only a different host name keeps the content origin out of the app's site.
  if (appUrl.hostname === contentUrl.hostname) {
    throw new ConfigError(
      `--app-url and --content-url must have different host names (now both ${appUrl.hostname}): the content origin must be another site`,
    );
  }
  const logLevel = raw("logLevel").value;
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(logLevel))
    throw new ConfigError(`--log-level: "${logLevel}" is not a level`);
  const remoteImages = raw("remoteImages");
  if (remoteImages.value !== "allow" && remoteImages.value !== "block")
    throw new ConfigError(`${remoteImages.from}: give allow or block, not "${remoteImages.value}"`);
  const trustProxy = raw("trustProxy");
  if (!["true", "false"].includes(trustProxy.value)) throw new ConfigError(`${trustProxy.from}: give true or false`);
  const unsafeKernels = raw("unsafeKernelsWithoutSandbox");
  if (!["true", "false"].includes(unsafeKernels.value))
    throw new ConfigError(`${unsafeKernels.from}: give true or false`);
  const kernels = raw("kernels").value.trim();
  const egressPorts = raw("egressPorts");
  const ports = egressPorts.value.split(",").map((port) => port.trim());
  if (ports.some((port) => !/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535))
    throw new ConfigError(
      `${egressPorts.from}: give ports from 1 to 65535, comma-separated (now "${egressPorts.value}")`,
    );

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const databaseUrl = raw("databaseUrl").value.replace("DATA_DIR", dataDir);
  const signingKeyFile = resolve(raw("signingKeyFile").value.replace("DATA_DIR", dataDir));

  return {
    appUrl,
    contentUrl,
    appHost: raw("appHost").value,
    appPort: integer("appPort", 0, 65535),
    contentHost: raw("contentHost").value,
    contentPort: integer("contentPort", 0, 65535),
    dataDir,
    databaseUrl,
    maxUploadBytes: integer("maxUploadBytes", 1, 1024 * 1024 * 1024),
    maxUploadTotalBytes: integer("maxUploadTotalBytes", 1, 16 * 1024 * 1024 * 1024),
    maxFilesPerUpload: integer("maxFilesPerUpload", 1, 10_000),
    fileWorkers: raw("fileWorkers").value === "auto" ? defaultPoolSize() : integer("fileWorkers", 1, 256),
    fileJobSeconds: integer("fileJobSeconds", 1, 24 * 3600),
    fileJobMemoryMb: integer("fileJobMemoryMb", 64, 1024 * 1024),
    sessionIdleSeconds: integer("sessionIdleSeconds", 60, 365 * 86400),
    sessionAbsoluteSeconds: integer("sessionAbsoluteSeconds", 60, 365 * 86400),
    loginFailuresPerAccount: integer("loginFailuresPerAccount", 1, 1000),
    loginFailuresPerAddress: integer("loginFailuresPerAddress", 1, 100_000),
    loginWindowSeconds: integer("loginWindowSeconds", 1, 86400),
    loginRequestsPerMinute: integer("loginRequestsPerMinute", 1, 100_000),
    uploadRequestsPerMinute: integer("uploadRequestsPerMinute", 1, 100_000),
    urlCheckRequestsPerMinute: integer("urlCheckRequestsPerMinute", 1, 100_000),
    searchRequestsPerMinute: integer("searchRequestsPerMinute", 1, 100_000),
    signingKey: loadOrCreateSecret(signingKeyFile),
    previousSigningKeys: raw("previousSigningKeyFiles")
      .value.split(",")
      .map((file) => file.trim())
      .filter((file) => file !== "")
      .map((file) => loadSecret(resolve(file.replace("DATA_DIR", dataDir)))),
    imageAllowLoopback: raw("imageAllowLoopback")
      .value.split(",")
      .map((pair) => pair.trim())
      .filter((pair) => pair !== ""),
    remoteImages: remoteImages.value,
    trustProxy: trustProxy.value === "true",
    securityContact: raw("securityContact").value.replace("APP_URL", appUrl.origin),
    kernels:
      kernels === "all"
        ? "all"
        : kernels
            .split(",")
            .map((name) => name.trim())
            .filter((name) => name !== ""),
    kernelsPerUser: integer("kernelsPerUser", 1, 10_000),
    kernelsPerServer: integer("kernelsPerServer", 1, 100_000),
    kernelIdleMinutes: integer("kernelIdleMinutes", 0, 365 * 24 * 60),
    autosaveSeconds: integer("autosaveSeconds", 0, 24 * 3600),
    kernelLimits: {
      memoryMb: integer("kernelMemoryMb", 64, 1024 * 1024),
      cpuSeconds: integer("kernelCpuSeconds", 1, 365 * 24 * 3600),
      processes: integer("kernelProcesses", 4, 65536),
      openFiles: integer("kernelOpenFiles", 16, 1048576),
      scratchMb: integer("kernelScratchMb", 1, 1024 * 1024),
      tmpMb: integer("kernelTmpMb", 1, 1024 * 1024),
    },
    kernelOutputMb: integer("kernelOutputMb", 1, 1024),
    unsafeKernelsWithoutSandbox: unsafeKernels.value === "true",
    egressPorts: ports.map(Number),
    egressBytesPerKernel: integer("egressBytesPerKernel", 1, Number.MAX_SAFE_INTEGER),
    logLevel,
  };
}

/**
 * A secret kept in a file readable by the server's user alone. Generated once, so that signed URLs stay valid
 * across restarts; a file others can read is refused rather than used, since anyone who reads it can sign.
 */
/** A secret that must already exist, kept as loadOrCreateSecret keeps them. */
export function loadSecret(path: string): Buffer {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ConfigError(`${path}: no such key file`);
    throw error;
  }
  if ((mode & 0o077) !== 0)
    throw new ConfigError(`${path}: the secret is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64url");
  if (key.length < 32) throw new ConfigError(`${path}: the secret is shorter than 32 bytes`);
  return key;
}

export function loadOrCreateSecret(path: string): Buffer {
  try {
    return loadSecret(path);
  } catch (error) {
    if (!(error instanceof ConfigError) || !error.message.endsWith("no such key file")) throw error;
  }
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // "wx": when two starts race, one writes and the other fails instead of replacing a key in use.
  writeFileSync(path, `${key.toString("base64url")}\n`, { flag: "wx", mode: 0o600 });
  chmodSync(path, 0o600);
  return key;
}

// Kernelspecs: where Jupyter looks for them, what a valid kernel.json holds, and which ones the studio offers.
//
// The search order is jupyter_core's `jupyter_path("kernels")` on Linux: $JUPYTER_PATH entries, then the user
// data dir ($JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter) and the Python user
// base's share/jupyter, then {sys.prefix}/share/jupyter when it is not a system dir, then /usr/local/share/jupyter
// and /usr/share/jupyter ($JUPYTER_PREFER_ENV_PATH puts the prefix before the user dirs). The first directory that
// has a kernel of a name wins, as in jupyter_client's KernelSpecManager.

import { readdir, readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import type { JsonObject } from "../notebook/types.ts";
import { KernelError } from "./errors.ts";

export type InterruptMode = "signal" | "message";

export interface KernelSpec {
  /** The directory name, lower-cased: what a notebook's metadata.kernelspec.name refers to. */
  name: string;
  /** The directory holding kernel.json (its resources: logos, kernel.js). */
  dir: string;
  /** The kernel.json file. */
  file: string;
  /** The command; one element contains "{connection_file}". */
  argv: string[];
  displayName: string;
  language: string;
  interruptMode: InterruptMode;
  /** Variables the kernelspec sets. They are passed as written: `${VAR}` is not expanded from the server's
   *  environment, because nothing of that environment may reach a kernel. */
  env: Record<string, string>;
  metadata: JsonObject;
}

export interface KernelSpecDiscovery {
  /** Allowed, valid kernelspecs by name, in search order. */
  specs: KernelSpec[];
  /** One located error per kernel.json that is broken; such a kernelspec is skipped. */
  errors: KernelError[];
}

export interface FindKernelSpecsOptions {
  /** Names the studio offers; "all" offers every valid kernelspec found. Default ["python3"]. */
  allowlist?: readonly string[] | "all";
  /** Search these data dirs instead of Jupyter's (each holds a kernels/ folder). */
  dataDirs?: readonly string[];
  /** The environment the search path is computed from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_KERNEL_ALLOWLIST: readonly string[] = ["python3"];

/** kernel.json files are small; a larger one is refused unread rather than parsed. */
const MAX_KERNEL_JSON_BYTES = 256 * 1024;

const KERNEL_NAME = /^[a-z0-9._-]+$/i;

const SYSTEM_JUPYTER_PATH = ["/usr/local/share/jupyter", "/usr/share/jupyter"];

/** The Python prefix of Debian's python3: its share/jupyter is already a system dir. */
const PYTHON_PREFIX = "/usr";

/** Jupyter's data directories in priority order (jupyter_core paths.jupyter_path on Linux). */
export function jupyterDataDirs(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string[] {
  const dirs: string[] = [];
  if (env.JUPYTER_PATH) {
    for (const entry of env.JUPYTER_PATH.split(path.delimiter)) {
      const trimmed = entry.replace(/\/+$/, "");
      if (trimmed) dirs.push(trimmed);
    }
  }
  const dataDir = env.JUPYTER_DATA_DIR || path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
  const user = [dataDir];
  const userBase = path.join(env.PYTHONUSERBASE || path.join(home, ".local"), "share", "jupyter");
  if (!user.includes(userBase)) user.push(userBase);
  const prefixDir = path.join(PYTHON_PREFIX, "share", "jupyter");
  const prefix = SYSTEM_JUPYTER_PATH.includes(prefixDir) ? [] : [prefixDir];
  const preferEnv = ["1", "true", "yes", "on"].includes((env.JUPYTER_PREFER_ENV_PATH ?? "").toLowerCase());
  dirs.push(...(preferEnv ? [...prefix, ...user] : [...user, ...prefix]));
  dirs.push(...SYSTEM_JUPYTER_PATH);
  return dirs;
}

/** Finds, validates and filters kernelspecs. A broken kernel.json is reported in `errors` and skipped. */
export async function findKernelSpecs(options: FindKernelSpecsOptions = {}): Promise<KernelSpecDiscovery> {
  const allowlist = options.allowlist ?? DEFAULT_KERNEL_ALLOWLIST;
  const dataDirs = options.dataDirs ?? jupyterDataDirs(options.env);
  const specs = new Map<string, KernelSpec>();
  const errors: KernelError[] = [];
  const seen = new Set<string>();
  for (const dataDir of dataDirs) {
    const kernelsDir = path.join(dataDir, "kernels");
    let entries: string[];
    try {
      entries = (await readdir(kernelsDir)).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const name = entry.toLowerCase();
      if (!KERNEL_NAME.test(entry) || seen.has(name)) continue;
      const dir = path.join(kernelsDir, entry);
      const file = path.join(dir, "kernel.json");
      const text = await readKernelJson(file);
      if (text === undefined) continue;
      seen.add(name);
      if (allowlist !== "all" && !allowlist.includes(name)) continue;
      try {
        specs.set(name, parseKernelSpec(name, dir, file, text));
      } catch (error) {
        if (error instanceof KernelError) errors.push(error);
        else throw error;
      }
    }
  }
  return { specs: [...specs.values()], errors };
}

/** The kernelspec of that name, or kernelspec_unknown. */
export function kernelSpecByName(discovery: KernelSpecDiscovery, name: string): KernelSpec {
  const spec = discovery.specs.find((candidate) => candidate.name === name.toLowerCase());
  if (!spec) {
    const broken = discovery.errors.find((error) => path.basename(path.dirname(error.details.file ?? "")) === name);
    if (broken) throw broken;
    throw new KernelError("kernelspec_unknown", `no allowed kernelspec is named "${name}"`);
  }
  return spec;
}

async function readKernelJson(file: string): Promise<string | Buffer | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    if (info.size > MAX_KERNEL_JSON_BYTES) return Buffer.alloc(0);
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Validates one kernel.json's text; throws kernelspec_invalid with the file and the field. */
export function parseKernelSpec(name: string, dir: string, file: string, text: string | Buffer): KernelSpec {
  const fail = (field: string, message: string): never => {
    throw new KernelError("kernelspec_invalid", message, { file, field });
  };
  if (typeof text !== "string") fail("", `kernel.json is larger than ${MAX_KERNEL_JSON_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text as string);
  } catch (error) {
    fail("", `kernel.json is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(json)) return fail("", "kernel.json must hold an object");
  const argv = json.argv;
  if (!Array.isArray(argv) || argv.length === 0) return fail("/argv", "argv must be a non-empty array of strings");
  argv.forEach((arg, index) => {
    if (typeof arg !== "string") fail(`/argv/${index}`, "argv entries must be strings");
  });
  if (!argv.some((arg: string) => arg.includes("{connection_file}"))) {
    fail("/argv", "argv must contain {connection_file}");
  }
  const displayName = json.display_name;
  if (typeof displayName !== "string" || displayName.trim() === "") {
    fail("/display_name", "display_name must be a non-empty string");
  }
  const language = json.language;
  if (typeof language !== "string" || language.trim() === "") fail("/language", "language must be a non-empty string");
  const interruptMode = json.interrupt_mode ?? "signal";
  if (interruptMode !== "signal" && interruptMode !== "message") {
    fail("/interrupt_mode", 'interrupt_mode must be "signal" or "message"');
  }
  const env = json.env ?? {};
  if (!isObject(env)) return fail("/env", "env must be an object of strings");
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== "string") fail(`/env/${escapePointer(key)}`, "env values must be strings");
  }
  const metadata = json.metadata ?? {};
  if (!isObject(metadata)) fail("/metadata", "metadata must be an object");
  return {
    name,
    dir,
    file,
    argv: argv as string[],
    displayName: displayName as string,
    language: language as string,
    interruptMode: interruptMode as InterruptMode,
    env: env as Record<string, string>,
    metadata: metadata as JsonObject,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

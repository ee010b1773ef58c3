// `vitrine serve` as its own process on loopback ports chosen by the system, for tests that need a real server
// process (start-up, crashes, clients that go away): one way to start it and to learn where it listens.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const VITRINE_BIN = fileURLToPath(new URL("../bin/vitrine", import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** The app origin's URL, once the server says it listens; rejected if the process ends first. */
  ready: Promise<string>;
  exited: Promise<number | null>;
  /** Everything the server printed on standard output so far. */
  output(): string;
}

export function spawnServe(
  dataDir: string,
  options: { flags?: string[]; logLevel?: string; stderr?: "pipe" | "inherit" } = {},
): ServeProcess {
  const loopback = ["--app-host", "127.0.0.1", "--app-port", "0", "--content-host", "127.0.0.1", "--content-port", "0"];
  const child = spawn(
    VITRINE_BIN,
    [
      "serve",
      "--data-dir",
      dataDir,
      ...loopback,
      "--log-level",
      options.logLevel ?? "silent",
      // No test sends a packet off this machine: images on other sites are refused before any lookup.
      "--remote-images",
      "block",
      ...(options.flags ?? []),
    ],
    { stdio: ["ignore", "pipe", options.stderr ?? "pipe"] },
  );
  let out = "";
  child.stdout!.on("data", (chunk) => (out += chunk));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", () => {
      const m = /app origin \S+ \(listening on (http:\/\/[^)]+)\)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code} before listening: ${out}`)));
  });
  // A caller that only waits for the exit must not see the rejection as unhandled.
  ready.catch(() => {});
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, ready, exited, output: () => out };
}

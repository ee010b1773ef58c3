// The installed npm packages of the output libraries, found and checked against the pinned versions: the studio's
// content origin serves their files and the export embeds them, both from here.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The installed package is not the version the frame shell asks for: the studio would serve the wrong code. */
export class FrameLibraryVersionError extends Error {
  constructor(library: { package: string; version: string }, installed: string) {
    super(
      `output library ${library.package} is installed at ${installed}, but the frame shell loads ${library.version}; run "npm ci"`,
    );
    this.name = "FrameLibraryVersionError";
  }
}

const require = createRequire(import.meta.url);

/**
 * The package's own folder. Some of these packages export neither `package.json` nor their browser build, so the
 * folder is found from the entry point Node resolves, walking up to the package.json that names the package.
 */
function packageDir(name: string, npmName = name): { dir: string; version: string } {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === npmName && typeof manifest.version === "string") return { dir, version: manifest.version };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`output library ${name} is not installed; run "npm ci"`);
    dir = parent;
  }
}

export function pinnedPackageDir(library: { package: string; version: string; npmName?: string }): string {
  const { dir, version } = packageDir(library.package, library.npmName);
  if (version !== library.version) throw new FrameLibraryVersionError(library, version);
  return dir;
}

/** A file of a pinned library's installed package, as text. */
export function readLibraryFile(library: { package: string; version: string; npmName?: string }, file: string): string {
  return readFileSync(join(pinnedPackageDir(library), file), "utf8");
}

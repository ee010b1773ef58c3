// The studio UI's production build. The app origin serves it under a CSP with no inline script or style and
// Trusted Types enforced, so the build must emit only external, same-origin files: no module-preload polyfill
// (Vite would inline it), no assets inlined as data: URLs, and no eval-based source maps. The output frame shell
// (vite.frame.config.ts) is built with the same rules.
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin, type UserConfig } from "vite";

/**
 * The page loads the app as one classic, deferred script instead of a module script. Chromium keeps compiled code
 * for a classic script in its code cache and uses it on the next visit, which cuts the time from the script's
 * arrival to the app's first line by half or more (measured with `npm run bench:view`); for module scripts it makes
 * a cache and never uses it. A classic script runs at the same moment a module script would (after the document is
 * parsed, in order), and the bundle is an IIFE in strict mode, so nothing leaks into the page's globals.
 *
 * The script is asked for with fetchpriority="high". Chromium gives a deferred script low priority, and its network
 * service holds a low-priority request back while high-priority ones to the same HTTP/1.1 host are in flight: a
 * file's page preloads four API reads (server/page-preloads.ts), so the script, though it comes from the HTTP cache,
 * waited for all four answers (the cache entry was opened some 30 ms after the request in a Chromium trace). The
 * page can do nothing with those answers before its script has run.
 */
function classicDeferredScript(): Plugin {
  return {
    name: "vitrine-classic-deferred-script",
    transformIndexHtml: {
      order: "post",
      handler(html) {
        const tag = /<script type="module" crossorigin src="([^"]+)"><\/script>/g;
        const found = html.match(tag)?.length ?? 0;
        if (found !== 1) throw new Error(`expected one module script in index.html, found ${found}`);
        return html.replace(tag, '<script defer fetchpriority="high" src="$1"></script>');
      },
    },
  };
}

/**
 * Vite runs every dynamic import through its preload helper, which reads `import.meta`; in an IIFE there is none,
 * and with nothing to preload the helper is dropped from the output. Its warning says nothing about the app.
 */
function quietPreloadHelper(
  warning: { code?: string; id?: string; message: string },
  warn: (warning: { message: string }) => void,
): void {
  if (warning.code === "EMPTY_IMPORT_META" && (warning.id ?? warning.message).includes("vite/preload-helper")) return;
  warn(warning);
}

/**
 * A CSP-clean production build of the app under `root`, written to `dist/NAME`, served below `base`. With
 * `classicScript`, the app is one IIFE loaded by a classic deferred script (see classicDeferredScript). A module the
 * app imports dynamically stays in that one file, and runs only when the import() is made (web/markdown-module.ts):
 * an IIFE has no chunks to load, and a second file would be a second request and a second code cache.
 */
export function cspCleanBuild(
  root: string,
  name: string,
  base: string,
  options: { classicScript?: boolean } = {},
): UserConfig {
  return {
    root,
    base,
    publicDir: false,
    plugins: options.classicScript ? [classicDeferredScript()] : [],
    build: {
      outDir: fileURLToPath(new URL(`./dist/${name}`, import.meta.url)),
      emptyOutDir: true,
      target: "es2023",
      // The app's one file has nothing to preload: its dynamic import stays in it (see cspCleanBuild's note).
      modulePreload: options.classicScript ? false : { polyfill: false },
      assetsInlineLimit: 0,
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 4096,
      // One CSS file linked from the page: an IIFE build would otherwise inject its styles from script, which the
      // CSP (no inline style) refuses.
      ...(options.classicScript
        ? {
            cssCodeSplit: false,
            rolldownOptions: { output: { format: "iife" as const, strict: true }, onwarn: quietPreloadHelper },
          }
        : {}),
    },
    oxc: { jsx: { runtime: "automatic" } },
  };
}

export default defineConfig(cspCleanBuild("src/web", "web", "/", { classicScript: true }));

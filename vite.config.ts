// The studio UI's production build. The app origin serves it under a CSP with no inline script or style and
// Trusted Types enforced, so the build must emit only external, same-origin files: no module-preload polyfill
// (Vite would inline it), no assets inlined as data: URLs, and no eval-based source maps. The output frame shell
// (vite.frame.config.ts) is built with the same rules.
import { fileURLToPath } from "node:url";
import { defineConfig, type UserConfig } from "vite";

/** A CSP-clean production build of the app under `root`, written to `dist/NAME`, served below `base`. */
export function cspCleanBuild(root: string, name: string, base: string): UserConfig {
  return {
    root,
    base,
    publicDir: false,
    build: {
      outDir: fileURLToPath(new URL(`./dist/${name}`, import.meta.url)),
      emptyOutDir: true,
      target: "es2023",
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 4096,
    },
    oxc: { jsx: { runtime: "automatic" } },
  };
}

export default defineConfig(cspCleanBuild("src/web", "web", "/"));

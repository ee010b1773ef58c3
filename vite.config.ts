// The studio UI's production build. The app origin serves it under a CSP with no inline script or style and
// Trusted Types enforced, so the build must emit only external, same-origin files: no module-preload polyfill
// (Vite would inline it), no assets inlined as data: URLs, and no eval-based source maps.
import { defineConfig } from "vite";

export default defineConfig({
  root: "src/web",
  base: "/",
  publicDir: false,
  build: {
    outDir: "../../dist/web",
    emptyOutDir: true,
    target: "es2023",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 4096,
  },
  oxc: { jsx: { runtime: "automatic" } },
});

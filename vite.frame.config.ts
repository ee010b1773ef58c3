// The output frame shell's production build, served by the content origin. Its CSP allows the output's inline
// script (the frame is sandboxed into an opaque origin) and the shell itself from 'self': one external module,
// no module-preload polyfill, nothing inlined.
import { defineConfig } from "vite";

export default defineConfig({
  root: "src/web/frame",
  base: "/frame/",
  publicDir: false,
  build: {
    outDir: "../../../dist/frame",
    emptyOutDir: true,
    target: "es2023",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});

// The output frame shell's production build, served by the content origin below /frame/. Its CSP allows the
// output's inline script (the frame is sandboxed into an opaque origin) and the shell itself from 'self'.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { defineConfig } from "vite";
import { cspCleanBuild } from "./vite.config.ts";

const require = createRequire(import.meta.url);
const widgetManagerDir = dirname(require.resolve("@jupyter-widgets/html-manager/package.json"));

export default defineConfig({
  ...cspCleanBuild("src/web/frame", "frame", "/frame/"),
  resolve: {
    // The widget manager's packages each pin jQuery 3 of their own, and the ipywidgets 7 sliders add their jQuery UI
    // plugin to the global jQuery: every import of jQuery in the frame bundle is the manager's one copy, which the
    // widget module also makes the global (widget-output.ts), so the plugin lands where the sliders look for it.
    alias: [{ find: /^jquery$/, replacement: require.resolve("jquery", { paths: [widgetManagerDir] }) }],
  },
});

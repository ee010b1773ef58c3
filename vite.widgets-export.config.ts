// The widget manager for `vitrine render` files (src/web/frame/widget-export-entry.ts): one classic script (an IIFE
// that sets the global `VitrineWidgets`) and one stylesheet, with fixed names, in dist/widgets-export/. The export
// reads both when it writes a file with widget views (src/render/export-widgets.ts) and carries each once, as a
// block whose hash the page's CSP allows; so the script must not add styles at run time (the page allows no style
// text it has not hashed), and the stylesheet is a file of its own.
//
// Fonts: Font Awesome's icons (a Button's `icon`, the v4 names ipywidgets uses) need its font files, and an export
// has nothing to load them from. Its stylesheet keeps only the woff2 of each face, as a data: URL (every browser that
// runs the manager reads woff2), and the export page then allows `font-src data:`. That costs some 225 kB of the
// file (solid, regular and brands faces in base64) for a file with widgets, against icons drawn as empty boxes:
// a widget's icon is often all its button says. The other formats (eot, woff, ttf, svg) are dropped.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const require = createRequire(import.meta.url);
const widgetManagerDir = dirname(require.resolve("@jupyter-widgets/html-manager/package.json"));

export const WIDGETS_EXPORT_SCRIPT = "vitrine-widgets.js";
export const WIDGETS_EXPORT_STYLESHEET = "vitrine-widgets.css";

/** Each @font-face keeps one source, its woff2 as a data: URL; a face with none is dropped. */
function woff2FontsOnly(): Plugin {
  return {
    name: "vitrine-woff2-fonts-only",
    enforce: "post",
    generateBundle(_options, bundle) {
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type !== "asset") continue;
        if (/\.(eot|woff|ttf|svg)$/.test(name)) {
          delete bundle[name];
          continue;
        }
        if (!name.endsWith(".css")) continue;
        const css = typeof file.source === "string" ? file.source : new TextDecoder().decode(file.source);
        file.source = css.replace(/@font-face\s*\{[^}]*\}/g, (rule) => {
          const woff2 = /url\((["']?)(data:font\/woff2;base64,[^)"']+)\1\)/.exec(rule)?.[2];
          if (woff2 === undefined) return "";
          // Font Awesome's faces end with their `src` declarations: the ones before are kept as they are.
          const before = rule.slice(rule.indexOf("{") + 1, rule.search(/\bsrc\s*:/));
          const declarations = before.split(";").filter((declaration) => declaration.trim() !== "");
          return `@font-face{${[...declarations, `src:url(${woff2}) format("woff2")`].join(";")}}`;
        });
        const left = /url\((?!["']?data:)[^)]*\)/.exec(file.source);
        if (left !== null) throw new Error(`the widget stylesheet still refers to a file: ${left[0]}`);
      }
    },
  };
}

export default defineConfig({
  publicDir: false,
  plugins: [woff2FontsOnly()],
  resolve: {
    // One jQuery for the manager and the jQuery UI slider plugin, as in the frame bundle (vite.frame.config.ts).
    alias: [{ find: /^jquery$/, replacement: require.resolve("jquery", { paths: [widgetManagerDir] }) }],
  },
  build: {
    outDir: fileURLToPath(new URL("./dist/widgets-export", import.meta.url)),
    emptyOutDir: true,
    target: "es2023",
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 8192,
    // Fonts become data: URLs (woff2 only: see woff2FontsOnly); nothing else is an asset.
    assetsInlineLimit: (file) => file.endsWith(".woff2"),
    cssCodeSplit: false,
    rolldownOptions: {
      onwarn(warning, warn) {
        // JupyterLab's page config reads a config file with `eval('require')` only where `process` exists, that is
        // under Node; in a frame that branch never runs, and the page's CSP has no 'unsafe-eval' in any case.
        if (warning.code === "EVAL" && (warning.id ?? "").includes("@jupyterlab/coreutils/lib/pageconfig.js")) return;
        warn(warning);
      },
    },
    lib: {
      entry: fileURLToPath(new URL("./src/web/frame/widget-export-entry.ts", import.meta.url)),
      formats: ["iife"],
      name: "VitrineWidgetsBuild",
      fileName: () => WIDGETS_EXPORT_SCRIPT,
      cssFileName: WIDGETS_EXPORT_STYLESHEET.replace(/\.css$/, ""),
    },
  },
});

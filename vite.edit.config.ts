// The studio UI for edit addresses (`?edit=1`): the same app with the notebook editor registered
// (src/web/main-edit.tsx, src/web/editor-slot.ts). A bundle of its own, so that readers never load CodeMirror;
// the server answers edit addresses with this build's page, and serves both builds' assets. The page is the app's
// own index.html with its entry swapped, so the two pages cannot drift apart.
import { defineConfig, type Plugin } from "vite";
import { cspCleanBuild } from "./vite.config.ts";

function editEntry(): Plugin {
  return {
    name: "vitrine-edit-entry",
    transformIndexHtml: {
      order: "pre",
      handler(html) {
        const entry = '<script type="module" src="./main.tsx"></script>';
        if (!html.includes(entry)) throw new Error("src/web/index.html no longer loads ./main.tsx as its entry");
        return html.replace(entry, '<script type="module" src="./main-edit.tsx"></script>');
      },
    },
  };
}

const build = cspCleanBuild("src/web", "web-edit", "/", { classicScript: true });
export default defineConfig({ ...build, plugins: [editEntry(), ...(build.plugins ?? [])] });

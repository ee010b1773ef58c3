// The studio UI for edit addresses (`?edit=1`): the same app with the notebook editor registered
// (src/web/edit/main-edit.tsx, src/web/editor-slot.ts). A bundle of its own, so that readers never load CodeMirror;
// the server answers edit addresses with this build's page, and serves both builds' assets.
import { defineConfig } from "vite";
import { cspCleanBuild } from "./vite.config.ts";

export default defineConfig(cspCleanBuild("src/web/edit", "web-edit", "/", { classicScript: true }));

// The output frame shell's production build, served by the content origin below /frame/. Its CSP allows the
// output's inline script (the frame is sandboxed into an opaque origin) and the shell itself from 'self'.
import { defineConfig } from "vite";
import { cspCleanBuild } from "./vite.config.ts";

export default defineConfig(cspCleanBuild("src/web/frame", "frame", "/frame/"));

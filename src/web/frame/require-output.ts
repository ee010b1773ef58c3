// `require` and `define` for classic `application/javascript` outputs, as the classic notebook gave them: requirejs
// from the content origin, with the module names such outputs use mapped to the served copies. Every module
// resolves to a served file or fails: a load of anything else never starts (the CSP would refuse it anyway, but
// refusing here keeps the attempt off the network and gives the output's error callback a clear reason).
import { FRAME_LIBRARIES, REQUIRE_MODULE_LIBRARIES, type FrameLibrary } from "../../render/output-libraries.ts";
import { libraryGlobal, libraryUrl, loadLibraries } from "./libraries.ts";

interface RequireContext {
  contextName: string;
  onScriptError(event: { currentTarget: Element; type: string }): void;
}

interface RequireJs {
  config(options: Record<string, unknown>): void;
  load(context: RequireContext, moduleName: string, url: string): void;
  onError: (error: Error & { requireModules?: string[] }) => void;
}

/** The served files requirejs may load, by absolute address. */
function servedUrls(): Set<string> {
  return new Set(Object.keys(FRAME_LIBRARIES).map((name) => libraryUrl(name as keyof typeof FRAME_LIBRARIES)));
}

/**
 * Loads requirejs and fences it in. `onMissing` is told about every module that could not be provided and had no
 * error callback of its own.
 */
export async function installRequire(onMissing: (modules: string[], error: Error) => void): Promise<void> {
  await loadLibraries(["requirejs"]);
  const requirejs = libraryGlobal<RequireJs>("requirejs");
  const paths: Record<string, string> = {};
  const shim: Record<string, { exports: string }> = {};
  for (const [module, name] of Object.entries(REQUIRE_MODULE_LIBRARIES)) {
    paths[module] = libraryUrl(name).replace(/\.js$/, "");
    const library: FrameLibrary = FRAME_LIBRARIES[name];
    if (!library.amd) shim[module] = { exports: library.global };
  }
  requirejs.config({ paths, shim, waitSeconds: 30 });
  const served = servedUrls();
  const load = requirejs.load.bind(requirejs);
  requirejs.load = (context, moduleName, url) => {
    // A known name loads the served copy even when the output configured its own path for it (classic outputs
    // often point `plotly` at a CDN); anything else must already resolve to a served file.
    const library = Object.hasOwn(REQUIRE_MODULE_LIBRARIES, moduleName)
      ? REQUIRE_MODULE_LIBRARIES[moduleName]
      : undefined;
    const target = library !== undefined ? libraryUrl(library) : new URL(url, location.href).href;
    if (served.has(target)) return load(context, moduleName, target);
    // Fail the way a script that did not load fails, so requirejs calls the output's error callback.
    const node = document.createElement("script");
    node.setAttribute("data-requirecontext", context.contextName);
    node.setAttribute("data-requiremodule", moduleName);
    setTimeout(() => context.onScriptError({ currentTarget: node, type: "error" }), 0);
  };
  requirejs.onError = (error) => onMissing(error.requireModules ?? [], error);
}

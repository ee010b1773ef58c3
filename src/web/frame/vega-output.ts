// A Vega or Vega-Lite spec drawn with the served vega-embed, in the mode that needs no 'unsafe-eval': Vega
// normally compiles each expression into a Function, which the frame CSP forbids; with `ast: true` vega-embed
// keeps the parsed expressions and evaluates them with vega-interpreter (bundled in vega-embed's build).
import type { FrameJsonObject, VegaMode } from "../../contract/frame-protocol.ts";
import { libraryGlobal, loadLibraries } from "./libraries.ts";

type VegaEmbed = (element: HTMLElement, spec: FrameJsonObject, options: Record<string, unknown>) => Promise<unknown>;

function refuseNetwork(uri: unknown): Promise<never> {
  return Promise.reject(new Error(`${String(uri)} was not loaded: output frames have no network`));
}

/**
 * Vega's loader fetches data and images named by URL. A frame has no network (connect-src 'none'), so rather
 * than have the browser refuse each request, the loader refuses first, with a message that says why. A click on a
 * mark with an `href` asks the loader too (context "href", only ever on a click): that link goes to the page, which
 * checks it and asks the reader, exactly as a link in any output does; Vega itself never navigates the frame.
 */
export function offlineLoader(onLink: (href: string) => void) {
  return {
    load: refuseNetwork,
    http: refuseNetwork,
    file: refuseNetwork,
    sanitize(uri: unknown, options?: { context?: unknown }): Promise<never> {
      if (options?.context === "href" && typeof uri === "string" && uri !== "") onLink(uri);
      return refuseNetwork(uri);
    },
  };
}

/**
 * The spec without `usermeta.embedOptions`, and the few of those options that only change looks. vega-embed lets
 * the spec's own options override the caller's, which would let a notebook turn the interpreter off, install its
 * own loader or turn on the export actions; only the theme, the renderer and an inline config are kept.
 */
export function vegaSpecAndLooks(spec: FrameJsonObject): { spec: FrameJsonObject; looks: Record<string, unknown> } {
  const usermeta = spec.usermeta;
  if (typeof usermeta !== "object" || usermeta === null || Array.isArray(usermeta) || !("embedOptions" in usermeta))
    return { spec, looks: {} };
  const { embedOptions, ...otherMeta } = usermeta;
  const looks: Record<string, unknown> = {};
  if (typeof embedOptions === "object" && embedOptions !== null && !Array.isArray(embedOptions)) {
    if (typeof embedOptions.theme === "string") looks.theme = embedOptions.theme;
    if (embedOptions.renderer === "svg" || embedOptions.renderer === "canvas") looks.renderer = embedOptions.renderer;
    if (typeof embedOptions.config === "object" && embedOptions.config !== null && !Array.isArray(embedOptions.config))
      looks.config = embedOptions.config;
  }
  return { spec: { ...spec, usermeta: otherMeta }, looks };
}

export async function drawVega(
  container: HTMLElement,
  spec: FrameJsonObject,
  mode: VegaMode,
  onLink: (href: string) => void,
): Promise<void> {
  await loadLibraries(["vega", "vegaLite", "vegaEmbed"]);
  const vegaEmbed = libraryGlobal<VegaEmbed>("vegaEmbed");
  const { spec: own, looks } = vegaSpecAndLooks(spec);
  await vegaEmbed(container, own, { ...looks, mode, ast: true, actions: false, loader: offlineLoader(onLink) });
}

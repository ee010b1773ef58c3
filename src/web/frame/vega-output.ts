// A Vega or Vega-Lite spec drawn with the served vega-embed, in the mode that needs no 'unsafe-eval': Vega
// normally compiles each expression into a Function, which the frame CSP forbids; with `ast: true` vega-embed
// keeps the parsed expressions and evaluates them with vega-interpreter (bundled in vega-embed's build).
import type { FrameJsonObject, VegaMode } from "../../contract/frame-protocol.ts";
import { offlineLoader, vegaLooksFor, vegaSpecAndLooks } from "../../render/library-draw-options.ts";
import { libraryGlobal, loadLibraries } from "./libraries.ts";

export { offlineLoader, vegaSpecAndLooks };

type VegaEmbed = (
  element: HTMLElement,
  spec: FrameJsonObject,
  options: Record<string, unknown>,
) => Promise<{ finalize(): void }>;

/** Draws the spec into `container`, in vega's dark theme when `dark` (unless the spec chose its own looks); answers the call that releases the drawn view. */
export async function drawVega(
  container: HTMLElement,
  spec: FrameJsonObject,
  mode: VegaMode,
  dark: boolean,
  onLink: (href: string) => void,
): Promise<() => void> {
  await loadLibraries(["vega", "vegaLite", "vegaEmbed"]);
  const vegaEmbed = libraryGlobal<VegaEmbed>("vegaEmbed");
  const { spec: own, looks } = vegaSpecAndLooks(spec);
  const drawn = await vegaEmbed(container, own, {
    ...vegaLooksFor(looks, dark),
    mode,
    ast: true,
    actions: false,
    loader: offlineLoader(onLink),
  });
  return () => drawn.finalize();
}

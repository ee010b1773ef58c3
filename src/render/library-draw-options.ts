// What a frame hands plotly.js and vega-embed besides the figure or spec: the options that keep a drawing inside
// its sandbox. The studio's frame shell calls these functions; the export writes their own text into its frames'
// drawing script, so each is self-contained (it uses nothing but its arguments and the language) and the policy
// lives here once.
import type { FrameJsonObject } from "../contract/frame-protocol.ts";

/**
 * The figure's own config with what the frame cannot offer removed: the image download and the cloud export need
 * downloads or popups, which a sandboxed frame has not got, and the plotly logo links off-site.
 */
export function plotlyConfig(figure: FrameJsonObject): Record<string, unknown> {
  const unavailableButtons = ["toImage", "sendDataToCloud"];
  const config = figure.config;
  const own = typeof config === "object" && config !== null && !Array.isArray(config) ? config : {};
  const removed = Array.isArray(own.modeBarButtonsToRemove)
    ? own.modeBarButtonsToRemove.filter((b) => typeof b === "string")
    : [];
  return {
    ...own,
    displaylogo: false,
    modeBarButtonsToRemove: [...new Set([...removed, ...unavailableButtons])],
    responsive: true,
  };
}

/**
 * Vega's loader fetches data and images named by URL. A frame has no network (connect-src 'none'), so rather
 * than have the browser refuse each request, the loader refuses first, with a message that says why. A click on a
 * mark with an `href` asks the loader too (context "href", only ever on a click): that link goes to `onLink` (in
 * the studio, the page, which checks it and asks the reader, exactly as for a link in any output); Vega itself
 * never navigates the frame.
 */
export function offlineLoader(onLink: (href: string) => void) {
  const refuse = (uri: unknown): Promise<never> =>
    Promise.reject(new Error(`${String(uri)} was not loaded: output frames have no network`));
  return {
    load: refuse,
    http: refuse,
    file: refuse,
    sanitize(uri: unknown, options?: { context?: unknown }): Promise<never> {
      if (options?.context === "href" && typeof uri === "string" && uri !== "") onLink(uri);
      return refuse(uri);
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

/**
 * The figure's layout for a frame `width` pixels wide. On a narrow frame (a phone), plotly's default margins
 * (80 px each side) and a legend beside the plot leave the plot a sliver: margins the figure does not set are made
 * smaller, and a legend without an orientation of its own goes below the plot. A wide frame gets the layout as is.
 */
export function plotlyLayoutFor(layout: unknown, width: number): Record<string, unknown> {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  const own = isObject(layout) ? layout : {};
  if (!(width > 0 && width < 600)) return own;
  const margin = isObject(own.margin) ? own.margin : {};
  const legend = isObject(own.legend) ? own.legend : {};
  return {
    ...own,
    margin: { l: 48, r: 16, b: 40, ...margin },
    ...(legend.orientation === undefined ? { legend: { ...legend, orientation: "h", yanchor: "top", y: -0.2 } } : {}),
  };
}

/**
 * Vega-embed's theme for a reader in the dark scheme: vega's own "dark", as JupyterLab picks in its dark theme,
 * unless the spec chose a theme or colours of its own. In the light scheme, vega's defaults.
 */
export function vegaLooksFor(looks: Record<string, unknown>, dark: boolean): Record<string, unknown> {
  if (!dark || looks.theme !== undefined || looks.config !== undefined) return looks;
  return { ...looks, theme: "dark" };
}

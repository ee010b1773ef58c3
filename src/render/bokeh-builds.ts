// Which BokehJS build draws a Bokeh output. BokehJS reads only the document format of its own major version (bokeh
// 1.0, 2.0 and 3.0 each changed it, and 3.0 rewrote the serialization), and a document from a newer minor version
// than the build may name models or properties the build does not have. So each served build draws the documents
// of its major version up to its own minor version, and nothing else: a document of any other version is not drawn,
// and its frame says why, rather than handing it to a BokehJS that would draw it wrongly or throw halfway.
// The version is the document's own: every docs_json carries `"version"`, the bokeh (Python) that wrote it.
import { FRAME_LIBRARIES, type FrameLibraryName } from "./output-libraries.ts";
import { allPanelModels, choosePanel } from "./panel-models.ts";

export interface BokehBuild {
  /** The Bokeh major version whose documents it draws. */
  major: number;
  /** The lowest minor version of that major it draws; the highest is the build's own. */
  fromMinor: number;
  /** The build's main bundle; its version is the build's. */
  core: FrameLibraryName;
  /** Models outside the core (sliders, selects, buttons...), loaded with every document, as bokeh's loader does. */
  widgets?: FrameLibraryName;
  /** DataTable and DataCube, loaded when the document has one. */
  tables?: FrameLibraryName;
  /** The WebGL glyphs, loaded when the document asks for the webgl backend. */
  gl?: FrameLibraryName;
  /** Panel's models (HoloViews and Panel outputs), loaded after the tables, which Panel's bundle builds on. */
  panel?: FrameLibraryName;
}

/**
 * The served builds. 0.12.0 is the oldest BokehJS on npm; bokeh 0.11 documents are upgraded to it on their way in
 * (bokeh-documents.ts), and 0.12.x documents are drawn with it as they always were. There is no build for bokeh
 * 1.x: its documents are not drawn.
 */
export const BOKEH_BUILDS: readonly BokehBuild[] = [
  { major: 0, fromMinor: 11, core: "bokeh" },
  { major: 2, fromMinor: 0, core: "bokeh2", widgets: "bokeh2Widgets", tables: "bokeh2Tables", gl: "bokeh2Gl" },
  {
    major: 3,
    fromMinor: 0,
    core: "bokeh3",
    widgets: "bokeh3Widgets",
    tables: "bokeh3Tables",
    gl: "bokeh3Gl",
    panel: "panel",
  },
];

/** A build's BokehJS version, e.g. "3.10.0". */
export function bokehBuildVersion(build: BokehBuild): string {
  return FRAME_LIBRARIES[build.core].version;
}

function majorMinor(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** The Bokeh versions a build draws, as a reader would write them: "2.0–2.4". */
export function bokehBuildRange(build: BokehBuild): string {
  const [major, minor] = majorMinor(bokehBuildVersion(build))!;
  return `${major}.${build.fromMinor}–${major}.${minor}`;
}

// A docs_json's own version, as JSON in a script (`"version":"3.4.1"`) or as JSON inside a JavaScript string
// (`\"version\": \"2.4.3\"`). Only a string that starts with digits counts.
const DOCUMENT_VERSION = /\\?"version\\?"\s*:\s*\\?"(\d+\.\d+[^"\\\s]*)\\?"/g;

/** The distinct Bokeh versions named by the documents in an output's markup or script, in order. */
export function bokehDocumentVersions(text: string): string[] {
  return [...new Set([...text.matchAll(DOCUMENT_VERSION)].map((match) => match[1]!))];
}

/** The build that draws a document of this Bokeh version, if one does. */
export function bokehBuildFor(version: string): BokehBuild | undefined {
  const parsed = majorMinor(version);
  if (parsed === undefined) return undefined;
  const [major, minor] = parsed;
  return BOKEH_BUILDS.find((build) => {
    const [, builtMinor] = majorMinor(bokehBuildVersion(build))!;
    // The 0.12 build also draws later 0.12 patch releases (0.12.x changed the format little), as it always has.
    const highest = build.major === 0 ? 12 : builtMinor;
    return build.major === major && minor >= build.fromMinor && minor <= highest;
  });
}

// Models that carry JavaScript source, which BokehJS compiles with `new Function` (or `eval` of an import, for
// module code) when they run. Output frames allow no eval ('unsafe-eval' is never in their CSP), so these throw.
const CODE_MODELS = /\\?"(?:name|type)\\?"\s*:\s*\\?"(?:CustomJS\w*|FuncTickFormatter)\\?"/;

/** The note for a document whose plots carry JavaScript callbacks. */
export const BOKEH_CODE_NOTE =
  "This plot's own JavaScript (CustomJS callbacks and formatters) does not run here: output frames do not compile code from text.";

// Bokeh's own models have bare names ("Figure"); an extension's models are named by their module
// ("panel.models.layout.Column"), and their code comes from the extension's own script. Panel's is served
// (panel-models.ts decides which of its documents it draws); any other extension's is not.
const EXTENSION_MODEL = /\\?"(?:name|type)\\?"\s*:\s*\\?"([A-Za-z_]\w*(?:\.\w+)+)\\?"/g;

/** The distinct extension models an output's documents name, in order. */
export function extensionModels(text: string): string[] {
  return [...new Set([...text.matchAll(EXTENSION_MODEL)].map((match) => match[1]!))];
}

const TABLES = /\\?"(?:name|type)\\?"\s*:\s*\\?"Data(?:Table|Cube)\\?"/;
const WEBGL = /\\?"output_backend\\?"\s*:\s*\\?"webgl\\?"/;

// Panel's notebook script waits for `Bokeh.Panel` before it embeds, whatever models its document holds (a HoloViews
// plot may hold none of Panel's), so an output that calls it gets Panel's bundle too.
const PANEL_SCRIPT = /\bBokeh\.Panel\b/;

// The output of `pn.extension()` or `hv.extension("bokeh")`: Panel's loader (BokehJS and Panel from their CDNs) and
// pyviz_comms' PyViz proxy for the kernel's comms. Neither holds a document.
const PANEL_LOADER = /_bokeh_onload_callbacks[\s\S]*Bokeh\.Panel|cdn\.holoviz\.org\/panel\/|window\.PyViz\b/;

/** What the loader output of Panel or HoloViews shows instead of loading. */
export const PANEL_LOADER_NOTE =
  "This output loads Panel and BokehJS; Vitrine gives each HoloViews and Panel output its own copy.";

/** What to draw an output with, or why it is not drawn. */
export type BokehChoice =
  | {
      draw: true;
      /** The version the output's documents name. */
      documentVersion: string;
      /** The BokehJS version that draws them. */
      version: string;
      /** The build's major version: 0 for the 0.12 build (which upgrades 0.11 documents). */
      major: number;
      /** The bundles to load, in order. */
      libraries: FrameLibraryName[];
      /** What the reader should know before the plot: that its JavaScript callbacks cannot run. */
      note?: string;
      /** Whether Panel's models are loaded (the output is a HoloViews or Panel one). */
      panel?: boolean;
    }
  | { draw: false; reason: string };

/** The served builds, for a reason: "BokehJS 0.12.0 (Bokeh 0.11–0.12), 2.4.3 (2.0–2.4) and 3.10.0 (3.0–3.10)". */
function servedBuilds(): string {
  const parts = BOKEH_BUILDS.map((build) => `${bokehBuildVersion(build)} (Bokeh ${bokehBuildRange(build)})`);
  return `BokehJS ${parts.slice(0, -1).join(", ")} and ${parts.at(-1)!}`;
}

/** Chooses the build for an output whose markup or script draws with BokehJS, from its documents' version. */
export function chooseBokehBuild(text: string): BokehChoice {
  const versions = bokehDocumentVersions(text);
  if (versions.length === 0 && PANEL_LOADER.test(text)) return { draw: false, reason: PANEL_LOADER_NOTE };
  if (versions.length === 0)
    return {
      draw: false,
      reason:
        "Not drawn: this output calls BokehJS but holds no Bokeh document naming its version, so which BokehJS it needs is unknown.",
    };
  const builds = versions.map(bokehBuildFor);
  const unserved = versions.find((_, i) => builds[i] === undefined);
  if (unserved !== undefined)
    return {
      draw: false,
      reason: `Not drawn: this output was made by Bokeh ${unserved}, and the studio has no BokehJS that draws it; it serves ${servedBuilds()}.`,
    };
  if (new Set(builds).size > 1)
    return {
      draw: false,
      reason: `Not drawn: this output holds documents of Bokeh ${versions.join(" and ")}, which no one BokehJS draws.`,
    };
  const build = builds[0]!;
  const extensions = extensionModels(text);
  const notes = CODE_MODELS.test(text) ? [BOKEH_CODE_NOTE] : [];
  let panel = false;
  if (extensions.length > 0 || PANEL_SCRIPT.test(text)) {
    const other = extensions.find((model) => !allPanelModels([model]));
    if (other !== undefined)
      return {
        draw: false,
        reason: `Not drawn: this output uses ${other}, a model of a Bokeh extension whose code the studio does not serve (it serves Panel's, for HoloViews and Panel outputs).`,
      };
    // choosePanel refuses documents of any Bokeh but 3, the one build with Panel (Panel before 1.0 wrote Bokeh 2's).
    const chosen = choosePanel(extensions, build.major, text);
    if (!chosen.draw) return chosen;
    notes.push(...chosen.notes.filter((note) => !notes.includes(note)));
    panel = true;
  }
  const libraries: FrameLibraryName[] = [build.core];
  if (build.widgets !== undefined) libraries.push(build.widgets);
  // Panel's bundle imports BokehJS's table models, whatever the document holds.
  if (build.tables !== undefined && (panel || TABLES.test(text))) libraries.push(build.tables);
  if (build.gl !== undefined && WEBGL.test(text)) libraries.push(build.gl);
  if (panel && build.panel !== undefined) libraries.push(build.panel);
  return {
    draw: true,
    documentVersion: versions[0]!,
    version: bokehBuildVersion(build),
    major: build.major,
    libraries,
    ...(notes.length > 0 ? { note: notes.join(" ") } : {}),
    ...(panel ? { panel } : {}),
  };
}

/**
 * The note for a document BokehJS warns about: BokehJS 2 and 3 warn ("version mismatch") whenever a document's
 * version is not their own, and the frame passes that on, naming both versions.
 */
export function bokehMismatchNote(documentVersion: string, version: string): string {
  return `Drawn with BokehJS ${version}, which warns that this document was made by Bokeh ${documentVersion}.`;
}

// A BokehJS bundle or stylesheet of a given version, as bokeh's CDN and resources name them:
// `bokeh-3.4.1.min.js`, `bokeh-widgets-2.4.3.js`, `bokeh-0.12.16.min.css`.
const BOKEH_RESOURCE =
  /(?:^|\/)bokeh(?:-(?:widgets|tables|gl|api|mathjax))?-\d+\.\d+\.\d+[^/?#]*\.(?:js|css)(?:[?#].*)?$/;

/**
 * Whether a script's `src` or a stylesheet's `href` is BokehJS itself, which bokeh's standalone HTML links from its
 * CDN. The frame has the served build already, and would refuse to load it (its CSP allows no other origin): such
 * elements are dropped from an output that draws with BokehJS.
 */
export function isBokehResource(url: string): boolean {
  return BOKEH_RESOURCE.test(url);
}

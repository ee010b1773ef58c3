// The studio page's markdown renderer (render/markdown.ts: marked, and KaTeX for math), started only when asked
// for. Both set up large tables when their modules run, a large part of the page's start-up, and the page draws its
// first screen from HTML the server made (render/notebook-head.ts), so they are started once that screen is painted,
// while the notebook's bytes are read. The production build keeps the module in the page's one script
// (vite.config.ts); importing it only runs it.
import type * as Markdown from "../render/markdown.ts";

type MarkdownModule = typeof Markdown;

let loading: Promise<MarkdownModule> | undefined;
let loaded: MarkdownModule | undefined;

/** The renderer, started now if it has not been. */
export function loadMarkdown(): Promise<MarkdownModule> {
  loading ??= import("../render/markdown.ts").then((module) => (loaded = module));
  return loading;
}

/** The renderer if it has been started and is ready, for code that cannot wait. */
export function loadedMarkdown(): MarkdownModule | undefined {
  return loaded;
}

// The height an HTML output says it will take, read from its markup before its frame is made: an output that is
// one element of a fixed height (an embedded video's `<iframe width="560" height="315">`, a `<div style="height:
// 350px">`) keeps exactly that space from the start, so the page does not move when the frame draws. Only that
// simple, common shape is read; anything else has no hint and its frame is sized once it has drawn. The markup is
// only matched as text (the page never parses an output's markup: it is the frame's to parse).

/** The frame document's vertical padding (its body's, in the frame stylesheet), part of the height it reports. */
const FRAME_BODY_PADDING = 8;
/** Below an inline element (an iframe, an image, a video) its line keeps room for descenders. */
const INLINE_LINE_GAP = 6;
/** Longest markup looked at: a hint is for small outputs made of one element. */
const MAX_HINT_MARKUP = 4096;
/**
 * Replaced elements whose height attribute is their height. Not images nor SVG: the frame stylesheet scales those
 * to the frame's width (`height: auto`). Blocks are those without default margins.
 */
const INLINE_ELEMENTS = new Set(["iframe", "video", "canvas", "embed", "object"]);
const BLOCK_ELEMENTS = new Set(["div", "section"]);

/**
 * What a frame that draws nothing reports: its body's padding. The space kept for an output of script only
 * (`application/javascript`, or HTML of scripts and style sheets): a reservation of an ordinary frame's height
 * would shrink under the reader for the many that draw nothing, when their frame loads once in view.
 */
export const EMPTY_FRAME_HEIGHT = FRAME_BODY_PADDING;
const SCRIPTS = /<script\b[^>]*>[\s\S]*?<\/script\s*>/gi;

/** Style sheets, comments and whitespace around the one element are not content. */
const IGNORED = /<!--[\s\S]*?-->|<style\b[^>]*>[\s\S]*?<\/style\s*>/gi;
const OPEN_TAG = /^<([a-z][a-z0-9-]*)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/i;
const ATTRIBUTE = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

function attributesOf(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(ATTRIBUTE)) {
    const name = match[1]!.toLowerCase();
    if (!attributes.has(name)) attributes.set(name, match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}

/** `height: 350px` in a style attribute (the last declaration wins, as in CSS); pixels only. */
function styleHeight(style: string): number | undefined {
  let height: number | undefined;
  for (const declaration of style.split(";")) {
    const match = /^\s*height\s*:\s*(\d+(?:\.\d+)?)px\s*(?:!important\s*)?$/i.exec(declaration);
    if (match) height = Number(match[1]);
    else if (/^\s*height\s*:/i.test(declaration)) height = undefined;
  }
  return height;
}

/**
 * The frame height an output of one fixed-height element will report, or undefined. A `max-height`, a `display`
 * or a `position` in its style makes its box something else, so such outputs have no hint.
 */
export function markupHeightHint(markup: string): number | undefined {
  if (markup.length > MAX_HINT_MARKUP) return undefined;
  const content = markup.replace(IGNORED, "").trim();
  // Style sheets and scripts only: nothing is drawn before the scripts run, and most such outputs draw nothing
  // (a loader, a style for later outputs). An output that does draw grows from there.
  if (content.replace(SCRIPTS, "").trim() === "") return EMPTY_FRAME_HEIGHT;
  const open = OPEN_TAG.exec(content);
  if (!open) return undefined;
  const tag = open[1]!.toLowerCase();
  const inline = INLINE_ELEMENTS.has(tag);
  if (!inline && !BLOCK_ELEMENTS.has(tag)) return undefined;
  // Nothing after the element's end but whitespace: one element, however much it holds.
  const close = `</${tag}>`;
  const rest = content.slice(open[0].length);
  const end = rest.toLowerCase().lastIndexOf(close);
  const selfContained = tag === "embed";
  if (selfContained ? rest.trim() !== "" : end < 0 || rest.slice(end + close.length).trim() !== "") return undefined;
  if (!selfContained && rest.slice(0, end).toLowerCase().includes(`<${tag}`)) return undefined;
  const attributes = attributesOf(open[2] ?? "");
  const style = attributes.get("style") ?? "";
  if (/(?:^|;)\s*(?:max-height|min-height|display|position|float|margin|padding|border)\s*:/i.test(style))
    return undefined;
  const fromStyle = styleHeight(style);
  const fromAttribute = /^\d+$/.test(attributes.get("height") ?? "") ? Number(attributes.get("height")) : undefined;
  // A style's height wins over the attribute, as CSS wins over presentational hints; a block ignores the attribute.
  const height = fromStyle ?? (inline ? fromAttribute : undefined);
  if (height === undefined || height <= 0) return undefined;
  return Math.ceil(height) + FRAME_BODY_PADDING + (inline ? INLINE_LINE_GAP : 0);
}

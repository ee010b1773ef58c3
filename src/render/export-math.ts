// Typeset math in the static export. The export page allows no style attribute (its CSP names hashed style
// elements only), so KaTeX's checked box styles (`data-math-style`, see math-style.ts) become class rules of one
// generated style element, hashed like the page's own: each distinct declaration list gets a `vt-m<N>` class (the
// `vt-` prefix is the studio's, which the sanitizer strips from content, so no notebook can name these classes).
// KaTeX's stylesheet comes in an element of its own, with its own fonts: each @font-face the file's math uses is
// rewritten to the woff2 file as a data: URL, so the file still opens from disk with no network, and the page's
// policy allows `font-src data:` (and only that) when the file has math (content-security-policy.ts). The faces
// are those of the math in the cells and in the output frames: the page hands the same stylesheet to each frame
// with math (export-frame-math.ts), so the fonts are in the file once.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { MATH_STYLE_ATTRIBUTE, parseMathStyle } from "./math-style.ts";

const require = createRequire(import.meta.url);
const KATEX_CSS_PATH = require.resolve("katex/dist/katex.min.css");
const KATEX_CSS = readFileSync(KATEX_CSS_PATH, "utf8");

/** One @font-face of KaTeX's stylesheet: the face it declares and the woff2 file that draws it. */
export interface KatexFontFace {
  family: string;
  weight: number;
  style: "normal" | "italic";
  /** The file's path relative to KaTeX's stylesheet, e.g. `fonts/KaTeX_Main-Regular.woff2`. */
  woff2: string;
}

/** The face a style rule of KaTeX's asks for: what its declarations set, KaTeX_Main, weight 400, upright otherwise. */
interface FaceRule {
  selector: string;
  family: string | undefined;
  weight: number | undefined;
  style: "normal" | "italic" | undefined;
}

const FONT_FACE = /@font-face\{([^}]*)\}/g;

function declaration(body: string, property: string): string | undefined {
  const match = new RegExp(`(?:^|;)${property}:([^;]*)`).exec(body);
  return match?.[1]?.trim().replace(/^"(.*)"$/, "$1");
}

function weightOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return value === "bold" ? 700 : value === "normal" ? 400 : Number(value);
}

function styleOf(value: string | undefined): "normal" | "italic" | undefined {
  return value === "italic" ? "italic" : value === "normal" ? "normal" : undefined;
}

/** Every @font-face of KaTeX's stylesheet. */
export const KATEX_FONT_FACES: readonly KatexFontFace[] = Array.from(KATEX_CSS.matchAll(FONT_FACE), ([, body]) => {
  const woff2 = /url\(([^)]+\.woff2)\)/.exec(body!)?.[1];
  const family = declaration(body!, "font-family");
  if (woff2 === undefined || family === undefined) throw new Error(`KaTeX font face without woff2: ${body}`);
  return {
    family,
    weight: weightOf(declaration(body!, "font-weight")) ?? 400,
    style: styleOf(declaration(body!, "font-style")) ?? "normal",
    woff2,
  };
});

/** KaTeX's rules that pick a font (family, weight or slant), one per selector. */
const FACE_RULES: readonly FaceRule[] = Array.from(
  KATEX_CSS.replace(FONT_FACE, "").matchAll(/([^{}]+)\{([^{}]*)\}/g),
).flatMap(([, selectors, body]) => {
  const family = declaration(body!, "font-family");
  const weight = weightOf(declaration(body!, "font-weight"));
  const style = styleOf(declaration(body!, "font-style"));
  if (family === undefined && weight === undefined && style === undefined) return [];
  // `.katex` itself sets the base font (KaTeX_Main), which every piece of math uses.
  return selectors!
    .split(",")
    .filter((selector) => selector.trim() !== ".katex")
    .map((selector) => ({ selector: selector.trim(), family: family?.split(",")[0]?.trim(), weight, style }));
});

const MAIN = "KaTeX_Main";

function faceKey(family: string, weight: number, style: string): string {
  return `${family}|${weight}|${style}`;
}

/**
 * The faces of KaTeX's fonts that the math under `root` asks for, read from KaTeX's own class rules: a rule that
 * matches an element there wants its family (KaTeX_Main if it names none) at its weight and slant. Bold and italic
 * set without a family (`\textbf`, `\textit`) can combine, so both together also want KaTeX_Main bold italic. A
 * combination these rules do not show (bold inside `\textsf`, say) falls to the nearest face the browser has.
 */
export function katexFacesUsed(root: ParentNode): Set<string> {
  const wanted = new Set<string>([faceKey(MAIN, 400, "normal")]);
  let bold = false;
  let italic = false;
  for (const rule of FACE_RULES) {
    let matches: boolean;
    try {
      matches = root.querySelector(rule.selector) !== null;
    } catch {
      // A selector this DOM cannot evaluate: keep what it could ask for rather than draw with a missing face.
      matches = true;
    }
    if (!matches) continue;
    if (rule.family === undefined) {
      bold ||= rule.weight === 700;
      italic ||= rule.style === "italic";
    }
    wanted.add(faceKey(rule.family ?? MAIN, rule.weight ?? 400, rule.style ?? "normal"));
  }
  if (bold && italic) wanted.add(faceKey(MAIN, 700, "italic"));
  return wanted;
}

const dataUrls = new Map<string, string>();

/** A woff2 file of KaTeX's as a data: URL, read once per process. */
function woff2DataUrl(face: KatexFontFace): string {
  let url = dataUrls.get(face.woff2);
  if (url === undefined) {
    const bytes = readFileSync(join(dirname(KATEX_CSS_PATH), face.woff2));
    url = `data:font/woff2;base64,${bytes.toString("base64")}`;
    dataUrls.set(face.woff2, url);
  }
  return url;
}

/**
 * KaTeX's stylesheet with each @font-face that `used` names drawn from its woff2 file as a data: URL, and every
 * other face dropped (an embedded file costs its size whether the page draws with it or not).
 */
export function katexStylesheet(used: ReadonlySet<string>): string {
  let index = 0;
  return KATEX_CSS.replace(FONT_FACE, (rule) => {
    const face = KATEX_FONT_FACES[index++]!;
    if (!used.has(faceKey(face.family, face.weight, face.style))) return "";
    return rule.replace(/src:[^;}]*/, `src:url(${woff2DataUrl(face)}) format("woff2")`);
  });
}

/** Collects the math of one export: the box styles of its markdown cells, and the faces its cells and frames use. */
export class ExportMathStyles {
  private readonly classes = new Map<string, string>();
  private rules: string[] = [];
  private readonly faces = new Set<string>();
  private hasMath = false;

  /** Replaces every `data-math-style` under `root` by a class whose rule carries the same checked declarations. */
  convert(root: ParentNode): void {
    this.noteFaces(root);
    for (const element of Array.from(root.querySelectorAll(`[${MATH_STYLE_ATTRIBUTE}]`))) {
      const declarations = parseMathStyle(element.getAttribute(MATH_STYLE_ATTRIBUTE) ?? "");
      element.removeAttribute(MATH_STYLE_ATTRIBUTE);
      if (declarations === null) continue;
      const body = declarations.map(([property, value]) => `${property}:${value} !important`).join(";");
      let name = this.classes.get(body);
      if (name === undefined) {
        name = `vt-m${this.classes.size}`;
        this.classes.set(body, name);
        // `!important` gives the rule an inline style's precedence over KaTeX's own rules, which have none.
        this.rules.push(`.${name}{${body}}`);
      }
      element.classList.add(name);
    }
  }

  /**
   * Notes the faces the math under `root` uses, without touching it: an output frame's math keeps its
   * `data-math-style` attributes, which the frame applies itself (export-frame-math.ts), and draws with the faces
   * of the page's KaTeX stylesheet, handed over to it.
   */
  noteFaces(root: ParentNode): void {
    if (root.querySelector(".katex") === null) return;
    this.hasMath = true;
    for (const face of katexFacesUsed(root)) this.faces.add(face);
  }

  /** Whether the export has math, and so embeds KaTeX's fonts (the page's CSP then allows `font-src data:`). */
  get embedsFonts(): boolean {
    return this.hasMath;
  }

  /**
   * KaTeX's stylesheet with the fonts the file's math uses (in cells and frames), or null with no math. The page
   * carries it once, as a style element of its own, which it also hands to the frames with math.
   */
  katexStylesheet(): string | null {
    return this.hasMath ? katexStylesheet(this.faces) : null;
  }

  /** The class rules of the cells' math boxes, or null with none. */
  boxRules(): string | null {
    return this.rules.length > 0 ? `${this.rules.join("\n")}\n` : null;
  }
}

// Typeset math in the static export. The export page allows no style attribute (its CSP names hashed style
// elements only), so KaTeX's checked box styles (`data-math-style`, see math-style.ts) become class rules of one
// generated style element, hashed like the page's own: each distinct declaration list gets a `vt-m<N>` class (the
// `vt-` prefix is the studio's, which the sanitizer strips from content, so no notebook can name these classes).
// KaTeX's stylesheet comes along in that element, without its @font-face rules: the export page's policy has no
// `font-src`, so the math is drawn with the reader's own serif math fonts (FALLBACK_FONTS).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { MATH_STYLE_ATTRIBUTE, parseMathStyle } from "./math-style.ts";

const KATEX_CSS = readFileSync(createRequire(import.meta.url).resolve("katex/dist/katex.min.css"), "utf8")
  // Font files would be refused by the export's CSP (no font-src): drop the faces rather than ask for them.
  .replace(/@font-face\{[^}]*\}/g, "");

/**
 * Without KaTeX's fonts every KaTeX family falls to the browser's default, often a sans-serif; a serif with good
 * math coverage reads closer to KaTeX (`!important` to pass KaTeX's per-class families, whose faces are absent).
 * Weight and slant still come from KaTeX's classes.
 */
const FALLBACK_FONTS =
  '.katex,.katex *{font-family:"Latin Modern Math","STIX Two Math","Cambria Math","Times New Roman","DejaVu Serif",serif!important}';

/** Collects the math box styles of one export and gives them back as class rules. */
export class ExportMathStyles {
  private readonly classes = new Map<string, string>();
  private rules: string[] = [];
  private hasMath = false;

  /** Replaces every `data-math-style` under `root` by a class whose rule carries the same checked declarations. */
  convert(root: ParentNode): void {
    if (!this.hasMath && root.querySelector(".katex") !== null) this.hasMath = true;
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

  /** The style element's text (KaTeX's stylesheet and the box rules), or null when the export has no math. */
  stylesheet(): string | null {
    if (!this.hasMath) return null;
    return `${KATEX_CSS}\n${FALLBACK_FONTS}\n${this.rules.join("\n")}\n`;
  }
}

// Typeset math in the export's output frames (markdown and LaTeX outputs): KaTeX's HTML drawing with KaTeX's
// stylesheet and fonts, as in the markdown cells and in the studio's frames.
//
// KaTeX's stylesheet with its fonts as data: URLs is large, and a notebook of LaTeX outputs has a frame for each,
// so a frame does not carry it: the page carries it once, as the style element it draws its own cells' math with
// (export-math.ts), and hands its text to each frame with math that asks (export-libraries.ts), with a script that
// applies KaTeX's box styles. The frame's math keeps its `data-math-style` attributes, and that script applies
// them through the CSSOM with applyMathStyles (math-style.ts), parsing them again by the same allowlist: no style
// attribute is ever parsed from markup, so neither the page's CSP nor the frame's needs to allow one. The style
// element inserted is allowed by the hash of its text, the page's own; its fonts by the page's `font-src data:`.
//
// Until the stylesheet is in (and with JavaScript off, when it never comes), the frame hides KaTeX's HTML drawing
// and shows the MathML beside it, which the browser draws itself.
import { FRAME_MATH_STYLE } from "./frame-math-style.ts";
import {
  applyMathStyles,
  BORDER_STYLES,
  checkValue,
  COLOR,
  LENGTH,
  MATH_STYLE_ATTRIBUTE,
  MATH_STYLE_PROPERTIES,
  MAX_MATH_LENGTH_EM,
  parseMathStyle,
} from "./math-style.ts";

/** What a frame with math asks the page for: KaTeX's stylesheet (`math:style`) and the box style script. */
export const MATH_LIBRARY = "math";

/** The class the frame's root gets once KaTeX's stylesheet is in and its boxes are styled. */
export const KATEX_READY_CLASS = "vt-katex";

/** The global the box style script sets, with `applyMathStyles(root)`. */
export const MATH_SCRIPT_GLOBAL = "VitrineMath";

/** The style element of a frame with math: its look beyond KaTeX's, and the MathML alone until KaTeX's is in. */
export const EXPORT_FRAME_MATH_STYLE = `${FRAME_MATH_STYLE}
html:not(.${KATEX_READY_CLASS}) .katex-html{display:none}`;

/** Whether a sanitized fragment has KaTeX's HTML drawing, which the frame then draws with KaTeX's stylesheet. */
export function hasKatexDrawing(root: ParentNode): boolean {
  return root.querySelector(".katex-html") !== null;
}

let script: string | undefined;

/**
 * The box style script, setting `VitrineMath.applyMathStyles`: the text of math-style.ts's own functions and
 * constants (Node runs the project's TypeScript with its types blanked out, so a function's text is JavaScript), so
 * it is the very allowlist the sanitizer checked the attributes with, not a copy. Its text is fixed: nothing from a
 * notebook is in it.
 */
export function mathStyleScript(): string {
  script ??= [
    `var ${MATH_SCRIPT_GLOBAL} = (() => {`,
    `const MATH_STYLE_ATTRIBUTE = ${JSON.stringify(MATH_STYLE_ATTRIBUTE)};`,
    `const MAX_MATH_LENGTH_EM = ${JSON.stringify(MAX_MATH_LENGTH_EM)};`,
    `const MATH_STYLE_PROPERTIES = ${JSON.stringify(MATH_STYLE_PROPERTIES)};`,
    `const LENGTH = ${String(LENGTH)};`,
    `const COLOR = ${String(COLOR)};`,
    `const BORDER_STYLES = new Set(${JSON.stringify([...BORDER_STYLES])});`,
    String(checkValue),
    String(parseMathStyle),
    String(applyMathStyles),
    "return { applyMathStyles };",
    "})();",
  ].join("\n");
  return script;
}

/** The drawing a frame with math runs once the page has handed it the stylesheet and the script. */
export const FRAME_MATH_DRAW = `  const draw = () => {
    ${MATH_SCRIPT_GLOBAL}.applyMathStyles(document);
    document.documentElement.classList.add(${JSON.stringify(KATEX_READY_CLASS)});
  };`;

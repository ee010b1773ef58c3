// Typeset math in an output frame (markdown and LaTeX outputs, typeset and sanitized by the page before it sends
// them): KaTeX's HTML drawing, with KaTeX's stylesheet and its fonts from the content origin (the frame's CSP allows
// inline styles and fonts from 'self') and KaTeX's per-box styles applied through the CSSOM from the
// `data-math-style` attributes the sanitizer checked. They are parsed again here by the one allowlist
// (render/math-style.ts) before anything is applied, so a frame never writes a declaration the studio page would
// not have written itself.
//
// The stylesheet comes in the shell's bundle and goes into the document as a style element, so it applies before
// the shell first measures the document: a linked one would arrive after, and a frame out of view reports no
// height again until it is scrolled to (Chromium runs no resize observer there), so its slot would keep the
// height of unstyled math (KaTeX's drawing and its MathML both shown) until then.
import KATEX_CSS from "katex/dist/katex.min.css?raw";
import { frameMathFontsPath, katexStylesheetForFrames } from "../../render/output-libraries.ts";
import { FRAME_MATH_STYLE } from "../../render/frame-math-style.ts";
import { applyMathStyles } from "../../render/math-style.ts";
import { contentUrl } from "./libraries.ts";

let stylesheet: string | undefined;

/**
 * Gives the math of the frame's document, if it has any, KaTeX's stylesheet and its box styles. Called once the
 * output's document is in place, before the shell measures it; the height is reported again as the fonts arrive.
 */
export function drawFrameMath(doc: Document = document): void {
  if (doc.querySelector(".katex") === null) return;
  stylesheet ??= `${katexStylesheetForFrames(KATEX_CSS, contentUrl(frameMathFontsPath()))}\n${FRAME_MATH_STYLE}`;
  const style = doc.createElement("style");
  style.textContent = stylesheet;
  // After the frame's base style and before the output's own, which follow and win.
  const base = doc.head.querySelector("style");
  doc.head.insertBefore(style, base ? base.nextSibling : doc.head.firstChild);
  applyMathStyles(doc);
}

// Typeset math's look in the studio page: KaTeX's stylesheet and fonts, bundled into the page's one CSS file and
// served from the app origin with the other assets (so `style-src 'self'` and `font-src 'self'` cover them), and
// KaTeX's per-box inline styles, applied through the CSSOM from the checked `data-math-style` attributes that
// survived the sanitizer (src/render/math-style.ts says why they travel that way).
//
// CSSOM writes (`element.style.setProperty`) are not governed by CSP's `style-src`/`style-src-attr`: only parsing
// a `style` attribute from markup or `setAttribute("style", ...)` is. The declarations applied are parsed again
// here by the same allowlist, so this function never writes anything the sanitizer would not have kept.
import "katex/dist/katex.min.css";
import { MATH_STYLE_ATTRIBUTE, parseMathStyle } from "../render/math-style.ts";

/** Applies every checked `data-math-style` under `root` as inline style through the CSSOM, then drops the attribute. */
export function applyMathStyles(root: ParentNode): void {
  for (const element of Array.from(root.querySelectorAll(`[${MATH_STYLE_ATTRIBUTE}]`))) {
    const declarations = parseMathStyle(element.getAttribute(MATH_STYLE_ATTRIBUTE) ?? "");
    element.removeAttribute(MATH_STYLE_ATTRIBUTE);
    if (declarations === null || !("style" in element)) continue;
    const style = (element as HTMLElement | SVGElement).style;
    for (const [property, value] of declarations) style.setProperty(property, value);
  }
}

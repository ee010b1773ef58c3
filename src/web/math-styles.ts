// Typeset math's look in the studio page: KaTeX's stylesheet and fonts, bundled into the page's one CSS file and
// served from the app origin with the other assets (so `style-src 'self'` and `font-src 'self'` cover them), and
// KaTeX's per-box inline styles, applied through the CSSOM from the checked `data-math-style` attributes that
// survived the sanitizer (src/render/math-style.ts says why they travel that way, and applies them).
import "katex/dist/katex.min.css";

export { applyMathStyles } from "../render/math-style.ts";

// How typeset math looks in an output frame beyond KaTeX's own stylesheet, in the studio's frames
// (web/frame/frame-math.ts) and the export's (export-frame-math.ts) alike: display math's spacing as in the
// markdown cells (render/notebook.css), and no automatic equation number, as JupyterLab's MathJax gives none. Its
// sideways scrolling is in the frames' base style (frame-style.ts). It follows KaTeX's stylesheet, so it wins where
// the selectors weigh the same; the equation number sits in a KaTeX box whose `.katex .vlist>span>span` rule
// outweighs `.katex .eqn-num`, hence `:root` in front.
export const FRAME_MATH_STYLE = `.katex-display{margin:.6em 0;padding:.2em 0}
:root .katex .eqn-num{display:none}`;

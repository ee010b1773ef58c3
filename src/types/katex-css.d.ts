// KaTeX's stylesheet, imported for its side effect by src/web/math-styles.ts: Vite bundles it (and the fonts it
// names) into the page's one CSS file.
declare module "katex/dist/katex.min.css";

// KaTeX's stylesheet as text (Vite's `?raw` import), which the frame shell puts in a frame's document when its
// output has typeset math (frame-math.ts).
declare module "katex/dist/katex.min.css?raw" {
  const css: string;
  export default css;
}

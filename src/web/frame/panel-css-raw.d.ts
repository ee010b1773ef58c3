// Panel's stylesheets as text (Vite's `?raw` import), for the chunk that hands them to Panel's models.
declare module "@holoviz/panel/dist/*.css?raw" {
  const css: string;
  export default css;
}

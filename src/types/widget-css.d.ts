// The widget manager's stylesheets, imported for their side effect: Vite bundles them into the widget chunk's CSS file.
declare module "@lumino/widgets/style/index.css";
declare module "@fortawesome/fontawesome-free/css/all.min.css";
declare module "@fortawesome/fontawesome-free/css/v4-shims.min.css";
declare module "@jupyter-widgets/html-manager/css/output.css";
declare module "*/widget-dark.css";
// jQuery, which the widget manager's ipywidgets 7 controls use; only its default export is read, as a global.
declare module "jquery" {
  const jQuery: unknown;
  export default jQuery;
}
// jQuery UI's files, imported for their side effect (widget-jquery.ts says why).
declare module "jquery-ui/ui/*";

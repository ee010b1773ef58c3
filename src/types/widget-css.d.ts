// The widget manager's stylesheets, imported for their side effect: Vite bundles them into the widget chunk's CSS file.
declare module "@lumino/widgets/style/index.css";
declare module "@fortawesome/fontawesome-free/css/all.min.css";
declare module "@fortawesome/fontawesome-free/css/v4-shims.min.css";
declare module "@jupyter-widgets/html-manager/css/output.css";

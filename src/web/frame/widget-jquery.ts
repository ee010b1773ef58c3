// jQuery as the global the ipywidgets 7 sliders need. They are jQuery UI sliders, and jQuery UI's files, bundled
// without an AMD loader, register their plugins on the global jQuery and find their dependencies there: this module
// is imported first by widget-output.ts, then the slider's dependencies in order, so that the slider the controls
// load later finds them all on the one jQuery the controls import (vite.frame.config.ts makes it one copy).
import jQuery from "jquery";

Object.assign(globalThis, { jQuery });

// The widget manager for `vitrine render` files: the studio frame's manager (widget-output.ts), built as one classic
// script (vite.widgets-export.config.ts) that an export page carries once, as an inert block, and hands to each
// widget frame, which inserts it as an inline script (allowed by its hash) and calls `VitrineWidgets.drawWidget`.
// A classic script, because an export frame is a srcdoc document with nothing to import from.
import { drawWidget } from "./widget-output.ts";

/** The global an export frame draws with. */
export interface VitrineWidgets {
  drawWidget: typeof drawWidget;
}

Object.assign(globalThis, { VitrineWidgets: { drawWidget } satisfies VitrineWidgets });

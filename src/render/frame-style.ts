// The base stylesheet of every output frame, in the export (srcdoc) and in the studio (the content origin's frame
// shell) alike, so an output looks the same in both. Display math (KaTeX's box, or MathML alone where the frame has
// no KaTeX stylesheet) scrolls sideways in its own box rather than being cut at the frame's edge; a MathML block
// takes its content's width, at least the line's, because Chromium counts no token's overflowing text as scrollable.
// The frame follows the reader's system unless its root says otherwise: the studio's frame shell sets `data-theme`
// to the account's choice of light or dark (web/frame/frame-scheme.ts); an export's frames never do. A frame whose
// scheme differs from its page's gets an opaque background from the browser, so the two must agree.
export const FRAME_STYLESHEET = `:root{color-scheme:light dark}
:root[data-theme=light]{color-scheme:light}
:root[data-theme=dark]{color-scheme:dark}
body{margin:0;padding:4px 2px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;overflow-wrap:anywhere}
table{border-collapse:collapse;font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid #8884;text-align:right;vertical-align:top}
thead th{border-bottom:1px solid #888}
tbody tr:nth-child(odd){background:#8881}
pre{white-space:pre-wrap;margin:0;font:13px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
img,svg{max-width:100%;height:auto}
.katex-display{display:block;overflow-x:auto;overflow-y:hidden;max-width:100%}
math[display=block]{width:max-content;min-width:100%}
.vt-frame-note{font-style:italic;opacity:.8}`;

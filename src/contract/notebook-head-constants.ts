// What the notebook-head format fixes besides its shape (notebook-head-format.ts): its bounds, and the marker of
// an output whose content a head leaves out. Plain constants, with no schema library behind them, so that the
// studio page can import them without growing its bundle.

/** The most bytes of cells a head carries (serialized): a first screen, with room to spare, not the file. */
export const HEAD_MAX_CELL_BYTES = 256 * 1024;
/** Most cells in a head: far more than a screen shows, even of one-line cells. */
export const HEAD_MAX_CELLS = 64;

/**
 * What a head carries instead of an output's content when that content is too large for it. Only the content of
 * types drawn in an output frame is left out (the choice of type, which goes by the bundle's keys, is unchanged),
 * so the page draws the output's place at once and the output itself once the notebook's bytes are in. A notebook
 * whose own output is this text loses nothing: every cell drawn from a head is drawn again from the bytes when it
 * differs, and this one then does.
 */
export const PENDING_OUTPUT = "vitrine:pending-output";

// Turning an offset into the line and column a person sees in an editor. Only error paths call this,
// so it scans from the start each time instead of keeping a line table.

export interface TextPosition {
  /** 1-based. "\n", "\r\n" and a lone "\r" each end a line, as editors count them. */
  line: number;
  /** 1-based, in UTF-16 code units (what editors such as VS Code report). */
  column: number;
}

export function positionAt(text: string, offset: number): TextPosition {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    } else if (c === 0x0d) {
      if (i + 1 < text.length && text.charCodeAt(i + 1) === 0x0a) {
        if (i + 1 === end) break; // the offset points at the "\n" of "\r\n": still on this line
        i++;
      }
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

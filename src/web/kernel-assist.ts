// What a cell editor may ask of the file's kernel: completions at the cursor (Tab) and the description of the
// name at the cursor (Shift-Tab). The editor sees only the narrow KernelAssist interface below; the edit page
// builds it from its kernel session and the kernel it already runs for the file (none is started for this).
//
// Offsets: the Jupyter protocol (5.2 and later) counts the cursor and a completion's range in Unicode code
// points, JavaScript and CodeMirror in UTF-16 code units. Each crossing converts (codePointOffset, utf16Offset),
// so that an emoji or any other character outside the Basic Multilingual Plane before the cursor moves nothing.

/** One completion the kernel offered, as the editor lists it. */
export interface AssistMatch {
  label: string;
  /** The kind IPython names in `_jupyter_types_experimental` ("function", "module", "instance"...), when given. */
  type?: string;
  /** A function's signature, when the kernel gave one. */
  signature?: string;
}

/** The kernel's completions: the text from `from` to `to` (UTF-16 offsets into the source) is replaced by one. */
export interface AssistCompletion {
  from: number;
  to: number;
  matches: AssistMatch[];
}

/** The kernel's description of the name at the cursor: its `text/plain`, which may hold ANSI colour escapes. */
export interface AssistInspection {
  text: string;
}

/** The kernel's help, as a cell editor asks for it. Offsets are UTF-16 offsets into `source`. */
export interface KernelAssist {
  /** Whether a kernel runs for the notebook now; without one, Tab indents and Shift-Tab dedents as usual. */
  available(): boolean;
  /** Completions at the cursor, or null when there is no kernel, it found none, or it failed. */
  complete(source: string, cursor: number): Promise<AssistCompletion | null>;
  /** What the kernel says of the name at the cursor, or null when it knows nothing or there is no kernel. */
  inspect(source: string, cursor: number): Promise<AssistInspection | null>;
}

/** How many matches the editor lists at most (the server sends at most 1000). */
export const MAX_ASSIST_MATCHES = 1000;
/** Longest inspection text the editor shows, in UTF-16 units; longer text is cut and says so. */
export const MAX_INSPECTION_CHARS = 100_000;

/** The code point count of the first `offset` UTF-16 units of `text` (an offset inside a pair counts it whole). */
export function codePointOffset(text: string, offset: number): number {
  const end = Math.max(0, Math.min(text.length, Math.trunc(offset)));
  let points = 0;
  for (let i = 0; i < end; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point: count it once, at the high half.
    if (unit >= 0xdc00 && unit <= 0xdfff && i > 0) {
      const before = text.charCodeAt(i - 1);
      if (before >= 0xd800 && before <= 0xdbff) continue;
    }
    points++;
  }
  return points;
}

/** The UTF-16 offset in `text` after `points` code points (clamped to the text's length). */
export function utf16Offset(text: string, points: number): number {
  const wanted = Math.max(0, Math.trunc(points));
  let i = 0;
  for (let n = 0; n < wanted && i < text.length; n++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    i += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return i;
}

/** The completion as kernel-session.ts gives it: code point offsets, and the kinds when the server passes them. */
export interface KernelCompletion {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  types?: readonly { text: string; type: string; signature?: string }[];
}

export interface KernelInspection {
  found: boolean;
  data: Record<string, unknown>;
}

/** The two calls of a kernel session (KernelSession has them) that the assist makes. */
export interface KernelCalls {
  complete(kernelId: string, source: string, cursor: number): Promise<KernelCompletion>;
  inspect(kernelId: string, source: string, cursor: number, detail: 0 | 1): Promise<KernelInspection>;
}

/** The kernel the assist speaks to now: the page's session, and the id of the kernel it runs for the file. */
export interface AssistTarget {
  calls: KernelCalls;
  kernelId: Promise<string>;
}

/**
 * The assist of a page whose kernel may come later: `target` says, at each request, which kernel to ask, or
 * null while there is none (a notebook never run in this page).
 */
export function kernelAssist(target: () => AssistTarget | null): KernelAssist {
  const kernel = async (): Promise<{ calls: KernelCalls; id: string } | null> => {
    const now = target();
    if (!now) return null;
    try {
      return { calls: now.calls, id: await now.kernelId };
    } catch {
      return null;
    }
  };
  return {
    available: () => target() !== null,
    async complete(source, cursor) {
      const found = await kernel();
      if (!found) return null;
      let reply: KernelCompletion;
      try {
        reply = await found.calls.complete(found.id, source, codePointOffset(source, cursor));
      } catch {
        return null;
      }
      return completionOf(source, cursor, reply);
    },
    async inspect(source, cursor) {
      const found = await kernel();
      if (!found) return null;
      let reply: KernelInspection;
      try {
        reply = await found.calls.inspect(found.id, source, codePointOffset(source, cursor), 0);
      } catch {
        return null;
      }
      return inspectionOf(reply);
    },
  };
}

/** A kernel's completion reply as the editor lists it; null when it offers nothing usable. */
export function completionOf(source: string, cursor: number, reply: KernelCompletion): AssistCompletion | null {
  const from = utf16Offset(source, reply.cursorStart);
  const to = utf16Offset(source, reply.cursorEnd);
  // The range the kernel names must hold the cursor; anything else would replace text the person is not at.
  if (from > to || from > cursor || to < cursor) return null;
  const kinds = new Map<string, { type: string; signature?: string }>();
  // Jedi says "<unknown>" for a name whose kind it could not infer: no kind to show.
  for (const t of reply.types ?? []) if (!kinds.has(t.text) && t.type !== "<unknown>") kinds.set(t.text, t);
  const seen = new Set<string>();
  const matches: AssistMatch[] = [];
  for (const label of reply.matches) {
    if (typeof label !== "string" || label === "" || seen.has(label)) continue;
    seen.add(label);
    const kind = kinds.get(label);
    matches.push({
      label,
      ...(kind?.type ? { type: kind.type } : {}),
      ...(kind?.signature ? { signature: kind.signature } : {}),
    });
    if (matches.length >= MAX_ASSIST_MATCHES) break;
  }
  return matches.length > 0 ? { from, to, matches } : null;
}

/** A kernel's inspection reply as the editor shows it: its text/plain, bounded; null when it found nothing. */
export function inspectionOf(reply: KernelInspection): AssistInspection | null {
  const plain = reply.data["text/plain"];
  const text = Array.isArray(plain) ? plain.filter((s) => typeof s === "string").join("") : plain;
  if (!reply.found || typeof text !== "string" || text.trim() === "") return null;
  return {
    text: text.length > MAX_INSPECTION_CHARS ? `${text.slice(0, MAX_INSPECTION_CHARS)}\n… (cut)` : text,
  };
}

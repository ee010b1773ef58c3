// The one path by which typeset math gets inline styles.
//
// KaTeX's HTML output positions every box with inline styles (`height`, `vertical-align`, `top`, `margin-right`...).
// Style attributes never pass the sanitizer (a notebook could restyle or overlay the studio with them) and the app
// page's CSP has no 'unsafe-inline' for styles. So math.ts moves each KaTeX `style` into a `data-math-style`
// attribute; the sanitizer keeps that attribute only if every declaration in it passes the allowlist below (and
// rewrites it to the canonical form this module prints); the page then applies the declarations through the CSSOM
// (`element.style.setProperty`, src/web/math-styles.ts), which CSP does not govern, and the export turns them into
// hashed class rules (export.ts). A notebook can write the attribute by hand too: it gets exactly what KaTeX could
// produce, small lengths in `em` and plain colours on a few box properties, inside the markdown box's paint
// containment. No URL, no function, no `position` and no `!important` can get through.

/** Name of the data attribute that carries KaTeX's inline styles from the renderer to the page. */
export const MATH_STYLE_ATTRIBUTE = "data-math-style";

/** Largest absolute length accepted, in em. KaTeX's own `maxSize` caps user sizes at 25 em; stacked boxes add up. */
export const MAX_MATH_LENGTH_EM = 1000;

type ValueKind = "length" | "color" | "border-style" | "border";

/** Every CSS property KaTeX writes, and what kind of value it may take. */
export const MATH_STYLE_PROPERTIES: Readonly<Record<string, ValueKind>> = Object.freeze({
  height: "length",
  width: "length",
  "min-width": "length",
  "vertical-align": "length",
  top: "length",
  bottom: "length",
  left: "length",
  margin: "length",
  "margin-left": "length",
  "margin-right": "length",
  "margin-top": "length",
  "padding-left": "length",
  "border-width": "length",
  "border-top-width": "length",
  "border-bottom-width": "length",
  "border-right-width": "length",
  color: "color",
  "background-color": "color",
  "border-color": "color",
  "border-style": "border-style",
  "border-right-style": "border-style",
  // `\fcolorbox`: width, style and colour, each checked as above.
  border: "border",
});

export const LENGTH = /^(-?)(\d{1,6}(?:\.\d{1,6})?|\.\d{1,6})(em)?$/i;
// KaTeX accepts `\color` arguments matching this and nothing else (its own colour check), so a real colour passes.
export const COLOR = /^(?:#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|[a-z]{1,30})$/i;
export const BORDER_STYLES: ReadonlySet<string> = new Set(["solid", "dashed", "dotted", "none"]);

export type MathStyleDeclaration = readonly [property: string, value: string];

/**
 * The declarations of a `data-math-style` value, or null if any of them is not allowed (then none is applied).
 * Accepted: properties of MATH_STYLE_PROPERTIES; lengths `0`, `N` or `Nem` with |N| ≤ MAX_MATH_LENGTH_EM; colours
 * as `#hex` or a keyword of letters; border styles solid, dashed, dotted or none. No `!important`, no functions.
 */
export function parseMathStyle(value: string): MathStyleDeclaration[] | null {
  if (value.length > 1000) return null;
  const declarations: MathStyleDeclaration[] = [];
  for (const part of value.split(";")) {
    if (part.trim() === "") continue;
    const colon = part.indexOf(":");
    if (colon === -1) return null;
    const property = part.slice(0, colon).trim().toLowerCase();
    const raw = part.slice(colon + 1).trim();
    if (!Object.hasOwn(MATH_STYLE_PROPERTIES, property)) return null;
    const checked = checkValue(MATH_STYLE_PROPERTIES[property]!, raw);
    if (checked === null) return null;
    declarations.push([property, checked]);
  }
  return declarations.length > 0 ? declarations : null;
}

/** One declaration's value checked against its kind, in canonical form, or null. */
export function checkValue(kind: ValueKind, raw: string): string | null {
  switch (kind) {
    case "length": {
      const match = LENGTH.exec(raw);
      if (match === null) return null;
      const number = Number(match[2]);
      if (!Number.isFinite(number) || number > MAX_MATH_LENGTH_EM) return null;
      // A bare number other than 0 is not a CSS length; KaTeX always writes the unit.
      if (match[3] === undefined && number !== 0) return null;
      return number === 0 ? "0" : `${match[1]}${match[2]}em`;
    }
    case "color":
      return COLOR.test(raw) ? raw.toLowerCase() : null;
    case "border-style":
      return BORDER_STYLES.has(raw.toLowerCase()) ? raw.toLowerCase() : null;
    case "border": {
      const parts = raw.split(/\s+/);
      if (parts.length !== 3) return null;
      const width = checkValue("length", parts[0]!);
      const style = checkValue("border-style", parts[1]!);
      const color = checkValue("color", parts[2]!);
      return width === null || style === null || color === null ? null : `${width} ${style} ${color}`;
    }
  }
}

/** The canonical attribute value of checked declarations (what the sanitizer writes back). */
export function formatMathStyle(declarations: readonly MathStyleDeclaration[]): string {
  return declarations.map(([property, value]) => `${property}:${value}`).join(";");
}

/** A `data-math-style` value checked and printed canonically, or null if it is not allowed. */
export function checkMathStyle(value: string): string | null {
  const declarations = parseMathStyle(value);
  return declarations === null ? null : formatMathStyle(declarations);
}

/**
 * Moves the `style` attributes of KaTeX's own output into `data-math-style`. KaTeX escapes attribute values and
 * text, so ` style="` in its output can only be the start of a style attribute.
 */
export function moveKatexStyles(katexHtml: string): string {
  return katexHtml.replace(/ style="([^"]*)"/g, (_, value: string) => ` ${MATH_STYLE_ATTRIBUTE}="${value}"`);
}

/**
 * Applies every checked `data-math-style` under `root` as inline style through the CSSOM, then drops the attribute.
 * CSSOM writes (`element.style.setProperty`) are not governed by CSP's `style-src`/`style-src-attr`: only parsing a
 * `style` attribute from markup or `setAttribute("style", ...)` is. The declarations are parsed again here by the
 * same allowlist, so nothing is written that the sanitizer would not have kept. The studio page and output frames
 * both apply them with this.
 */
export function applyMathStyles(root: ParentNode): void {
  for (const element of Array.from(root.querySelectorAll(`[${MATH_STYLE_ATTRIBUTE}]`))) {
    const declarations = parseMathStyle(element.getAttribute(MATH_STYLE_ATTRIBUTE) ?? "");
    element.removeAttribute(MATH_STYLE_ATTRIBUTE);
    if (declarations === null || !("style" in element)) continue;
    const style = (element as HTMLElement | SVGElement).style;
    for (const [property, value] of declarations) style.setProperty(property, value);
  }
}

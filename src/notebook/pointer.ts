// RFC 6901 JSON pointers: how every located error names its place in the document.

export type PointerSegment = string | number;

export function escapePointerSegment(segment: PointerSegment): string {
  const text = String(segment);
  // "~" first, or the "~1" made from "/" would be escaped a second time.
  return text.includes("~") || text.includes("/") ? text.replaceAll("~", "~0").replaceAll("/", "~1") : text;
}

export function joinPointer(base: string, ...segments: PointerSegment[]): string {
  let pointer = base;
  for (const segment of segments) pointer += "/" + escapePointerSegment(segment);
  return pointer;
}

export function pointerFromSegments(segments: readonly PointerSegment[]): string {
  return joinPointer("", ...segments);
}

/** The unescaped reference tokens of a pointer, or undefined when it is not a pointer ("" is the root). */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

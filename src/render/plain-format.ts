// Numbers and times written for people without Intl. A page's first use of Intl (toLocaleString, DateTimeFormat,
// NumberFormat) loads ICU's locale data into the renderer, tens of milliseconds in a fresh Chromium renderer
// process; every studio page opens in a fresh process (its Cross-Origin-Opener-Policy asks for one), and a file's
// page writes a long output's line count while it draws the first screen and its versions' times just after. These
// formats are fixed: they cost nothing, and read the same everywhere.

/** A whole number with its thousands grouped by commas: 12345 → "12,345". */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${grouped}` : grouped;
}

const two = (n: number) => String(n).padStart(2, "0");

/** A moment in the reader's own time zone, to the second: "2026-11-27 14:05:09". */
export function localTimestamp(date: Date): string {
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

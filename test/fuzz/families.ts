// The notebook fuzzer's input families. Each is a fast-check arbitrary of whole files (what a person could
// upload or hand to `vitrine render`), so that a failure is reproduced by writing the case out and rendering it.
import fc from "fast-check";
import type { Seeds } from "./seeds.ts";

export type NotebookInput = string | Uint8Array;

export interface Family {
  name: string;
  /** What the family reaches, for the summary and for whoever reads a failure. */
  about: string;
  arbitrary: (seeds: Seeds) => fc.Arbitrary<NotebookInput>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Cell = { [key: string]: Json };

/** Cell ids by position, so that a case's bytes depend on its seed alone and a replay writes the same file. */
function notebook(cells: Cell[], metadata: { [key: string]: Json } = {}): string {
  const withIds = cells.map((cell, i) => ({ ...cell, id: `cell-${i}` }));
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells: withIds });
}

function codeCell(source: string, outputs: Json[] = []): Cell {
  return { cell_type: "code", metadata: {}, source, execution_count: 1, outputs };
}

function markdownCell(source: string, attachments?: { [key: string]: Json }): Cell {
  const cell: Cell = { cell_type: "markdown", metadata: {}, source };
  if (attachments) cell.attachments = attachments;
  return cell;
}

function display(data: { [key: string]: Json }, metadata: { [key: string]: Json } = {}): Json {
  return { output_type: "display_data", data, metadata };
}

function stream(text: string): Json {
  return { output_type: "stream", name: "stdout", text };
}

const MIME_TYPES = [
  "text/html",
  "image/svg+xml",
  "text/markdown",
  "text/latex",
  "application/javascript",
  "text/plain",
  "application/json",
  "application/vnd.plotly.v1+json",
  "application/vnd.vegalite.v5+json",
  "application/vnd.vega.v5+json",
  "application/vnd.jupyter.widget-view+json",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/vnd.jupyter.stderr",
  "application/x-unknown",
];

const HTML_TAGS = ["div", "span", "p", "table", "tr", "td", "b", "i", "a", "ul", "li", "svg", "g", "math", "template"];

/** Short text that mixes markup, entities, controls and astral characters; now and then a lone surrogate. */
const spiky = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 6 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }), weight: 6 },
  {
    arbitrary: fc.constantFrom("<", ">", "&amp;", "&#0;", "</script>", "<!--", "-->", "]]>", "\u0000", "😀", "\u202e"),
    weight: 6,
  },
  { arbitrary: fc.string({ unit: "binary", maxLength: 20 }), weight: 1 },
);

/** HTML nested no deeper than maxDepth, with text, attributes and comments between the tags. */
function nestedHtml(maxDepth: number): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.constantFrom(...HTML_TAGS), spiky, fc.boolean()), { minLength: 1, maxLength: maxDepth })
    .map((levels) => {
      const open = levels.map(([tag, text, attr]) => `<${tag}${attr ? ` title="${text}"` : ""}>${text}`).join("");
      const close = levels
        .map(([tag]) => `</${tag}>`)
        .reverse()
        .join("");
      return open + close;
    });
}

const jsonValue = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;

/** A mime bundle's value: mostly what its type expects, sometimes any JSON at all. */
function bundleValue(payloads: string[]): fc.Arbitrary<Json> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...payloads), weight: 3 },
    { arbitrary: nestedHtml(12), weight: 2 },
    { arbitrary: fc.array(spiky, { maxLength: 6 }), weight: 1 },
    { arbitrary: fc.base64String({ maxLength: 200 }), weight: 1 },
    { arbitrary: jsonValue, weight: 1 },
  );
}

function outputs(payloads: string[]): fc.Arbitrary<Json[]> {
  const data = fc.dictionary(fc.constantFrom(...MIME_TYPES), bundleValue(payloads), { minKeys: 1, maxKeys: 4 });
  const outputMetadata = fc.oneof(
    fc.constant({}),
    fc.record({ width: fc.oneof(fc.integer(), spiky), height: fc.oneof(fc.integer(), spiky) }),
    fc.dictionary(fc.constantFrom(...MIME_TYPES), jsonValue, { maxKeys: 2 }),
  );
  const output = fc.oneof(
    fc.tuple(data, outputMetadata).map(([d, m]) => display(d, m as { [key: string]: Json })),
    fc.tuple(data, fc.integer({ min: -1, max: 1e9 })).map(([d, n]) => ({
      output_type: "execute_result",
      data: d,
      metadata: {},
      execution_count: n,
    })),
    fc.array(spiky, { maxLength: 4 }).map((t) => stream(t.join(""))),
    fc.tuple(spiky, spiky, fc.array(spiky, { maxLength: 5 })).map(([ename, evalue, traceback]) => ({
      output_type: "error",
      ename,
      evalue,
      traceback,
    })),
  );
  return fc.array(output, { maxLength: 5 });
}

/** Markdown assembled from the constructs the markdown stage treats specially. */
function markdownSource(payloads: string[]): fc.Arbitrary<string> {
  const url = fc.oneof(
    fc.webUrl(),
    fc.constantFrom(
      "javascript:alert(1)",
      "attachment:a.png",
      "attachment:../x",
      "data:text/html,<script>x</script>",
      "http://169.254.169.254/latest",
      "//evil.example/",
      "vbscript:x",
      "http://localhost:8080/api/files",
      "jav&#x09;ascript:x",
    ),
  );
  const piece = fc.oneof(
    fc.constantFrom(...payloads),
    spiky,
    fc.tuple(spiky, url).map(([t, u]) => `[${t}](${u})`),
    fc.tuple(spiky, url).map(([t, u]) => `![${t}](${u} "${t}")`),
    fc.tuple(fc.integer({ min: 1, max: 7 }), spiky).map(([n, t]) => `\n${"#".repeat(n)} ${t}\n`),
    spiky.map((t) => `$${t}$`),
    spiky.map((t) => `$$\n${t}\n$$`),
    spiky.map((t) => `\\begin{align}${t}\\end{align}`),
    spiky.map((t) => `\n\`\`\`python\n${t}\n\`\`\`\n`),
    fc
      .array(spiky, { minLength: 1, maxLength: 4 })
      .map((cols) => `\n|${cols.join("|")}|\n|${cols.map(() => "-").join("|")}|\n`),
    fc.integer({ min: 1, max: 30 }).map((n) => "*".repeat(n) + "x" + "_".repeat(n)),
    fc.integer({ min: 1, max: 30 }).map((n) => "> ".repeat(n) + "quote"),
    fc.integer({ min: 1, max: 30 }).map((n) => "[".repeat(n) + "x" + "]".repeat(n)),
    nestedHtml(10),
  );
  return fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(" "));
}

const RAW_FORMATS = [
  "text/html",
  "text/markdown",
  "text/restructuredtext",
  "text/latex",
  "application/javascript",
  "text/x-python",
  "image/svg+xml",
  "",
];

/** A base64 body for an attachment: a real PNG header, bytes that only claim to be one, or not base64 at all. */
const attachmentBody = fc.oneof(
  fc.constant("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString("base64")),
  fc.string({ maxLength: 60 }),
  fc.base64String({ maxLength: 80 }),
  fc.constant("PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"),
);

/**
 * The value at `path` (indices taken modulo each level's size) replaced. With keepType the walk goes on to a leaf
 * and a string stays a string, so most edits keep the notebook valid and reach the renderer rather than the schema.
 */
function mutateJson(value: Json, path: number[], replacement: Json, keepType: boolean, depth = 0): Json {
  const atEnd = keepType ? depth > 64 : depth >= path.length;
  if (atEnd || value === null || typeof value !== "object") {
    if (keepType && typeof value === "string" && typeof replacement !== "string") return JSON.stringify(replacement);
    return replacement;
  }
  const step = path[depth % path.length] ?? 0;
  if (Array.isArray(value)) {
    if (value.length === 0) return [replacement];
    const i = step % value.length;
    const copy = value.slice();
    copy[i] = mutateJson(value[i] ?? null, path, replacement, keepType, depth + 1);
    return copy;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return { ...value, x: replacement };
  const key = keys[step % keys.length] ?? "x";
  return { ...value, [key]: mutateJson(value[key] ?? null, path, replacement, keepType, depth + 1) };
}

function parseSeed(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** Families of mutated corpus files and hostile notebook parts. */
export function notebookFamilies(): Family[] {
  return [
    {
      name: "corpus-structure",
      about: "corpus notebooks with values swapped for hostile strings, random JSON, payloads or other cells",
      arbitrary: (seeds) => {
        const parsed = seeds.notebooks
          .map((n) => parseSeed(n.text))
          .filter((v): v is Json => v !== undefined && typeof v === "object");
        const replacement = fc.oneof(jsonValue, fc.constantFrom(...seeds.payloads), spiky);
        const path = fc.array(fc.nat(), { minLength: 1, maxLength: 7 });
        return fc
          .tuple(
            fc.constantFrom(...parsed),
            fc.array(fc.tuple(path, replacement, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 9 })), {
              minLength: 1,
              maxLength: 4,
            }),
          )
          .map(([seed, edits]) =>
            JSON.stringify(
              edits.reduce((doc, [p, r, loose, where]) => {
                const keep = loose !== 0;
                // Most edits go into the cells: an edit to nbformat or the top level is refused before any rendering.
                const top = doc as { [key: string]: Json };
                if (where === 0 || !Array.isArray(top.cells)) return mutateJson(doc, p, r, keep);
                return { ...top, cells: mutateJson(top.cells, p, r, keep) };
              }, seed),
            ),
          );
      },
    },
    {
      name: "corpus-bytes",
      about: "corpus files with bytes flipped, inserted, cut or truncated: broken JSON and broken UTF-8",
      arbitrary: (seeds) => {
        const edit = fc.tuple(
          fc.constantFrom("flip", "insert", "delete", "truncate", "repeat"),
          fc.nat(),
          fc.uint8Array({ minLength: 1, maxLength: 8 }),
          fc.integer({ min: 1, max: 64 }),
        );
        return fc
          .tuple(fc.constantFrom(...seeds.notebooks), fc.array(edit, { minLength: 1, maxLength: 6 }))
          .map(([seed, edits]) => {
            let bytes: Uint8Array = new Uint8Array(Buffer.from(seed.text, "utf8"));
            for (const [kind, at, insert, length] of edits) {
              const i = bytes.length === 0 ? 0 : at % bytes.length;
              if (kind === "flip") {
                bytes = bytes.slice();
                if (bytes.length > 0) bytes[i] = (bytes[i] ?? 0) ^ (insert[0] || 0x80);
              } else if (kind === "insert") bytes = Buffer.concat([bytes.subarray(0, i), insert, bytes.subarray(i)]);
              else if (kind === "delete") bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + length)]);
              else if (kind === "truncate") bytes = bytes.subarray(0, i);
              else bytes = Buffer.concat([bytes.subarray(0, i + length), bytes.subarray(i)]);
            }
            return bytes;
          });
      },
    },
    {
      name: "corpus-splice",
      about: "the head of one corpus file joined to the tail of another, and cells of one moved into another",
      arbitrary: (seeds) =>
        fc.oneof(
          fc
            .tuple(fc.constantFrom(...seeds.notebooks), fc.constantFrom(...seeds.notebooks), fc.nat(), fc.nat())
            .map(([a, b, i, j]) => a.text.slice(0, i % (a.text.length + 1)) + b.text.slice(j % (b.text.length + 1))),
          fc
            .tuple(fc.constantFrom(...seeds.notebooks), fc.constantFrom(...seeds.notebooks), fc.nat(), fc.nat())
            .map(([a, b, i, j]) => {
              const into = parseSeed(a.text) as { cells?: Json[] } | undefined;
              const from = parseSeed(b.text) as { cells?: Json[]; worksheets?: { cells?: Json[] }[] } | undefined;
              const donor = from?.cells ?? from?.worksheets?.[0]?.cells ?? [];
              if (!into || !Array.isArray(into.cells) || donor.length === 0) return a.text;
              const cells = into.cells.slice();
              cells.splice(i % (cells.length + 1), 0, donor[j % donor.length] ?? null);
              return JSON.stringify({ ...into, cells });
            }),
        ),
    },
    {
      name: "hostile-outputs",
      about: "mime bundles of every registered type holding XSS vectors, bounded nesting, bad base64 and odd JSON",
      arbitrary: (seeds) =>
        fc
          .array(fc.tuple(spiky, outputs(seeds.payloads)), { minLength: 1, maxLength: 4 })
          .map((cells) => notebook(cells.map(([source, outs]) => codeCell(source, outs)))),
    },
    {
      name: "markdown",
      about: "markdown cells built from links, images, math, tables, fences, emphasis runs and raw HTML",
      arbitrary: (seeds) =>
        fc
          .array(markdownSource(seeds.payloads), { minLength: 1, maxLength: 4 })
          .map((sources) => notebook(sources.map((s) => markdownCell(s)))),
    },
    {
      name: "raw-cells",
      about: "raw cells of each export format holding payloads",
      arbitrary: (seeds) =>
        fc
          .array(
            fc.tuple(
              fc.constantFrom(...RAW_FORMATS),
              fc.constantFrom("format", "raw_mimetype"),
              bundleValue(seeds.payloads),
            ),
            { minLength: 1, maxLength: 4 },
          )
          .map((cells) =>
            notebook(
              cells.map(([format, key, source]) => ({
                cell_type: "raw",
                metadata: { [key]: format },
                source: typeof source === "string" ? source : JSON.stringify(source),
              })),
            ),
          ),
    },
    {
      name: "attachments",
      about: "markdown attachments with bad base64, SVG, mismatched types, and references to names that are not there",
      arbitrary: (seeds) => {
        const name = fc.oneof(fc.constantFrom("a.png", "../b.png", "c d.svg", "", "x\u0000.png"), spiky);
        const bundle = fc.dictionary(fc.constantFrom(...MIME_TYPES), attachmentBody, { minKeys: 1, maxKeys: 3 });
        return fc
          .tuple(
            fc.dictionary(name, bundle, { maxKeys: 4 }),
            fc.array(name, { maxLength: 4 }),
            markdownSource(seeds.payloads),
          )
          .map(([attachments, refs, text]) =>
            notebook([
              markdownCell(
                text + refs.map((r) => ` ![x](attachment:${r}) <img src="attachment:${r}">`).join(""),
                attachments,
              ),
            ]),
          );
      },
    },
    {
      name: "metadata",
      about: "notebook, cell and output metadata: titles, kernelspecs, language_info, widget state, tags",
      arbitrary: (seeds) => {
        const text = fc.oneof(spiky, fc.constantFrom(...seeds.payloads));
        const nbMetadata = fc.record(
          {
            title: text,
            kernelspec: fc.record({ name: text, display_name: text, language: text }),
            language_info: fc.record({
              name: fc.oneof(text, fc.constantFrom("python", "R", "julia", "javascript", "bash")),
              pygments_lexer: text,
              codemirror_mode: fc.oneof(text, fc.record({ name: text, version: fc.integer() })),
              file_extension: text,
            }),
            widgets: fc.record({
              "application/vnd.jupyter.widget-state+json": fc.oneof(
                jsonValue,
                fc.record({ version_major: fc.integer(), version_minor: fc.integer(), state: jsonValue }),
              ),
            }),
            authors: fc.array(fc.oneof(jsonValue, fc.record({ name: text })), { maxLength: 3 }),
          },
          { requiredKeys: [] },
        );
        const cellMetadata = fc.record(
          {
            tags: fc.array(text, { maxLength: 4 }),
            jupyter: fc.record({ source_hidden: fc.boolean(), outputs_hidden: fc.boolean() }),
            collapsed: fc.boolean(),
            name: text,
            scrolled: fc.constantFrom(true, false, "auto"),
          },
          { requiredKeys: [] },
        );
        return fc
          .tuple(nbMetadata, fc.array(fc.tuple(cellMetadata, outputs(seeds.payloads)), { minLength: 1, maxLength: 3 }))
          .map(([meta, cells]) =>
            notebook(
              cells.map(([m, outs]) => ({ ...codeCell("x = 1", outs), metadata: m as { [key: string]: Json } })),
              meta as { [key: string]: Json },
            ),
          );
      },
    },
  ];
}

/**
 * Families aimed at the render stages' worst inputs: nesting deep enough to exhaust a recursive walk, text that
 * closes a `<plaintext>` early, and inputs that make terminal output and highlighting super-linear when a stage is.
 * Each is sized so a linear stage takes milliseconds; heavier than the others, they run fewer cases in `npm test`.
 */
export function renderStageFamilies(): Family[] {
  const tag = fc.constantFrom("div", "span", "b", "svg", "g", "table", "ul", "li", "font");
  return [
    {
      name: "deep-nesting",
      about: "text/html, SVG and markdown HTML nested hundreds to thousands deep",
      arbitrary: () =>
        fc
          .tuple(
            tag,
            fc.integer({ min: 200, max: 20_000 }),
            fc.constantFrom("text/html", "image/svg+xml", "markdown", "text/markdown"),
          )
          .map(([t, depth, where]) => {
            const html = `<${t}>`.repeat(depth) + "x" + `</${t}>`.repeat(depth);
            return where === "markdown"
              ? notebook([markdownCell(html)])
              : notebook([
                  codeCell("x", [display({ [where]: where === "image/svg+xml" ? `<svg>${html}</svg>` : html })]),
                ]);
          }),
    },
    {
      name: "plaintext-html",
      about: "text/html holding a <plaintext> element, which no closing tag ends",
      arbitrary: (seeds) =>
        fc
          .tuple(
            fc.constantFrom("", "</plaintext>", "</plaintext><script>x</script>", "</body>"),
            fc.constantFrom(...seeds.payloads),
          )
          .map(([inner, payload]) =>
            notebook([codeCell("x", [display({ "text/html": `${payload}<plaintext>${inner}` })])]),
          ),
    },
    {
      name: "cr-runs",
      about: "streams, text/plain and tracebacks with long runs of carriage returns and backspaces",
      arbitrary: () =>
        fc
          .tuple(
            fc.constantFrom("\r", "\r\r\r\ra", "a\r", "ab\b\b\r", "\r\n\r", "x".repeat(40) + "\r"),
            fc.integer({ min: 1_000, max: 60_000 }),
            fc.constantFrom("stream", "text/plain", "error"),
          )
          .map(([unit, n, where]) => {
            const text = unit.repeat(n);
            const out: Json =
              where === "stream"
                ? stream(text)
                : where === "error"
                  ? { output_type: "error", ename: "E", evalue: "v", traceback: [text] }
                  : display({ "text/plain": text });
            return notebook([codeCell("x", [out])]);
          }),
    },
    {
      name: "ansi-flood",
      about:
        "streams with hundreds to thousands of ANSI escapes: colours, bold, resets, cursor moves, unterminated ones",
      arbitrary: () =>
        fc
          .tuple(
            fc.constantFrom(
              "\x1b[31m",
              "\x1b[1m",
              "\x1b[0m",
              "\x1b[1;32;48;5;200m",
              "\x1b[2K",
              "\x1b[A",
              "\x1b[",
              "\x1b]8;;x\x07",
            ),
            fc.constantFrom("", "a", "ab\r"),
            fc.integer({ min: 200, max: 50_000 }),
          )
          .map(([esc, text, n]) => notebook([codeCell("x", [stream((esc + text).repeat(n))])])),
    },
    {
      name: "long-code",
      about: "code cells with long highlighted lines: strings, comments, brackets and operators",
      arbitrary: () =>
        fc
          .tuple(
            fc.constantFrom("'a' + ", "# c\n", "(", "[1, ", "x.y.", '"""', "lambda: ", "@d\n", "\\\n"),
            fc.integer({ min: 1_000, max: 40_000 }),
          )
          .map(([unit, n]) => notebook([codeCell(unit.repeat(n))])),
    },
    {
      name: "nested-fstrings",
      about: "Python f-strings nested in their replacement fields, as Python 3.12 allows",
      arbitrary: () =>
        fc
          .tuple(fc.integer({ min: 4, max: 400 }), fc.constantFrom('"', "'", '"""'), fc.integer({ min: 1, max: 50 }))
          .map(([depth, quote, copies]) => {
            const one = `f${quote}{`.repeat(depth) + "x" + `}${quote}`.repeat(depth);
            return notebook([codeCell(Array.from({ length: copies }, () => `y = ${one}`).join("\n"))]);
          }),
    },
  ];
}

export function allFamilies(): Family[] {
  return [...notebookFamilies(), ...renderStageFamilies()];
}

// Builds small nbformat 4.5 notebooks for the scanner's tests.

export interface CellSpec {
  type?: "code" | "markdown" | "raw";
  source: string;
  metadata?: Record<string, unknown>;
  outputs?: unknown[];
}

export function notebookJson(cells: readonly (CellSpec | string)[], metadata: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" }, ...metadata },
      cells: cells.map((spec, index) => {
        const cell = typeof spec === "string" ? { source: spec } : spec;
        const type = cell.type ?? "code";
        const base = { id: `cell-${index}`, cell_type: type, metadata: cell.metadata ?? {}, source: cell.source };
        return type === "code" ? { ...base, execution_count: null, outputs: cell.outputs ?? [] } : base;
      }),
    },
    null,
    1,
  );
}

export function htmlOutput(html: string, mime = "text/html"): unknown {
  return { output_type: "display_data", data: { [mime]: html }, metadata: {} };
}

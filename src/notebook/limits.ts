// Named limits for reading notebooks. Each can be overridden (CLI flags, server config); see docs/configuration.md.

export interface NotebookLimits {
  /** Largest file accepted, in bytes. */
  maxFileBytes: number;
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** Longest single JSON string, in UTF-16 code units. */
  maxStringLength: number;
  /** Most cells in one notebook. */
  maxCells: number;
  /** Most outputs in one code cell. */
  maxOutputsPerCell: number;
}

export const DEFAULT_NOTEBOOK_LIMITS: Readonly<NotebookLimits> = Object.freeze({
  maxFileBytes: 100 * 1024 * 1024,
  maxDepth: 64,
  maxStringLength: 50 * 1024 * 1024,
  maxCells: 20_000,
  maxOutputsPerCell: 5_000,
});

export function resolveLimits(overrides: Partial<NotebookLimits> = {}): NotebookLimits {
  const limits = { ...DEFAULT_NOTEBOOK_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof NotebookLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value <= 0)
      throw new RangeError(`limit ${key} must be a positive integer, got ${value}`);
    limits[key] = value;
  }
  return limits;
}

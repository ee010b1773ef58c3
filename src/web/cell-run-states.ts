// Where each code cell's latest run stands, as the editor shows it beside the cell: queued, running, done, failed,
// aborted (an earlier cell of the same run failed, or the kernel restarted), or unknown (the connection dropped
// while it ran). Times are the page's clock. Data only, kept apart from the edit model: a run's state is not part of
// the notebook and is never saved or undone.

export type CellRunPhase = "queued" | "running" | "done" | "failed" | "aborted" | "unknown";

export interface CellRunStatus {
  readonly phase: CellRunPhase;
  /** When the page asked for the run, in ms since the epoch. */
  readonly queuedAt: number;
  /** When the kernel began it (its execute_input arrived). */
  readonly startedAt?: number;
  /** When it ended, for done, failed and aborted. */
  readonly endedAt?: number;
  /** Why it failed or was aborted, when there is more to say than the outputs show. */
  readonly note?: string;
}

const UNFINISHED: ReadonlySet<CellRunPhase> = new Set(["queued", "running"]);

export class CellRunStates {
  readonly #states = new Map<string, CellRunStatus>();
  readonly #listeners = new Set<() => void>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The cell's latest run, or undefined if it has not run in this page. The same object until it changes. */
  get(cellId: string): CellRunStatus | undefined {
    return this.#states.get(cellId);
  }

  /** Cells queued or running. */
  get unfinished(): number {
    let count = 0;
    for (const status of this.#states.values()) if (UNFINISHED.has(status.phase)) count += 1;
    return count;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  queued(cellId: string): void {
    this.#set(cellId, { phase: "queued", queuedAt: this.#now() });
  }

  running(cellId: string): void {
    const before = this.#states.get(cellId);
    this.#set(cellId, { phase: "running", queuedAt: before?.queuedAt ?? this.#now(), startedAt: this.#now() });
  }

  /** The run ended with the kernel's status: ok is done; error and dead are failed; aborted was never run. */
  finished(cellId: string, status: "ok" | "error" | "aborted" | "dead"): void {
    const before = this.#states.get(cellId);
    const queuedAt = before?.queuedAt ?? this.#now();
    const endedAt = this.#now();
    const startedAt = before?.startedAt;
    const times = startedAt === undefined ? { queuedAt, endedAt } : { queuedAt, startedAt, endedAt };
    if (status === "ok") this.#set(cellId, { phase: "done", ...times });
    else if (status === "error") this.#set(cellId, { phase: "failed", ...times });
    else if (status === "dead") this.#set(cellId, { phase: "failed", ...times, note: "the kernel stopped" });
    // A cell the kernel began and then aborted was stopped partway (an interrupt or a restart).
    else if (startedAt !== undefined) this.#set(cellId, { phase: "aborted", ...times, note: "stopped" });
    else this.#set(cellId, { phase: "aborted", queuedAt, endedAt, note: "not run: an earlier cell failed" });
  }

  /** The run was refused or could not be sent: it did not run. */
  refused(cellId: string, note: string): void {
    const before = this.#states.get(cellId);
    this.#set(cellId, { phase: "failed", queuedAt: before?.queuedAt ?? this.#now(), endedAt: this.#now(), note });
  }

  /** The run waits for a person's decision (the review prompt): it shows as not run until they decide. */
  forget(cellId: string): void {
    if (this.#states.delete(cellId)) this.#emit();
  }

  /** The connection dropped while the run was unfinished: it may still be running in the kernel. */
  lost(cellId: string): void {
    const before = this.#states.get(cellId);
    if (!before || !UNFINISHED.has(before.phase)) return;
    this.#set(cellId, { ...before, phase: "unknown", note: "the connection was lost; it may still be running" });
  }

  /** The kernel restarted: what was queued or running will not finish. */
  restarted(): void {
    const endedAt = this.#now();
    let changed = false;
    for (const [cellId, status] of this.#states) {
      if (!UNFINISHED.has(status.phase) && status.phase !== "unknown") continue;
      this.#states.set(cellId, { ...status, phase: "aborted", endedAt, note: "the kernel restarted" });
      changed = true;
    }
    if (changed) this.#emit();
  }

  #set(cellId: string, status: CellRunStatus): void {
    this.#states.set(cellId, status);
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}

/** Seconds as the status line shows them: "0.41 s", "3.2 s", "12 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 1) return `${seconds.toFixed(2)} s`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** The words beside a cell for its run, `now` being the page's clock (for a running cell's time so far). */
export function describeRun(status: CellRunStatus, now: number): string {
  switch (status.phase) {
    case "queued":
      return "Queued";
    case "running":
      return `Running, ${formatDuration(now - (status.startedAt ?? status.queuedAt))}`;
    case "done":
      return `Done in ${formatDuration((status.endedAt ?? now) - (status.startedAt ?? status.queuedAt))} at ${clock(status.endedAt ?? now)}`;
    case "failed":
      return `Failed${status.note ? ` (${status.note})` : ""} after ${formatDuration((status.endedAt ?? now) - (status.startedAt ?? status.queuedAt))} at ${clock(status.endedAt ?? now)}`;
    case "aborted":
      return status.note === undefined ? "Not run" : status.note.charAt(0).toUpperCase() + status.note.slice(1);
    case "unknown":
      return "Unknown: the connection was lost while it ran";
  }
}

function clock(ms: number): string {
  const date = new Date(ms);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

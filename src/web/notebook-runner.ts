// Runs an edited notebook's cells on the file's kernel: the edit page's link between the edit model
// (notebook-edit-model.ts), the page's kernel session (kernel-session.ts) and the cells' run states
// (cell-run-states.ts). It starts the file's kernel on the first run (or joins the one running for the file), sends
// cells in order, feeds their outputs and execution counts back into the model, and tells the page what needs a
// person: a review to confirm, a notice, the kernel's and the connection's state.
//
// Cells run together (run all, above, below, a selection) ask the kernel to stop at the first error, as
// JupyterLab does: the cells after a failure end "not run". A file whose review has high findings comes back
// `review_required` for every cell of the batch; the page asks once, and "Run anyway" sends the batch again with
// the confirmed findings.
import type { KernelSpecInfo } from "../contract/api-kernels.ts";
import type { RunFinding } from "../contract/kernel-socket.ts";
import { CellRunStates } from "./cell-run-states.ts";
import { KernelSession, type CellRun, type ConnectionState, type KernelStatus } from "./kernel-session.ts";
import type { NotebookEditModel } from "./notebook-edit-model.ts";

/** A batch the person must confirm: the file's high findings, and the cells to run once they do. */
export interface RunConfirmation {
  findings: RunFinding[];
  cellIds: string[];
}

export interface NotebookRunnerEvents {
  /** A message for the person (a refusal, a kernel that could not start). */
  notice(message: string): void;
  /** The file's review has findings to confirm before these cells run. */
  confirm(confirmation: RunConfirmation): void;
  /** The file's kernel changed state. */
  kernelState(status: KernelStatus): void;
  /** The page's connection to the studio changed state. */
  connection(state: ConnectionState): void;
}

export interface NotebookRunnerOptions {
  workspace: string;
  fileName: string;
  model: NotebookEditModel;
  events: NotebookRunnerEvents;
  /** The session to use; by default one is opened for the workspace when first needed. */
  session?: KernelSession;
}

export class NotebookRunner {
  readonly runStates = new CellRunStates();
  /** The file the kernel runs for; follows a rename of the open file. */
  fileName: string;
  readonly #workspace: string;
  readonly #model: NotebookEditModel;
  readonly #events: NotebookRunnerEvents;
  #session: KernelSession | null;
  #kernel: Promise<string> | null = null;
  #kernelId: string | null = null;
  #closed = false;
  readonly #runs = new Map<string, CellRun>();

  constructor(options: NotebookRunnerOptions) {
    this.#workspace = options.workspace;
    this.fileName = options.fileName;
    this.#model = options.model;
    this.#events = options.events;
    this.#session = options.session ?? null;
    if (this.#session) this.#listen(this.#session);
  }

  /** The page's kernel session, opened on first use. */
  get session(): KernelSession {
    if (!this.#session) {
      this.#session = new KernelSession({ workspace: this.#workspace });
      this.#listen(this.#session);
    }
    return this.#session;
  }

  /** The file's kernel, once this page started or joined it. */
  get kernelId(): string | null {
    return this.#kernelId;
  }

  /**
   * Joins the file's running kernel, if there is one, without starting one: a page opened on a notebook whose
   * kernel runs shows its state and can interrupt it at once.
   */
  async joinRunning(): Promise<string | null> {
    const name = this.kernelspecName;
    const running = (await this.session.kernels()).find(
      (k) => k.path === this.fileName && k.state !== "dead" && (name === undefined || k.kernelspec === name),
    );
    if (!running || this.#closed) return null;
    this.#kernel ??= Promise.resolve(this.#adopt(running.id));
    return this.#kernel;
  }

  /** The kernelspec the notebook names (its metadata's `kernelspec.name`), if any. */
  get kernelspecName(): string | undefined {
    const spec = this.#model.metadata.kernelspec;
    const name = typeof spec === "object" && spec !== null && !Array.isArray(spec) ? spec.name : undefined;
    return typeof name === "string" && name !== "" ? name : undefined;
  }

  /**
   * The notebook runs on `spec` from now on: its metadata names it (a change to save), and a kernel of another
   * kind running for the file is shut down (its variables are lost); the next run starts the chosen one.
   */
  async chooseKernel(spec: KernelSpecInfo): Promise<void> {
    const metadata = { ...this.#model.metadata };
    metadata.kernelspec = { name: spec.name, display_name: spec.displayName, language: spec.language };
    this.#model.setMetadata(metadata);
    const running = await this.#kernel?.catch(() => null);
    if (!running) return;
    const info = (await this.session.kernels()).find((k) => k.id === running);
    if (info && info.kernelspec === spec.name && info.state !== "dead") return;
    this.#kernel = null;
    this.#kernelId = null;
    this.runStates.restarted();
    if (info && info.state !== "dead") await this.session.shutdownKernel(running);
    this.#events.kernelState({ state: "dead", reason: `shut down: the notebook now runs on ${spec.displayName}` });
  }

  /** The file's running kernel, or a new one of the notebook's kernelspec: started once, on the first run. */
  kernel(): Promise<string> {
    this.#kernel ??= (async () => {
      const name = this.kernelspecName;
      const running = (await this.session.kernels()).find(
        (k) => k.path === this.fileName && k.state !== "dead" && (name === undefined || k.kernelspec === name),
      );
      if (running) return this.#adopt(running.id);
      this.#events.kernelState({ state: "starting" });
      return this.#adopt((await this.session.startKernel(this.fileName, name)).id);
    })().catch((error: unknown) => {
      this.#kernel = null;
      throw error;
    });
    return this.#kernel;
  }

  /**
   * Runs the code cells among `cellIds`, in the notebook's order; markdown cells among them are rendered. With more
   * than one code cell, the first error stops the rest. Resolves once every run has ended (or was refused).
   */
  async run(cellIds: readonly string[], confirmFindings?: string[]): Promise<void> {
    const model = this.#model;
    const code: string[] = [];
    for (const id of cellIds) {
      const index = model.indexOf(id);
      const cell = model.cells[index];
      if (!cell) continue;
      if (cell.cell_type === "code") code.push(id);
      else model.markRun(id);
    }
    if (code.length === 0) return;
    // Empty cells are not sent (as in JupyterLab): they have nothing to run and no execution count.
    const toRun = code.filter((id) => {
      const cell = model.cells[model.indexOf(id)];
      if (cell?.source.trim() !== "") return true;
      model.setOutputs(id, [], null);
      this.runStates.forget(id);
      return false;
    });
    if (toRun.length === 0) return;
    for (const id of toRun) this.runStates.queued(id);
    let kernelId: string;
    try {
      kernelId = await this.kernel();
    } catch (error) {
      const message = `the kernel could not start: ${messageOf(error)}`;
      for (const id of toRun) this.runStates.refused(id, message);
      this.#events.notice(`The kernel could not start: ${messageOf(error)}`);
      return;
    }
    const stopOnError = toRun.length > 1;
    const review: { findings: RunFinding[]; cellIds: string[] } = { findings: [], cellIds: [] };
    const finished: Promise<unknown>[] = [];
    for (const id of toRun) {
      const cell = model.cells[model.indexOf(id)];
      if (!cell) continue;
      const run = this.session.runCell(kernelId, this.fileName, id, cell.source, {
        ...(confirmFindings ? { confirmFindings } : {}),
        ...(stopOnError ? { stopOnError } : {}),
      });
      this.#runs.set(id, run);
      run.on((event, which) => this.#onRunEvent(id, event, which, review));
      finished.push(run.finished);
    }
    await Promise.all(finished);
    if (review.cellIds.length > 0) {
      // The cells of this batch that were not run for the review, in the notebook's order.
      const order = new Map(model.cells.map((c, i) => [c.id, i]));
      review.cellIds.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
      this.#events.confirm({ findings: review.findings, cellIds: review.cellIds });
    }
  }

  /** The person chose not to run the batch after seeing the findings: the server records it. */
  async decline(confirmation: RunConfirmation): Promise<void> {
    const id = await this.#kernel;
    if (id)
      await this.session.declineRun(
        id,
        this.fileName,
        confirmation.findings.map((f) => f.id),
      );
  }

  /** Runs every cell. */
  runAll(): Promise<void> {
    return this.run(this.#model.cells.map((c) => c.id));
  }

  /** Runs the cells above the active one (not itself). */
  runAbove(): Promise<void> {
    const { active } = this.#model.state;
    return this.run(this.#model.cells.slice(0, active).map((c) => c.id));
  }

  /** Runs the active cell and every cell below it. */
  runBelow(): Promise<void> {
    const { active } = this.#model.state;
    return this.run(this.#model.cells.slice(active).map((c) => c.id));
  }

  async interrupt(): Promise<void> {
    const id = await this.#kernel;
    if (id) await this.session.interrupt(id);
  }

  /** Restarts the file's kernel: its variables are gone, and the runs queued or running end "not run". */
  async restart(): Promise<void> {
    const id = await this.#kernel;
    if (!id) return;
    await this.session.restart(id);
    this.runStates.restarted();
  }

  /** Restarts the kernel (or starts it) and runs every cell from the top. */
  async restartAndRunAll(): Promise<void> {
    if (this.#kernel) await this.restart();
    await this.runAll();
  }

  close(): void {
    this.#closed = true;
    this.#session?.close();
  }

  #adopt(id: string): string {
    this.#kernelId = id;
    this.session.watch(id, (status) => this.#events.kernelState(status));
    return id;
  }

  #listen(session: KernelSession): void {
    session.onState((state) => {
      this.#events.connection(state);
      if (state === "disconnected") for (const id of this.#runs.keys()) this.runStates.lost(id);
    });
    session.outputs.onChange((cellId) => {
      if (this.#model.indexOf(cellId) < 0) return;
      this.#model.setOutputs(
        cellId,
        session.outputs.outputs(cellId),
        this.#runs.get(cellId)?.executionCount ?? undefined,
      );
    });
  }

  #onRunEvent(
    cellId: string,
    event: Parameters<Parameters<CellRun["on"]>[0]>[0],
    run: CellRun,
    review: { findings: RunFinding[]; cellIds: string[] },
  ): void {
    // A later run of the same cell owns its state and outputs now.
    if (this.#runs.get(cellId) !== run) return;
    const model = this.#model;
    const present = model.indexOf(cellId) >= 0;
    switch (event.type) {
      case "execute_input":
        this.runStates.running(cellId);
        if (present) model.setOutputs(cellId, this.session.outputs.outputs(cellId), run.executionCount);
        return;
      case "done":
        this.runStates.finished(cellId, event.status);
        if (present) model.setOutputs(cellId, this.session.outputs.outputs(cellId), run.executionCount);
        return;
      case "review_required":
        this.runStates.forget(cellId);
        review.findings = event.findings;
        review.cellIds.push(cellId);
        return;
      case "error":
        if (run.state === "failed") this.runStates.refused(cellId, event.message);
        this.#events.notice(`Cell ${model.indexOf(cellId) + 1}: ${event.message}`);
        return;
      case "connection_lost":
        this.runStates.lost(cellId);
        return;
      default:
        return;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

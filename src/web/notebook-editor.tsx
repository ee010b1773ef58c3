// The notebook editor: the model's cells (notebook-edit-model.ts) with a CodeMirror editor each near the
// viewport (cell-editor.ts) and highlighted text elsewhere, the selection and the mode, JupyterLab's keys
// (notebook-keys.ts), a toolbar and menus. Outputs and rendered markdown are drawn by the reading path
// (cell-rendering.ts), so active outputs stay in sandboxed frames. Running cells is the page's business: the
// editor calls `onRun` with the cells to run, the page feeds outputs back with model.setOutputs, and each code
// cell shows its latest run from `runStates` (queued, running, done, failed, with its times).
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { highlightCode } from "../render/highlight.ts";
import { notebookLanguage } from "../render/plan.ts";
import { CellEditor, EditorProximity, editorLanguage, type EditorLanguage } from "./cell-editor.ts";
import { describeRun, type CellRunStates } from "./cell-run-states.ts";
import { useCellClipboard } from "./cell-clipboard.ts";
import type { KernelAssist } from "./kernel-assist.ts";
import { drawMarkdown, drawOneOutput, drawOutputs, type CellRenderContext } from "./cell-rendering.ts";
import { EditorFind } from "./editor-find.tsx";
import type { KernelSpecInfo } from "../contract/api-kernels.ts";
import type { Output } from "../notebook/types.ts";
import { loadMarkdown } from "./markdown-module.ts";
import type { CellType, EditCell, NotebookEditModel } from "./notebook-edit-model.ts";
import { KeyChords, OTHER_SHORTCUTS, shortcutList, strokeOf, type NotebookCommand } from "./notebook-keys.ts";
import { StudioHost, type UrlChecker } from "./studio-host.ts";

export interface NotebookEditorProps {
  model: NotebookEditModel;
  fileName: string;
  /** The notebook's address in the studio; relative links and images resolve against it. */
  base: string;
  frameShellUrl: string;
  urls: UrlChecker;
  /** A person clicked a link in markdown or an output frame. */
  onLink(href: string): void;
  /**
   * Runs cells, in order: the page sends the code cells to the kernel (stopping at the first error when there are
   * several) and renders the markdown ones. Absent for a person who may not run code.
   */
  onRun?(cellIds: string[]): void;
  /** Each code cell's latest run, shown beside it. */
  runStates?: CellRunStates;
  onRestartAndRunAll?(): void;
  onSave?(): void;
  onRestart?(): void;
  onInterrupt?(): void;
  /** The file's kernel as the page last heard of it (idle, busy, dead, disconnected...), once there is one. */
  kernelState?: string | null;
  /** The kernels the studio may start, to choose the notebook's from; absent for a person who may not run code. */
  kernelspecs?: readonly KernelSpecInfo[];
  onChooseKernel?(spec: KernelSpecInfo): void;
  /** The kernel's completion (Tab) and inspection (Shift-Tab) for code cells, when the page has a kernel. */
  assist?: KernelAssist;
}

/** Every live editor of one notebook, by cell id, so that commands reach the active cell's editor. */
type EditorRegistry = Map<string, CellEditor>;

export function NotebookEditor(props: NotebookEditorProps) {
  const { model, fileName, base, frameShellUrl, urls } = props;
  const state = useSyncExternalStore(
    useCallback((listener) => model.subscribe(listener), [model]),
    () => model.state,
  );
  const root = useRef<HTMLDivElement>(null);
  const editors = useRef<EditorRegistry>(new Map());
  const chords = useRef(new KeyChords());
  const [proximity] = useState(() => new EditorProximity());
  useEffect(() => () => proximity.disconnect(), [proximity]);
  const [showShortcuts, setShowShortcuts] = useState(false);
  const latest = useRef(props);
  latest.current = props;
  const clipboardRefusal = useCellClipboard(root, model);

  const [markdown, setMarkdown] = useState<CellRenderContext["markdown"] | null>(null);
  useEffect(() => {
    let live = true;
    void loadMarkdown().then((m) => live && setMarkdown(() => (source: string) => m.renderMarkdown(source)));
    return () => {
      live = false;
    };
  }, []);
  const host = useMemo(
    () => new StudioHost({ frameShellUrl, base, urls, onFrameLink: (href) => latest.current.onLink(href) }),
    [frameShellUrl, base, urls],
  );
  const notebook = useMemo(() => model.toNotebook(), [model]);
  const language = useMemo(() => notebookLanguage(notebook), [notebook]);
  const context = useMemo<CellRenderContext | null>(
    () =>
      markdown
        ? { fileName, nbformatMinor: notebook.nbformat_minor, metadata: notebook.metadata, markdown, host }
        : null,
    [markdown, fileName, notebook, host],
  );

  const runCells = useCallback(
    (cells: readonly EditCell[]) => {
      const onRun = latest.current.onRun;
      if (onRun) onRun(cells.map((cell) => cell.id));
      else for (const cell of cells) model.markRun(cell.id);
    },
    [model],
  );

  const run = useCallback(
    (command: NotebookCommand) => {
      const { first, last } = model.selection;
      switch (command) {
        case "enter-edit":
          return model.enterEdit();
        case "enter-command":
          return model.enterCommand();
        case "run":
          runCells(model.selectedCells);
          return model.enterCommand();
        case "run-and-select-next":
          runCells(model.selectedCells);
          model.select(last);
          model.selectNextOrInsert();
          return;
        case "run-and-insert-below":
          runCells(model.selectedCells);
          model.select(last);
          model.insertBelow();
          return model.enterEdit();
        case "insert-above":
          return model.insertAbove();
        case "insert-below":
          return model.insertBelow();
        case "delete":
          return model.deleteSelected();
        case "to-code":
          return model.changeType("code");
        case "to-markdown":
          return model.changeType("markdown");
        case "to-raw":
          return model.changeType("raw");
        case "undo":
          return void model.undo();
        case "redo":
          return void model.redo();
        case "cut":
          return model.cut();
        case "copy":
          return model.copy();
        case "paste-below":
          return model.paste("below");
        case "paste-above":
          return model.paste("above");
        case "select-above":
          return model.moveActive(-1);
        case "select-below":
          return model.moveActive(1);
        case "extend-above":
          return model.extendSelection(-1);
        case "extend-below":
          return model.extendSelection(1);
        case "select-all":
          return model.selectAll();
        case "move-up":
          return model.moveSelected(-1);
        case "move-down":
          return model.moveSelected(1);
        case "merge":
          return first === last && last === model.cells.length - 1 ? undefined : model.merge();
        case "split": {
          const editor = editors.current.get(model.activeCell.id);
          if (!editor) return;
          model.split(editor.cutOffsets);
          return;
        }
        case "save":
          return latest.current.onSave?.();
        case "restart":
          return latest.current.onRestart?.();
        case "interrupt":
          return latest.current.onInterrupt?.();
        case "run-all":
          return runCells(model.cells);
        case "run-above":
          return runCells(model.cells.slice(0, model.state.active));
        case "run-below":
          return runCells(model.cells.slice(model.state.active));
        case "restart-and-run-all":
          return latest.current.onRestartAndRunAll?.();
        case "clear-outputs":
          return model.clearOutputs();
        case "clear-all-outputs":
          return model.clearOutputs(true);
      }
    },
    [model, runCells],
  );

  // Keys are read before CodeMirror sees them (capture), so that Shift-Enter runs instead of adding a line, and
  // Escape leaves the cell.
  useEffect(() => {
    const node = root.current;
    if (!node) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const target = event.target as Element | null;
      // The toolbar's own controls keep their keys; only the cells and the editor's own box take commands.
      if (target && target.closest(".vt-ed-toolbar, .vt-ed-shortcuts")) return;
      const stroke = strokeOf(event);
      if (!stroke) return;
      const mode = model.state.mode;
      // A key typed into an editor is an edit-mode key, whatever the mode said a moment ago.
      if (mode === "command" && target?.closest(".vt-ed-cm")) model.enterEdit();
      const resolved = chords.current.resolve(model.state.mode, stroke, event.timeStamp);
      if (resolved.kind === "none") return;
      event.preventDefault();
      event.stopPropagation();
      if (resolved.kind === "command") run(resolved.command);
    };
    node.addEventListener("keydown", onKey, true);
    return () => node.removeEventListener("keydown", onKey, true);
  }, [model, run]);

  // Every cell is in the page after the first commit: a mark for the benchmark (bench/edit.bench.ts).
  useEffect(() => {
    performance.mark("vitrine:editor-all-cells");
  }, []);

  // Command mode keeps the focus on the notebook (so its keys reach it) unless it is somewhere else already.
  useLayoutEffect(() => {
    chords.current.reset();
    const node = root.current;
    if (!node || state.mode !== "command") return;
    const active = node.ownerDocument.activeElement;
    if (active === node.ownerDocument.body || (active && node.contains(active) && active.closest(".vt-ed-cm"))) {
      node.focus({ preventScroll: true });
    }
  }, [state.mode]);

  const { first, last } = model.selection;
  const dirty = model.dirty;

  return (
    <>
      <div
        className={`vt-editor vt-ed-mode-${state.mode}`}
        ref={root}
        tabIndex={0}
        role="region"
        aria-label={`Notebook editor, ${state.mode} mode`}
      >
        <div className="vt-ed-toolbar" role="toolbar" aria-label="Notebook">
          <EditorMenus
            onCommand={run}
            canRun={props.onRun !== undefined}
            canRestart={props.onRestart !== undefined}
            canUndo={model.canUndo}
            canRedo={model.canRedo}
            canPaste={model.clipboard.length > 0}
          />
          {props.onRun && (
            <button type="button" onClick={() => run("run")} title="Run the selected cells (Ctrl Enter)">
              ▶ Run
            </button>
          )}
          <button type="button" onClick={() => run("insert-above")} title="Insert a cell above (A)">
            + Above
          </button>
          <button type="button" onClick={() => run("insert-below")} title="Insert a cell below (B)">
            + Below
          </button>
          <button type="button" onClick={() => run("cut")} title="Cut (X)">
            Cut
          </button>
          <button type="button" onClick={() => run("copy")} title="Copy (C)">
            Copy
          </button>
          <button
            type="button"
            onClick={() => run("paste-below")}
            title="Paste below (V)"
            disabled={model.clipboard.length === 0}
          >
            Paste
          </button>
          <button type="button" onClick={() => run("delete")} title="Delete (D D)">
            Delete
          </button>
          <button type="button" onClick={() => run("move-up")} title="Move up (Ctrl Shift ↑)" aria-label="Move up">
            ↑
          </button>
          <button
            type="button"
            onClick={() => run("move-down")}
            title="Move down (Ctrl Shift ↓)"
            aria-label="Move down"
          >
            ↓
          </button>
          <button type="button" onClick={() => run("merge")} title="Merge (Shift M)">
            Merge
          </button>
          <button type="button" onClick={() => run("undo")} disabled={!model.canUndo} title="Undo a cell operation (Z)">
            Undo
          </button>
          <button type="button" onClick={() => run("redo")} disabled={!model.canRedo} title="Redo (Shift Z)">
            Redo
          </button>
          <label className="vt-ed-type">
            <span className="vt-visually-hidden">Cell type</span>
            <select
              aria-label="Cell type"
              value={state.cells[state.active]?.cell_type ?? "code"}
              onChange={(e) => {
                model.changeType(e.target.value as CellType);
                root.current?.focus({ preventScroll: true });
              }}
            >
              <option value="code">Code</option>
              <option value="markdown">Markdown</option>
              <option value="raw">Raw</option>
            </select>
          </label>
          {props.onSave && (
            <button type="button" onClick={() => run("save")} title="Save (Ctrl S)">
              Save
            </button>
          )}
          {props.onInterrupt && (
            <button type="button" onClick={() => run("interrupt")} title="Interrupt the kernel (I I)">
              Interrupt
            </button>
          )}
          {props.onRestart && (
            <button type="button" onClick={() => run("restart")} title="Restart the kernel (0 0)">
              Restart
            </button>
          )}
          <button type="button" aria-expanded={showShortcuts} onClick={() => setShowShortcuts((s) => !s)}>
            Shortcuts
          </button>
          {props.kernelspecs && props.onChooseKernel && (
            <KernelChooser
              specs={props.kernelspecs}
              metadata={model.metadata}
              onChoose={(spec) => {
                props.onChooseKernel?.(spec);
                root.current?.focus({ preventScroll: true });
              }}
            />
          )}
          <span className="vt-ed-status" role="status">
            {state.mode === "edit" ? "Edit mode" : "Command mode"}
            {dirty ? " · unsaved changes" : ""}
            {props.kernelState ? ` · kernel ${props.kernelState}` : ""}
          </span>
        </div>
        {showShortcuts && <ShortcutTable />}
        {clipboardRefusal && (
          <p className="vt-error vt-ed-clipboard-refusal" role="alert">
            {clipboardRefusal}
          </p>
        )}
        <div className="vt-ed-cells">
          {state.cells.map((cell, index) => (
            <EditorCell
              key={cell.id}
              cell={cell}
              index={index}
              language={editorLanguage(cell.cell_type, language)}
              hljsLanguage={cell.cell_type === "markdown" ? "markdown" : cell.cell_type === "raw" ? "" : language}
              active={index === state.active}
              selected={index >= first && index <= last}
              editing={index === state.active && state.mode === "edit"}
              showSource={cell.cell_type !== "markdown" || state.editingMarkdown.has(cell.id)}
              model={model}
              editors={editors.current}
              proximity={proximity}
              context={context}
              runStates={props.runStates}
              assist={cell.cell_type === "code" ? props.assist : undefined}
            />
          ))}
        </div>
      </div>
      <EditorFind model={model} editors={editors} root={root} />
    </>
  );
}

/** The notebook's kernel, chosen among the studio's kernelspecs; one it names that the studio lacks says so. */
function KernelChooser(props: {
  specs: readonly KernelSpecInfo[];
  metadata: Record<string, unknown>;
  onChoose(spec: KernelSpecInfo): void;
}) {
  const named = props.metadata.kernelspec as { name?: unknown; display_name?: unknown } | undefined;
  const name = typeof named?.name === "string" ? named.name : undefined;
  const current = name ?? props.specs[0]?.name ?? "";
  const missing = name !== undefined && !props.specs.some((s) => s.name === name);
  return (
    <label className="vt-ed-type">
      <span className="vt-visually-hidden">Kernel</span>
      <select
        aria-label="Kernel"
        value={current}
        onChange={(event) => {
          const spec = props.specs.find((s) => s.name === event.target.value);
          if (spec) props.onChoose(spec);
        }}
      >
        {missing && (
          <option value={name} disabled>
            {`${typeof named?.display_name === "string" ? named.display_name : name} (not on this studio)`}
          </option>
        )}
        {props.specs.map((spec) => (
          <option key={spec.name} value={spec.name}>
            {spec.displayName}
          </option>
        ))}
      </select>
    </label>
  );
}

interface MenuItem {
  command: NotebookCommand;
  label: string;
  keys?: string;
  disabled?: boolean;
}

/** The editor's menus (Edit, Run, Kernel): every command, with its keys, for those who do not know them. */
function EditorMenus(props: {
  onCommand(command: NotebookCommand): void;
  canRun: boolean;
  canRestart: boolean;
  canUndo: boolean;
  canRedo: boolean;
  canPaste: boolean;
}) {
  const menus: { name: string; items: MenuItem[] }[] = [
    {
      name: "Edit",
      items: [
        { command: "undo", label: "Undo cell operation", keys: "Z", disabled: !props.canUndo },
        { command: "redo", label: "Redo cell operation", keys: "Shift Z", disabled: !props.canRedo },
        { command: "cut", label: "Cut cells", keys: "X" },
        { command: "copy", label: "Copy cells", keys: "C" },
        { command: "paste-below", label: "Paste cells below", keys: "V", disabled: !props.canPaste },
        { command: "paste-above", label: "Paste cells above", keys: "Shift V", disabled: !props.canPaste },
        { command: "delete", label: "Delete cells", keys: "D D" },
        { command: "insert-above", label: "Insert cell above", keys: "A" },
        { command: "insert-below", label: "Insert cell below", keys: "B" },
        { command: "split", label: "Split cell at the cursor", keys: "Ctrl Shift -" },
        { command: "merge", label: "Merge selected cells", keys: "Shift M" },
        { command: "move-up", label: "Move cells up", keys: "Ctrl Shift ↑" },
        { command: "move-down", label: "Move cells down", keys: "Ctrl Shift ↓" },
        { command: "select-all", label: "Select all cells", keys: "Ctrl A" },
        { command: "clear-outputs", label: "Clear outputs of selected cells" },
        { command: "clear-all-outputs", label: "Clear all outputs" },
      ],
    },
    ...(props.canRun
      ? [
          {
            name: "Run",
            items: [
              { command: "run", label: "Run selected cells", keys: "Ctrl Enter" },
              { command: "run-and-select-next", label: "Run and select next", keys: "Shift Enter" },
              { command: "run-and-insert-below", label: "Run and insert below", keys: "Alt Enter" },
              { command: "run-above", label: "Run cells above" },
              { command: "run-below", label: "Run selected cell and below" },
              { command: "run-all", label: "Run all cells" },
            ] satisfies MenuItem[],
          },
        ]
      : []),
    ...(props.canRestart
      ? [
          {
            name: "Kernel",
            items: [
              { command: "interrupt", label: "Interrupt the kernel", keys: "I I" },
              { command: "restart", label: "Restart the kernel", keys: "0 0" },
              { command: "restart-and-run-all", label: "Restart and run all cells" },
            ] satisfies MenuItem[],
          },
        ]
      : []),
  ];
  return (
    <>
      {menus.map((menu) => (
        <details className="vt-ed-menu" key={menu.name}>
          <summary>{menu.name}</summary>
          <div className="vt-ed-menu-items" role="menu" aria-label={menu.name}>
            {menu.items.map((item) => (
              <button
                type="button"
                role="menuitem"
                key={item.command}
                disabled={item.disabled}
                onClick={(event) => {
                  event.currentTarget.closest("details")?.removeAttribute("open");
                  props.onCommand(item.command);
                }}
              >
                <span>{item.label}</span>
                {item.keys && <kbd>{item.keys}</kbd>}
              </button>
            ))}
          </div>
        </details>
      ))}
    </>
  );
}

function ShortcutTable() {
  const rows = useMemo(() => [...shortcutList(), ...OTHER_SHORTCUTS], []);
  return (
    <table className="vt-ed-shortcuts">
      <caption>Keyboard shortcuts</caption>
      <thead>
        <tr>
          <th scope="col">Keys</th>
          <th scope="col">Does</th>
          <th scope="col">In</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.label} ${row.mode}`}>
            <td>
              <kbd>{row.keys}</kbd>
            </td>
            <td>{row.label}</td>
            <td>{row.mode}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface EditorCellProps {
  cell: EditCell;
  index: number;
  language: EditorLanguage;
  hljsLanguage: string;
  active: boolean;
  selected: boolean;
  editing: boolean;
  showSource: boolean;
  model: NotebookEditModel;
  editors: EditorRegistry;
  proximity: EditorProximity;
  context: CellRenderContext | null;
  runStates: CellRunStates | undefined;
  assist: KernelAssist | undefined;
}

const EditorCell = memo(function EditorCell(props: EditorCellProps) {
  const { cell, index, active, selected, editing, showSource, model } = props;
  const section = useRef<HTMLElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const node = section.current;
    if (!node) return;
    return props.proximity.watch(node, setNear);
  }, [props.proximity]);
  // The active cell stays in view as the keys move it (J, K, arrows, a new cell, an undone deletion).
  useLayoutEffect(() => {
    if (active) section.current?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const onMouseDown = (event: React.MouseEvent) => {
    const i = model.indexOf(cell.id);
    if (i < 0) return;
    if (event.shiftKey) model.extendSelection(i - model.state.active);
    else if (!(editing && (event.target as Element).closest(".vt-ed-cm"))) model.select(i);
  };

  return (
    <section
      ref={section}
      className={`vt-ed-cell vt-ed-${cell.cell_type}${active ? " vt-ed-active" : ""}${selected ? " vt-ed-selected" : ""}`}
      aria-label={`Cell ${index + 1} (${cell.cell_type})`}
      aria-current={active ? "true" : undefined}
      data-cell-id={cell.id}
      onMouseDown={onMouseDown}
      onDoubleClick={() => {
        if (cell.cell_type === "markdown" && !showSource) model.enterEdit();
      }}
    >
      <div className="vt-ed-input">
        <div className="vt-prompt vt-ed-prompt" aria-hidden="true">
          {cell.cell_type === "code" && (
            <CellPrompt cellId={cell.id} executionCount={cell.execution_count} runStates={props.runStates} />
          )}
        </div>
        {showSource ? (
          <CellSource
            cell={cell}
            index={index}
            language={props.language}
            hljsLanguage={props.hljsLanguage}
            live={near || editing}
            editing={editing}
            model={model}
            editors={props.editors}
            assist={props.assist}
          />
        ) : (
          <RenderedMarkdown cell={cell} index={index} context={props.context} />
        )}
      </div>
      {cell.cell_type === "code" && props.runStates && <RunStatus cellId={cell.id} runStates={props.runStates} />}
      {cell.cell_type === "code" && cell.outputs.length > 0 && (
        <Outputs cell={cell} index={index} context={props.context} />
      )}
    </section>
  );
});

const NO_STATES = { subscribe: () => () => undefined, get: () => undefined };

/** `[3]:` once run, `[*]:` while queued or running (as JupyterLab), `[ ]:` before. */
function CellPrompt(props: { cellId: string; executionCount: number | null; runStates: CellRunStates | undefined }) {
  const states = props.runStates ?? NO_STATES;
  const status = useSyncExternalStore(
    useCallback((listener) => states.subscribe(listener), [states]),
    () => states.get(props.cellId),
  );
  const busy = status?.phase === "queued" || status?.phase === "running";
  return <>{`[${busy ? "*" : props.executionCount === null ? " " : String(props.executionCount)}]:`}</>;
}

/** The cell's latest run in words, its time counting while it runs. */
function RunStatus(props: { cellId: string; runStates: CellRunStates }) {
  const states = props.runStates;
  const status = useSyncExternalStore(
    useCallback((listener) => states.subscribe(listener), [states]),
    () => states.get(props.cellId),
  );
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (status?.phase !== "running") return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [status]);
  if (!status) return null;
  return (
    <div className={`vt-ed-run vt-ed-run-${status.phase}`} data-run-phase={status.phase}>
      {describeRun(status, Math.max(now, status.startedAt ?? status.queuedAt))}
    </div>
  );
}

interface CellSourceProps {
  cell: EditCell;
  index: number;
  language: EditorLanguage;
  hljsLanguage: string;
  live: boolean;
  editing: boolean;
  model: NotebookEditModel;
  editors: EditorRegistry;
  assist: KernelAssist | undefined;
}

/** The cell's source: a live CodeMirror editor near the viewport (or while edited), highlighted text elsewhere. */
function CellSource(props: CellSourceProps) {
  const { cell, index, language, hljsLanguage, live, editing, model, editors, assist } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<CellEditor | null>(null);
  const id = cell.id;
  const label = `Cell ${index + 1}, ${cell.cell_type}`;

  useLayoutEffect(() => {
    const hostNode = hostRef.current;
    if (!live || !hostNode) return;
    const editor = new CellEditor({
      host: hostNode,
      source: model.cells[model.indexOf(id)]?.source ?? "",
      language,
      label,
      ...(assist ? { assist } : {}),
      onChange: (source) => model.setSource(id, source),
      onFocus: () => {
        const i = model.indexOf(id);
        if (i < 0) return;
        if (model.state.active !== i) model.select(i);
        if (model.state.mode !== "edit") model.enterEdit();
      },
      onLeaveEdge: (direction) => {
        const i = model.indexOf(id);
        const next = i + direction;
        if (next < 0 || next >= model.cells.length) return false;
        model.select(next);
        model.enterEdit();
        const other = editors.get(model.cells[next]?.id ?? "");
        other?.focus(direction < 0 ? "end" : "start");
        return true;
      },
    });
    editorRef.current = editor;
    editors.set(id, editor);
    return () => {
      editors.delete(id);
      editorRef.current = null;
      editor.destroy();
    };
    // The label follows the index; an editor is not remade for it.
  }, [live, language, id, model, editors, assist]);

  // The model's text wins when it differs from the editor's: an undone or redone cell operation.
  useLayoutEffect(() => {
    editorRef.current?.setSource(cell.source);
  }, [cell.source]);

  useLayoutEffect(() => {
    const editor = editorRef.current;
    if (editing && editor && !editor.hasFocus) editor.focus();
  }, [editing, live]);

  return (
    <div className="vt-ed-source">
      <div className="vt-ed-cm" ref={hostRef} />
      {!live && <HighlightedSource source={cell.source} language={hljsLanguage} onEdit={() => model.enterEdit()} />}
    </div>
  );
}

/** A cell's text without an editor: highlighted as reading highlights it, built from text runs (no markup). */
const HighlightedSource = memo(function HighlightedSource(props: { source: string; language: string; onEdit(): void }) {
  const runs = useMemo(() => highlightCode(props.source, props.language), [props.source, props.language]);
  return (
    <pre className="vt-source vt-ed-static" onDoubleClick={props.onEdit}>
      <code>
        {runs.map((run, i) =>
          run.classes.length > 0 ? (
            <span key={i} className={run.classes.join(" ")}>
              {run.text}
            </span>
          ) : (
            run.text
          ),
        )}
        {props.source.endsWith("\n") || props.source === "" ? "\u200b" : null}
      </code>
    </pre>
  );
});

function useDrawn(
  draw: ((doc: Document) => Element | null) | null,
  deps: readonly unknown[],
): React.RefObject<HTMLDivElement | null> {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const node = ref.current;
    if (!node) return;
    if (!draw) return node.replaceChildren();
    const drawn = draw(node.ownerDocument);
    if (drawn) node.replaceChildren(drawn);
    else node.replaceChildren();
  }, deps);
  return ref;
}

function RenderedMarkdown({
  cell,
  index,
  context,
}: {
  cell: EditCell;
  index: number;
  context: CellRenderContext | null;
}) {
  const ref = useDrawn(context ? (doc) => drawMarkdown(doc, cell, index, context) : null, [
    cell.source,
    cell.cell_type === "markdown" ? cell.attachments : undefined,
    context,
  ]);
  return <div className="vt-ed-rendered" ref={ref} />;
}

/**
 * A code cell's outputs. Each output object keeps the element drawn for it while it is in the list, and elements
 * stay where they are in the page when others are added or replaced: moving an output frame would reload it.
 */
function Outputs({ cell, index, context }: { cell: EditCell; index: number; context: CellRenderContext | null }) {
  const outputs = cell.cell_type === "code" ? cell.outputs : undefined;
  const ref = useRef<HTMLDivElement>(null);
  const drawn = useRef(new Map<Output, Element>());
  useLayoutEffect(() => {
    const node = ref.current;
    if (!node) return;
    if (!context || !outputs) {
      drawn.current.clear();
      return node.replaceChildren();
    }
    const doc = node.ownerDocument;
    const next = new Map<Output, Element>();
    const elements: Element[] = [];
    for (const output of outputs) {
      const element = drawn.current.get(output) ?? drawOneOutput(doc, cell, output, index, context);
      if (element === undefined) {
        // Outputs the cell hides are drawn together, folded away.
        drawn.current.clear();
        const all = drawOutputs(doc, cell, index, context);
        return all ? node.replaceChildren(all) : node.replaceChildren();
      }
      if (element) {
        next.set(output, element);
        elements.push(element);
      }
    }
    drawn.current = next;
    elements.forEach((element, i) => {
      if (node.children[i] !== element) node.insertBefore(element, node.children[i] ?? null);
    });
    while (node.children.length > elements.length) node.lastElementChild?.remove();
  }, [outputs, context]);
  return <div className="vt-ed-outputs vt-outputs" ref={ref} />;
}

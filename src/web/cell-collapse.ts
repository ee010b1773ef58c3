// Collapsing a cell's code or outputs while reading, as JupyterLab does: a button beside each cell's code and
// outputs, or a click on its prompt, and two for every cell at once. Nothing is remembered: a reload shows every cell
// as the notebook has it. Cells drawn later (progressive-cells.ts) follow the "all" choice: it is a class on the
// container, and a cell's own choice is kept as the difference from it, so no cell has to be visited to follow it.

export type CollapsePart = "code" | "outputs";

/**
 * The event that asks the cells' collapse controls to show a collapsed part holding an element (a find match, as a
 * browser's find opens what hides its match). Only the studio's code dispatches it: sanitized markdown runs no
 * script, and frames are other documents.
 */
const REVEAL_EVENT = "vitrine:reveal-in-cell";

/** Expands the collapsed code or outputs of the drawn cell that holds `element`, if any. */
export function revealInCell(element: Element): void {
  element.dispatchEvent(new CustomEvent(REVEAL_EVENT, { bubbles: true }));
}

const PARTS: Record<CollapsePart, { all: string; toggled: string; box: string; name: string }> = {
  code: { all: "vt-all-code-collapsed", toggled: "vt-code-toggled", box: "vt-input", name: "code" },
  outputs: { all: "vt-all-outputs-collapsed", toggled: "vt-outputs-toggled", box: "vt-outputs", name: "outputs" },
};

/** The collapse controls of one container of drawn cells; dispose() takes them away. */
export class CellCollapse {
  readonly #cells: HTMLElement;
  /** The buttons this made: only they (and the prompts of drawn cells) act, whatever a notebook's content holds. */
  readonly #buttons = new WeakMap<HTMLButtonElement, { cell: HTMLElement; part: CollapsePart }>();
  readonly #added: MutationObserver;
  readonly #onClick = (event: MouseEvent) => this.#click(event);
  readonly #onReveal = (event: Event) => this.#reveal(event);

  constructor(cells: HTMLElement) {
    this.#cells = cells;
    this.#added = new MutationObserver(() => this.#addButtons());
    this.#added.observe(cells, { childList: true });
    cells.addEventListener("click", this.#onClick);
    cells.addEventListener(REVEAL_EVENT, this.#onReveal);
    this.#addButtons();
  }

  /** Whether every cell's part is collapsed by the "all" choice. */
  allCollapsed(part: CollapsePart): boolean {
    return this.#cells.classList.contains(PARTS[part].all);
  }

  /** Collapses or expands the part of every cell, drawn or not; each cell's own choice is forgotten. */
  setAll(part: CollapsePart, collapsed: boolean): void {
    const { all, toggled } = PARTS[part];
    this.#cells.classList.toggle(all, collapsed);
    for (const cell of this.#drawnCells()) cell.classList.remove(toggled);
    this.#label();
  }

  /** Collapses or expands one cell's part. */
  toggle(cell: HTMLElement, part: CollapsePart): void {
    cell.classList.toggle(PARTS[part].toggled);
    this.#label(cell);
  }

  isCollapsed(cell: HTMLElement, part: CollapsePart): boolean {
    return this.allCollapsed(part) !== cell.classList.contains(PARTS[part].toggled);
  }

  dispose(): void {
    this.#added.disconnect();
    this.#cells.removeEventListener("click", this.#onClick);
    this.#cells.removeEventListener(REVEAL_EVENT, this.#onReveal);
  }

  #reveal(event: Event): void {
    const target = event.target instanceof Element ? event.target : null;
    const cell = target?.closest(".vt-cell-code");
    if (!(cell instanceof HTMLElement) || cell.parentElement !== this.#cells) return;
    for (const part of ["code", "outputs"] as const) {
      const box = this.#box(cell, part);
      if (box?.contains(target) && this.isCollapsed(cell, part)) this.toggle(cell, part);
    }
  }

  #drawnCells(): HTMLElement[] {
    return Array.from(this.#cells.children).filter(
      (c): c is HTMLElement => c instanceof HTMLElement && c.classList.contains("vt-cell-code"),
    );
  }

  /** Gives each drawn code cell its buttons: before its code, and before its outputs when it has any. */
  #addButtons(): void {
    for (const cell of this.#drawnCells()) {
      if (cell.dataset.collapseReady) continue;
      cell.dataset.collapseReady = "1";
      for (const part of ["code", "outputs"] as const) {
        const box = this.#box(cell, part);
        if (!box) continue;
        const button = cell.ownerDocument.createElement("button");
        button.type = "button";
        button.className = `vt-collapse-button vt-collapse-${part}`;
        this.#buttons.set(button, { cell, part });
        box.before(button);
      }
      this.#label(cell);
    }
  }

  /** The cell's code or outputs box: a direct child of the cell, where no notebook content can put one. */
  #box(cell: HTMLElement, part: CollapsePart): HTMLElement | null {
    for (const child of Array.from(cell.children))
      if (child instanceof HTMLElement && child.classList.contains(PARTS[part].box)) return child;
    return null;
  }

  #label(only?: HTMLElement): void {
    for (const cell of only ? [only] : this.#drawnCells()) {
      const number = cell.id.replace(/^vt-cell-/, "");
      for (const button of Array.from(cell.children)) {
        const made = button instanceof HTMLButtonElement ? this.#buttons.get(button) : undefined;
        if (!made) continue;
        const collapsed = this.isCollapsed(cell, made.part);
        button.setAttribute("aria-expanded", String(!collapsed));
        button.setAttribute(
          "aria-label",
          `${collapsed ? "Expand" : "Collapse"} the ${PARTS[made.part].name} of cell ${number}`,
        );
        button.setAttribute("title", `${collapsed ? "Expand" : "Collapse"} ${PARTS[made.part].name}`);
        const box = this.#box(cell, made.part);
        if (box) box.setAttribute("aria-hidden", String(collapsed));
      }
    }
  }

  #click(event: MouseEvent): void {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const button = target.closest("button");
    const made = button instanceof HTMLButtonElement ? this.#buttons.get(button) : undefined;
    if (made) {
      this.toggle(made.cell, made.part);
      return;
    }
    // A click on a prompt ("In [n]:" or an output's "Out[n]:") folds its part, as in JupyterLab.
    const prompt = target.closest(".vt-prompt");
    if (!prompt) return;
    const box = prompt.parentElement;
    const cell = box?.closest(".vt-cell-code");
    if (!(cell instanceof HTMLElement) || cell.parentElement !== this.#cells) return;
    if (box?.parentElement === cell && box.classList.contains("vt-input")) this.toggle(cell, "code");
    else if (box?.parentElement?.parentElement === cell && box.parentElement.classList.contains("vt-outputs"))
      this.toggle(cell, "outputs");
  }
}

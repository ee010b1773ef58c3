// BokehJS 2 and 3 carry their stylesheets inside their scripts and put them in the document as <style> elements
// (into the head, or, from 3.0, into each view's shadow root), and change their text as plots are laid out. An
// export's frame is held to its page's CSP, which allows a style element only by the hash of its text: those
// would all be refused, and the plot drawn without its styles. So before such a build runs in an export frame, the
// frame's `document.createElement("style")` makes an element that applies its text as a constructed stylesheet
// adopted by the document or shadow root it is put in: stylesheet objects are not inline styles, and the policy
// does not govern them. The page's CSP is unchanged: nothing but this frame's own BokehJS can make one, and a
// stylesheet can load nothing (the frame's policy allows no fonts or images but data: URLs).
// The export writes this function's own text into its frames, so it uses nothing but the language and the DOM.

/** Makes `doc`'s style elements, from here on, apply their text as adopted stylesheets. */
export function adoptScriptedStyles(doc: Document): void {
  const found = doc.defaultView;
  if (found === null || found.customElements.get("vt-adopted-style") !== undefined) return;
  const view: Window & typeof globalThis = found;
  const textOf = Object.getOwnPropertyDescriptor(view.Node.prototype, "textContent")!;
  class AdoptedStyle extends view.HTMLElement {
    readonly sheet = new view.CSSStyleSheet();
    private root: Document | ShadowRoot | null = null;
    constructor() {
      super();
      // Its text is the stylesheet, never shown: a shadow root with nothing in it renders none of its children.
      this.attachShadow({ mode: "closed" });
      this.style.display = "none";
    }
    private sync(): void {
      this.sheet.replaceSync(String(textOf.get!.call(this) ?? ""));
    }
    override get textContent(): string {
      return String(textOf.get!.call(this) ?? "");
    }
    override set textContent(text: string | null) {
      textOf.set!.call(this, text);
      this.sync();
    }
    override appendChild<T extends Node>(node: T): T {
      const added = super.appendChild(node);
      this.sync();
      return added;
    }
    override append(...nodes: (Node | string)[]): void {
      super.append(...nodes);
      this.sync();
    }
    connectedCallback(): void {
      const root = this.getRootNode();
      if (!(root instanceof view.Document) && !(root instanceof view.ShadowRoot)) return;
      this.root = root;
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.sheet];
    }
    disconnectedCallback(): void {
      const root = this.root;
      this.root = null;
      if (root !== null) root.adoptedStyleSheets = root.adoptedStyleSheets.filter((sheet) => sheet !== this.sheet);
    }
  }
  view.customElements.define("vt-adopted-style", AdoptedStyle);
  const createElement = doc.createElement;
  doc.createElement = function (this: Document, name: string, options?: ElementCreationOptions) {
    return String(name).toLowerCase() === "style" ? new AdoptedStyle() : createElement.call(this, name, options);
  } as Document["createElement"];
}

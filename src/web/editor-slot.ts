// Where the notebook editor plugs into the studio page. The editor (CodeMirror and its languages) is as large as the
// rest of the app, so it is built into a bundle of its own that only edit addresses (`?edit=1`) load
// (main-edit.tsx, vite.edit.config.ts); that bundle registers it here before the app starts. The reading
// bundle never imports it, so a reader never downloads or parses it.
import type { ComponentType } from "react";
import type { NotebookEditPageProps } from "./notebook-edit-page.tsx";

let editPage: ComponentType<NotebookEditPageProps> | null = null;

export function registerEditPage(component: ComponentType<NotebookEditPageProps>): void {
  editPage = component;
}

/** The editor, when this page's bundle has it. */
export function registeredEditPage(): ComponentType<NotebookEditPageProps> | null {
  return editPage;
}

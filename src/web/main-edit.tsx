// The entry point of edit addresses (`?edit=1`): the studio app with the notebook editor registered (editor-slot.ts).
import NotebookEditPage from "./notebook-edit-page.tsx";
import { registerEditPage } from "./editor-slot.ts";
import { startApp } from "./start-app.tsx";

registerEditPage(NotebookEditPage);
startApp();

// Starts the studio UI. Everything the page shows is built by React from data, or by the render module
// from a notebook's render plan; the only markup ever parsed is sanitized markdown (see browser-sanitizer.ts).
import { StrictMode } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
import { startPage, type PageStart } from "./page-start.ts";

/** Draws the app into #root once the page's first reads have settled. */
export function startApp(): void {
  const root = document.getElementById("root");
  if (!root) throw new Error("the page has no #root element");
  // The page's first reads start now; React draws once they have settled (index.html says "Loading…" meanwhile).
  void startPage(location)
    .catch((error: unknown): PageStart => ({
      kind: "failed",
      message: error instanceof Error ? error.message : String(error),
    }))
    .then((start) => {
      const app = createRoot(root);
      // Drawn now, in this task: React would schedule the first render as a task of its own, and the browser may paint
      // "Loading…" once more before it runs.
      flushSync(() =>
        app.render(
          <StrictMode>
            <App start={start} />
          </StrictMode>,
        ),
      );
    });
}

// What a Bokeh plot in an output frame drew, read from inside the frame: its canvases (BokehJS 3 keeps them in
// shadow roots), the width they take, and where a marker is; and which BokehJS the frame loaded.
import type { Frame, Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { signInThroughPage, startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, uploadTrusted } from "./studio-session.ts";

export interface Drawn {
  /** Painted (non-transparent) pixels over every canvas of the plot. */
  painted: number;
  /** The plot's drawn width, in CSS pixels, and the frame's. */
  width: number;
  frameWidth: number;
  /** The middle of the rightmost red marker, in the frame's CSS pixels. */
  marker: { x: number; y: number } | null;
}

/** Waits until the plot's canvases hold a line and markers, and measures it. Canvases may be in shadow roots. */
export async function drawnPlot(frame: Frame): Promise<Drawn> {
  const handle = await frame.waitForFunction(
    () => {
      const canvases: HTMLCanvasElement[] = [];
      const walk = (root: Document | ShadowRoot): void => {
        for (const element of root.querySelectorAll("*")) {
          if (element instanceof HTMLCanvasElement) canvases.push(element);
          if (element.shadowRoot) walk(element.shadowRoot);
        }
      };
      walk(document);
      let painted = 0;
      let width = 0;
      let marker: { x: number; y: number } | null = null;
      for (const canvas of canvases) {
        const context = canvas.getContext("2d");
        if (!context || canvas.width === 0) continue;
        const box = canvas.getBoundingClientRect();
        width = Math.max(width, box.width);
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
        const red: [number, number][] = [];
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] === 0) continue;
          painted++;
          // #d62728, the markers' fill.
          if (Math.abs(data[i]! - 214) < 8 && Math.abs(data[i + 1]! - 39) < 8 && Math.abs(data[i + 2]! - 40) < 8)
            red.push([(i / 4) % canvas.width, Math.floor(i / 4 / canvas.width)]);
        }
        if (red.length === 0) continue;
        const right = Math.max(...red.map(([x]) => x));
        const near = red.filter(([x]) => right - x < 6 * (canvas.width / box.width));
        const cx = near.reduce((sum, [x]) => sum + x, 0) / near.length;
        const cy = near.reduce((sum, [, y]) => sum + y, 0) / near.length;
        marker = {
          x: box.left + (cx * box.width) / canvas.width,
          y: box.top + (cy * box.height) / canvas.height,
        };
      }
      if (painted < 1000 || marker === null) return null;
      return { painted, width, frameWidth: document.documentElement.clientWidth, marker };
    },
    undefined,
    { timeout: 60_000, polling: 250 },
  );
  return (await handle.jsonValue())!;
}

export async function bokehVersion(frame: Frame): Promise<string | undefined> {
  return frame.evaluate(() => (window as unknown as { Bokeh?: { version: string } }).Bokeh?.version);
}

/** Script errors, console errors and CSP refusals (and `more`, such as Panel's own error line), from a page and its frames. */
export function watchProblems(page: Page, more?: RegExp): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" || /Content Security Policy|Refused to/.test(text) || more?.test(text) === true)
      problems.push(text);
  });
  return problems;
}

export interface NotebookStudio {
  studio: BrowserStudio;
  browser: Browser;
  /** The workspace's address, `${app}/w/${id}`. */
  workspaceUrl: string;
  /** Every request the browser made, in order. */
  requests: string[];
}

/** A studio with one signed-in user and a workspace holding `notebook` as `name`, for the library browser tests. */
export async function studioWithNotebook(
  password: string,
  workspaceName: string,
  name: string,
  notebook: unknown,
): Promise<NotebookStudio> {
  const studio = await startBrowserStudio([{ name: "ada", password }]);
  const browser = await launchBrowser();
  const requests: string[] = [];
  browser.context.on("request", (request) => requests.push(request.url()));
  const page = await browser.context.newPage();
  await signInThroughPage(page, studio.app, "ada", password);
  const workspace = await createWorkspace(page, workspaceName);
  await uploadTrusted(page, workspace, [{ name, base64: Buffer.from(JSON.stringify(notebook)).toString("base64") }]);
  await page.close();
  return { studio, browser, workspaceUrl: `${studio.app}/w/${workspace}`, requests };
}

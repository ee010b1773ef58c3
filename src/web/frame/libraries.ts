// Loads the served libraries into the frame, each once, from the content origin (the frame CSP allows scripts
// from there and nowhere else, so a library could not come from anywhere else even if asked to).
import {
  FRAME_LIBRARIES,
  frameLibraryPath,
  frameLibraryStylesheetPath,
  type FrameLibrary,
  type FrameLibraryName,
} from "../../render/output-libraries.ts";

const loading = new Map<string, Promise<void>>();

/** The absolute address of a path on the content origin this shell came from. */
export function contentUrl(path: string): string {
  return new URL(path, location.href).href;
}

/** The absolute address of a library's file. */
export function libraryUrl(name: FrameLibraryName): string {
  return contentUrl(frameLibraryPath(FRAME_LIBRARIES[name]));
}

/** Runs a served script once; `what` names it in the error if it does not load. */
export function loadServedScript(path: string, what: string): Promise<void> {
  const url = contentUrl(path);
  const known = loading.get(url);
  if (known) return known;
  const promise = new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = false;
    script.addEventListener("load", () => resolve(), { once: true });
    script.addEventListener("error", () => reject(new Error(`${what} did not load`)), { once: true });
    document.head.appendChild(script);
  });
  loading.set(url, promise);
  return promise;
}

/** Links a served stylesheet once, first in the head, so the output's own styles follow and win. */
function linkServedStylesheet(path: string): void {
  const url = contentUrl(path);
  if (loading.has(url)) return;
  loading.set(url, Promise.resolve());
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = url;
  document.head.insertBefore(link, document.head.firstChild);
}

/** Loads the libraries in order (later ones find the earlier ones' globals), each with its stylesheet. */
export async function loadLibraries(names: readonly FrameLibraryName[]): Promise<void> {
  for (const name of names) {
    const library: FrameLibrary = FRAME_LIBRARIES[name];
    if (library.stylesheet !== undefined)
      linkServedStylesheet(frameLibraryStylesheetPath({ ...library, stylesheet: library.stylesheet }));
    await loadServedScript(frameLibraryPath(library), `the ${library.package} library`);
  }
}

/** The global a loaded library set; a library that did not set it failed to start. */
export function libraryGlobal<T>(name: FrameLibraryName): T {
  const library = FRAME_LIBRARIES[name];
  const value = (globalThis as unknown as Record<string, unknown>)[library.global];
  if (value === undefined) throw new Error(`the ${library.package} library did not define ${library.global}`);
  return value as T;
}

// Loads the served libraries into the frame, each once, from the content origin (the frame CSP allows scripts
// from there and nowhere else, so a library could not come from anywhere else even if asked to).
import { FRAME_LIBRARIES, frameLibraryPath, type FrameLibraryName } from "../../render/frame-protocol-libraries.ts";

const loading = new Map<FrameLibraryName, Promise<void>>();

/** The absolute address of a library's file on the content origin this shell came from. */
export function libraryUrl(name: FrameLibraryName): string {
  return new URL(frameLibraryPath(FRAME_LIBRARIES[name]), location.href).href;
}

function loadLibrary(name: FrameLibraryName): Promise<void> {
  const known = loading.get(name);
  if (known) return known;
  const promise = new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = libraryUrl(name);
    script.async = false;
    script.addEventListener("load", () => resolve(), { once: true });
    script.addEventListener("error", () => reject(new Error(`the ${FRAME_LIBRARIES[name].package} library did not load`)), { once: true });
    document.head.appendChild(script);
  });
  loading.set(name, promise);
  return promise;
}

/** Loads the libraries in order (later ones find the earlier ones' globals). */
export async function loadLibraries(names: readonly FrameLibraryName[]): Promise<void> {
  for (const name of names) await loadLibrary(name);
}

/** The global a loaded library set; a library that did not set it failed to start. */
export function libraryGlobal<T>(name: FrameLibraryName): T {
  const library = FRAME_LIBRARIES[name];
  const value = (globalThis as unknown as Record<string, unknown>)[library.global];
  if (value === undefined) throw new Error(`the ${library.package} library did not define ${library.global}`);
  return value as T;
}

import type { TextReporter } from "./sink.ts";

/** What the code detectors know about the file beyond the text in front of them. */
export interface FileContext {
  /** Hosts the file's own markdown links to: sending data there is what the notebook says it does. */
  linkHosts: ReadonlySet<string>;
  /** Files downloaded earlier in the file, so that making one executable or running it is download-and-execute. */
  downloads: Downloads;
  /** Variables that were assigned something fetched from the network (`code = requests.get(url).text`). */
  fetched: Set<string>;
}

export interface CodeInput {
  reporter: TextReporter;
  file: FileContext;
}

export function newFileContext(linkHosts: ReadonlySet<string> = new Set()): FileContext {
  return { linkHosts, downloads: { files: new Set(), unknown: false }, fetched: new Set() };
}

export interface Downloads {
  /** Paths written by downloads, as written (`./` removed). */
  files: Set<string>;
  /** A download wrote somewhere that could not be told: any later chmod +x counts. */
  unknown: boolean;
}

function normalizePath(path: string): string {
  return path.trim().replace(/^(?:\.\/)+/, "");
}

/** Records a download to `path`, or to a place that cannot be told. */
export function noteDownload(file: FileContext, path: string | undefined): void {
  if (path === undefined || path.trim() === "") file.downloads.unknown = true;
  else file.downloads.files.add(normalizePath(path));
}

/** Whether `path` was written by a download earlier in the file. */
export function isDownloaded(file: FileContext, path: string): boolean {
  return file.downloads.files.has(normalizePath(path)) || file.downloads.unknown;
}

/** Whether `path` is exactly a file a download wrote (no fallback: used to say a download is being run). */
export function isDownloadedFile(file: FileContext, path: string): boolean {
  return file.downloads.files.has(normalizePath(path));
}

import type { TextReporter } from "./sink.ts";

/** What the code detectors know about the file beyond the text in front of them. */
export interface FileContext {
  /** Hosts the file's own markdown links to: sending data there is what the notebook says it does. */
  linkHosts: ReadonlySet<string>;
  /** A file was downloaded earlier in the file (so a later `chmod +x` makes a download executable). */
  downloaded: boolean;
  /** Variables that were assigned something fetched from the network (`code = requests.get(url).text`). */
  fetched: Set<string>;
}

export interface CodeInput {
  reporter: TextReporter;
  file: FileContext;
}

export function newFileContext(linkHosts: ReadonlySet<string> = new Set()): FileContext {
  return { linkHosts, downloaded: false, fetched: new Set() };
}

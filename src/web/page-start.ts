// The reads a studio page starts with, begun as soon as the app's script runs and before React draws anything:
// the session and the public settings and, for a file's address and a signed-in person, that file's details and
// bytes (a notebook's head instead of its bytes). They are the requests the server named as preloads in the page
// (server/page-preloads.ts), so each is usually answered already; the first render then has what it needs instead
// of drawing "Loading…" and waiting for effects to ask.
import { ApiError, apiRequest, currentSession } from "./api-client.ts";
import { fileApiHref, fileBase, isNotebookPath, parseRoute, rawHref } from "../contract/addresses.ts";
import type { FileDetails } from "../contract/api-files.ts";
import type { StudioSettings, TrustStatement } from "../contract/api-public.ts";
import type { Session } from "../contract/api-session.ts";
import type { ReadHead } from "../render/notebook-head.ts";
import { fetchBytes, fetchNotebookHead, studioApi } from "./studio-calls.ts";
import { applyTheme } from "./theme-choice.ts";
import { checkHeadImages, type HeadImageVerdicts } from "./head-image-verdicts.ts";

export interface StudioOrigins {
  /** The content origin's output frame shell. */
  frameShellUrl: string;
  /** The statement an upload asks a person to agree to (the server's current one). */
  trustStatement: TrustStatement;
}

export async function studioOrigins(): Promise<StudioOrigins> {
  const config = await apiRequest<StudioSettings>("GET", "/api/config");
  const trustStatement = config.trustStatements[config.trustStatements.length - 1];
  if (!trustStatement) throw new Error("the server offers no trust statement to upload with");
  return { frameShellUrl: new URL("/frame/", config.contentOrigin).href, trustStatement };
}

/** Where the page starts: signed in (with the settings), signed out, or unable to reach the server. */
export type PageStart =
  | { kind: "signed-in"; session: Session; origins: StudioOrigins }
  | { kind: "signed-out" }
  | { kind: "failed"; message: string };

interface StartedFile {
  workspace: string;
  path: string;
  version: number | undefined;
  /** Started for a file that is not a notebook; a notebook's are asked for once its head is drawn (file-page.tsx). */
  bytes: Promise<Uint8Array> | undefined;
  details: Promise<FileDetails>;
  /** A notebook's head (its first cells), which is small and comes before the bytes; null for other files or on failure. */
  head: Promise<ReadHead | null>;
  /** The bytes, once they have arrived: a page that mounts after that draws them in its first render. */
  arrived?: Uint8Array;
  /** The head, once it has arrived: the first render draws the notebook's first screen from it. */
  headArrived?: ReadHead;
  /** The details, once they have arrived: the first render draws them above the file, which then does not move. */
  detailsArrived?: FileDetails;
  /** The server's verdicts on the head's images, asked for once the head is in; null when it has none. */
  headImages: Promise<HeadImageVerdicts | null>;
  /** Those verdicts, once they have arrived: the first screen draws its images as they will stay. */
  headImagesArrived?: HeadImageVerdicts;
}

let startedFile: StartedFile | null = null;

/**
 * How long the first render waits for a file's bytes (or a notebook's head) and its details, in ms. They were
 * preloaded with the page and are usually in already; waiting a little draws the studio and the notebook's first
 * screen in one render and one paint, and a slow file still gets the studio drawn around its "loading" state soon.
 */
const FIRST_RENDER_WAIT_MS = 200;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Whether the server named this request as a preload of the page, which it does only when the page's own request carried a session cookie. */
function preloaded(href: string): boolean {
  for (const link of document.querySelectorAll('link[rel="preload"]'))
    if (link.getAttribute("href") === href) return true;
  return false;
}

/**
 * The reads of the file at a file page's address, started now. The check of the head's images is a POST, which
 * carries the session's CSRF token: it waits for the session too.
 */
function startFile(
  workspace: string,
  path: string,
  version: number | undefined,
  session: Promise<Session | null>,
): StartedFile {
  const notebook = isNotebookPath(path);
  const head = notebook ? fetchNotebookHead(workspace, path, version).catch(() => null) : Promise.resolve(null);
  const file: StartedFile = {
    workspace,
    path,
    version,
    bytes: notebook ? undefined : fetchBytes(rawHref(workspace, path, version)),
    details: studioApi.file(workspace, path),
    // Without its head a notebook is drawn from its bytes alone: a head that fails is no error of the page's.
    head,
    headImages: head
      .then(async (read) => {
        // Nobody signed in, or a password to change first: the page draws no notebook, and the POST would be refused.
        const signedIn = read ? await session : null;
        if (!read || !signedIn || signedIn.user.mustChangePassword) return null;
        return checkHeadImages(read, fileBase(workspace, path, location.origin));
      })
      .catch(() => null),
  };
  // The file page takes these up; until it does, a failure is its to report, not an unhandled rejection.
  file.bytes?.then((bytes) => (file.arrived = bytes)).catch(() => undefined);
  file.details.then((details) => (file.detailsArrived = details)).catch(() => undefined);
  void file.head.then((read) => {
    if (read) file.headArrived = read;
  });
  void file.headImages.then((known) => {
    if (known) file.headImagesArrived = known;
  });
  return file;
}

/** Starts the page's first reads (once, when the script runs) and settles when the first render can be drawn. */
export function startPage(location: { pathname: string; search: string }): Promise<PageStart> {
  // All at once: neither the public settings nor the file's reads wait for the session.
  const origins = studioOrigins();
  origins.catch(() => undefined);
  const route = parseRoute(location.pathname, location.search);
  // A file's reads start together with the session's when the server preloaded them with the page: they are then
  // usually in already. Without preloads (no session cookie came with the page: nobody is signed in, or the person
  // followed a link from another site, which the SameSite=Strict cookie does not follow) they wait for the session.
  const sessionRead = currentSession();
  const early =
    route.page === "file" && preloaded(fileApiHref(route.workspace, route.path))
      ? startFile(route.workspace, route.path, route.version, sessionRead)
      : null;
  return sessionRead.then(
    async (session): Promise<PageStart> => {
      if (!session) return { kind: "signed-out" };
      // The account's theme, before React draws anything (the session was preloaded with the page).
      applyTheme(session.theme ?? "system");
      if (route.page === "file" && !session.user.mustChangePassword) {
        const file = early ?? startFile(route.workspace, route.path, route.version, sessionRead);
        startedFile = file;
        // A notebook's head, and the verdicts on its images, so that they are drawn as they will stay.
        const firstNeed = file.bytes ? file.bytes.catch(() => undefined) : file.headImages;
        // The details too, which the server preloaded with the head: drawn in the same render, their box does not
        // push the file down later.
        const drawnFirst = Promise.all([firstNeed, file.details.catch(() => undefined)]);
        await Promise.race([drawnFirst, new Promise((resolve) => setTimeout(resolve, FIRST_RENDER_WAIT_MS))]);
      }
      try {
        return { kind: "signed-in", session, origins: await origins };
      } catch (error) {
        return { kind: "failed", message: messageOf(error) };
      }
    },
    (error: unknown) => ({ kind: "failed", message: error instanceof ApiError ? error.message : messageOf(error) }),
  );
}

/** The reads started for this file at start-up, once; null when none were (another file, or already taken). */
export function takeStartedFile(
  workspace: string,
  path: string,
  version: number | undefined,
): Readonly<StartedFile> | null {
  const file = startedFile;
  if (!file || file.workspace !== workspace || file.path !== path || file.version !== version) return null;
  startedFile = null;
  return file;
}

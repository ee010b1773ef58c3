// Starting and stopping the studio: storage first, then both origins; on SIGTERM or SIGINT both stop taking
// connections, requests in flight finish, and the database closes last.

import { NotebookHeads } from "./head-cache.ts";
import { fileJobPool, type FileJobPoolOptions } from "./file-jobs.ts";
import { StudioKernels } from "./kernels.ts";
import { loadBlocklists } from "../urls/blocklist-store.ts";
import type { UrlPolicy } from "../urls/index.ts";
import { ImageSigner } from "../urls/image-signature.ts";
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { buildAppOrigin } from "./app-origin.ts";
import { buildContentOrigin } from "./content-origin.ts";
import type { ServerConfig } from "./config.ts";
import { ensureFirstAdministrator } from "./auth/users.ts";
import { deleteExpiredSessions } from "./auth/sessions.ts";
import { sweepOrphanBlobs } from "./files.ts";
import { indexStaleFiles } from "./search/index-stale-files.ts";
import { BlobStore } from "./storage/blob-store.ts";
import { openDatabase } from "./storage/database.ts";
import type { Studio } from "./studio.ts";
import { closeKernels, closeOrigin } from "./shutdown.ts";

export interface RunningStudio {
  studio: Studio;
  app: FastifyInstance;
  content: FastifyInstance;
  /** Actual addresses, useful when ports were 0. */
  appAddress: string;
  contentAddress: string;
  close(): Promise<void>;
}

/** Opens storage (migrating it) and the blob store; shared by the server and the CLI's account commands. */
/**
 * A key's id, derived from the key so that it stays the same across restarts and rotations: a URL signed before a
 * rotation names the key that can still verify it.
 */
export function signingKeyId(secret: Buffer): string {
  return createHash("sha256").update("vitrine signing key id\0").update(secret).digest("base64url").slice(0, 12);
}

/** Signs with the current key; verifies what the current and the previous keys signed. */
export function imageSignerFor(config: Pick<ServerConfig, "signingKey" | "previousSigningKeys">): ImageSigner {
  return new ImageSigner({
    keys: [config.signingKey, ...config.previousSigningKeys].map((secret) => ({ id: signingKeyId(secret), secret })),
  });
}

export async function openStudio(config: ServerConfig, options: FileJobPoolOptions = {}): Promise<Studio> {
  const db = await openDatabase(config.databaseUrl);
  const blobs = new BlobStore(config.dataDir);
  await blobs.init();
  const urlPolicy: UrlPolicy = {
    appOrigin: config.appUrl.origin,
    blocklist: loadBlocklists(config.dataDir),
    allowLoopback: config.imageAllowLoopback,
    remoteImages: config.remoteImages === "allow",
  };
  // Image signatures are domain-separated inside the signer, so the one signing key of the studio serves here too.
  const imageSigner = imageSignerFor(config);
  // Workers start on a file's first job, so commands that open the studio for its database start none.
  const fileJobs = fileJobPool(config, options);
  const studio = { config, db, blobs, urlPolicy, imageSigner, notebookHeads: new NotebookHeads(), fileJobs } as Studio;
  // Kernels start on demand; opening finds the allowed kernelspecs and starts nothing.
  studio.kernels = await StudioKernels.open(studio);
  return studio;
}

export async function startStudio(config: ServerConfig, announce: (line: string) => void): Promise<RunningStudio> {
  const studio = await openStudio(config);
  const removed = await sweepOrphanBlobs(studio);
  if (removed > 0) announce(`removed ${removed} stored file(s) left by an interrupted upload`);
  const indexed = await indexStaleFiles(studio, (path, why) =>
    announce(`not indexed for search (tried again at the next start): ${JSON.stringify(path)}: ${why}`),
  );
  if (indexed > 0) announce(`indexed ${indexed} file(s) for search`);
  if (config.unsafeKernelsWithoutSandbox)
    announce(
      "WARNING: --unsafe-kernels-without-sandbox is set: kernels run WITHOUT isolation, as this server's user, with its files and network; never run untrusted notebooks here",
    );
  const first = await ensureFirstAdministrator(studio.db);
  if (first) {
    announce(`created the administrator "${first.name}" with the one-time password: ${first.password}`);
    announce("it is shown only this once; sign in and choose a new password");
  }
  const app = await buildAppOrigin(studio);
  const content = await buildContentOrigin(studio);
  // Workers load the reader, the scanner and the renderer before the studio listens, not on its first upload.
  await studio.fileJobs.start();
  const timeouts = { idleSeconds: config.sessionIdleSeconds, absoluteSeconds: config.sessionAbsoluteSeconds };
  const sweeper = setInterval(
    () =>
      void deleteExpiredSessions(studio.db, timeouts).catch((error: unknown) =>
        app.log.error({ err: error }, "session sweep failed"),
      ),
    10 * 60_000,
  );
  sweeper.unref();
  try {
    const appAddress = await app.listen({ host: config.appHost, port: config.appPort });
    const contentAddress = await content.listen({ host: config.contentHost, port: config.contentPort });
    studio.kernels.setStudioListeners([...app.addresses(), ...content.addresses()]);
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        clearInterval(sweeper);
        // Kernels stop while the origins drain: both are bounded (src/server/shutdown.ts), so the whole stays
        // within a few seconds, whatever the pages hold open.
        await Promise.all([closeOrigin(app), closeOrigin(content), closeKernels(studio.kernels)]);
        await studio.fileJobs.close();
        await studio.db.destroy();
      })());
    return { studio, app, content, appAddress, contentAddress, close };
  } catch (error) {
    clearInterval(sweeper);
    await Promise.allSettled([app.close(), content.close(), studio.fileJobs.close(), studio.kernels.close()]);
    await studio.db.destroy();
    throw error;
  }
}

// What every route plugin of the studio is handed: the settings, the database and the file store. One object, so
// that a plugin registered later (the image proxy, the URL check) needs nothing else to find its way.

import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ServerConfig } from "./config.ts";
import type { Db } from "./storage/database.ts";
import type { BlobStore } from "./storage/blob-store.ts";
import type { Session } from "./auth/sessions.ts";
import type { User } from "./auth/users.ts";
import type { UrlPolicy } from "../urls/index.ts";
import type { ImageSigner } from "../urls/image-signature.ts";
import type { NotebookHeads } from "./head-cache.ts";
import type { FileJobPool } from "./file-jobs.ts";
import type { StudioKernels } from "./kernels.ts";

export interface Studio {
  config: ServerConfig;
  db: Db;
  blobs: BlobStore;
  /**
   * The URL verdict engine's policy for this studio: its own origin (whose API no notebook may point at) and the
   * blocklists in the data directory, loaded at start. Per-user trust is added per request.
   */
  urlPolicy: UrlPolicy;
  /** Signs the proxy URLs the URL check hands out; the image proxy on the content origin verifies them. */
  imageSigner: ImageSigner;
  /** The first cells of stored notebooks, for pages that draw a first screen before the whole file is in. */
  notebookHeads: NotebookHeads;
  /** Worker threads for everything a file's content decides the cost of: checking, reviewing, rendering its head. */
  fileJobs: FileJobPool;
  /** The kernels the studio runs for its workspaces; started on demand, each in its own sandbox. */
  kernels: StudioKernels;
}

/** A route plugin: its routes' types come from their TypeBox schemas (src/contract). */
export type StudioRoutePlugin = FastifyPluginAsyncTypebox<{ studio: Studio }>;

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in user; set (never null) inside the app origin's authenticated scope. */
    user: User | null;
    session: Session | null;
  }
  interface FastifyContextConfig {
    /** Routes a user with a one-time password may still call, so that they can change it. */
    allowedBeforePasswordChange?: boolean;
    /** Routes whose body is a multipart stream read by the handler rather than parsed before it. */
    multipartBody?: boolean;
  }
}

// The studio's kernels: each started for a file of a workspace by an editor, in its own bubblewrap sandbox over a
// read-only copy of the workspace's files, with no network unless the workspace's owner allowed it (then only
// through the egress proxy). The browser never reaches a kernel: routes and the kernel socket call this module,
// which checks who may do what, records it in the audit log, and drives the kernel layer (src/kernels).
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import type { KernelInfo, KernelSpecList } from "../contract/api-kernels.ts";
import type { RunFinding } from "../contract/kernel-socket.ts";
import { KernelError } from "../kernels/errors.ts";
import { KernelManager, type ManagedKernel } from "../kernels/kernel-manager.ts";
import { findKernelSpecs, type KernelSpecDiscovery } from "../kernels/kernelspecs.ts";
import { probeSandbox } from "../kernels/sandbox.ts";
import { sandboxedLauncher, unsandboxedLauncher } from "../kernels/sandboxed-launcher.ts";
import type { KernelLauncher } from "../kernels/launcher.ts";
import { recordAudit, type AuditContext } from "./audit.ts";
import type { User } from "./auth/users.ts";
import { EgressProxy, type KernelEgress } from "./egress-proxy.ts";
import { AppError } from "./errors.ts";
import { fileVersion } from "./files.ts";
import { reviewStored } from "./review.ts";
import type { Studio } from "./studio.ts";
import type { WorkspaceAccess } from "./workspaces.ts";

/** Where the egress relay listens inside a sandbox with network (its own loopback; nothing else is there). */
const RELAY_PORT = 3128;

/** What the studio keeps of a kernel beyond what the kernel layer knows. */
interface KernelPlace {
  kernelspec: string;
  startedBy: string;
  network: boolean;
  /** The read-only copy of the workspace's files, removed with the kernel. */
  filesDir: string;
  egress?: KernelEgress;
}

type Availability = { available: true } | { available: false; code: string; reason: string };

export class StudioKernels {
  readonly #studio: Studio;
  readonly #manager: KernelManager;
  readonly #specs: KernelSpecDiscovery;
  readonly #places = new Map<string, KernelPlace>();
  /** Review confirmations by user, workspace and file content: a file's high findings are confirmed once. */
  readonly #confirmed = new Set<string>();
  #availability: Promise<Availability> | undefined;
  #egress: EgressProxy | undefined;
  #egressDir: string | undefined;
  /** The addresses the studio listens on, as address:port: the egress proxy refuses them whatever else allows. */
  #listeners: string[] = [];

  private constructor(studio: Studio, specs: KernelSpecDiscovery) {
    this.#studio = studio;
    this.#specs = specs;
    const { config } = studio;
    this.#manager = new KernelManager({
      // Every kernel gets its own launcher (its network differs by workspace); this one is never used.
      launch: () => {
        throw new KernelError("kernel_start_failed", "a kernel was started without its launcher");
      },
      kernelSpecs: specs,
      limits: {
        perUser: config.kernelsPerUser,
        perServer: config.kernelsPerServer,
        idleCullMs: config.kernelIdleMinutes * 60_000,
      },
      kernelOptions: {
        outputLimits: { maxBytes: config.kernelOutputMb * 1024 * 1024, maxOutputs: 2000 },
      },
    });
    this.#manager.on("removed", (managed: ManagedKernel) => void this.#forget(managed.id));
  }

  static async open(studio: Studio): Promise<StudioKernels> {
    const specs = await findKernelSpecs({ allowlist: studio.config.kernels });
    return new StudioKernels(studio, specs);
  }

  /** Told once the studio listens (its ports may have been chosen by the system). */
  setStudioListeners(listeners: readonly (string | { address: string; port: number })[]): void {
    // A string is a Unix socket path, which no kernel can name.
    this.#listeners = listeners
      .flatMap((listener) => (typeof listener === "string" ? [] : [listener]))
      .map(({ address, port }) => (address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`));
  }

  get manager(): KernelManager {
    return this.#manager;
  }

  /** Whether kernels can start here: the sandbox works (probed once), or the operator turned it off on purpose. */
  availability(): Promise<Availability> {
    if (this.#studio.config.unsafeKernelsWithoutSandbox) return Promise.resolve({ available: true });
    this.#availability ??= probeSandbox().then((probe) =>
      probe.ok ? { available: true } : { available: false, code: probe.code, reason: probe.message },
    );
    return this.#availability;
  }

  async specList(): Promise<KernelSpecList> {
    const availability = await this.availability();
    return {
      kernelspecs: this.#specs.specs.map((spec) => ({
        name: spec.name,
        displayName: spec.displayName,
        language: spec.language,
      })),
      available: availability.available,
      ...(availability.available ? {} : { unavailableReason: availability.reason }),
    };
  }

  /** Starts a kernel for a file of the workspace, in a sandbox over a copy of the workspace's files. */
  async start(
    access: WorkspaceAccess,
    user: User,
    path: string,
    kernelspec: string | undefined,
    context: AuditContext,
  ): Promise<KernelInfo> {
    const availability = await this.availability();
    if (!availability.available) throw new AppError(503, availability.code, availability.reason);
    const found = await fileVersion(this.#studio, access.id, path, undefined);
    const name = kernelspec ?? "python3";
    const network = await this.networkAllowed(access.id);
    const filesDir = await this.#copyFiles(access.id);
    const id = crypto.randomUUID();
    const place: KernelPlace = { kernelspec: name, startedBy: user.name, network, filesDir };
    this.#places.set(id, place);
    try {
      if (network) place.egress = await this.#openEgress(id, access.id);
      const managed = await this.#manager.start({
        id,
        kernelName: name,
        owner: String(user.id),
        workspace: access.id,
        file: found.path,
        filesDir,
        launch: this.#launcher(place, found.path),
      });
      await this.#catchUpMove(managed, found);
      await recordAudit(
        this.#studio.db,
        context,
        "kernel_started",
        { kernel: id, path: found.path, kernelspec: name, network },
        access.id,
      );
      return this.info(managed);
    } catch (error) {
      await this.#forget(id);
      throw kernelAppError(error);
    }
  }

  #launcher(place: KernelPlace, path: string): KernelLauncher {
    if (this.#studio.config.unsafeKernelsWithoutSandbox) {
      console.warn(`vitrine: kernel for ${path} starts WITHOUT a sandbox (--unsafe-kernels-without-sandbox)`);
      return unsandboxedLauncher();
    }
    const folder = dirname(path);
    return sandboxedLauncher({
      limits: this.#studio.config.kernelLimits,
      network: place.egress
        ? { kind: "proxy", socketPath: place.egress.socketPath, relayPort: RELAY_PORT }
        : { kind: "none" },
      ...(folder !== "." ? { workingSubdir: folder } : {}),
    });
  }

  /** The kernels of a workspace. */
  list(workspace: string): KernelInfo[] {
    return this.#manager.list({ workspace }).map((managed) => this.info(managed));
  }

  /** A kernel of this workspace; a kernel of another workspace does not exist from here. */
  get(workspace: string, id: string): ManagedKernel {
    const managed = this.#manager.list({ workspace }).find((k) => k.id === id);
    if (!managed) throw new AppError(404, "kernel_unknown", `this workspace has no kernel ${id}`);
    return managed;
  }

  info(managed: ManagedKernel): KernelInfo {
    const place = this.#places.get(managed.id);
    return {
      id: managed.id,
      workspace: managed.workspace,
      path: managed.file,
      kernelspec: place?.kernelspec ?? managed.kernel.spec.name,
      state: managed.kernel.state,
      ...(managed.kernel.state === "dead" && managed.kernel.deathReason
        ? { reason: managed.kernel.deathReason.code }
        : {}),
      startedAt: managed.startedAt.toISOString(),
      startedBy: place?.startedBy ?? "",
      network: place?.network ?? false,
    };
  }

  async interrupt(workspace: string, id: string): Promise<void> {
    const managed = this.get(workspace, id);
    this.#manager.touch(id);
    await managed.kernel.interrupt().catch((error: unknown) => {
      throw kernelAppError(error);
    });
  }

  async restart(workspace: string, id: string, context: AuditContext): Promise<KernelInfo> {
    const managed = this.get(workspace, id);
    this.#manager.touch(id);
    try {
      await managed.kernel.restart();
    } catch (error) {
      throw kernelAppError(error);
    }
    await recordAudit(this.#studio.db, context, "kernel_restarted", { kernel: id, path: managed.file }, workspace);
    return this.info(managed);
  }

  async shutdown(workspace: string, id: string, context: AuditContext): Promise<void> {
    const managed = this.get(workspace, id);
    await this.#manager.shutdown(id);
    await recordAudit(this.#studio.db, context, "kernel_stopped", { kernel: id, path: managed.file }, workspace);
  }

  /**
   * A file of the workspace was renamed or moved: the kernels started for it follow it to its new path.
   *
   * A kernel runs the cells of one file: the socket's `execute` names the path, which must be the kernel's file
   * (`wrong_file` otherwise), and the run is reviewed and audited under it. A kernel left on the old path would
   * refuse every cell of the renamed notebook, whose page now names the new path, while accepting the old path,
   * under which no file exists any more (its review could not be read). Following keeps the person's variables
   * across a rename, as a Jupyter session's path follows a rename, and keeps the check meaning what it says: the
   * kernel runs this file's cells and no other's. Shutting the kernel down instead would lose its state for a
   * change of name only. What does not follow: the kernel's working folder and its read-only copy of the
   * workspace's files are made when it starts, so code in it still sees the file under its old name and folder
   * until the kernel is started again.
   */
  followMove(workspace: string, from: string, to: string): void {
    if (from === to) return;
    for (const managed of this.#manager.list({ workspace, file: from })) managed.file = to;
  }

  /**
   * A rename that committed while the kernel was starting, after its file was found and before the manager listed
   * the kernel, found no kernel to move: the kernel takes its file's path as it is now. A rename after that moved it
   * already (the path it started with is then gone from it).
   */
  async #catchUpMove(managed: ManagedKernel, started: { id: number; path: string }): Promise<void> {
    const file = await this.#studio.db
      .selectFrom("files")
      .select("path")
      .where("id", "=", started.id)
      .where("trashed_at", "is", null)
      .executeTakeFirst();
    if (file && managed.file === started.path) managed.file = file.path;
  }

  async networkAllowed(workspace: string): Promise<boolean> {
    const row = await this.#studio.db
      .selectFrom("workspaces")
      .select("kernel_network")
      .where("id", "=", workspace)
      .executeTakeFirst();
    return (row?.kernel_network ?? 0) === 1;
  }

  /** An owner's decision; kernels already running keep the network they started with. */
  async setNetwork(workspace: string, allowed: boolean, context: AuditContext): Promise<void> {
    await this.#studio.db.transaction().execute(async (tx) => {
      await tx
        .updateTable("workspaces")
        .set({ kernel_network: allowed ? 1 : 0 })
        .where("id", "=", workspace)
        .execute();
      await recordAudit(tx, context, "kernel_network_changed", { allowed }, workspace);
    });
  }

  /**
   * The high-severity findings of the file's review that this user has not confirmed for this content yet, or
   * none when the run may go ahead. Confirming them (every id, no more) records the decision in the audit log.
   */
  async unconfirmedFindings(
    access: WorkspaceAccess,
    user: User,
    path: string,
    confirmed: readonly string[] | undefined,
    context: AuditContext,
  ): Promise<RunFinding[]> {
    const found = await fileVersion(this.#studio, access.id, path, undefined);
    const key = `${user.id}\0${access.id}\0${found.sha256}`;
    if (this.#confirmed.has(key)) return [];
    const review = await reviewStored(
      this.#studio,
      found,
      () => readFile(this.#studio.blobs.pathOf(found.sha256)),
      (size) => Math.max(this.#studio.config.maxUploadBytes, size),
      user.id,
    );
    const high = review.findings
      .filter((finding) => finding.severity === "high")
      .map((finding) => ({
        id: findingId(finding.rule, finding.place),
        rule: finding.rule,
        message: finding.message,
        place: finding.place as unknown as Record<string, unknown>,
      }));
    if (high.length === 0) {
      this.#confirmed.add(key);
      return [];
    }
    const given = new Set(confirmed ?? []);
    if (!high.every((finding) => given.has(finding.id))) return high;
    await recordAudit(
      this.#studio.db,
      context,
      "run_review_confirmed",
      { path: found.path, version: found.version, sha256: found.sha256, findings: high.map((f) => f.id) },
      access.id,
    );
    this.#confirmed.add(key);
    return [];
  }

  /** Records that a person saw the file's review findings and chose not to run it. */
  async recordDeclinedRun(
    access: WorkspaceAccess,
    path: string,
    findings: readonly string[],
    context: AuditContext,
  ): Promise<void> {
    const found = await fileVersion(this.#studio, access.id, path, undefined);
    await recordAudit(
      this.#studio.db,
      context,
      "run_review_declined",
      { path: found.path, version: found.version, sha256: found.sha256, findings: [...findings] },
      access.id,
    );
  }

  /** Shuts every kernel down and closes the egress proxy: the server is stopping. */
  async close(): Promise<void> {
    await this.#manager.shutdownAll();
    await this.#egress?.close();
    if (this.#egressDir) await rm(this.#egressDir, { recursive: true, force: true });
    await Promise.all([...this.#places.keys()].map((id) => this.#forget(id)));
  }

  async #forget(id: string): Promise<void> {
    const place = this.#places.get(id);
    if (!place) return;
    this.#places.delete(id);
    await place.egress?.close();
    await rm(place.filesDir, { recursive: true, force: true });
  }

  async #openEgress(kernelId: string, workspace: string): Promise<KernelEgress> {
    const { config } = this.#studio;
    if (!this.#egress) {
      this.#egress = new EgressProxy({
        studioOrigins: [config.appUrl.origin, config.contentUrl.origin],
        studioListeners: this.#listeners,
        limits: { ports: config.egressPorts, bytesPerKernel: config.egressBytesPerKernel },
        // The same exact loopback pairs the image proxy may reach (a local test server); never the studio's own.
        allowLoopback: config.imageAllowLoopback,
      });
      // Each kernel's socket sits in a folder of its own: the sandbox binds that one socket, never a neighbour's.
      this.#egressDir = await mkdtemp(join(tmpdir(), "vitrine-egress-"));
      await chmod(this.#egressDir, 0o711);
    }
    const folder = join(this.#egressDir as string, kernelId);
    await mkdir(folder, { mode: 0o711 });
    return this.#egress.openKernel({
      kernelId,
      workspaceId: workspace,
      socketPath: join(folder, "egress.sock"),
      // A kernel under root runs as a uid of its own, which must be able to connect; nobody else can reach the
      // folder's name to find it (0711 above it).
      socketMode: process.getuid?.() === 0 ? 0o666 : 0o600,
    });
  }

  /** The workspace's live files (newest versions), copied into a fresh folder the sandbox binds read-only. */
  async #copyFiles(workspace: string): Promise<string> {
    const rows = await this.#studio.db
      .selectFrom("files")
      .innerJoin("versions", "versions.file_id", "files.id")
      .select(["files.path", "versions.blob_sha256"])
      .where("files.workspace_id", "=", workspace)
      .where("files.trashed_at", "is", null)
      .where("versions.number", "=", (eb) =>
        eb
          .selectFrom("versions as v")
          .select((e) => e.fn.max("v.number").as("m"))
          .whereRef("v.file_id", "=", "files.id"),
      )
      .execute();
    const root = await mkdtemp(join(tmpdir(), "vitrine-kernel-files-"));
    try {
      // The sandbox's kernel uid owns none of this; it reads through the "others" bits.
      await chmod(root, 0o755);
      for (const row of rows) {
        const target = resolve(root, row.path);
        // Stored paths were checked at upload; this is the second lock on the same door.
        if (!target.startsWith(root + sep)) throw new Error(`stored path ${row.path} leaves the files folder`);
        await mkdir(dirname(target), { recursive: true, mode: 0o755 });
        await copyFile(this.#studio.blobs.pathOf(row.blob_sha256), target);
        await chmod(target, 0o644);
      }
      return root;
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }
}

/** A finding's id as a run confirms it: stable for the same rule at the same place of the same content. */
export function findingId(rule: string, place: unknown): string {
  return createHash("sha256")
    .update(`${rule}\0${JSON.stringify(place)}`)
    .digest("hex")
    .slice(0, 16);
}

/** The kernel layer's errors as the API answers them. */
export function kernelAppError(error: unknown): unknown {
  if (!(error instanceof KernelError)) return error;
  const status: Record<string, number> = {
    kernelspec_unknown: 400,
    kernelspec_not_allowed: 400,
    kernelspec_invalid: 400,
    kernel_unknown: 404,
    kernel_not_running: 409,
    kernel_limit_user: 429,
    kernel_limit_server: 503,
    kernel_start_failed: 502,
    kernel_died: 502,
    kernel_timeout: 504,
    comm_unknown: 404,
  };
  return new AppError(status[error.code] ?? 500, error.code, error.message);
}

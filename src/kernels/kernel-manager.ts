// The server's kernels: by id, with their owner, workspace and file; the per-user and per-server limits; idle
// culling; and the guarantee that no kernel outlives the server.

import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { rmSync } from "node:fs";
import { KernelError } from "./errors.ts";
import type { KernelOptions, KernelState } from "./kernel.ts";
import { Kernel } from "./kernel.ts";
import type { KernelSpecDiscovery } from "./kernelspecs.ts";
import { kernelSpecByName } from "./kernelspecs.ts";
import type { KernelLauncher } from "./launcher.ts";

export interface KernelLimits {
  /** Kernels one user may have running (starting, idle, busy or restarting) at once. */
  perUser: number;
  /** Kernels the server runs at once. */
  perServer: number;
  /** A kernel idle (no execution, no request) this long is shut down; 0 turns culling off. */
  idleCullMs: number;
}

export const DEFAULT_KERNEL_LIMITS: KernelLimits = { perUser: 4, perServer: 16, idleCullMs: 60 * 60 * 1000 };

export interface KernelManagerOptions {
  launch: KernelLauncher;
  /** The allowed kernelspecs (findKernelSpecs' answer). */
  kernelSpecs: KernelSpecDiscovery;
  limits?: Partial<KernelLimits>;
  /** Options every kernel gets (timings, output caps, runtime parent, added env). */
  kernelOptions?: Pick<KernelOptions, "timings" | "outputLimits" | "runtimeParent" | "env" | "maxIopubMessageBytes">;
}

export interface StartKernelRequest {
  kernelName: string;
  owner: string;
  workspace: string;
  file: string;
  /** The workspace files the kernel works on. */
  filesDir: string;
  /** Variables added for this kernel only (for example the egress proxy's address when network is allowed). */
  env?: Record<string, string>;
  /** The kernel's id, when the caller prepared something under it before the start (its egress socket, say). */
  id?: string;
  /** How this kernel is launched, when it differs from the manager's (its own network, say). */
  launch?: KernelLauncher;
}

export interface ManagedKernel {
  id: string;
  kernel: Kernel;
  owner: string;
  workspace: string;
  file: string;
  startedAt: Date;
  lastActivity: number;
}

export interface KernelStatusEvent {
  kernelId: string;
  owner: string;
  workspace: string;
  file: string;
  state: KernelState;
  previous: KernelState;
  /** The code of why a dead kernel is dead. */
  reason?: string;
}

export class KernelManager extends EventEmitter {
  readonly limits: KernelLimits;
  readonly #options: KernelManagerOptions;
  readonly #kernels = new Map<string, ManagedKernel>();
  #cullTimer?: NodeJS.Timeout;
  readonly #onExit = () => this.killAll();

  constructor(options: KernelManagerOptions) {
    super();
    this.#options = options;
    this.limits = { ...DEFAULT_KERNEL_LIMITS, ...options.limits };
    // A server that ends, even by an uncaught exception, kills every kernel's process group on its way out.
    // (A SIGKILLed server runs no hook: the sandbox's die-with-parent covers that case.)
    process.on("exit", this.#onExit);
    if (this.limits.idleCullMs > 0) {
      const every = Math.max(1000, Math.min(60_000, Math.floor(this.limits.idleCullMs / 4)));
      this.#cullTimer = setInterval(() => void this.cullIdle(), every);
      this.#cullTimer.unref();
    }
  }

  /** Starts a kernel for a file of a workspace, within the limits (kernel_limit_user, kernel_limit_server). */
  async start(request: StartKernelRequest): Promise<ManagedKernel> {
    const spec = kernelSpecByName(this.#options.kernelSpecs, request.kernelName);
    const live = [...this.#kernels.values()].filter((managed) => managed.kernel.state !== "dead");
    if (live.filter((managed) => managed.owner === request.owner).length >= this.limits.perUser) {
      throw new KernelError("kernel_limit_user", `you already have ${this.limits.perUser} kernels running`);
    }
    if (live.length >= this.limits.perServer) {
      throw new KernelError("kernel_limit_server", `the server already runs ${this.limits.perServer} kernels`);
    }
    const id = request.id ?? randomUUID();
    if (this.#kernels.has(id)) throw new KernelError("kernel_unknown", `a kernel ${id} exists already`);
    const kernel = new Kernel({
      ...this.#options.kernelOptions,
      id,
      spec,
      launch: request.launch ?? this.#options.launch,
      filesDir: request.filesDir,
      env: { ...this.#options.kernelOptions?.env, ...request.env },
    });
    // The entry exists before the start's first await, so kernels starting at the same time count toward limits.
    const managed: ManagedKernel = {
      id,
      kernel,
      owner: request.owner,
      workspace: request.workspace,
      file: request.file,
      startedAt: new Date(),
      lastActivity: Date.now(),
    };
    this.#kernels.set(id, managed);
    kernel.on("state", (state: KernelState, previous: KernelState) => {
      managed.lastActivity = Date.now();
      const event: KernelStatusEvent = {
        kernelId: id,
        owner: managed.owner,
        workspace: managed.workspace,
        file: managed.file,
        state,
        previous,
        ...(state === "dead" && kernel.deathReason ? { reason: kernel.deathReason.code } : {}),
      };
      this.emit("status", event);
    });
    try {
      await kernel.start();
    } catch (error) {
      this.#kernels.delete(id);
      await kernel.shutdown().catch(() => undefined);
      throw error;
    }
    return managed;
  }

  get(id: string): ManagedKernel {
    const managed = this.#kernels.get(id);
    if (!managed) throw new KernelError("kernel_unknown", `no kernel has the id "${id}"`, { kernelId: id });
    return managed;
  }

  list(filter: { owner?: string; workspace?: string; file?: string } = {}): ManagedKernel[] {
    return [...this.#kernels.values()].filter(
      (managed) =>
        (filter.owner === undefined || managed.owner === filter.owner) &&
        (filter.workspace === undefined || managed.workspace === filter.workspace) &&
        (filter.file === undefined || managed.file === filter.file),
    );
  }

  /** Marks a kernel used now (a request from its page), which keeps it from being culled. */
  touch(id: string): void {
    this.get(id).lastActivity = Date.now();
  }

  /** Shuts a kernel down and forgets it; "removed" is emitted with it once its process is gone (culled too). */
  async shutdown(id: string): Promise<void> {
    const managed = this.get(id);
    this.#kernels.delete(id);
    try {
      await managed.kernel.shutdown();
    } finally {
      this.emit("removed", managed);
    }
  }

  /** Shuts down the kernels idle longer than idleCullMs; returns their ids. */
  async cullIdle(now: number = Date.now()): Promise<string[]> {
    const idle = [...this.#kernels.values()].filter(
      (managed) =>
        (managed.kernel.state === "idle" || managed.kernel.state === "dead") &&
        now - managed.lastActivity >= this.limits.idleCullMs,
    );
    await Promise.all(idle.map((managed) => this.shutdown(managed.id).catch(() => undefined)));
    return idle.map((managed) => managed.id);
  }

  /** For server stop: shuts every kernel down and stops the culling timer and the exit hook. */
  async shutdownAll(): Promise<void> {
    clearInterval(this.#cullTimer);
    await Promise.all([...this.#kernels.keys()].map((id) => this.shutdown(id).catch(() => undefined)));
    process.off("exit", this.#onExit);
  }

  /** Synchronous last resort: SIGKILL to every kernel's process group, and their runtime folders removed. */
  killAll(): void {
    for (const managed of this.#kernels.values()) {
      managed.kernel.killProcessGroup("SIGKILL");
      const dir = managed.kernel.runtimeDir;
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
}

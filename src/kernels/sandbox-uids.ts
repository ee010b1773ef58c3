import { randomInt } from "node:crypto";
import { readdirSync, statSync } from "node:fs";

/**
 * Host user ids for kernels when the server runs as root.
 *
 * Why a dedicated uid per kernel: bubblewrap started by root maps the sandbox's user to host uid 0, and the kernel
 * exempts uid 0 (INIT_USER) from RLIMIT_NPROC, so a fork bomb would be unbounded; a kernel that escaped its
 * namespaces would also be root on the host. Started under an unprivileged uid (Node's spawn `uid`/`gid`, which
 * also drops supplementary groups), bwrap creates its user namespace as that user, the sandbox's processes are
 * that uid on the host, RLIMIT_NPROC applies, and file permissions protect everything the uid does not own. One uid
 * per running kernel keeps kernels from sharing a process count or signalling each other's processes on the host.
 *
 * The range must belong to no host account and no other program's subordinate id range (/etc/subuid). Its default
 * sits high above ordinary accounts and common subuid ranges; the setting is kernelUidRange.
 */
export interface UidRange {
  first: number;
  count: number;
}

export const DEFAULT_KERNEL_UID_RANGE: Readonly<UidRange> = Object.freeze({ first: 1_900_000_000, count: 65536 });

export class UidPoolExhaustedError extends Error {
  readonly code = "sandbox_uids_exhausted";
  constructor(range: UidRange) {
    super(`no free kernel uid in ${range.first}..${range.first + range.count - 1}: every one runs a kernel`);
    this.name = "UidPoolExhaustedError";
  }
}

export class UidPool {
  readonly range: Readonly<UidRange>;
  readonly #taken = new Set<number>();
  /**
   * Where the next search starts: random at first, so that two servers on one host (or parallel test processes),
   * which cannot see each other's pools, almost never pick the same uid in the moment before either has a process
   * running as it; after that moment the busy check keeps them apart.
   */
  #next: number;

  constructor(range: UidRange = DEFAULT_KERNEL_UID_RANGE) {
    if (
      !Number.isSafeInteger(range.first) ||
      !Number.isSafeInteger(range.count) ||
      range.first < 1000 ||
      range.count < 1
    ) {
      throw new RangeError(`kernel uid range must start at 1000 or above and hold at least one uid`);
    }
    if (range.first + range.count - 1 >= 0xffff_fffe) throw new RangeError("kernel uid range ends past 4294967293");
    this.range = Object.freeze({ ...range });
    this.#next = randomInt(range.count);
  }

  /**
   * A uid no kernel of this server holds and no process on the host runs as (a uid whose processes outlived their
   * kernel, or that another program uses, is skipped rather than shared).
   */
  acquire(): number {
    const busy = uidsWithProcesses();
    for (let tried = 0; tried < this.range.count; tried++) {
      const uid = this.range.first + ((this.#next + tried) % this.range.count);
      if (this.#taken.has(uid) || busy.has(uid)) continue;
      this.#next = (this.#next + tried + 1) % this.range.count;
      this.#taken.add(uid);
      return uid;
    }
    throw new UidPoolExhaustedError(this.range);
  }

  release(uid: number): void {
    this.#taken.delete(uid);
  }

  get inUse(): number {
    return this.#taken.size;
  }
}

/** The effective uids of the host's processes: /proc/<pid> is owned by the process's effective uid. */
export function uidsWithProcesses(): Set<number> {
  const uids = new Set<number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      uids.add(statSync(`/proc/${name}`).uid);
    } catch {
      // The process ended between the listing and the stat.
    }
  }
  return uids;
}

import { arch } from "node:process";

/**
 * The sandbox's seccomp filter, a classic BPF program that bwrap installs (`--seccomp FD`) just before it execs the
 * launcher, so it binds the launcher, the relay and the kernel and everything they start.
 *
 * It refuses, with EPERM, system calls a notebook has no use for and that are among the Linux kernel's most
 * exploited interfaces (keyrings, eBPF, perf events, userfaultfd, io_uring, ptrace and cross-process memory
 * access), plus the administrative ones that no capability-less process may complete anyway (modules, kexec,
 * mounts, namespaces, swap, reboot, accounting, quotas, the kernel log, file handles). Refusing them at the filter
 * means their code paths are not reached at all. Everything else is allowed: a denylist keeps ordinary Python,
 * R and native libraries working without a list of everything they call.
 *
 * A call from another architecture's system call table (32-bit i386 through int 0x80, or the x32 ABI on x86_64)
 * kills the process: its numbers differ, so the list below would not apply to it.
 */

export const SECCOMP_DENIED = [
  "ptrace",
  "process_vm_readv",
  "process_vm_writev",
  "keyctl",
  "add_key",
  "request_key",
  "bpf",
  "perf_event_open",
  "userfaultfd",
  "io_uring_setup",
  "io_uring_enter",
  "io_uring_register",
  "kexec_load",
  "kexec_file_load",
  "init_module",
  "finit_module",
  "delete_module",
  "mount",
  "umount2",
  "pivot_root",
  "move_mount",
  "open_tree",
  "fsopen",
  "fsconfig",
  "fsmount",
  "fspick",
  "mount_setattr",
  "unshare",
  "setns",
  "swapon",
  "swapoff",
  "reboot",
  "acct",
  "quotactl",
  "syslog",
  "lookup_dcookie",
  "open_by_handle_at",
  "name_to_handle_at",
  "vhangup",
  // x86 only:
  "modify_ldt",
  "iopl",
  "ioperm",
  "uselib",
] as const;

type Denied = (typeof SECCOMP_DENIED)[number];

/** System call numbers (from the kernel's unistd headers) and the audit architecture of each supported machine. */
const TABLES: Record<string, { auditArch: number; x32Bit?: number; numbers: Partial<Record<Denied, number>> }> = {
  x64: {
    auditArch: 0xc000003e, // AUDIT_ARCH_X86_64
    x32Bit: 0x40000000, // __X32_SYSCALL_BIT
    numbers: {
      ptrace: 101,
      process_vm_readv: 310,
      process_vm_writev: 311,
      keyctl: 250,
      add_key: 248,
      request_key: 249,
      bpf: 321,
      perf_event_open: 298,
      userfaultfd: 323,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
      kexec_load: 246,
      kexec_file_load: 320,
      init_module: 175,
      finit_module: 313,
      delete_module: 176,
      mount: 165,
      umount2: 166,
      pivot_root: 155,
      move_mount: 429,
      open_tree: 428,
      fsopen: 430,
      fsconfig: 431,
      fsmount: 432,
      fspick: 433,
      mount_setattr: 442,
      unshare: 272,
      setns: 308,
      swapon: 167,
      swapoff: 168,
      reboot: 169,
      acct: 163,
      quotactl: 179,
      syslog: 103,
      lookup_dcookie: 212,
      open_by_handle_at: 304,
      name_to_handle_at: 303,
      vhangup: 153,
      modify_ldt: 154,
      iopl: 172,
      ioperm: 173,
      uselib: 134,
    },
  },
  arm64: {
    auditArch: 0xc00000b7, // AUDIT_ARCH_AARCH64
    numbers: {
      ptrace: 117,
      process_vm_readv: 270,
      process_vm_writev: 271,
      keyctl: 219,
      add_key: 217,
      request_key: 218,
      bpf: 280,
      perf_event_open: 241,
      userfaultfd: 282,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
      kexec_load: 104,
      kexec_file_load: 294,
      init_module: 105,
      finit_module: 273,
      delete_module: 106,
      mount: 40,
      umount2: 39,
      pivot_root: 41,
      move_mount: 429,
      open_tree: 428,
      fsopen: 430,
      fsconfig: 431,
      fsmount: 432,
      fspick: 433,
      mount_setattr: 442,
      unshare: 97,
      setns: 268,
      swapon: 224,
      swapoff: 225,
      reboot: 142,
      acct: 89,
      quotactl: 60,
      syslog: 116,
      lookup_dcookie: 18,
      open_by_handle_at: 265,
      name_to_handle_at: 264,
      vhangup: 58,
    },
  },
};

// Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;
const SECCOMP_RET_KILL_PROCESS = 0x80000000;
const SECCOMP_RET_ERRNO = 0x00050000;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const EPERM = 1;
/** Offsets in struct seccomp_data. */
const NR_OFFSET = 0;
const ARCH_OFFSET = 4;

/** The system calls the filter refuses on this machine, by name. */
export function deniedSyscalls(machine: string = arch): Record<string, number> {
  const table = TABLES[machine];
  return table ? { ...table.numbers } : {};
}

/**
 * The filter for `machine` (Node's process.arch), as the bytes of its struct sock_filter array, or undefined on a
 * machine whose system call numbers this module does not know (the sandbox then runs without a filter and the
 * probe says so). Both known machines are little-endian, the byte order the kernel reads the array in.
 */
export function seccompFilter(machine: string = arch): Buffer | undefined {
  const table = TABLES[machine];
  if (!table) return undefined;
  const numbers = Object.values(table.numbers);
  type Insn = [code: number, jt: number, jf: number, k: number];
  const program: Insn[] = [
    [LD_W_ABS, 0, 0, ARCH_OFFSET],
    [JEQ_K, 1, 0, table.auditArch],
    [RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS],
    [LD_W_ABS, 0, 0, NR_OFFSET],
  ];
  // Jumps are relative to the next instruction; "deny" and "kill" are placed after the list, patched below.
  const checks: { at: number; to: "deny" | "kill" }[] = [];
  if (table.x32Bit !== undefined) {
    checks.push({ at: program.length, to: "kill" });
    program.push([JGE_K, 0, 0, table.x32Bit]);
  }
  for (const nr of numbers) {
    checks.push({ at: program.length, to: "deny" });
    program.push([JEQ_K, 0, 0, nr]);
  }
  program.push([RET_K, 0, 0, SECCOMP_RET_ALLOW]);
  const deny = program.push([RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM]) - 1;
  const kill = program.push([RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS]) - 1;
  for (const { at, to } of checks) {
    const offset = (to === "deny" ? deny : kill) - (at + 1);
    if (offset > 255) throw new Error("seccomp filter too long for a classic BPF jump");
    program[at]![1] = offset;
  }
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], index) => {
    bytes.writeUInt16LE(code, index * 8);
    bytes.writeUInt8(jt, index * 8 + 2);
    bytes.writeUInt8(jf, index * 8 + 3);
    bytes.writeUInt32LE(k >>> 0, index * 8 + 4);
  });
  return bytes;
}

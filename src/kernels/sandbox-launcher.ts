/**
 * The first program bubblewrap runs inside a kernel's sandbox: Debian's /usr/bin/python3 with this source, in
 * isolated mode (-I: no PYTHON* variables, no user site). It takes one JSON argument (LauncherSpec) and:
 *  1. closes every file descriptor above 2. Node's spawn passes on every descriptor the server inherited without
 *     close-on-exec, and bubblewrap passes on everything it was given; a descriptor of a host folder would let the
 *     kernel walk the host's tree from it (openat, fchdir).
 *  2. sets the rlimits (sandbox-limits.ts). They are set here, inside the sandbox's user namespace, and not on
 *     bwrap from outside, because RLIMIT_NPROC counts processes per user per user namespace (Linux 5.14 and
 *     later): set inside, it counts this sandbox's processes only, also when the server is not root and every
 *     sandbox runs under the server's own uid. The limits of the namespace's creator stay in force above it.
 *  3. when the network goes through the egress proxy, starts the relay (with the same limits) and waits until it
 *     listens on 127.0.0.1, so the kernel's first request does not race it;
 *  4. execs the kernelspec's argv, which keeps the launcher's pid (2 in the sandbox's PID namespace).
 * It never uses a shell, so nothing in the argv is ever interpreted.
 */
export interface LauncherSpec {
  rlimits: [string, number, number][];
  relay?: { script: string; port: number; socket: string };
  argv: string[];
}

/** Exit statuses of the launcher itself (the kernel's own statuses replace them once it is exec'd). */
export const LAUNCHER_EXIT = Object.freeze({ relayFailed: 70, execFailed: 127 });

/** The pid the kernel has inside its sandbox's PID namespace (bwrap's reaper is 1, the launcher then kernel 2). */
export const KERNEL_PID_IN_SANDBOX = 2;

export const LAUNCHER_SOURCE = `
import json, os, resource, subprocess, sys, time
spec = json.loads(sys.argv[1])
os.closerange(3, 2**31 - 1)
for name, soft, hard in spec["rlimits"]:
    which = getattr(resource, name)
    _, current = resource.getrlimit(which)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(which, (soft, hard))
relay = spec.get("relay")
if relay:
    port = int(relay["port"])
    proc = subprocess.Popen([sys.executable, "-I", relay["script"], "--listen-port", str(port), "--socket", relay["socket"]],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, close_fds=True)
    wanted = "0100007F:%04X" % port
    deadline = time.monotonic() + 5
    while True:
        with open("/proc/net/tcp") as table:
            if any(len(f) > 3 and f[1] == wanted and f[3] == "0A" for f in (line.split() for line in table)):
                break
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.stderr.write("vitrine sandbox: the egress relay did not start listening on 127.0.0.1:%d\\n" % port)
            sys.exit(${LAUNCHER_EXIT.relayFailed})
        time.sleep(0.01)
argv = spec["argv"]
try:
    os.execvp(argv[0], argv)
except OSError as error:
    sys.stderr.write("vitrine sandbox: cannot start %s: %s\\n" % (argv[0], error.strerror))
    sys.exit(${LAUNCHER_EXIT.execFailed})
`;

/** The argv bubblewrap execs inside the sandbox. */
export function launcherArgv(spec: LauncherSpec): string[] {
  return ["/usr/bin/python3", "-I", "-c", LAUNCHER_SOURCE, JSON.stringify(spec)];
}

# The kernel benchmark's peer (bench/kernel.bench.ts): a bare jupyter_client client (Debian's
# python3-jupyter-client) talking straight to an unsandboxed kernel of the same kernelspec, with no server between.
# Run with /usr/bin/python3; prints one JSON object on stdout.
#
#   kernel-peer.py rtt RUNS WARMUP
#       round trip of `1 + 1`: from sending execute_request to having its execute_result, its execute_reply and
#       the idle status (what Vitrine's "done" waits for), RUNS times after WARMUP unmeasured ones; times in ms
#   kernel-peer.py flood KIND [KIND...]
#       a cell that prints N MB in 1 KB lines (KIND "N"), or the same flushing stdout after every MB (KIND "Nf"):
#       seconds from execute_request to idle, stream bytes and messages received, the largest message's text
import json
import resource
import sys
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

LINES_PER_MB = 1024
stream_messages = largest_stream = 0


def start(spec_dir):
    specs = KernelSpecManager(kernel_dirs=[spec_dir])
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    km.start_kernel()
    kc = km.blocking_client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc


def drain(kc):
    """Reads what iopub still holds from earlier requests (wait_for_ready's kernel_info and status)."""
    while True:
        try:
            kc.get_iopub_msg(timeout=0.2)
        except Exception:
            return


def run(kc, code):
    """
    Sends one execute_request and reads iopub until its idle status, then takes its execute_reply from shell (as
    jupyter_client's own execute_interactive does: the kernel sends the reply before it publishes idle). Answers the
    stream bytes received and the result's text/plain.
    """
    msg_id = kc.execute(code, store_history=False, allow_stdin=False)
    result = None
    stream_bytes = 0
    global stream_messages, largest_stream
    stream_messages = largest_stream = 0
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "stream":
            size = len(msg["content"]["text"].encode("utf-8"))
            stream_bytes += size
            stream_messages += 1
            largest_stream = max(largest_stream, size)
        elif kind == "execute_result":
            result = msg["content"]["data"].get("text/plain")
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            break
    while kc.get_shell_msg(timeout=120)["parent_header"].get("msg_id") != msg_id:
        pass
    return stream_bytes, result


def main():
    spec_dir = "/usr/share/jupyter/kernels"
    mode = sys.argv[1]
    km, kc = start(spec_dir)
    try:
        drain(kc)
        out = {"argv": km.kernel_spec.argv, "jupyter_client": __import__("jupyter_client").__version__}
        if mode == "rtt":
            runs, warmup = int(sys.argv[2]), int(sys.argv[3])
            times = []
            for i in range(warmup + runs):
                t0 = time.perf_counter()
                _, result = run(kc, "1 + 1")
                elapsed = (time.perf_counter() - t0) * 1000
                if result != "2":
                    raise SystemExit(f"unexpected result {result!r}")
                if i >= warmup:
                    times.append(elapsed)
            out["ms"] = times
        elif mode == "flood":
            out["floods"] = []
            for kind in sys.argv[2:]:
                mb = int(kind.rstrip("f"))
                code = f"for i in range({mb * LINES_PER_MB}):\n    print('x' * 1023)"
                if kind.endswith("f"):
                    code = "import sys\n" + code + "\n    if i % 1024 == 1023:\n        sys.stdout.flush()"
                t0 = time.perf_counter()
                received, _ = run(kc, code)
                seconds = time.perf_counter() - t0
                out["floods"].append(
                    {
                        "kind": kind,
                        "mb": mb,
                        "seconds": seconds,
                        "bytes": received,
                        "messages": stream_messages,
                        "largest": largest_stream,
                    }
                )
        else:
            raise SystemExit(f"unknown mode {mode}")
        out["client_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


main()

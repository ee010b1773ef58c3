"""Relay from the sandbox's own loopback to the studio's egress proxy.

A kernel's network namespace has nothing but loopback. This relay listens on 127.0.0.1:PORT inside it (the
kernel's HTTP_PROXY and HTTPS_PROXY point there) and forwards each TCP connection, byte for byte, to the Unix
socket of the egress proxy that the sandbox bind-mounts. It understands nothing of HTTP: every decision is the
proxy's. Python 3 standard library only, because it runs on the sandbox's system python3.

    python3 egress-relay.py --listen-port PORT --socket /run/vitrine-egress.sock

Prints "listening 127.0.0.1:PORT" on stdout once it accepts connections (PORT 0 picks a free port). Exits on
SIGTERM or SIGINT, and when its parent process ends.
"""

import argparse
import ctypes
import os
import signal
import socket
import sys
import threading

# Only the sandbox's loopback, never a wildcard: the relay must not become a way in from anywhere else.
LISTEN_ADDRESS = "127.0.0.1"
CHUNK = 64 * 1024
# The proxy caps connections per kernel too; this bounds the relay's own threads whatever the kernel does.
MAX_CONNECTIONS = 256
PR_SET_PDEATHSIG = 1


def die_with_parent():
    """Ask the kernel (Linux prctl) to send SIGTERM when the parent ends; a watcher thread covers the rest."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    parent = os.getppid()

    def watch():
        while True:
            if os.getppid() != parent:
                os._exit(0)
            threading.Event().wait(1.0)

    threading.Thread(target=watch, daemon=True).start()


def pump(source, target):
    """Copies one direction until end of stream, then half-closes the other side so the peer sees the end."""
    try:
        while True:
            data = source.recv(CHUNK)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def relay(client, socket_path, slots):
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(socket_path)
    except OSError:
        upstream.close()
        client.close()
        slots.release()
        return
    outward = threading.Thread(target=pump, args=(client, upstream), daemon=True)
    try:
        outward.start()
    except RuntimeError:
        # No thread to spare (the sandbox's process limit): this connection is dropped, the relay lives on.
        upstream.close()
        client.close()
        slots.release()
        return
    pump(upstream, client)
    outward.join()
    upstream.close()
    client.close()
    slots.release()


def main():
    parser = argparse.ArgumentParser(description="Relay 127.0.0.1:PORT to the egress proxy's Unix socket.")
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--socket", required=True, help="path of the egress proxy's Unix socket")
    args = parser.parse_args()
    if not 0 <= args.listen_port <= 65535:
        parser.error("--listen-port must be between 0 and 65535")

    die_with_parent()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LISTEN_ADDRESS, args.listen_port))
    listener.listen(128)
    print("listening %s:%d" % listener.getsockname(), flush=True)

    slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
    while True:
        client, _ = listener.accept()
        if not slots.acquire(blocking=False):
            client.close()
            continue
        try:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=relay, args=(client, args.socket, slots), daemon=True).start()
        except (RuntimeError, OSError):
            # The kernel shares the sandbox's process limit with the relay: when it has used every thread, Python
            # cannot start one ("can't start new thread"). That connection is closed; the relay keeps accepting,
            # so the network works again once the kernel's threads end.
            client.close()
            slots.release()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)

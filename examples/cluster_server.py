"""A TLS server that scales out: a primary, N workers on one port, hosts sharing sessions.

    python examples/cluster_server.py --port P --workers N --cert C --key K
                                      [--redis URL] [--rotate-every S] [--prefix X]

The primary forks N workers (``nodessl.cluster``); each answers every TLS connection with
``b"x"`` and closes it.  Once every worker listens the primary prints ``READY <port>``
(``--port 0``: the port the workers share), ``WORKER <id> <pid>`` as each one comes
online and ``LISTENING <id>`` as it listens; a worker that dies is reported and replaced (one that dies before it ever listened
ends the whole cluster with exit status 1: a replacement would fail alike).  SIGTERM or
SIGINT ends the primary and its workers.

Without ``--redis`` the workers of this host resume each other's sessions: they serve on a
SecureContext built before the fork, so all of them hold its ticket keys (either backend).
With ``--redis URL`` the workers are ``tls.Server``s attached to the Redis store
(``nodessl.sessions``): session ids and ticket keys are shared with every instance using the
same Redis and ``--prefix``, on any host, and the keys rotate every ``--rotate-every``
seconds.  Two instances on different ports with one ``--redis`` are two hosts behind a load
balancer.  Redis needs the shared-libssl backend (Debian's python3-openssl): on the bundled
one the workers exit with ``ERR_FEATURE_UNAVAILABLE_ON_PLATFORM``.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

import nodessl as tls
from nodessl import cluster, net, sessions


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cert", type=Path, required=True)
    parser.add_argument("--key", type=Path, required=True)
    parser.add_argument("--redis", help="redis:// or rediss:// URL of the session store")
    parser.add_argument("--rotate-every", type=float, help="seconds between ticket-key rotations")
    parser.add_argument("--prefix", default="nodessl:", help="this cluster's Redis key prefix")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.rotate_every is not None and not args.redis:
        parser.error("--rotate-every needs --redis")
    return args


# Parsed and loaded before any fork: every worker inherits them, and the context's keys.
ARGS = parse(sys.argv[1:])
IDENTITY = {"key": ARGS.key.read_bytes(), "cert": ARGS.cert.read_bytes()}
CONTEXT = tls.createSecureContext(IDENTITY)


def answer(sock: Any) -> None:
    sock.on("error", lambda err: None)  # a client gone mid-answer is its own business
    sock.end(b"x")


async def worker() -> None:
    # the primary's signal handlers came with the fork: a worker ends as Node's do
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if ARGS.redis:
        server = tls.createServer(IDENTITY, answer)
        store = sessions.attach(server, ARGS.redis, rotate_every=ARGS.rotate_every,
                                prefix=ARGS.prefix)
        me = cluster.worker.id
        store.on("storeError", lambda err: print(
            f"worker {me}: session store unavailable ({err.code}), serving with full "
            "handshakes", file=sys.stderr, flush=True))
        store.on("storeRecovered", lambda: print(
            f"worker {me}: session store back", file=sys.stderr, flush=True))
        # the cluster's ticket keys before the first connection (a replacement worker
        # would otherwise turn the tickets of the others into full handshakes), or the
        # store's first failure: at most its timeout
        await store.ready
    else:
        def wrap(raw: Any) -> None:  # Node's pattern: TLS on the context built before fork
            sock = tls.TLSSocket(raw, {"isServer": True, "secureContext": CONTEXT})
            sock.on("secure", lambda: answer(sock))
            sock.on("error", lambda err: None)

        server = net.createServer(wrap)
    server.on("tlsClientError", lambda err, sock: None)
    server.listen(ARGS.port, ARGS.host)


FAILED: list[str] = []  # workers that died before they ever listened


def primary() -> None:
    listening: set[int] = set()
    served: set[int] = set()  # workers that listened at least once
    ready = False

    def on_online(w: cluster.Worker) -> None:
        print(f"WORKER {w.id} {w.process.pid}", flush=True)

    def on_listening(w: cluster.Worker, address: dict[str, Any]) -> None:
        nonlocal ready
        listening.add(w.id)
        served.add(w.id)
        print(f"LISTENING {w.id}", flush=True)
        if not ready and len(listening) >= ARGS.workers:
            ready = True
            print(f"READY {address['port']}", flush=True)

    def on_exit(w: cluster.Worker, code: int | None, sig: str | None) -> None:
        listening.discard(w.id)
        if stopping:
            return
        if w.id not in served:
            # it could not start (bad options, the backend): another would fail alike
            FAILED.append(f"worker {w.id} exited with {sig or code} before listening")
            stop()
            return
        print(f"EXIT {w.id} {sig or code}: forking another", file=sys.stderr, flush=True)
        cluster.fork()

    stopping = False

    def stop() -> None:
        nonlocal stopping
        stopping = True
        cluster.disconnect()  # the workers close their servers and exit; then so do we

    cluster.on("online", on_online)
    cluster.on("listening", on_listening)
    cluster.on("exit", on_exit)
    for _ in range(ARGS.workers):
        cluster.fork()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop)


async def main() -> None:
    if cluster.isPrimary:
        primary()
    else:
        await worker()


if __name__ == "__main__":
    tls.run(main)
    if FAILED:
        sys.exit("; ".join(FAILED))

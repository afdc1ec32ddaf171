"""Profile nodessl's own Python time per server connection (full TLS 1.3 handshake).

A server runs in this process: nodessl's ``tls.createServer`` (``--impl nodessl``) or a bare
pyOpenSSL memory-BIO ``asyncio.Protocol`` on the same OpenSSL (``--impl bare``, the floor:
handshake, nothing else).  A client process (this file with ``--client``, CPython's ``ssl``)
makes N sequential full TLS 1.3 handshakes (no resumption, TLS_AES_128_GCM_SHA256 where the
client can pin it) and closes each right after, as ``openssl s_time -new`` does.  Both servers
use fixtures/keys agent1 (RSA-2048) by default, ``--key ec`` for the ECDSA P-256 fixture.

Printed per implementation: the server process's CPU time per connection (``time.process_time``
from the first accept to the last close, several rounds, the median), and with ``--profile``
cProfile's top functions by own time from one more round.  nodessl minus bare is nodessl's
own Python per connection (OpenSSL's work is the same in both).

Usage: ``python bench/profile_server.py [-n 2000] [--rounds 3] [--impl nodessl,bare]
[--profile] [--top 30] [--key rsa|ec]`` (``PROFILE_SORT=cumulative`` orders the
profile by cumulative time).  Not a test and not ``make bench``: a tool for
reading where the time goes.  For any row of ``make bench`` (16 handshakes at a time,
echo, bulk, the client rows), with the bench's own programs and C peer, see
bench/profile_side.py.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import resource
import ssl
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "fixtures" / "keys"
IDENTITIES = {
    "rsa": (KEYS / "agent1-key.pem", KEYS / "agent1-cert.pem"),
    "ec": (KEYS / "ec10-key.pem", KEYS / "ec10-cert.pem"),
}


# -- the client process ------------------------------------------------------------------------

def client(port: int, count: int) -> None:
    """``count`` sequential full handshakes against 127.0.0.1:``port``, each closed at once."""
    import socket

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    for _ in range(count):
        raw = socket.create_connection(("127.0.0.1", port))
        # the handshake is done once the server's Finished is in and ours is sent; leave at
        # once (unread session tickets make it a reset), as s_time does
        ctx.wrap_socket(raw).close()


# -- the servers -------------------------------------------------------------------------------

def _cpu() -> tuple[float, float]:
    """(user, system) CPU seconds of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


class _Run:
    """Counts closed connections and measures CPU from the first accept to the last close."""

    def __init__(self, count: int, profiler: cProfile.Profile | None) -> None:
        self.count = count
        self.closed = 0
        self.started: tuple[float, float] | None = None
        self.cpu: tuple[float, float] = (0.0, 0.0)
        self.profiler = profiler
        self.done = asyncio.get_running_loop().create_future()

    def opened(self) -> None:
        if self.started is None:
            self.started = _cpu()
            if self.profiler is not None:
                self.profiler.enable()

    def closed_one(self) -> None:
        self.closed += 1
        if self.closed == self.count:
            if self.profiler is not None:
                self.profiler.disable()
            assert self.started is not None
            user, system = _cpu()
            self.cpu = (user - self.started[0], system - self.started[1])
            if not self.done.done():
                self.done.set_result(None)


async def _drive(port: int, run: _Run) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--client", str(port), str(run.count))
    await run.done
    await proc.wait()


async def serve_nodessl(count: int, key: str,
                        profiler: cProfile.Profile | None) -> tuple[float, float]:
    """CPU seconds of ``count`` connections served by ``tls.createServer``."""
    import nodessl as tls

    key_file, cert_file = IDENTITIES[key]
    run = _Run(count, profiler)

    # No 'connection' listener: one would make the server build the plain net.Socket that
    # only a listener can see (server.py's _admit), which a TLS-only server never does.
    # Each connection ends in exactly one of these two.
    def on_secure(sock: Any) -> None:
        run.opened()
        sock.on("error", lambda err: None)
        sock.on("close", lambda *a: run.closed_one())

    server = tls.createServer({"key": key_file.read_bytes(), "cert": cert_file.read_bytes(),
                               "minVersion": "TLSv1.3"}, on_secure)
    server.on("tlsClientError", lambda err, sock: run.closed_one())
    listening = asyncio.get_running_loop().create_future()
    server.listen(0, "127.0.0.1", lambda: listening.set_result(None))
    await listening
    await _drive(server.address()["port"], run)
    server.close()
    return run.cpu


async def serve_bare(count: int, key: str,
                     profiler: cProfile.Profile | None) -> tuple[float, float]:
    """The floor: a pyOpenSSL memory-BIO protocol that handshakes and reads, nothing else."""
    from OpenSSL import SSL

    key_file, cert_file = IDENTITIES[key]
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_3_VERSION)
    ctx.use_certificate_chain_file(str(cert_file))
    ctx.use_privatekey_file(str(key_file))
    run = _Run(count, profiler)

    class Bare(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            run.opened()
            self.transport = transport
            self.conn = SSL.Connection(ctx, None)
            self.conn.set_accept_state()
            self.shook = False

        def data_received(self, data: bytes) -> None:
            conn = self.conn
            conn.bio_write(data)
            if not self.shook:
                try:
                    conn.do_handshake()
                    self.shook = True
                except SSL.WantReadError:
                    pass
                except SSL.Error:
                    self.transport.close()
                    return
            if self.shook:
                try:
                    while conn.recv(16384):
                        pass
                except SSL.Error:
                    pass
            try:
                out = conn.bio_read(65536)
            except SSL.WantReadError:
                out = b""
            if out:
                self.transport.write(out)

        def connection_lost(self, exc: BaseException | None) -> None:
            run.closed_one()

    server = await asyncio.get_running_loop().create_server(Bare, "127.0.0.1", 0)
    await _drive(server.sockets[0].getsockname()[1], run)
    server.close()
    return run.cpu


SERVERS = {"nodessl": serve_nodessl, "bare": serve_bare}


def measure(impl: str, count: int, key: str,
            profiler: cProfile.Profile | None) -> tuple[float, float]:
    """(user, system) CPU µs per connection of one round (in a fresh loop)."""
    user, system = asyncio.run(SERVERS[impl](count, key, profiler))
    return user / count * 1e6, system / count * 1e6


def main() -> None:
    """Parse the arguments and print the table (and the profiles)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="connections per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--impl", default="nodessl,bare")
    parser.add_argument("--key", choices=sorted(IDENTITIES), default="rsa")
    parser.add_argument("--profile", action="store_true", help="cProfile one more round")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--client", nargs=2, type=int, metavar=("PORT", "COUNT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client(*args.client)
        return
    impls = args.impl.split(",")
    results: dict[str, list[tuple[float, float]]] = {impl: [] for impl in impls}
    measure(impls[0], min(200, args.n), args.key, None)  # warm-up: imports, caches
    for _ in range(args.rounds):
        for impl in impls:  # interleaved, so background load spreads over both
            results[impl].append(measure(impl, args.n, args.key, None))
    print(f"{args.n} sequential full TLS 1.3 handshakes ({args.key}), {args.rounds} rounds, "
          "server CPU µs per connection, median (all rounds).  User time is Python and "
          "OpenSSL; system time is mostly loopback TCP, noisy on a shared machine:")
    users = {impl: statistics.median(u for u, _ in results[impl]) for impl in impls}
    lows = {impl: min(u for u, _ in results[impl]) for impl in impls}
    for impl in impls:
        runs = ", ".join(f"{u:.0f}" for u, _ in results[impl])
        system = statistics.median(s for _, s in results[impl])
        print(f"  {impl:8s} user {users[impl]:7.1f} ({runs})   system {system:7.1f}")
    if "nodessl" in users and "bare" in users:
        print(f"  nodessl - bare, user: {users['nodessl'] - users['bare']:.1f} µs per connection "
              f"(medians; {lows['nodessl'] - lows['bare']:.1f} between the lowest rounds)")
    if args.profile:
        for impl in impls:
            profiler = cProfile.Profile()
            per = sum(measure(impl, args.n, args.key, profiler))
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(args.top)
            total = stats.total_tt / args.n * 1e6  # type: ignore[attr-defined]
            own = sum(row[2] for key, row in stats.stats.items()  # type: ignore[attr-defined]
                      if f"{os.sep}nodessl{os.sep}" in key[0]) / args.n * 1e6
            calls = stats.total_calls / args.n  # type: ignore[attr-defined]
            print(f"\n== {impl}: cProfile, {per:.0f} µs CPU per connection under the profiler, "
                  f"{total:.0f} µs profiled per connection, {own:.0f} of it in nodessl's "
                  f"own functions (own time); {calls:.0f} function calls per connection ==")
            print(out.getvalue())


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()

"""Benchmark: nodessl against Node.js ``tls`` and asyncio + stdlib ``ssl``, in one run.

Three TLS servers run on 127.0.0.1 with the same identity (fixture agent1, RSA-2048)
and TLS 1.3 only:

* ``nodessl``      -- a ``tls.createServer`` sink, in its own Python process;
* ``node``         -- Node.js 20's ``tls.createServer`` sink (``node -e``);
* ``asyncio+ssl``  -- ``loop.create_server(..., ssl=SSLContext)``, in its own Python process.

Each server lives in its own process so that the load generator never competes with
it for an interpreter, and the load generators are the same for all three:

* handshakes/s: ``openssl s_time -new`` (sequential full handshakes, no resumption),
  offering only TLS_AES_128_GCM_SHA256.  The rate is computed from our own wall clock:
  s_time's "real seconds" is rounded to whole seconds.
* bulk MB/s: a Node.js client writes 64 MiB in 16 KiB writes; the sink counts the bytes
  and, once it has them all, replies with one JSON line (which also carries the
  server's view of the negotiated protocol and cipher).  Time = first write to reply;
  one warm-up transfer, then transfers for half of BENCH_SECONDS (at least one per
  round); the median transfer is reported.

After a warm-up of each server, the time goes in three rounds, each giving every
server a third of its time on both workloads, so whatever else the machine does is
spread over all three rather than landing on one.

On a small machine the load generator, not the server, sets much of the wall-clock pace
(s_time waits for each handshake; the client encrypts every byte), so the table also
gives each server's work per CPU-second it used (read from /proc): that is what tells
the implementations apart when the wall-clock figures are close.

One server is measured at a time (the others sit idle in their event loops).
``BENCH_SECONDS`` (default 10) is each server's handshake time, summed over the rounds
(bulk gets half of it); ``BENCH_MIB`` (default 64) the size of a bulk transfer.  With
the defaults a run takes about a minute on two cores.

Usage: ``python bench/bench.py [--servers nodessl,node,asyncio]``.  The same file,
run as ``bench.py --serve nodessl|asyncio``, is the server process.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import os
import re
import select
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "fixtures" / "keys"
KEY, CERT, CA = KEYS / "agent1-key.pem", KEYS / "agent1-cert.pem", KEYS / "ca1-cert.pem"
SUITE = "TLS_AES_128_GCM_SHA256"
CHUNK = 16 * 1024
ROUNDS = 3
SERVER_NAMES = ("nodessl", "node", "asyncio")
LABELS = {"nodessl": "nodessl", "node": "node", "asyncio": "asyncio+ssl"}
START_TIMEOUT = 20.0


# --------------------------------------------------------------------------------------------
# Server side (child processes).  Every server is a sink: it counts the bytes of a
# connection and, once it has received ``total``, answers one JSON line and ends.  A
# connection that sends nothing (s_time's) is simply closed by the peer.
# --------------------------------------------------------------------------------------------

def _reply(received: int, protocol: str | None, cipher: str | None) -> bytes:
    return (json.dumps({"received": received, "protocol": protocol, "cipher": cipher})
            + "\n").encode()


def _announce(port: int, config: str) -> None:
    """Tell the parent we listen: one JSON line on stdout, the only thing a server prints."""
    sys.stdout.write(json.dumps({"port": port, "config": config}) + "\n")
    sys.stdout.flush()


def _exit_with_parent() -> None:
    # The parent holds our stdin; EOF means it is gone (even if it was SIGKILLed, when
    # its cleanup could not run), so a server can never outlive the bench.
    def watch() -> None:
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def serve_nodessl(total: int) -> None:
    import nodessl as tls

    opts: dict[str, Any] = {"key": KEY.read_bytes(), "cert": CERT.read_bytes(),
                            "minVersion": "TLSv1.3", "ciphers": SUITE}
    config = f"minVersion TLSv1.3, ciphers {SUITE}"
    try:
        tls.createSecureContext(opts)
    except Exception as exc:  # the option may not take TLS 1.3 suite names: use the default
        del opts["ciphers"]
        config = f"minVersion TLSv1.3, default ciphers (ciphers={SUITE!r} refused: {exc})"

    def on_secure(sock: Any) -> None:
        received = 0
        # s_time closes right after its handshake: the resets that follow are expected.
        sock.on("error", lambda err: None)

        def on_data(chunk: bytes) -> None:
            nonlocal received
            received += len(chunk)
            if received >= total:
                cipher = sock.getCipher() or {}
                sock.end(_reply(received, sock.getProtocol(), cipher.get("standardName")))

        sock.on("data", on_data)

    def main() -> None:
        server = tls.createServer(opts, on_secure)
        server.on("tlsClientError", lambda err, sock: None)
        server.listen(0, "127.0.0.1", lambda: _announce(server.address()["port"], config))

    tls.run(main)


def serve_asyncio(total: int) -> None:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT, KEY)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    # SSLContext.set_ciphers() only covers TLS <= 1.2; the client picks the 1.3 suite.
    config = "minimum_version TLSv1_3, default TLS 1.3 suites"

    class Sink(asyncio.Protocol):
        def __init__(self) -> None:
            self.received = 0
            self.transport: asyncio.Transport | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            assert isinstance(transport, asyncio.Transport)
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            self.received += len(data)
            if self.received >= total and self.transport is not None:
                sslobj = self.transport.get_extra_info("ssl_object")
                cipher = sslobj.cipher() if sslobj is not None else None
                self.transport.write(_reply(self.received,
                                            sslobj.version() if sslobj is not None else None,
                                            cipher[0] if cipher else None))
                self.transport.close()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        # s_time's abrupt closes make asyncio log every reset; they are expected here.
        loop.set_exception_handler(lambda loop, context: None)
        server = await loop.create_server(Sink, "127.0.0.1", 0, ssl=ctx)
        _announce(server.sockets[0].getsockname()[1], config)
        await server.serve_forever()

    asyncio.run(main())


NODE_SERVER = r"""
const tls = require('tls'), fs = require('fs');
const total = Number(process.env.BENCH_TOTAL);
const opts = {key: fs.readFileSync(process.env.BENCH_KEY),
              cert: fs.readFileSync(process.env.BENCH_CERT),
              minVersion: 'TLSv1.3', ciphers: process.env.BENCH_SUITE};
const server = tls.createServer(opts, (sock) => {
  let received = 0;
  sock.on('error', () => {});  // s_time's abrupt closes are expected
  sock.on('data', (chunk) => {
    received += chunk.length;
    if (received >= total) {
      sock.end(JSON.stringify({received, protocol: sock.getProtocol(),
                               cipher: sock.getCipher().standardName}) + '\n');
    }
  });
});
server.on('tlsClientError', () => {});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({port: server.address().port,
    config: `minVersion TLSv1.3, ciphers ${opts.ciphers}`}) + '\n');
});
// exit with the parent, which holds our stdin
process.stdin.on('end', () => process.exit(0)).resume();
"""

# The bulk driver, the same for all three servers: it offers only SUITE, so every
# server negotiates it, and it verifies the server as a real client would.
NODE_BULK_CLIENT = r"""
const tls = require('tls'), fs = require('fs');
const env = process.env, total = Number(env.BENCH_TOTAL), chunk = Number(env.BENCH_CHUNK);
const buf = Buffer.alloc(chunk, 0x61);
// One transfer: connect, write `total` bytes, wait for the sink's reply line.
function transfer() {
  return new Promise((resolve, reject) => {
    const c = tls.connect({port: Number(env.BENCH_PORT), host: '127.0.0.1', servername: 'agent1',
                           ca: fs.readFileSync(env.BENCH_CA), minVersion: 'TLSv1.3',
                           ciphers: env.BENCH_SUITE}, () => {
      const client = {protocol: c.getProtocol(), cipher: c.getCipher().standardName};
      let sent = 0, reply = '';
      const t0 = process.hrtime.bigint();
      c.setEncoding('utf8');
      c.on('data', (d) => {
        reply += d;
        if (!reply.includes('\n')) return;
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        c.destroy();
        resolve({seconds, client, server: JSON.parse(reply)});
      });
      const pump = () => {
        while (sent < total) {
          const n = Math.min(chunk, total - sent);
          sent += n;
          if (!c.write(n === chunk ? buf : buf.subarray(0, n))) return void c.once('drain', pump);
        }
      };
      pump();
    });
    c.on('error', reject);
    c.on('end', () => reject(new Error('server ended before replying')));
    c.setTimeout(60000, () => reject(new Error('no progress for 60 s')));
  });
}
// At least BENCH_RUNS transfers, and more until BENCH_SECONDS have passed.
(async () => {
  const start = Date.now();
  for (let i = 0; i < Number(env.BENCH_RUNS) || Date.now() - start < 1000 * env.BENCH_SECONDS;
       i++) {
    console.log(JSON.stringify(await transfer()));
  }
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
"""


# --------------------------------------------------------------------------------------------
# Parent: start the servers, drive the load, print the table.
# --------------------------------------------------------------------------------------------

class BenchError(Exception):
    """A failure the user should read as one line (missing tool, dead server, ...)."""


@dataclass
class Tally:
    """One workload on one server, summed over the rounds."""

    count: int = 0  # handshakes, or bytes
    wall: float = 0.0
    cpu: float | None = 0.0  # the server's CPU seconds; None when /proc is not readable
    samples: list[float] = field(default_factory=list)  # bulk: MB/s of each transfer

    def add(self, count: int, wall: float, cpu: float | None) -> None:
        self.count += count
        self.wall += wall
        self.cpu = None if cpu is None or self.cpu is None else self.cpu + cpu

    def per_cpu(self, scale: float = 1.0) -> float | None:
        return self.count / self.cpu / scale if self.cpu else None

    def busy(self) -> str:
        return f"{100 * self.cpu / self.wall:.0f}%" if self.cpu is not None and self.wall else "?"


@dataclass
class Server:
    """One running server process, what it told us and what we measured."""

    name: str
    proc: subprocess.Popen[bytes]
    stderr: TextIO
    port: int = 0
    config: str = ""
    handshakes: Tally = field(default_factory=Tally)
    bulk: Tally = field(default_factory=Tally)
    negotiated: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return LABELS[self.name]

    def stderr_tail(self, limit: int = 2000) -> str:
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read()[-limit:].strip()

    def check_alive(self) -> None:
        status = self.proc.poll()
        if status is not None:
            how = f"was killed by signal {-status}" if status < 0 else f"exited with {status}"
            raise BenchError(f"{self.label} server {how}:\n{self.stderr_tail()}")

    def cpu_seconds(self) -> float | None:
        """User+system CPU time of the server so far (Linux /proc), to see if it was busy."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_children: list[subprocess.Popen[bytes]] = []


def _kill_children() -> None:
    for proc in _children:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + 3
    for proc in _children:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _on_signal(signum: int, frame: Any) -> None:
    # Turn SIGTERM into an exit so the finally/atexit cleanup runs.
    raise SystemExit(128 + signum)


def require_tools() -> tuple[str, str]:
    node, openssl = shutil.which("node"), shutil.which("openssl")
    missing = [name for name, path in (("node", node), ("openssl", openssl)) if path is None]
    if missing:
        raise BenchError(f"{' and '.join(missing)} not found on PATH: the bench needs Node.js 20 "
                         "(server and bulk client) and the openssl CLI (s_time)")
    for path in (KEY, CERT, CA):
        if not path.exists():
            raise BenchError(f"{path} missing: run `make keys`")
    assert node is not None and openssl is not None
    return node, openssl


def start_server(name: str, node: str, total: int) -> Server:
    env = {**os.environ, "BENCH_TOTAL": str(total), "BENCH_KEY": str(KEY),
           "BENCH_CERT": str(CERT), "BENCH_SUITE": SUITE}
    if name == "node":
        argv = [node, "-e", NODE_SERVER]
    else:
        argv = [sys.executable, str(Path(__file__).resolve()), "--serve", name,
                "--total", str(total)]
    err = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                            env=env, cwd=ROOT)
    _children.append(proc)
    server = Server(name, proc, err)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], START_TIMEOUT)
    line = proc.stdout.readline() if ready else b""
    if not line:
        server.check_alive()
        raise BenchError(f"{server.label} server did not start listening within "
                         f"{START_TIMEOUT:.0f} s:\n{server.stderr_tail()}")
    hello = json.loads(line)
    server.port, server.config = int(hello["port"]), str(hello["config"])
    return server


def _cpu_delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def handshakes(server: Server, openssl: str, seconds: int, tally: Tally | None) -> None:
    """Sequential full TLS 1.3 handshakes with ``openssl s_time -new`` for ``seconds``."""
    argv = [openssl, "s_time", "-connect", f"127.0.0.1:{server.port}", "-new",
            "-time", str(seconds), "-tls1_3", "-ciphersuites", SUITE]
    cpu0 = server.cpu_seconds()
    t0 = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"openssl s_time against {server.label} did not finish") from exc
    wall = time.perf_counter() - t0
    cpu = _cpu_delta(cpu0, server.cpu_seconds())
    server.check_alive()
    match = re.search(r"^(\d+) connections in [\d.]+s", done.stdout, re.MULTILINE)
    if done.returncode != 0 or match is None or int(match.group(1)) == 0:
        raise BenchError(f"openssl s_time against {server.label} failed "
                         f"(status {done.returncode}):\n{done.stdout[-800:]}{done.stderr[-800:]}"
                         f"\nserver stderr:\n{server.stderr_tail()}")
    if tally is not None:
        tally.add(int(match.group(1)), wall, cpu)


def bulk(server: Server, node: str, total: int, seconds: float, tally: Tally | None) -> None:
    """Transfers of ``total`` bytes by the Node bulk client: at least one, for ``seconds``."""
    env = {**os.environ, "BENCH_PORT": str(server.port), "BENCH_TOTAL": str(total),
           "BENCH_CHUNK": str(CHUNK), "BENCH_RUNS": "1", "BENCH_CA": str(CA),
           "BENCH_SUITE": SUITE, "BENCH_SECONDS": str(seconds)}
    cpu0 = server.cpu_seconds()
    t0 = time.perf_counter()
    try:
        done = subprocess.run([node, "-e", NODE_BULK_CLIENT], env=env, capture_output=True,
                              text=True, timeout=seconds + 90)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"bulk transfer to {server.label} did not finish") from exc
    wall = time.perf_counter() - t0
    cpu = _cpu_delta(cpu0, server.cpu_seconds())
    server.check_alive()
    if done.returncode != 0:
        raise BenchError(f"bulk client against {server.label} failed:\n{done.stderr[-1500:]}"
                         f"\nserver stderr:\n{server.stderr_tail()}")
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if not results:
        raise BenchError(f"bulk client against {server.label} printed nothing")
    for result in results:
        if result["server"]["received"] != total:
            raise BenchError(f"{server.label} counted {result['server']['received']} bytes, "
                             f"expected {total}")
    server.negotiated = {"client": results[-1]["client"], "server": results[-1]["server"]}
    if tally is not None:
        # The CPU window also holds each transfer's handshake (~1 ms): noise next to 64 MiB.
        tally.add(total * len(results), wall, cpu)
        tally.samples += [total / r["seconds"] / 1e6 for r in results]


def measure(servers: list[Server], node: str, openssl: str, seconds: int, total: int,
            log: Callable[[str], None]) -> None:
    """Warm every server up, then ROUNDS rounds giving each server a slice of both workloads.

    Interleaving spreads whatever else the machine does over all three servers, instead
    of penalising whichever one happened to run at a bad moment.
    """
    hs_seconds = max(1, round(seconds / ROUNDS))
    bulk_seconds = seconds / 2 / ROUNDS
    for server in servers:
        # warm-up: Node's JIT, caches, the servers' first allocations
        log(f"warm-up      {server.label}")
        bulk(server, node, total, 0, None)
        handshakes(server, openssl, 1, None)
    for round_no in range(ROUNDS):
        # rotate the order too, so no server always follows the same neighbour
        for server in servers[round_no % len(servers):] + servers[:round_no % len(servers)]:
            log(f"round {round_no + 1}/{ROUNDS}  {server.label:<12} bulk {bulk_seconds:.1f} s "
                f"of {total >> 20} MiB transfers, then s_time -new for {hs_seconds} s")
            bulk(server, node, total, bulk_seconds, server.bulk)
            handshakes(server, openssl, hs_seconds, server.handshakes)


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def report(servers: dict[str, Server], node: str, openssl: str, seconds: int,
           total: int, load: str) -> str:
    def value(name: str, row: str) -> float | None:
        server = servers.get(name)
        if server is None:
            return None
        if row == "hs":
            return server.handshakes.count / server.handshakes.wall
        if row == "hs_cpu":
            return server.handshakes.per_cpu()
        if row == "bulk":
            return statistics.median(server.bulk.samples)
        return server.bulk.per_cpu(1e6)

    def cell(v: float | None) -> str:
        return f"{v:,.1f}" if v is not None else "-"

    rows = [("handshakes/s (wall clock)", "hs"),
            ("handshakes per server CPU-second", "hs_cpu"),
            (f"bulk MB/s (wall clock, median of {total >> 20} MiB runs)", "bulk"),
            ("bulk MB per server CPU-second", "bulk_cpu")]
    head = ["workload", "nodessl", "node", "asyncio+ssl", "nodessl/node", "nodessl/asyncio"]
    table = [head]
    for title, row in rows:
        vals = [value(n, row) for n in SERVER_NAMES]
        table.append([title, *map(cell, vals), _ratio(vals[0], vals[1]),
                      _ratio(vals[0], vals[2])])
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    lines = ["Results: higher is better for every number; a ratio above 1.00x means nodessl "
             "is faster.",
             f"TLS 1.3 {SUITE}, RSA-2048, {ROUNDS} interleaved rounds.  Handshakes: openssl "
             "s_time -new,",
             "one at a time.  Bulk: 16 KiB writes, MB = 10^6 bytes.  CPU-second: one second "
             "of the",
             "server process's own CPU time.", ""]
    for i, row in enumerate(table):
        lines.append("  ".join(c.ljust(widths[0]) if j == 0 else c.rjust(widths[j])
                               for j, c in enumerate(row)))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))

    lines += ["", "Per server (negotiated: the server's own view, from its bulk reply / the "
              "client's view):"]
    for server in servers.values():
        b, h, seen = server.bulk, server.handshakes, server.negotiated
        mbps = sorted(b.samples)
        lines += [f"  {server.label}: {server.config}",
                  f"      negotiated {seen['server']['protocol']} {seen['server']['cipher']} / "
                  f"client {seen['client']['protocol']} {seen['client']['cipher']}",
                  f"      bulk: {len(mbps)} transfers, MB/s min {mbps[0]:,.1f} median "
                  f"{statistics.median(mbps):,.1f} max {mbps[-1]:,.1f}; "
                  f"server CPU {b.busy()} of a core",
                  f"      handshakes: {h.count} in {h.wall:.2f} s; "
                  f"server CPU {h.busy()} of a core"]

    versions = [f"python {sys.version.split()[0]} ({ssl.OPENSSL_VERSION})"]
    try:
        from OpenSSL import SSL

        versions.append("nodessl's pyOpenSSL on "
                        + SSL.OpenSSL_version(SSL.OPENSSL_VERSION).decode())
    except Exception:  # pyOpenSSL missing: the nodessl server would have failed anyway
        pass
    node_v = subprocess.run([node, "-p", "process.version + ' (OpenSSL ' + "
                             "process.versions.openssl + ')'"], capture_output=True, text=True)
    versions.append(f"node {node_v.stdout.strip()}")
    versions.append(subprocess.run([openssl, "version"], capture_output=True,
                                   text=True).stdout.strip() + " (s_time)")
    lines += ["", f"Machine: {os.cpu_count()} CPUs, load average {load} before the run",
              *(f"  {v}" for v in versions), "",
              "Wall-clock rates include the load generator's own work (s_time waits for each",
              "handshake, the bulk client encrypts every byte), so when they are close the",
              "per-CPU-second rows say which server does the work more cheaply."]
    return "\n".join(lines)


def main_bench(names: list[str]) -> int:
    try:
        seconds = int(os.environ.get("BENCH_SECONDS", "10"))
        total = int(os.environ.get("BENCH_MIB", "64")) << 20
    except ValueError:
        print("bench failed: BENCH_SECONDS and BENCH_MIB must be whole numbers", file=sys.stderr)
        return 2
    if seconds < 1 or total < 1:
        print("bench failed: BENCH_SECONDS and BENCH_MIB must be at least 1", file=sys.stderr)
        return 2
    # Other busy processes skew every number: record how busy the machine was.
    load = f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "?"

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    atexit.register(_kill_children)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        node, openssl = require_tools()
        log(f"TLS 1.3 {SUITE}, agent1 RSA-2048, 127.0.0.1; BENCH_SECONDS={seconds}, "
            f"BENCH_MIB={total >> 20}")
        servers = {name: start_server(name, node, total) for name in names}
        measure(list(servers.values()), node, openssl, seconds, total, log)
        print()
        print(report(servers, node, openssl, seconds, total, load))
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench interrupted", file=sys.stderr)
        return 130
    finally:
        _kill_children()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--servers", default=",".join(SERVER_NAMES),
                        help="comma-separated subset of: nodessl,node,asyncio")
    parser.add_argument("--serve", choices=["nodessl", "asyncio"], help=argparse.SUPPRESS)
    parser.add_argument("--total", type=int, default=64 << 20, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _exit_with_parent()
        (serve_nodessl if args.serve == "nodessl" else serve_asyncio)(args.total)
        return 0
    names = [n.strip() for n in args.servers.split(",") if n.strip()]
    unknown = sorted(set(names) - set(SERVER_NAMES))
    if unknown or not names:
        parser.error(f"unknown server(s) {unknown}; choose from {', '.join(SERVER_NAMES)}")
    # keep the table's column order whatever order was given
    return main_bench([n for n in SERVER_NAMES if n in names])


if __name__ == "__main__":
    sys.exit(main())

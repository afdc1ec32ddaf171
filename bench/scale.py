"""make bench's scaling row: full TLS 1.3 handshakes per second, 1 worker vs 2 workers.

nodessl: examples/cluster_server.py (nodessl.cluster: forked workers sharing one port by
SO_REUSEPORT, each answering every connection with ``b"x"``); Node 20: the same program on
Node's cluster module (round robin, its default on Linux).  The C peer (bench/peer.c) makes
the handshakes, 32 in flight, the client closing first; nothing is pinned, so the workers,
the primary and the peer share the machine's cores as a deployment would.  Rounds
alternate the configurations; the table gives the medians of the rate (handshakes per
second of wall time) and the gain of the second worker.  On a 2-core machine the peer's own
handshakes take a good part of the CPU: a second worker cannot double the rate here.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench as B  # noqa: E402  (bench/ is not a package)

EXAMPLE = B.ROOT / "examples" / "cluster_server.py"
CERT, KEY = B.ECDSA[1], B.ECDSA[0]

NODE_CLUSTER = r"""
const cluster = require('cluster'), tls = require('tls'), fs = require('fs');
const [workers, key, cert] = [Number(process.argv[1]), process.argv[2], process.argv[3]];
if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('listening', (w, address) => {
    if (++listening === workers) console.log(`READY ${address.port}`);
  });
  process.on('SIGTERM', () => { cluster.disconnect(() => process.exit(0)); });
} else {
  const server = tls.createServer({key: fs.readFileSync(key), cert: fs.readFileSync(cert)},
                                  (s) => { s.on('error', () => {}); s.end('x'); });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');  // every worker's listen(0): one port, the primary's
}
"""


class Cluster:
    """One server program with ``workers`` workers; ``port`` once every worker listens."""

    def __init__(self, kind: str, workers: int) -> None:
        if kind == "nodessl":
            argv = [sys.executable, str(EXAMPLE), "--port", "0", "--workers", str(workers),
                    "--cert", str(CERT), "--key", str(KEY)]
        else:
            argv = [shutil.which("node") or "node", "-e", NODE_CLUSTER, str(workers),
                    str(KEY), str(CERT)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True, cwd=B.ROOT)
        assert self.proc.stdout is not None
        deadline = time.monotonic() + B.TIMEOUT
        self.port = 0
        while not self.port:
            line = self.proc.stdout.readline()
            if not line or time.monotonic() > deadline:
                self.close()
                raise B.BenchError(f"{kind} cluster did not start: {self.proc.stderr.read()}")
            if line.startswith("READY "):
                self.port = int(line.split()[1])

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the primary and its workers
        except ProcessLookupError:
            pass
        self.proc.wait(B.TIMEOUT)


def rate(port: int, n: int) -> float:
    """Full handshakes per second the C peer gets from the server on ``port``."""
    peer = B.Child("C peer client", [str(B.PEER), "client", f"port={port}", "mode=hs",
                                     f"n={n}", "conc=32"], None)
    try:
        peer.read()
        peer.send("go")
        result = peer.read()
        peer.send("close")
        if peer.proc.wait(B.TIMEOUT) != 0:
            raise B.BenchError(f"C peer client failed:\n{peer.stderr_tail()}")
        if int(result["ops"]) < n:
            raise B.BenchError(f"only {result['ops']} of {n} handshakes")
        return n / float(result["wall"])
    finally:
        peer.close()


def main() -> int:
    rounds = int(os.environ.get("BENCH_ROUNDS", "7"))
    n = max(200, int(2000 * float(os.environ.get("BENCH_SCALE", "1"))))
    kinds = ["nodessl"] + (["node"] if shutil.which("node") else [])
    configs = [(kind, workers) for kind in kinds for workers in (1, 2)]
    rates: dict[tuple[str, int], list[float]] = {c: [] for c in configs}
    clusters = {c: Cluster(*c) for c in configs}
    try:
        for port in {c: cl.port for c, cl in clusters.items()}.values():
            rate(port, 200)  # warm-up: imports, JIT, caches
        for k in range(rounds):
            for config in configs[k % len(configs):] + configs[:k % len(configs)]:
                rates[config].append(rate(clusters[config].port, n))
    except B.BenchError as exc:
        print(f"bench (scaling) failed: {exc}", file=sys.stderr)
        return 1
    finally:
        for cluster in clusters.values():
            cluster.close()
    print(f"\nScaling out: full TLS 1.3 handshakes (ECDSA P-256) per second, {n} a round at "
          f"32 in flight, {rounds} rounds, medians; {os.cpu_count()} cores shared with the "
          "C peer")
    print(f"{'':10s} {'1 worker':>10s} {'2 workers':>10s} {'gain':>6s}")
    for kind in kinds:
        one, two = (statistics.median(rates[(kind, w)]) for w in (1, 2))
        print(f"{kind:10s} {one:10.0f} {two:10.0f} {two / one:5.2f}x")
    print(json.dumps({f"{k}-{w}": round(statistics.median(v)) for (k, w), v in rates.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Calls and CPU per record on the data path: one bench side, one workload, under cProfile.

A side of ``make bench`` (bench/nodessl_side.py, bench/bare_side.py or bench/node_side.js)
runs one data workload against the C peer (build/peer, ``make bench`` builds it), driven
as bench.py drives it:

* ``server echo``: the peer's 16 connections each send 1 KiB and wait for it back;
* ``server bulk``: the peer writes 16 KiB records, the side acks every 4 MiB;
* ``client echo`` / ``client bulk``: the side's client against the peer's server (1 KiB
  round trips on 16 connections; 64 KiB writes, each waiting for 'drain').

The setup (handshakes, opening the connections) is outside the measured window: the side
turns cProfile on (SIGUSR1) once the peer is ready and off (SIGUSR2) after the last
operation.  Printed: CPU per operation of the side's process (user and system; the
profiler's own cost included, ``--no-profile`` for plain figures), the profile's calls per
operation (deterministic: the figure to compare before/after a change, and against
``bare``), and the top functions.

Usage: ``python bench/profile_data.py server|client nodessl|bare|node echo|bulk
[--ops N] [--no-profile] [--top 30] [--sort tottime|cumulative|ncalls]``
(``node`` is never profiled).  Not a test and not ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "fixtures" / "keys"
PEER = ROOT / "build" / "peer"
UNIT = 4 << 20
MIB = 1 << 20

# Runs the side's script with cProfile switched by signals (enabled from inside the loop).
_WRAPPER = """
import cProfile, runpy, signal, sys
prof = cProfile.Profile()
out = sys.argv.pop(1)
def off(*_):
    prof.disable()
    prof.dump_stats(out)
signal.signal(signal.SIGUSR1, lambda *_: prof.enable())
signal.signal(signal.SIGUSR2, off)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


class Child:
    """A process speaking JSON lines, pinned to one core when there are two."""

    def __init__(self, argv: list[str], cpu: int | None) -> None:
        if cpu is not None:
            argv = ["taskset", "-c", str(cpu), *argv]
        self.err = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err, bufsize=0)

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        select.select([self.proc.stdout], [], [], 120)
        line = self.proc.stdout.readline()
        if not line:
            self.err.seek(0)
            raise SystemExit(f"{self.proc.args} died:\n{self.err.read()[-2000:]}")
        return json.loads(line)

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def cpu_times(pid: int) -> tuple[float, float]:
    """(user, system) seconds of ``pid`` so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    hz = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / hz, int(fields[12]) / hz


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("side", choices=["server", "client"])
    parser.add_argument("column", choices=["nodessl", "bare", "node"])
    parser.add_argument("workload", choices=["echo", "bulk"])
    parser.add_argument("--ops", type=int, help="round trips (echo) or MiB (bulk)")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()
    if not PEER.exists():
        parser.error(f"{PEER} missing: `make build/peer` (or `make bench`) builds it")
    profile = not args.no_profile and args.column != "node"
    cpus = sorted(os.sched_getaffinity(0))
    peer_cpu, side_cpu = (cpus[0], cpus[1]) if len(cpus) >= 2 else (None, None)
    tmp = Path(tempfile.mkdtemp(prefix="profile_data."))
    wrapper, stats = tmp / "wrap.py", tmp / "side.prof"
    wrapper.write_text(_WRAPPER)

    def side_argv(config: dict[str, Any]) -> list[str]:
        blob = json.dumps(config)
        if args.column == "node":
            return ["node", str(ROOT / "bench" / "node_side.js"), blob]
        script = str(ROOT / "bench" / f"{args.column}_side.py")
        if profile:
            return [sys.executable, str(wrapper), str(stats), script, blob]
        return [sys.executable, script, blob]

    echo = args.workload == "echo"
    ops = args.ops or (20000 if echo else 256)
    children: list[Child] = []
    try:
        if args.side == "server":
            side = Child(side_argv({"role": "server", "unit": UNIT,
                                    "ecdsa": [str(KEYS / "ec-key.pem"), str(KEYS / "ec-cert.pem")],
                                    "rsa": [str(KEYS / "agent1-key.pem"),
                                            str(KEYS / "agent1-cert.pem")]}), side_cpu)
            children.append(side)
            ports = side.read()
            spec = ({"mode": "echo", "n": ops, "conc": 16, "size": 1024} if echo else
                    {"mode": "bulk", "n": ops * MIB, "chunk": 16384, "unit": UNIT})
            driver = Child([str(PEER), "client", f"port={ports['ecdsa' if echo else 'sink']}",
                            *(f"{k}={v}" for k, v in spec.items())], peer_cpu)
            children.append(driver)
        else:
            peer = Child([str(PEER), "server", f"key={KEYS / 'ec-key.pem'}",
                          f"cert={KEYS / 'ec-cert.pem'}", f"unit={UNIT}"], peer_cpu)
            children.append(peer)
            ports = peer.read()
            side = driver = Child(side_argv({"role": "client", "ca": str(KEYS / "ec-cert.pem"),
                                             "servername": "agent2"}), side_cpu)
            children.append(side)
            side.read()
            side.send(json.dumps(
                {"op": "echo", "port": ports["echo"], "n": ops, "conns": 16, "size": 1024}
                if echo else
                {"op": "bulk", "port": ports["sink"], "n": ops * MIB, "chunk": 65536,
                 "unit": UNIT}))
        driver.read()  # ready: the connections are up
        if profile:
            side.proc.send_signal(signal.SIGUSR1)
            time.sleep(0.2)
        before = cpu_times(side.proc.pid)
        driver.send("go")
        result = driver.read()
        after = cpu_times(side.proc.pid)
        if profile:
            side.proc.send_signal(signal.SIGUSR2)
            time.sleep(1.0)
        driver.send("close")
    finally:
        for child in reversed(children):
            child.kill()
    unit = "op" if echo else "MiB"
    user, system = ((b - a) * 1e6 / ops for a, b in zip(before, after, strict=True))
    print(f"{args.side} {args.column} {args.workload}: {user + system:.1f} µs CPU per {unit} "
          f"(user {user:.1f}, system {system:.1f}{', profiled' if profile else ''}); "
          f"{result.get('protocol')} {result.get('cipher')}")
    try:
        if profile:
            st = pstats.Stats(str(stats))
            print(f"calls per {unit}: {st.total_calls / ops:.1f}")  # type: ignore[attr-defined]
            st.sort_stats(args.sort).print_stats(args.top)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

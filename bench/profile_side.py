"""Profile nodessl's side of any ``make bench`` row next to the bare pyOpenSSL side.

Runs one row of bench/bench.py (the same programs, C peer, pinning and sizes) for the Python
columns only, and prints per operation (a connection, a 1 KiB round trip, a MiB):

* CPU µs of the measured process, unprofiled (the median of ``--rounds`` interleaved
  rounds; noisy while the machine is busy), and nodessl minus bare;
* from one more run of each under cProfile: function calls per operation (deterministic:
  comparable from one commit to the next even on a busy machine), the CPU per operation
  under the profiler, and nodessl's own Python per operation (the own time of functions in
  nodessl/, which excludes the C and OpenSSL calls they make), with the profile's wall
  times scaled to the CPU the run used (on a busy machine the wall clock also counts the
  waits for a core);
* the top functions by own time (``--sort cumulative`` for the call tree's weight), with
  their calls and µs per operation.

Rows (``--list`` prints them): srv_hs_ecdsa, srv_hs_rsa, srv_res13, srv_res12, srv_echo,
srv_bulk (server side: nodessl's tls.createServer against the peer's clients) and cli_hs,
cli_res, cli_echo, cli_bulk (client side: tls.connect against the peer's server).

Usage::

    python bench/profile_side.py srv_echo                 # nodessl and bare, 3 rounds
    python bench/profile_side.py cli_hs --scale 0.5 --top 40 --sort cumulative
    python bench/profile_side.py srv_hs_ecdsa --columns nodessl --rounds 1 --dump /tmp/p

``--scale`` multiplies the row's size (1.0: bench.py's; a profiled run is about 2x slower),
``--dump DIR`` keeps the .pstats files for ``python -m pstats`` or snakeviz.  Needs what
``make bench`` needs (build/peer, fixtures/keys): run ``make bench`` once, or ``make keys
build/peer``.  Not a test, and not a benchmark against Node: a tool for reading where the
time goes.
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import io
import os
import pstats
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench as B  # noqa: E402  (bench/ is not a package)

NODESSL_DIR = f"{B.ROOT / 'nodessl'}{os.sep}"
COLUMNS = ("nodessl", "bare")


def per_op_unit(row: B.Row) -> str:
    return "MiB" if row.per == "µs/MiB" else "operation"


def ops_of(row: B.Row, ops: int) -> float:
    return ops / B.MIB if row.per == "µs/MiB" else float(ops)


def profiled_run(bench: B.Bench, row: B.Row, column: str, n: int,
                 path: str) -> tuple[float, int]:
    """One measurement of ``row`` on ``column`` under cProfile (stats dumped to ``path``)."""
    if row.side == "server":
        # bench.measure_server, with the profiler on from the peer's ready (its setup
        # connections done) to its result
        server, ports = bench.servers[column]
        spec = {**row.spec, "n": n}
        peer = bench.peer_client(spec, ports[spec["port"]])
        peer.read()
        server.send(f"profile {path}")
        server.read()
        cpu0 = B.cpu_seconds(server.pid)
        peer.send("go")
        result = peer.read()
        cpu = B.cpu_seconds(server.pid) - cpu0
        server.send("stop")
        server.read()
        peer.send("close")
        if peer.proc.wait(B.TIMEOUT) != 0:
            raise B.BenchError(f"C peer client failed:\n{peer.stderr_tail()}")
        peer.close()
        ops = int(result["ops"])
    else:
        spec = {**row.spec, "profile": path}
        cpu, ops, _ = bench.measure(dataclasses.replace(row, spec=spec), column, n)
    return cpu, ops


def idle(key: tuple[str, int, str]) -> bool:
    """The event loop waiting in epoll/select: wall time, not work."""
    return key[0] == "~" and ("of 'select." in key[2] or "select.select" in key[2])


def scale(stats: pstats.Stats, cpu: float) -> float:
    """What turns the profile's wall times into CPU time: the run's CPU (from /proc, both
    in seconds) over the profiled time spent outside the loop's waits.  On a busy machine
    the wall clock also counts the waits for a core; they land on whatever function ran."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    busy = stats.total_tt - sum(row[2] for key, row in table.items()  # type: ignore[attr-defined]
                                if idle(key))
    return cpu / busy if busy > 0 else 1.0


def summarize(stats: pstats.Stats, ops: float, factor: float) -> dict[str, float]:
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    own = sum(row[2] for key, row in table.items() if key[0].startswith(NODESSL_DIR))
    calls = sum(row[1] for key, row in table.items() if key[0].startswith(NODESSL_DIR))
    return {"calls": stats.total_calls / ops,  # type: ignore[attr-defined]
            "nodessl_calls": calls / ops,
            "own": own * factor * 1e6 / ops}


def top(stats: pstats.Stats, ops: float, factor: float, count: int, sort: str) -> str:
    """The ``count`` first functions by ``sort``, with calls and µs per operation."""
    stats.sort_stats(sort)
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    keys = [k for k in stats.fcn_list if not idle(k)][:count]  # type: ignore[attr-defined]
    out = [f"  {'calls/op':>9} {'own µs/op':>9} {'cum µs/op':>9}  function"]
    root = f"{B.ROOT}{os.sep}"
    for key in keys:
        _, ncalls, tottime, cumtime, _ = table[key]
        file, line, name = key
        where = f"{file.removeprefix(root)}:{line}({name})" if line else name
        out.append(f"  {ncalls / ops:9.2f} {tottime * factor * 1e6 / ops:9.2f} "
                   f"{cumtime * factor * 1e6 / ops:9.2f}  {where}")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("row", nargs="?", help="a row key (see --list)")
    parser.add_argument("--list", action="store_true", help="print the rows and exit")
    parser.add_argument("--columns", default=",".join(COLUMNS),
                        help="comma-separated subset of: nodessl,bare")
    parser.add_argument("--rounds", type=int, default=3, help="unprofiled rounds (0: none)")
    parser.add_argument("--scale", type=float, default=1.0, help="size of the row")
    parser.add_argument("--top", type=int, default=25, help="functions listed per column")
    parser.add_argument("--sort", default="tottime", help="pstats order (tottime, cumulative)")
    parser.add_argument("--dump", default="", help="keep the .pstats files in this directory")
    args = parser.parse_args()
    table = {r.key: r for r in B.rows(args.scale) if r.side != "memory"}
    if args.list or not args.row:
        for r in table.values():
            print(f"{r.key:13s} {r.title}")
        return 0 if args.list else 2
    if args.row not in table:
        parser.error(f"no row {args.row!r}; --list shows them")
    row = table[args.row]
    columns = [c for c in COLUMNS if c in args.columns.split(",")]
    if not columns:
        parser.error("--columns: nodessl and/or bare")
    atexit.register(B._kill_children)
    dump = Path(args.dump or tempfile.mkdtemp(prefix="profile_side."))
    dump.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    try:
        B.require_tools(columns)
        bench = B.Bench(columns, [row], 1, log)
        bench.start()
        n = bench.slice_n(row, 1)
        log(f"{row.title}: warm-up, {args.rounds} rounds, then one profiled run per column")
        for column in columns:
            bench.measure(row, column, bench.slice_n(row, 3))
        cpu: dict[str, list[float]] = {c: [] for c in columns}
        for r in range(args.rounds):
            for column in B.rotate(columns, r):
                c, ops, _ = bench.measure(row, column, n)
                cpu[column].append(c * 1e6 / ops_of(row, ops))
        profiles: dict[str, tuple[pstats.Stats, float, float, float]] = {}
        for column in columns:
            path = str(dump / f"{row.key}.{column}.pstats")
            c, ops = profiled_run(bench, row, column, n, path)
            stats = pstats.Stats(path, stream=io.StringIO())
            profiles[column] = (stats, ops_of(row, ops), c * 1e6 / ops_of(row, ops),
                                scale(stats, c))
    except B.BenchError as exc:
        print(f"profile failed: {exc}", file=sys.stderr)
        return 1
    finally:
        B._kill_children()

    unit = per_op_unit(row)
    print(f"{row.title}: {n:,} {'bytes' if unit == 'MiB' else 'operations'} a run, "
          f"per {unit}")
    if args.rounds:
        print(f"CPU µs per {unit} of the measured process, unprofiled (median of "
              f"{args.rounds} rounds; noisy on a busy machine):")
        med = {c: statistics.median(v) for c, v in cpu.items()}
        for c in columns:
            print(f"  {c:8s} {med[c]:9.1f}   ({', '.join(f'{v:.0f}' for v in cpu[c])})")
        if len(columns) == 2:
            print(f"  nodessl - bare: {med['nodessl'] - med['bare']:.1f}")
    print(f"cProfile, one run each, per {unit} (µs: the profile's times scaled to the CPU the "
          "run used; the profiler's own cost lands on the functions it times, the more calls "
          "the more):")
    summary = {c: summarize(stats, ops, f) for c, (stats, ops, _, f) in profiles.items()}
    for c in columns:
        s = summary[c]
        line = f"  {c:8s} {s['calls']:8.1f} calls, CPU {profiles[c][2]:7.0f} µs under the profiler"
        if c == "nodessl":
            line += (f"; nodessl's own Python {s['own']:.1f} µs in "
                     f"{s['nodessl_calls']:.1f} calls")
        print(line)
    if len(columns) == 2:
        print(f"  nodessl - bare: {summary['nodessl']['calls'] - summary['bare']['calls']:.1f} "
              "calls")
    for c in columns:
        stats, ops, _, factor = profiles[c]
        print(f"\n== {c}: top {args.top} by {args.sort} ==")
        print(top(stats, ops, factor, args.top, args.sort))
    print(f"\n(.pstats files in {dump})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

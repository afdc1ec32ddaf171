"""Instructions per server connection, nodessl against bare pyOpenSSL: a load-proof profile.

CPU timings of a Python server wander with whatever else the machine runs; the number of
instructions it executes does not.  This runs bench/profile_server.py's server (sequential
full TLS 1.3 handshakes from a separate client process) under ``valgrind --tool=callgrind``
twice per implementation, with N1 and N2 handshakes, and prints (I(N2) - I(N1)) / (N2 - N1
+ warm-up difference): the user-space instructions one connection costs, startup excluded.
nodessl minus bare is nodessl's own work per connection (OpenSSL's is the same in both).

It also times a fixed pure-Python loop natively and under callgrind, and prints the
difference converted at that rate (instructions per µs of hot Python on this machine): a
floor for the time nodessl's extra work takes, since a real server also runs it with colder
caches.

Usage: ``python bench/profile_instructions.py [--n 100,400] [--key ec|rsa] [--impl nodessl,bare]
[--top 25]`` (``--top`` lists the C functions whose instructions differ most, which tells
Python execution from OpenSSL or allocation).  Needs valgrind and fixtures/keys; takes a few
minutes.  Not a test and not ``make bench``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVER = HERE / "profile_server.py"

# a fixed workload of ordinary Python (objects, calls, dicts): its instructions per µs
CALIBRATION = """
import sys, time
class A:
    def __init__(s, x): s.x = x; s.y = {}; s.z = [x]
    def f(s, a): return s.x + a if a else s.g(a)
    def g(s, a): return len(s.z)
def work(n):
    t = 0
    for i in range(n):
        a = A(i); t += a.f(i); d = {'k': i, 'j': a}; t += len(d)
    return t
n = int(sys.argv[1])
t0 = time.process_time(); work(n); print(time.process_time() - t0)
"""


def callgrind(args: list[str], out: Path) -> int:
    """Instructions the command executed (its own process, not its children)."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *args],
        capture_output=True, text=True, timeout=1800)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise SystemExit(f"valgrind failed: {result.stderr[-2000:]}")
    return int(found.group(1))


def warmup(n: int) -> int:
    return min(200, n)  # profile_server.py's warm-up before its measured round


def per_connection(impl: str, key: str, sizes: tuple[int, int], tmp: Path) -> tuple[float, Path, Path]:
    counts, files = [], []
    for n in sizes:
        out = tmp / f"{impl}.{n}.out"
        counts.append(callgrind([sys.executable, str(SERVER), "-n", str(n), "--rounds", "1",
                                 "--impl", impl, "--key", key], out))
        files.append(out)
    connections = (sizes[1] + warmup(sizes[1])) - (sizes[0] + warmup(sizes[0]))
    return (counts[1] - counts[0]) / connections, files[0], files[1]


def python_rate(tmp: Path) -> float:
    """Instructions per µs of CPU for ordinary Python code on this machine."""
    script = tmp / "calibrate.py"
    script.write_text(CALIBRATION)
    small, large = 20_000, 80_000
    instr = (callgrind([sys.executable, str(script), str(large)], tmp / "cal.l")
             - callgrind([sys.executable, str(script), str(small)], tmp / "cal.s"))
    per_iter = instr / (large - small)
    seconds = min(float(subprocess.run([sys.executable, str(script), "400000"],
                                       capture_output=True, text=True).stdout)
                  for _ in range(3))
    return per_iter / (seconds * 1e6 / 400_000)


def by_function(files: tuple[Path, Path], connections: int) -> dict[str, float]:
    """Instructions per connection of each C function (exclusive)."""
    totals: list[dict[str, int]] = []
    for path in files:
        text = subprocess.run(["callgrind_annotate", "--threshold=100", str(path)],
                              capture_output=True, text=True).stdout
        table: dict[str, int] = {}
        for line in text.splitlines():
            m = re.match(r"\s*([\d,]+) \([\s\d.]+%\)\s+(.*?)(?: \[.*\])?$", line)
            if m and "PROGRAM TOTALS" not in line:
                name = m.group(2).split(":")[-1]
                table[name] = table.get(name, 0) + int(m.group(1).replace(",", ""))
        totals.append(table)
    names = set(totals[0]) | set(totals[1])
    return {k: (totals[1].get(k, 0) - totals[0].get(k, 0)) / connections for k in names}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", default="100,400", help="the two handshake counts")
    parser.add_argument("--key", default="ec", choices=("ec", "rsa"))
    parser.add_argument("--impl", default="nodessl,bare")
    parser.add_argument("--top", type=int, default=0)
    args = parser.parse_args()
    sizes = tuple(int(x) for x in args.n.split(","))
    assert len(sizes) == 2 and sizes[0] < sizes[1]
    impls = args.impl.split(",")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        started = time.monotonic()
        results = {impl: per_connection(impl, args.key, sizes, tmp) for impl in impls}  # type: ignore[arg-type]
        rate = python_rate(tmp)
        print(f"instructions per server connection (full TLS 1.3 handshake, {args.key}, "
              f"sequential; callgrind, {time.monotonic() - started:.0f} s):")
        for impl, (count, _, _) in results.items():
            print(f"  {impl:8s} {count:12,.0f}")
        print(f"  ordinary Python here: {rate:,.0f} instructions per µs of CPU")
        if "nodessl" in results and "bare" in results:
            extra = results["nodessl"][0] - results["bare"][0]
            print(f"  nodessl - bare: {extra:,.0f} instructions, {extra / rate:.0f} µs of hot "
                  "Python (a floor: cold caches make it more)")
            if args.top:
                connections = (sizes[1] + warmup(sizes[1])) - (sizes[0] + warmup(sizes[0]))
                mine = by_function(results["nodessl"][1:], connections)
                base = by_function(results["bare"][1:], connections)
                rows = sorted(((mine.get(k, 0) - base.get(k, 0), k) for k in set(mine) | set(base)),
                              reverse=True)
                print("  C functions with the most extra instructions per connection:")
                for diff, fn in rows[:args.top]:
                    print(f"    {diff:10,.0f}  {fn}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")  # the same dict layouts in every run
    main()

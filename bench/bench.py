"""Benchmark: nodessl against Node.js 20 and a bare pyOpenSSL program, both ends, in one run.

Every row of issue 10's table, measured the same way for three columns:

* ``nodessl``         -- nodessl's ``tls`` (bench/nodessl_side.py);
* ``bare pyOpenSSL``  -- pyOpenSSL alone on the OpenSSL nodessl uses: a memory-BIO
  ``asyncio.BufferedProtocol`` (bench/bare_side.py);
* ``node``            -- Node.js 20's ``tls`` (bench/node_side.js);
* ``C floor`` (server rows and RAM) -- the C peer's own server (bench/peer.c: epoll and
  the system's OpenSSL 3.0, nothing else) as the measured server: what the kernel and
  OpenSSL cost, so that a column minus the floor is its runtime's cost;
* ``bare on libssl 3.0`` (only with ``--columns ...,bare-shared``) -- the same bare program
  on the shared backend's python3-openssl, whose libssl 3.0 is the version Node 20 bundles:
  it separates what OpenSSL 4 changes from what Python changes.

The two Python columns share one driver (bench/driver.py: this protocol and the client
workloads) with an adapter each; bench/profile_side.py profiles any row on them.
bench/AUDIT.md records how the baseline was checked (bytes, syscalls, Node's warm-up).

The three programs do the same thing (an echo server, a sink that acks each UNIT bytes,
the same client loops), and the other end is always the same C program, bench/peer.c
(epoll + the system's OpenSSL, built by ``make bench``): the client for the server rows,
the server for the client rows.  The peer offers one TLS 1.3 suite
(TLS_AES_128_GCM_SHA256), the TLS 1.2 ECDHE AES-128-GCM suites, and X25519 first (P-256
second, which TLS 1.2 needs for an ECDSA P-256 certificate); the measured clients offer
X25519:P-256 too.  Certificates are Node's fixtures: ec-cert (ECDSA P-256, self-signed,
CN agent2) and agent1 (RSA-2048, issued by ca1); the measured clients verify the peer's
ec-cert as Node's clients do by default.  The bare servers are configured as Node's and
nodessl's are (Node 20's default groups, a 32-byte session id context), so every column's
handshake carries the same extensions; the table's notes give each column's bytes and
tickets per handshake as the peer counted them.  One difference stays: after a resumed TLS
1.3 handshake Node 20 sends no new ticket, OpenSSL's default (bare, and nodessl today)
sends one (about 270 bytes more per resumed connection).

The measure is the CPU time (user + system, all threads, from /proc) of the measured
process -- the server for the server rows, the client for the client rows -- per
operation: a connection, a 1 KiB round trip, a MiB; and the RSS growth per idle
connection for the memory row (a fresh server each round).  Setup that is not the
operation (the first full handshake that gives the session to resume, opening the
echo and bulk connections, closing them) happens outside the measured window.  The peer
and the measured process run on different cores (taskset) when there are two.

After a warm-up (every row once at its full size on every column: every process's first
allocations, and Node's JIT, which takes its time -- a Node server's CPU per full handshake
fell by a quarter over its first ~1,500 handshakes here), each round runs every row in SLICES slices, each slice a
pass over the columns in a rotating order: this kind of machine drifts in speed within
seconds (about 10 % on plain CPU loops alone), and so every column sees the same drift.
A round's figure for a column is its CPU time over its operations, summed over the
slices; the table shows the median over the rounds, and a ratio is the median of the
rounds' ratios.  Below it: how far the rounds spread, and how busy the machine was.

Environment: ``BENCH_ROUNDS`` (default 7), ``BENCH_SCALE`` (default 1.0: the operations
per measurement, about half a second of CPU for Node).  ``--only`` picks rows by prefix
(e.g. ``--only server:``).  Usage: ``python bench/bench.py`` (``make bench``).
"""

from __future__ import annotations

import argparse
import atexit
import ctypes
import json
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
KEYS = ROOT / "fixtures" / "keys"
PEER = ROOT / "build" / "peer"
ECDSA = (KEYS / "ec-key.pem", KEYS / "ec-cert.pem")  # P-256, self-signed, CN agent2
RSA = (KEYS / "agent1-key.pem", KEYS / "agent1-cert.pem")  # RSA-2048, issued by ca1
CLIENT_CA, CLIENT_SERVERNAME = KEYS / "ec-cert.pem", "agent2"
UNIT = 4 << 20  # a sink acks every UNIT bytes with one byte
MIB = 1 << 20
IDLE = 1000  # connections held open for the memory row
MEMORY_ROUNDS = 3  # the memory row is measured in the first rounds only
SLICES = 3  # each round runs a row's work in this many passes over the columns
COLUMNS = ("nodessl", "bare", "c", "node")
# bare-shared: the bare program on the shared backend's python3-openssl, i.e. on the system's
# libssl 3.0, the OpenSSL version Node 20 bundles (not in the default run: --columns)
ORDER = ("nodessl", "bare", "bare-shared", "c", "node")
LABELS = {"nodessl": "nodessl", "bare": "bare pyOpenSSL", "bare-shared": "bare on libssl 3.0",
          "c": "C floor", "node": "node"}
SHORT = {"nodessl": "nodessl", "bare": "bare", "bare-shared": "bare-3.0", "c": "C"}
SHARED_PYTHON = ROOT / ".venv-shared" / "bin" / "python"
TIMEOUT = 60.0  # any one step (a process starting, a measurement) fails after this


@dataclass(frozen=True)
class Row:
    """One line of the table: a workload, how to drive it, its unit and the issue's target."""

    key: str
    title: str
    side: str  # "server" | "client" | "memory"
    spec: dict[str, Any]  # peer arguments (server rows) or the client command
    per: str  # "µs" per operation, "µs/MiB", "KiB" per connection
    limit: float  # the target: nodessl/node ratio, or KiB for memory

    @property
    def target(self) -> str:
        """The target as the issue writes it (``≤ 0.85×``, ``≤ 30 KiB``)."""
        return f"≤ {self.limit:g} KiB" if self.per == "KiB" else f"≤ {self.limit}×"


def rows(scale: float) -> list[Row]:
    def n(count: int) -> int:
        return max(16, int(count * scale))

    mib = max(4, int(640 * scale)) // 4 * 4  # whole UNITs
    cmib = max(4, int(320 * scale)) // 4 * 4
    return [
        Row("srv_hs_ecdsa", "server: full handshake TLS 1.3, ECDSA P-256", "server",
            {"port": "ecdsa", "mode": "hs", "n": n(600), "conc": 16}, "µs", 0.85),
        Row("srv_hs_rsa", "server: full handshake TLS 1.3, RSA-2048", "server",
            {"port": "rsa", "mode": "hs", "n": n(400), "conc": 16}, "µs", 0.85),
        Row("srv_res13", "server: resumed TLS 1.3", "server",
            {"port": "ecdsa", "mode": "resume", "n": n(700), "conc": 16}, "µs", 0.75),
        Row("srv_res12", "server: resumed TLS 1.2", "server",
            {"port": "ecdsa", "mode": "resume", "tls12": 1, "n": n(1200), "conc": 16}, "µs", 0.75),
        Row("srv_echo", "server: 1 KiB echo, 16 connections", "server",
            {"port": "ecdsa", "mode": "echo", "n": n(20000), "conc": 16, "size": 1024}, "µs", 1.0),
        Row("srv_bulk", "server: bulk receive, 16 KiB writes", "server",
            {"port": "sink", "mode": "bulk", "n": mib * MIB, "chunk": 16384, "unit": UNIT},
            "µs/MiB", 0.8),
        Row("cli_hs", "client: full handshake TLS 1.3", "client",
            {"op": "hs", "port": "echo", "n": n(600), "conc": 16, "resume": False}, "µs", 0.9),
        Row("cli_res", "client: resumed TLS 1.3", "client",
            {"op": "hs", "port": "echo", "n": n(700), "conc": 16, "resume": True}, "µs", 0.8),
        Row("cli_echo", "client: 1 KiB echo, 16 connections", "client",
            {"op": "echo", "port": "echo", "n": n(20000), "conns": 16, "size": 1024}, "µs", 1.0),
        Row("cli_bulk", "client: bulk send, 64 KiB writes", "client",
            {"op": "bulk", "port": "sink", "n": cmib * MIB, "chunk": 65536, "unit": UNIT},
            "µs/MiB", 0.8),
        Row("mem", "RAM per idle TLS 1.3 connection", "memory",
            {"port": "ecdsa", "mode": "idle", "n": IDLE, "conc": 16}, "KiB", 30.0),
    ]


class BenchError(Exception):
    """A failure the user should read as one line (missing tool, dead process, ...)."""


# --------------------------------------------------------------------------------------------
# Child processes
# --------------------------------------------------------------------------------------------

_children: list[subprocess.Popen[bytes]] = []
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # runs in the child before exec: SIGKILL it when the bench dies, however it dies
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _kill_children() -> None:
    for proc in _children:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    _children.clear()


class Child:
    """A child speaking JSON lines on stdout, reading lines on stdin, pinned to a core."""

    def __init__(self, name: str, argv: list[str], cpu: int | None) -> None:
        self.name = name
        if cpu is not None:
            argv = ["taskset", "-c", str(cpu), *argv]
        self.err: IO[str] = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err, cwd=ROOT, preexec_fn=_die_with_parent,
                                     bufsize=0)  # unbuffered: select() sees every line
        _children.append(self.proc)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stderr_tail(self, limit: int = 1500) -> str:
        self.err.flush()
        self.err.seek(0)
        return self.err.read()[-limit:].strip()

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError as exc:
            raise BenchError(f"{self.name} is gone:\n{self.stderr_tail()}") from exc

    def read(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        assert self.proc.stdout is not None
        poll = select.poll()  # not select(): a long run may hold descriptors above 1023
        poll.register(self.proc.stdout, select.POLLIN)
        ready = poll.poll(timeout * 1000)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            state = "exited" if self.proc.poll() is not None else f"silent for {timeout:.0f} s"
            raise BenchError(f"{self.name} {state}:\n{self.stderr_tail()}")
        try:
            return json.loads(line)
        except ValueError as exc:
            raise BenchError(f"{self.name} said {line[:200]!r}") from exc

    def close(self) -> None:
        """Kill the process if it still runs; release its pipes and its stderr file."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        self.err.close()
        if self.proc in _children:
            _children.remove(self.proc)


def cpu_seconds(pid: int) -> float:
    """CPU time of every thread of ``pid`` so far: /proc's schedstat (ns), else ticks."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise BenchError(f"no VmRSS for {pid}")


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------

@dataclass
class Cell:
    """One (row, column): a value per round and what the peer saw negotiated."""

    values: list[float] = field(default_factory=list)
    seen: dict[str, Any] = field(default_factory=dict)
    notes: set[str] = field(default_factory=set)

    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None


class Bench:
    """Starts the processes, measures every (row, column) ROUNDS times, prints the table."""

    def __init__(self, columns: list[str], table: list[Row], rounds: int,
                 log: Any) -> None:
        self.columns = columns
        self.table = table
        self.rounds = rounds
        self.memory_rounds = min(rounds, MEMORY_ROUNDS)
        self.log = log
        cpus = sorted(os.sched_getaffinity(0))
        two = len(cpus) >= 2 and shutil.which("taskset") is not None
        # the peer (and this script) on one core, the measured process on another
        self.peer_cpu, self.measured_cpu = (cpus[0], cpus[1]) if two else (None, None)
        if two:
            os.sched_setaffinity(0, {cpus[0]})
        self.node = shutil.which("node") or ""
        self.cells = {(r.key, c): Cell() for r in table for c in columns}
        self.servers: dict[str, tuple[Child, dict[str, Any]]] = {}
        self.clients: dict[str, tuple[Child, dict[str, Any]]] = {}
        self.peer_server: Child | None = None
        self.peer_ports: dict[str, int] = {}

    # ---- processes ----------------------------------------------------------------------

    def argv(self, column: str, config: dict[str, Any]) -> list[str]:
        blob = json.dumps(config)
        if column == "node":
            return [self.node, str(BENCH / "node_side.js"), blob]
        if column == "bare-shared":
            return [str(SHARED_PYTHON), str(BENCH / "bare_side.py"), blob]
        script = "nodessl_side.py" if column == "nodessl" else "bare_side.py"
        return [sys.executable, str(BENCH / script), blob]

    def start_server(self, column: str) -> tuple[Child, dict[str, Any]]:
        if column == "c":  # the peer's own server: epoll and OpenSSL, no runtime
            child = Child("C floor server", [str(PEER), "server", f"key={ECDSA[0]}",
                                             f"cert={ECDSA[1]}", f"key2={RSA[0]}",
                                             f"cert2={RSA[1]}", f"unit={UNIT}"],
                          self.measured_cpu)
            ports = child.read()
            return child, {"ecdsa": ports["echo"], "rsa": ports["echo2"], "sink": ports["sink"],
                           "openssl": "the system's OpenSSL (the C peer's)"}
        config = {"role": "server", "unit": UNIT, "ecdsa": [str(p) for p in ECDSA],
                  "rsa": [str(p) for p in RSA]}
        child = Child(f"{LABELS[column]} server", self.argv(column, config), self.measured_cpu)
        return child, child.read()

    def start_client(self, column: str) -> tuple[Child, dict[str, Any]]:
        config = {"role": "client", "ca": str(CLIENT_CA), "servername": CLIENT_SERVERNAME}
        child = Child(f"{LABELS[column]} client", self.argv(column, config), self.measured_cpu)
        return child, child.read()

    def start(self) -> None:
        sides = {r.side for r in self.table}
        for column in self.columns:
            if "server" in sides:
                self.servers[column] = self.start_server(column)
            if "client" in sides and column != "c":
                self.clients[column] = self.start_client(column)
        if "client" in sides:
            self.peer_server = Child("C peer server", [str(PEER), "server", f"key={ECDSA[0]}",
                                                       f"cert={ECDSA[1]}", f"unit={UNIT}"],
                                     self.peer_cpu)
            self.peer_ports = self.peer_server.read()

    # ---- one measurement --------------------------------------------------------------------

    def peer_client(self, spec: dict[str, Any], port: int) -> Child:
        args = [f"{k}={v}" for k, v in spec.items() if k != "port"]
        return Child("C peer client", [str(PEER), "client", f"port={port}", *args],
                     self.peer_cpu)

    def drive(self, peer: Child, measured_pid: int) -> tuple[dict[str, Any], float]:
        """ready -> CPU mark -> go -> result -> CPU mark -> close; returns (result, cpu)."""
        peer.read()
        cpu0 = cpu_seconds(measured_pid)
        peer.send("go")
        result = peer.read()
        cpu = cpu_seconds(measured_pid) - cpu0
        peer.send("close")
        return result, cpu

    def measure_server(self, row: Row, column: str, n: int) -> tuple[float, int, dict[str, Any]]:
        server, ports = self.servers[column]
        spec = {**row.spec, "n": n}
        peer = self.peer_client(spec, ports[spec["port"]])
        result, cpu = self.drive(peer, server.pid)
        if peer.proc.wait(TIMEOUT) != 0:
            raise BenchError(f"C peer client failed on {row.title} / {LABELS[column]}:\n"
                             f"{peer.stderr_tail()}")
        peer.close()  # a peer a measurement: a run starts a thousand
        if server.proc.poll() is not None:
            raise BenchError(f"{server.name} died:\n{server.stderr_tail()}")
        return cpu, int(result["ops"]), result

    def measure_client(self, row: Row, column: str, n: int) -> tuple[float, int, dict[str, Any]]:
        client, _ = self.clients[column]
        assert self.peer_server is not None
        self.peer_server.send("stats")  # reset the peer's counters
        self.peer_server.read()
        client.send(json.dumps({**row.spec, "n": n, "port": self.peer_ports[row.spec["port"]]}))
        result, cpu = self.drive(client, client.pid)
        if client.read().get("closed") is not True:
            raise BenchError(f"{client.name} did not close cleanly")
        # the peer's view of what was negotiated (its resumption count covers the setup
        # connections too: the session's first handshake, the echo/bulk connections)
        self.peer_server.send("stats")
        return cpu, int(result["ops"]), self.peer_server.read()

    def measure_memory(self, row: Row, column: str) -> None:
        # a fresh server each time: a process that already held (and freed) connections
        # would reuse that memory and show almost no growth
        server, ports = self.start_server(column)
        try:
            warm = self.peer_client({"mode": "hs", "n": 200, "conc": 16}, ports["ecdsa"])
            self.drive(warm, server.pid)
            warm.proc.wait(TIMEOUT)
            warm.close()
            time.sleep(0.3)
            before = rss_kib(server.pid)
            peer = self.peer_client(row.spec, ports["ecdsa"])
            ready = peer.read()
            time.sleep(0.5)  # let the server settle (timers, deferred frees)
            after = rss_kib(server.pid)
            peer.send("go")
            result = peer.read()
            peer.send("close")
            peer.proc.wait(TIMEOUT)
            peer.close()
            held = int(ready.get("connections", 0))
            if held != row.spec["n"]:
                raise BenchError(f"{LABELS[column]} held {held} idle connections, "
                                 f"not {row.spec['n']}")
            cell = self.cells[(row.key, column)]
            cell.values.append((after - before) / held)
            cell.seen = result
        finally:
            server.close()

    def check(self, row: Row, column: str, n: int, ops: int, seen: dict[str, Any]) -> None:
        """Fail on a short count; note what would make a figure mean something else."""
        short = ops != n if row.per == "µs/MiB" else ops < n - 16  # echo: a multiple of 16
        if short:
            raise BenchError(f"{row.title} / {LABELS[column]}: {ops} done, not {n}")
        cell = self.cells[(row.key, column)]
        if seen.get("unclean"):
            cell.notes.add("some closed without close_notify")
        resumed = int(seen.get("resumed", 0))
        if row.spec.get("mode") == "resume" or row.spec.get("resume"):
            if resumed < n:
                cell.notes.add(f"only {resumed} of {n} resumed in a slice")
        elif resumed and row.side == "server":
            cell.notes.add(f"{resumed} of {n} resumed in a slice, should be none")
        cell.seen = seen

    def measure(self, row: Row, column: str, n: int) -> tuple[float, int, dict[str, Any]]:
        if row.side == "server":
            out = self.measure_server(row, column, n)
        else:
            out = self.measure_client(row, column, n)
        time.sleep(0.02)  # let the closes of the last measurement land before the next
        return out

    def row_columns(self, row: Row) -> list[str]:
        """The columns a row measures: the C floor is a server only."""
        return [c for c in self.columns if c != "c" or row.side != "client"]

    def slice_n(self, row: Row, parts: int) -> int:
        n = int(row.spec["n"])
        if row.per == "µs/MiB":
            return max(UNIT, n // parts // UNIT * UNIT)
        return max(16, n // parts)

    def run(self) -> None:
        self.start()
        t0 = time.monotonic()
        self.log("warm-up: every row once, at its size, on every column")
        for row in self.table:
            if row.side != "memory":
                for column in self.row_columns(row):
                    self.measure(row, column, self.slice_n(row, 1))
        for r in range(self.rounds):
            self.log(f"round {r + 1}/{self.rounds} ({time.monotonic() - t0:.0f} s so far)")
            for i, row in enumerate(self.table):
                if row.side == "memory":
                    if r < self.memory_rounds:  # steady from round to round, slow to set up
                        for column in rotate(self.row_columns(row), r + i):
                            self.measure_memory(row, column)
                    continue
                # SLICES passes over the columns, each a slice of the row's work: the
                # machine's speed drifts within seconds, and every column sees the same drift
                n = self.slice_n(row, SLICES)
                columns = self.row_columns(row)
                cpu = dict.fromkeys(columns, 0.0)
                ops = dict.fromkeys(columns, 0)
                for k in range(SLICES):
                    for column in rotate(columns, r + i + k):
                        c, o, seen = self.measure(row, column, n)
                        self.check(row, column, n, o, seen)
                        cpu[column] += c
                        ops[column] += o
                for column in columns:
                    per = ops[column] / MIB if row.per == "µs/MiB" else ops[column]
                    self.cells[(row.key, column)].values.append(cpu[column] * 1e6 / per)

    # ---- the table ------------------------------------------------------------------------

    def ratios(self, row: Row, column: str) -> list[float]:
        """``column``'s value over Node's, round by round (the two measured seconds apart)."""
        mine = self.cells[(row.key, column)].values
        node = self.cells[(row.key, "node")].values if "node" in self.columns else []
        return [a / b for a, b in zip(mine, node, strict=False) if b]

    def report(self, load: str) -> str:
        def fmt(v: float | None) -> str:
            return "-" if v is None else f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"

        def ratio(values: list[float]) -> str:
            return f"{statistics.median(values):.2f}×" if values else "-"

        others = [c for c in self.columns if c != "node"]
        head = ["workload", *(LABELS[c] for c in self.columns), "unit",
                *(f"{SHORT[c]}/node" for c in others), "target", "met"]
        lines_: list[list[str]] = [head]
        for row in self.table:
            med = {c: self.cells[(row.key, c)].median() for c in self.columns}
            nd = med.get("nodessl")
            mine = self.ratios(row, "nodessl") if "nodessl" in self.columns else []
            if row.side == "memory":
                met = "-" if nd is None else ("yes" if nd <= row.limit else "NO")
            else:
                met = "-" if not mine else (
                    "yes" if statistics.median(mine) <= row.limit else "NO")
            lines_.append([row.title, *(fmt(med[c]) for c in self.columns), row.per,
                           *(ratio(self.ratios(row, c) if "node" in self.columns else [])
                             for c in others),
                           row.target, met])
        widths = [max(len(r[i]) for r in lines_) for i in range(len(head))]
        out = [f"nodessl bench at {commit()}",
               "CPU time of the measured process per operation (per MiB for bulk; RSS growth "
               "per connection for RAM):",
               f"medians over {self.rounds} interleaved rounds (RAM: {self.memory_rounds}); a "
               "ratio is the median of the rounds'",
               "ratios to Node (each round measures the columns back to back); lower is better.",
               ""]
        for i, r in enumerate(lines_):
            out.append("  ".join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j])
                                 for j, c in enumerate(r)))
            if i == 0:
                out.append("  ".join("-" * w for w in widths))

        out += ["", "Per round, in order: the ratios to Node; then each column's min-max as % of "
                "its median:"]
        for row in self.table:
            parts = []
            for c in others:
                rs = self.ratios(row, c) if "node" in self.columns else []
                if rs and row.side != "memory":
                    parts.append(f"{LABELS[c]}/node " + " ".join(f"{v:.2f}" for v in rs))
            for c in self.columns:
                vals = self.cells[(row.key, c)].values
                med = statistics.median(vals) if vals else 0
                if med:
                    parts.append(f"{LABELS[c]} {100 * min(vals) / med:.0f}-"
                                 f"{100 * max(vals) / med:.0f}%")
            out.append(f"  {row.title}: " + ", ".join(parts))

        out += ["", "Negotiated (the C peer's view; the same on every column unless listed):"]
        for row in self.table:
            seen = {c: self.describe(row, self.cells[(row.key, c)])
                    for c in self.row_columns(row)}
            if len(set(seen.values())) == 1:
                out.append(f"  {row.title}: {next(iter(seen.values()))}")
            else:
                out.append(f"  {row.title}:")
                out += [f"    {LABELS[c]}: {s}" for c, s in seen.items()]
        out += ["", *self.environment(load)]
        return "\n".join(out)

    def describe(self, row: Row, cell: Cell) -> str:
        s = cell.seen
        if not s:
            return "-"
        text = f"{s.get('protocol')} {s.get('cipher')} {s.get('group')} {s.get('key')}"
        if row.spec.get("mode") == "resume" or row.spec.get("resume"):
            # a resumed TLS 1.2 handshake has no key exchange: OpenSSL names the group of
            # the session's first handshake
            text += (", resumed (group: the first handshake's)" if s.get("protocol") == "TLSv1.2"
                     else ", resumed")
        closed = int(s.get("closed", 0))
        if closed and (row.spec.get("mode") in ("hs", "resume") or row.spec.get("op") == "hs"):
            # bytes on the wire per connection, as the peer's socket BIOs counted them: the
            # same handshake should cost the same bytes on every column
            if row.side == "server":
                text += (f"; per connection the server sent {int(s['rx']) / closed:.0f} B "
                         f"({int(s['tickets']) / closed:.1f} tickets), the peer "
                         f"{int(s['tx']) / closed:.0f} B")
            else:
                text += (f"; per connection the client sent {int(s['rx']) / closed:.0f} B, "
                         f"the peer {int(s['tx']) / closed:.0f} B")
        return text + "".join(f" [{n}]" for n in sorted(cell.notes))

    def environment(self, load: str) -> list[str]:
        versions = []
        for column in self.columns:
            proc = self.servers.get(column) or self.clients.get(column)
            if proc is not None:
                v = str(proc[1].get("openssl"))
                versions.append(f"{LABELS[column]} on {v if 'SSL' in v else 'OpenSSL ' + v}")
        node_v = subprocess.run([self.node, "--version"], capture_output=True, text=True)
        peer_v = subprocess.run(["openssl", "version"], capture_output=True, text=True)
        pin = (f"peer on CPU {self.peer_cpu}, measured process on CPU {self.measured_cpu}"
               if self.peer_cpu is not None else "not pinned (one CPU or no taskset)")
        return [f"Machine: {os.cpu_count()} CPUs ({pin}), load average {load} before the run",
                f"  python {sys.version.split()[0]}, node {node_v.stdout.strip()}; "
                + "; ".join(versions),
                f"  C peer: {peer_v.stdout.strip()} (the system's libssl)",
                "Rows: handshakes 16 at a time, the client closing first (close_notify, then "
                "the server's close) so",
                "  the server's tickets are sent and read; echo: 16 connections, one 1 KiB "
                "message in flight on each;",
                "  bulk: one connection, acked every 4 MiB; RAM: RSS growth of a fresh server "
                f"holding {IDLE} handshaken",
                "  connections (each past its first TLS 1.3 ticket), after 200 warm-up "
                "handshakes.",
                "Clients: one secure context each for all their connections (Node's and "
                "nodessl's tls.connect would",
                "  build one per connection from `ca`), groups X25519:P-256, verifying the "
                "peer's ec-cert; the bare",
                "  pyOpenSSL client does no hostname check (pyOpenSSL has none), nodessl's and "
                "Node's do."]


def rotate(columns: list[str], k: int) -> list[str]:
    k %= len(columns)
    return columns[k:] + columns[:k]


def commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    head = git("rev-parse", "--short=12", "HEAD") or "unknown commit"
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") \
        else ""
    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    return f"{head}{dirty} on {branch}" if branch else head + dirty


def machine_ticks() -> tuple[int, int, int]:
    """(busy, all, steal) clock ticks of every CPU so far, from /proc/stat."""
    with open("/proc/stat") as f:
        user, nice, system, idle, iowait, irq, softirq, steal = map(
            int, f.readline().split()[1:9])
    busy = user + nice + system + irq + softirq
    return busy, busy + idle + iowait + steal, steal


def own_seconds() -> float:
    """CPU time of this process and of its children that have been reaped."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def load_note(start: tuple[tuple[int, int, int], float]) -> str:
    """How busy the machine was during the run, and how much of that was someone else."""
    (busy0, all0, steal0), own0 = start
    busy1, all1, steal1 = machine_ticks()
    hz = os.sysconf("SC_CLK_TCK")
    cpus = os.cpu_count() or 1
    elapsed = (all1 - all0) / hz / cpus
    if elapsed <= 0:
        return "Machine load during the run: unknown"
    others = max(0.0, (busy1 - busy0) / hz - (own_seconds() - own0))
    note = (f"Machine load during the run: other processes used {others / elapsed:.2f} CPUs "
            f"on average (of {cpus})")
    if steal1 > steal0:
        note += f", the hypervisor stole {(steal1 - steal0) / hz / elapsed:.2f}"
    return note + " -- the busier, the noisier the figures"


def require_tools(columns: list[str]) -> None:
    missing = [t for t in ("node", "openssl") if shutil.which(t) is None]
    if missing:
        raise BenchError(f"{', '.join(missing)} not found: the bench needs Node.js 20 and the "
                         "openssl CLI")
    if "bare-shared" in columns and not SHARED_PYTHON.exists():
        raise BenchError(f"{SHARED_PYTHON} missing: `make test-shared` builds it")
    if not PEER.exists():
        raise BenchError(f"{PEER} missing: run `make bench` (it builds bench/peer.c)")
    for path in (*ECDSA, *RSA):
        if not path.exists():
            raise BenchError(f"{path} missing: run `make keys`")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--columns", default=",".join(COLUMNS),
                        help="comma-separated, of: nodessl,bare,node and bare-shared (the bare "
                        "program on the system's libssl 3.0, Node 20's OpenSSL version)")
    parser.add_argument("--only", default="", help="rows whose title starts with this")
    args = parser.parse_args()
    wanted = args.columns.split(",")
    unknown = set(wanted) - set(ORDER)
    if unknown:
        parser.error(f"unknown columns: {', '.join(sorted(unknown))}")
    columns = [c for c in ORDER if c in wanted]
    try:
        rounds = int(os.environ.get("BENCH_ROUNDS", "7"))
        scale = float(os.environ.get("BENCH_SCALE", "1"))
    except ValueError:
        parser.error("BENCH_ROUNDS must be a whole number, BENCH_SCALE a number")
    if rounds < 1 or scale <= 0 or not columns:
        parser.error("BENCH_ROUNDS >= 1, BENCH_SCALE > 0 and at least one column, please")
    table = [r for r in rows(scale) if r.title.startswith(args.only)]
    if not table:
        parser.error(f"no row starts with {args.only!r}")
    load = f"{os.getloadavg()[0]:.2f}"

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    atexit.register(_kill_children)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    try:
        require_tools(columns)
        bench = Bench(columns, table, rounds, log)
        t0 = time.monotonic()
        start = (machine_ticks(), own_seconds())
        bench.run()
        _kill_children()  # reaped: their CPU time counts as ours in load_note
        log(f"measured in {time.monotonic() - t0:.0f} s")
        print()
        print(bench.report(load))
        print(load_note(start))
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench interrupted", file=sys.stderr)
        return 130
    finally:
        _kill_children()
    return 0


if __name__ == "__main__":
    sys.exit(main())

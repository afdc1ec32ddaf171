"""Scaling out, end to end: examples/cluster_server.py as two "hosts" of two worker
processes each, one real redis-server, and Node 20 and nodessl clients that roam between
the hosts offering their last session (issue "Scale out")."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import node_roaming_client, run_loop
from redis_server import RedisServer

import nodessl as tls
from nodessl import backend

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cluster_server.py"
KEYS = ROOT / "fixtures" / "keys"
LIFETIME = 90.0  # seconds a cluster may live, whatever the test does
SHARED = backend.is_shared()
ROUNDS = 200


class Host:
    """One examples/cluster_server.py: a primary and its workers (their pids as announced)."""

    def __init__(self, *args: str, workers: int = 2) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(EXAMPLE), "--port", "0", "--workers", str(workers),
             "--cert", str(KEYS / "agent1-cert.pem"), "--key", str(KEYS / "agent1-key.pem"),
             *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True)
        self._reaper = threading.Timer(LIFETIME, self.kill)
        self._reaper.daemon = True
        self._reaper.start()
        self.workers: dict[int, int] = {}  # id -> pid, every worker ever announced
        self.listening: set[int] = set()  # ids of the workers that listened
        self.port = 0
        self._lines: list[str] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            words = line.split()
            with self._cond:
                if words[:1] == ["WORKER"]:
                    self.workers[int(words[1])] = int(words[2])
                elif words[:1] == ["LISTENING"]:
                    self.listening.add(int(words[1]))
                elif words[:1] == ["READY"]:
                    self.port = int(words[1])
                self._lines.append(line)
                self._cond.notify_all()

    def wait_for(self, predicate: Any, timeout: float = 20.0) -> None:
        """Block until ``predicate()`` holds (the reader thread updates the fields)."""
        with self._cond:
            if not self._cond.wait_for(predicate, timeout):
                raise AssertionError(f"cluster_server.py: {self._lines} {self.stderr()}")

    def ready(self) -> Host:
        self.wait_for(lambda: self.port != 0 or self.proc.poll() is not None)
        assert self.port, f"cluster_server.py exited {self.proc.returncode}: {self.stderr()}"
        return self

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return ""
        assert self.proc.stderr is not None
        return self.proc.stderr.read()

    def stop(self) -> None:
        """SIGTERM (the primary disconnects its workers), then the whole group is killed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the primary and every worker
        except ProcessLookupError:
            pass
        self.proc.wait(10)
        self._reaper.cancel()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie of ours is dead too: only the primary reaps its workers
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.fixture
def hosts(tmp_path: Path) -> Any:
    started: list[Host] = []

    def start(*args: str, workers: int = 2) -> Host:
        host = Host(*args, workers=workers)
        started.append(host)
        return host.ready()

    yield start
    for host in started:
        host.stop()
    for host in started:  # no worker outlives the test
        left = [pid for pid in host.workers.values() if _alive(pid)]
        assert not left, f"workers still running: {left}"


@pytest.fixture
def redis(tmp_path: Path) -> Any:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


async def connect(port: int, session: bytes | None,
                  version: str) -> tuple[bool, list[str], bytes | None]:
    """One nodessl connection offering ``session``: (resumed, error codes, its session)."""
    loop = asyncio.get_running_loop()
    closed = loop.create_future()
    sock = tls.connect({"port": port, "host": "127.0.0.1", "rejectUnauthorized": False,
                        "maxVersion": version, **({"session": session} if session else {})})
    got: list[bytes] = []
    reused: list[bool] = []
    errors: list[str] = []

    def secure() -> None:
        reused.append(sock.isSessionReused())
        if sock.getProtocol() != "TLSv1.3":  # (TLS 1.3's come as 'session' events)
            got.append(sock.getSession())

    sock.on("session", got.append)
    sock.on("secureConnect", secure)
    sock.on("error", lambda err: errors.append(getattr(err, "code", str(err))))
    sock.on("close", lambda *a: closed.done() or closed.set_result(None))
    sock.resume()
    await closed
    return reused == [True], errors, got[-1] if got else None


async def roam(ports: list[int], count: int, session: bytes | None, version: str,
               seed: int) -> tuple[int, list[str], bytes | None]:
    """nodessl clients: ``count`` connections one after the other to random ``ports``, each
    offering the last session; returns (resumed, errors, last session)."""
    rng = random.Random(seed)
    resumed, errors = 0, []
    for _ in range(count):
        reused, failed, got = await connect(rng.choice(ports), session, version)
        resumed += reused
        errors += failed
        session = got or session
    return resumed, errors, session


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_two_hosts_resume_each_others_sessions_across_a_rotation(
        hosts: Any, redis: RedisServer, version: str) -> None:
    if not SHARED:  # the store needs the shared backend: the cluster refuses to start
        host = Host("--redis", redis.url)
        host.proc.wait(30)
        assert host.proc.returncode == 1
        assert "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM" in host.stderr()
        host.kill()
        return
    rotate = 1.5
    a = hosts("--redis", redis.url, "--rotate-every", str(rotate), "--prefix", "scale:")
    b = hosts("--redis", redis.url, "--rotate-every", str(rotate), "--prefix", "scale:")
    ports = [a.port, b.port]

    async def generation() -> int:
        import redis.asyncio as aioredis

        client = aioredis.from_url(redis.url)
        try:
            return int(await client.hget("scale:ticketkeys", "gen") or 0)
        finally:
            await client.aclose()

    async def main() -> None:
        # Node 20 clients: half the run, a rotation, the other half with the last session
        first = await node_roaming_client(ports, ROUNDS // 2, seed=3, max_version=version)
        before = await generation()
        deadline = time.monotonic() + 4 * rotate
        while await generation() == before:
            assert time.monotonic() < deadline, "no rotation"
            await asyncio.sleep(0.1)
        second = await node_roaming_client(ports, ROUNDS // 2, seed=4, max_version=version,
                                           session=first["last"])
        assert first["errors"] == second["errors"] == []
        assert first["reused"] + second["reused"] >= 0.95 * ROUNDS
        # nodessl clients, over as long a run (the rotations go on meanwhile)
        resumed, errors, _ = await roam(ports, ROUNDS, None, version, seed=5)
        assert errors == []
        assert resumed >= 0.95 * ROUNDS
        assert await generation() > before  # rotations happened during the runs

    run_loop(main, timeout=80)


def test_redis_down_then_back_and_a_killed_worker_replaced(hosts: Any, redis: RedisServer) -> None:
    if not SHARED:
        return  # the bundled backend's refusal: the test above
    a = hosts("--redis", redis.url, "--prefix", "outage:")
    b = hosts("--redis", redis.url, "--prefix", "outage:")
    ports = [a.port, b.port]

    async def main() -> None:
        resumed, errors, session = await roam(ports, 20, None, "TLSv1.2", seed=1)
        assert errors == [] and resumed >= 18
        # Redis down: every connection still succeeds, none waits for the store (each
        # worker noticed once and answers at once; tickets go on under the keys it holds)
        redis.stop()
        resumed, errors, _ = await roam(ports, 30, session, "TLSv1.2", seed=2)
        assert errors == []
        redis.start()
        await asyncio.sleep(1.5)  # the stores' probes (every second) find Redis back
        node = await node_roaming_client(ports, 100, seed=5, max_version="TLSv1.2")
        assert node["errors"] == [] and node["reused"] >= 95
        # a worker of host a killed: host b's connections, made meanwhile, never fail, and
        # host a gets a replacement that resumes the cluster's sessions
        victim = next(iter(a.workers.values()))
        known = set(a.workers)
        during = asyncio.ensure_future(node_roaming_client([b.port], 60, seed=6))
        os.kill(victim, signal.SIGKILL)
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: a.wait_for(lambda: a.listening - known))
        node = await during
        assert node["errors"] == []
        after = await node_roaming_client(ports, 100, seed=7)
        assert after["errors"] == [] and after["reused"] >= 95
        assert not _alive(victim)

    run_loop(main, timeout=80)


def test_one_host_shares_tickets_between_its_workers_without_redis(hosts: Any) -> None:
    # Either backend: the workers serve on the SecureContext built before the fork.
    a = hosts()

    async def main() -> None:
        # The kernel spreads the 60 connections over both workers by their addresses
        # (all on one: a chance of 2^-59), so a resumed majority means the workers
        # accept each other's tickets; with a context per worker about half would not.
        resumed, errors, _ = await roam([a.port], 60, None, "TLSv1.3", seed=9)
        assert errors == [] and resumed >= 57

    run_loop(main, timeout=40)

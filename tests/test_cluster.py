"""nodessl.cluster: workers forked from a primary, one shared port, messages, deaths and
replacements, and the ticket keys a fork shares.

Each test runs ``tests/cluster_programs/tls_cluster.py`` (a primary and its workers) in a
subprocess and drives it through stdin: the pytest process itself never forks.  Every
primary is killed in teardown, and the teardown asserts that none of its workers is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket as pysocket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import collect, free_port, key, node_session_client, once, run_loop

import nodessl as tls
from nodessl import cluster, net

PROGRAM = Path(__file__).resolve().parent / "cluster_programs" / "tls_cluster.py"
CLIENT = {"ca": key("ca1-cert.pem"), "servername": "agent1"}


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie has ended: only its parent's wait is missing)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False
    except OSError:
        return True


class Cluster:
    """A running tls_cluster.py: its events (JSON lines) and commands (stdin)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.events: list[dict[str, Any]] = []
        self.pids: dict[int, int] = {}
        self.stderr = b""
        self._stderr_task = asyncio.get_running_loop().create_task(self._read_stderr())

    async def stop(self) -> None:
        """Kill the primary (if still running) and wait for it, in the test's loop."""
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        await asyncio.wait_for(self.proc.wait(), 10)
        await asyncio.wait_for(self._stderr_task, 10)

    @classmethod
    async def start(cls, registry: list[Cluster], **config: Any) -> Cluster:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(PROGRAM), json.dumps(config), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        self = cls(proc)
        registry.append(self)
        return self

    async def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        while chunk := await self.proc.stderr.read(65536):
            self.stderr += chunk

    async def until(self, pred: Callable[[dict[str, Any]], bool],
                    timeout: float = 15.0) -> dict[str, Any]:
        """The next event that satisfies ``pred`` (every event is kept in ``events``)."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = await asyncio.wait_for(self.proc.stdout.readline(), max(remaining, 0.01))
            except TimeoutError:
                raise AssertionError(f"no such event; seen {self.events}; stderr "
                                     f"{self.stderr.decode(errors='replace')}") from None
            if not line:
                await asyncio.sleep(0.1)
                raise AssertionError(f"the primary ended; seen {self.events}; stderr "
                                     f"{self.stderr.decode(errors='replace')}")
            event = json.loads(line)
            self.events.append(event)
            if event["ev"] == "fork":
                self.pids[event["id"]] = event["pid"]
            if pred(event):
                return event

    async def event(self, ev: str, **match: Any) -> dict[str, Any]:
        """The next ``ev`` event whose fields include ``match``."""
        return await self.until(lambda e: e["ev"] == ev and all(e.get(k) == v
                                                              for k, v in match.items()))

    async def listening(self, ids: list[int]) -> dict[int, list[int]]:
        """Wait until each worker of ``ids`` listens; the ports each reported, in order."""
        ports: dict[int, list[int]] = {i: [] for i in ids}
        for e in self.events:
            if e["ev"] == "listening" and e["id"] in ports:
                ports[e["id"]].append(e["address"]["port"])
        servers = self.config_servers
        while any(len(p) < servers for p in ports.values()):
            e = await self.until(lambda e: e["ev"] == "listening" and e["id"] in ports)
            ports[e["id"]].append(e["address"]["port"])
        return ports

    config_servers = 1

    async def command(self, **cmd: Any) -> None:
        """Send a command to the primary."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd).encode() + b"\n")
        await self.proc.stdin.drain()


@pytest.fixture
def clusters() -> Iterator[list[Cluster]]:
    """Primaries started by a test; teardown kills them and checks no worker is left."""
    registry: list[Cluster] = []
    yield registry
    pids: list[int] = []
    for c in registry:
        pids += c.pids.values()
        if c.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(c.proc.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in pids if _alive(p)]
    for p in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)
    assert not left, f"workers outlived their primary: {left}"


async def ask(port: int, **opts: Any) -> tuple[int, bool, list[bytes]]:
    """One TLS connection: (the id of the worker that answered, reused, sessions)."""
    client = tls.connect(port, "127.0.0.1", {**CLIENT, **opts})
    sessions: list[bytes] = []
    reused: list[bool] = []
    client.on("session", sessions.append)
    client.on("secureConnect", lambda: reused.append(client.isSessionReused()))
    data = await _read_all(client)
    await asyncio.wait_for(once(client, "close"), 10)
    return int(data), bool(reused and reused[0]), sessions


async def _read_all(client: Any) -> bytes:
    """What ``client`` receives until its end; its 'error' raised."""
    failed = once(client, "error")
    done = asyncio.ensure_future(collect(client))
    await asyncio.wait({failed, done}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if failed.done():
        done.cancel()
        raise failed.result()
    failed.cancel()
    return await done


async def ask_plain(port: int) -> int:
    """One TCP connection: the id of the worker that answered."""
    client = net.connect(port, "127.0.0.1")
    return int(await _read_all(client))


def run_cluster(clusters: list[Cluster], main: Callable[[], Any], timeout: float) -> None:
    """``run_loop(main)``, stopping every primary the test started before the loop ends."""

    async def bounded() -> None:
        try:
            await main()
        finally:
            for c in clusters:
                await c.stop()

    run_loop(bounded, timeout=timeout)


# -- in the test process: no fork -------------------------------------------------------------

def test_roles_in_a_process_that_never_forked() -> None:
    assert cluster.isPrimary and cluster.isMaster and not cluster.isWorker
    assert cluster.worker is None and cluster.workers == {}
    assert cluster.schedulingPolicy == cluster.SCHED_NONE
    # no loop: Node's programs always have one; here the error says what is missing
    with pytest.raises(tls.NodeError) as info:
        cluster.fork()
    assert info.value.code == "ERR_NO_EVENT_LOOP"

    async def main() -> None:
        # a loop, but not nodessl.run's: there is no program to run again in the worker
        with pytest.raises(tls.NodeError) as info:
            cluster.fork()
        assert info.value.code == "ERR_INVALID_STATE"
        with pytest.raises(TypeError) as info2:
            cluster.fork(["A=1"])  # type: ignore[arg-type]
        assert info2.value.code == "ERR_INVALID_ARG_TYPE"  # type: ignore[attr-defined]
        with pytest.raises(tls.NodeError) as info3:
            cluster.process.send({"a": 1})
        assert info3.value.code == "ERR_IPC_CHANNEL_CLOSED"
        assert not cluster.process.connected
        # Node's cluster is an EventEmitter: 'setup' follows setupPrimary(settings)
        setups: list[Any] = []
        assert cluster.once("setup", setups.append) is cluster
        cluster.setupPrimary({"silent": True})
        assert cluster.settings["silent"] is True and setups == []
        await asyncio.sleep(0)
        assert setups == [cluster.settings] and cluster.listenerCount("setup") == 0
        with pytest.raises(TypeError) as info4:
            cluster.setupPrimary("silent")  # type: ignore[arg-type]
        assert info4.value.code == "ERR_INVALID_ARG_TYPE"  # type: ignore[attr-defined]

    run_loop(main)


# -- a primary and its workers ----------------------------------------------------------------

def test_fork_online_listening_on_one_port(clusters: list[Cluster]) -> None:
    async def main() -> None:
        c = await Cluster.start(clusters, workers=2)
        ports = await c.listening([1, 2])
        assert ports[1] == ports[2] and ports[1][0] > 0
        for wid in (1, 2):
            mine = [e["ev"] for e in c.events if e.get("id") == wid]
            assert mine[:3] == ["fork", "online", "listening"]
            assert c.pids[wid] not in (c.proc.pid, os.getpid())
        # main went on after fork() in the primary only: the workers ran it from the start
        assert [e for e in c.events if e["ev"] == "forked"] == [{"ev": "forked",
                                                                "pid": c.proc.pid}]
        listening = next(e for e in c.events if e["ev"] == "listening")
        assert listening["address"] == {"addressType": 4, "address": "127.0.0.1",
                                        "port": ports[1][0]}

    run_cluster(clusters, main, timeout=40)


def test_two_workers_answer_tls_on_one_port(clusters: list[Cluster]) -> None:
    async def main() -> None:
        c = await Cluster.start(clusters, workers=2)
        port = (await c.listening([1, 2]))[1][0]
        answered = [(await ask(port))[0] for _ in range(40)]
        # SO_REUSEPORT spreads by a hash of each connection's ports: 40 connections all at
        # one worker would be a 1 in 2**39 chance
        assert set(answered) == {1, 2}

    run_cluster(clusters, main, timeout=60)


def test_messages_both_ways(clusters: list[Cluster]) -> None:
    async def main() -> None:
        c = await Cluster.start(clusters, workers=2)
        await c.listening([1, 2])
        for wid in (2, 1):
            payload = {"n": wid, "list": [1, "two", None, True], "text": "é"}
            await c.command(cmd="send", id=wid, message=payload)
            got = await c.event("message", id=wid)
            assert got["message"] == {"echo": payload, "from": wid, "pid": c.pids[wid]}

    run_cluster(clusters, main, timeout=40)


def test_killed_worker_is_reported_and_replaced(clusters: list[Cluster]) -> None:
    async def main() -> None:
        c = await Cluster.start(clusters, workers=2)
        port = (await c.listening([1, 2]))[1][0]
        await c.command(cmd="kill", id=2, signal="SIGKILL")
        gone = await c.event("exit", id=2)
        assert gone == {"ev": "exit", "id": 2, "code": None, "signal": "SIGKILL",
                        "dead": True, "after": False, "workers": [1]}
        assert [e["ev"] for e in c.events if e.get("id") == 2][-2:] == ["disconnect", "exit"]
        assert not _alive(c.pids[2])
        # sending to it: Node's ERR_IPC_CHANNEL_CLOSED, an 'error' event or the callback's
        await c.command(cmd="send_gone", id=2)
        assert (await c.event("send_result")) == {"ev": "send_result", "result": False,
                                                  "connected": False}
        assert (await c.event("send_error"))["code"] == "ERR_IPC_CHANNEL_CLOSED"
        assert (await c.event("send_callback"))["code"] == "ERR_IPC_CHANNEL_CLOSED"
        # the port stays served: every connection reaches the worker left
        assert {(await ask(port))[0] for _ in range(10)} == {1}
        await c.command(cmd="fork")
        ports = await c.listening([3])
        assert ports[3] == [port]
        answered = [(await ask(port))[0] for _ in range(40)]
        assert set(answered) == {1, 3}
        # worker.kill() from the primary: SIGTERM by default
        await c.command(cmd="kill", id=1)
        gone = await c.event("exit", id=1)
        assert (gone["code"], gone["signal"], gone["workers"]) == (None, "SIGTERM", [3])
        assert {(await ask(port))[0] for _ in range(5)} == {3}

    run_cluster(clusters, main, timeout=90)


def test_a_dying_worker_breaks_no_connection_of_the_others(clusters: list[Cluster]) -> None:
    async def main() -> None:
        c = await Cluster.start(clusters, workers=2, hold=True)
        port = (await c.listening([1, 2]))[1][0]
        held: dict[int, list[Any]] = {1: [], 2: []}
        for _ in range(60):
            client = tls.connect(port, "127.0.0.1", CLIENT)
            first = await asyncio.wait_for(once(client, "data"), 10)
            held[int(first.strip())].append(client)
            if len(held[1]) >= 3 and len(held[2]) >= 3:
                break
        assert len(held[1]) >= 3 and len(held[2]) >= 3
        ended = [once(client, "close") for client in held[2]]
        for client in held[2]:
            client.on("error", lambda err: None)
        await c.command(cmd="kill", id=2, signal="SIGKILL")
        await c.event("exit", id=2)
        await asyncio.wait_for(asyncio.gather(*ended), 10)  # worker 2's connections died
        # every connection worker 1 holds goes on as if nothing happened
        for i, client in enumerate(held[1]):
            echoed = once(client, "data")
            client.write(f"ping {i}".encode())
            assert await asyncio.wait_for(echoed, 10) == f"ping {i}".encode()
        for client in held[1]:
            client.end()
            await asyncio.wait_for(once(client, "close"), 10)

    run_cluster(clusters, main, timeout=60)


def test_worker_exits_on_its_own(clusters: list[Cluster]) -> None:
    async def main() -> None:
        c = await Cluster.start(clusters, workers=2)
        port = (await c.listening([1, 2]))[1][0]
        # cluster.worker.kill() in worker 1: intended, so exitedAfterDisconnect, code 0
        await c.command(cmd="send", id=1, message="die")
        gone = await c.event("exit", id=1)
        assert (gone["code"], gone["signal"], gone["after"]) == (0, None, True)
        # cluster.worker.disconnect() in worker 2: its server closes, then the channel,
        # and with nothing left to do it ends with code 0
        await c.command(cmd="send", id=2, message="leave")
        dis = await c.event("disconnect", id=2)
        assert dis["after"] is True and dis["connected"] is False
        gone = await c.event("exit", id=2)
        assert (gone["code"], gone["signal"], gone["after"], gone["workers"]) == (
            0, None, True, [])
        # the port was the primary's while workers had it: now nobody's
        with pytest.raises(ConnectionRefusedError):
            await ask(port)

    run_cluster(clusters, main, timeout=40)


def test_cluster_disconnect_ends_workers_then_the_primary(clusters: list[Cluster]) -> None:
    async def main() -> None:
        c = await Cluster.start(clusters, workers=2)
        await c.listening([1, 2])
        await c.command(cmd="disconnect")
        exits = [await c.event("exit"), await c.event("exit")]
        assert sorted(e["id"] for e in exits) == [1, 2]
        assert all((e["code"], e["signal"], e["after"]) == (0, None, True) for e in exits)
        assert any(e["ev"] == "disconnected" for e in c.events)
        # nothing keeps the primary now: it ends as a Node primary does
        assert await asyncio.wait_for(c.proc.wait(), 10) == 0

    run_cluster(clusters, main, timeout=40)


def test_listen_zero_gives_every_worker_the_same_ports(clusters: list[Cluster]) -> None:
    async def main() -> None:
        # no host: Node's dual-stack '::' (address null in 'listening', as Node reports it)
        c = await Cluster.start(clusters, workers=3, servers=2, mode="net", host=None)
        c.config_servers = 2
        ports = await c.listening([1, 2, 3])
        assert {e["address"]["address"] for e in c.events if e["ev"] == "listening"} == {None}
        # the n-th listen(0) of every worker is one port, as in Node
        assert ports[1] == ports[2] == ports[3]
        first, second = ports[1]
        assert first != second
        for port in (first, second):
            answered = {await ask_plain(port) for _ in range(30)}
            assert answered <= {1, 2, 3} and len(answered) >= 2

    run_cluster(clusters, main, timeout=60)


def test_fixed_port_and_a_port_already_taken(clusters: list[Cluster]) -> None:
    async def main() -> None:
        for _ in range(5):
            # a port free a moment ago (another process on this machine may take it first)
            port = free_port()
            c = await Cluster.start(clusters, workers=2, port=port, mode="net")
            first = await c.until(lambda e: e["ev"] in ("listening", "message"))
            if first["ev"] == "listening":
                break
            await c.stop()
        assert (await c.listening([1, 2])) == {1: [port], 2: [port]}
        assert {await ask_plain(port) for _ in range(30)} == {1, 2}

        taken = pysocket.socket()
        try:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            busy = taken.getsockname()[1]
            d = await Cluster.start(clusters, workers=2, port=busy, mode="net")
            got = [await d.event("message"), await d.event("message")]
            assert sorted(e["id"] for e in got) == [1, 2]
            for e in got:
                assert e["message"] == {"listen_error": [
                    "EADDRINUSE", "bind", f"bind EADDRINUSE 127.0.0.1:{busy}"]}
            assert not any(e["ev"] == "listening" for e in d.events)
        finally:
            taken.close()

    run_cluster(clusters, main, timeout=60)


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_forked_workers_share_ticket_keys(clusters: list[Cluster], version: str) -> None:
    """A SecureContext made before fork(): a session one worker issued resumes at the
    other worker and at the primary, on either backend (the bundled one cannot set
    ticket keys: the workers hold the primary's SSL_CTX)."""

    async def main() -> None:
        c = await Cluster.start(clusters, workers=2, maxVersion=version, mode="context")
        port = (await c.listening([1, 2]))[1][0]
        issuer, session, where = await resume_around(port)
        other = 3 - issuer
        assert where[other] and all(where[other]), where  # resumed at the other worker
        assert all(where[issuer]), where
        await c.command(cmd="serve")
        primary_port = (await c.event("serving"))["port"]
        wid, reused, _ = await ask(primary_port, session=session)
        assert (wid, reused) == (0, True)
        # Node 20 as the client: its session resumes wherever its connections land
        first = await node_session_client(port)
        assert first["reused"] is False and first["sessions"]
        for _ in range(4):
            again = await node_session_client(port, first["sessions"][-1])
            assert again["reused"] is True, again

    run_cluster(clusters, main, timeout=90)


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_tls_servers_in_workers_get_the_first_workers_ticket_keys(
        clusters: list[Cluster], version: str) -> None:
    """A tls.Server builds its own context in each worker; as in Node, the primary gives
    every worker the first one's ticket keys (server._getServerData/_setServerData).
    Only the shared backend can set them: on the bundled one each worker keeps its own,
    and a session resumes only where it was issued."""

    async def main() -> None:
        c = await Cluster.start(clusters, workers=2, maxVersion=version, mode="tls")
        port = (await c.listening([1, 2]))[1][0]
        issuer, _, where = await resume_around(port)
        other = 3 - issuer
        assert where[other] and where[issuer] and all(where[issuer]), where
        if tls.backend.is_shared():
            assert all(where[other]), where
        else:
            assert not any(where[other]), where

    run_cluster(clusters, main, timeout=90)


async def resume_around(port: int) -> tuple[int, bytes, dict[int, list[bool]]]:
    """Get a session from one worker, then offer it until both workers took connections
    (SO_REUSEPORT's hash decides where each lands): (issuer, session, {worker: [reused,
    ...]})."""
    issuer, reused, sessions = await ask(port)
    assert not reused and sessions
    session = sessions[-1]
    where: dict[int, list[bool]] = {1: [], 2: []}
    for _ in range(60):
        wid, reused, _ = await ask(port, session=session)
        where[wid].append(reused)
        if where[1] and where[2] and len(where[issuer]) >= 2:
            break
    return issuer, session, where


def test_bad_input_gets_nodes_errors(clusters: list[Cluster]) -> None:
    async def main() -> None:
        c = await Cluster.start(clusters, workers=1)
        await c.listening([1])
        await c.command(cmd="errors")
        got = (await c.event("errors"))["result"]
        assert got == {
            "send_missing": ["NodeTypeError", "ERR_MISSING_ARGS", True],
            "send_object": ["NodeTypeError", "ERR_INVALID_ARG_TYPE", True],
            "send_set": ["NodeTypeError", "ERR_INVALID_ARG_TYPE", True],
            "kill_signal": ["NodeTypeError", "ERR_UNKNOWN_SIGNAL", True],
            "fork_env": ["NodeTypeError", "ERR_INVALID_ARG_TYPE", True],
            "disconnect_cb": ["NodeTypeError", "ERR_INVALID_ARG_TYPE", True],
        }

    run_cluster(clusters, main, timeout=40)


def test_no_worker_outlives_a_killed_primary(clusters: list[Cluster]) -> None:
    async def main() -> None:
        c = await Cluster.start(clusters, workers=2)
        port = (await c.listening([1, 2]))[1][0]
        c.proc.send_signal(signal.SIGKILL)
        await asyncio.wait_for(c.proc.wait(), 10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in c.pids.values()) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert not any(_alive(p) for p in c.pids.values())
        with pytest.raises(ConnectionRefusedError):
            await ask(port)

    run_cluster(clusters, main, timeout=40)

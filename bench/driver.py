"""The Python columns' driver: bench.py's protocol and node_side.js's workloads, written once.

bench/nodessl_side.py and bench/bare_side.py are adapters (a :class:`Side` each): how to
listen, connect, write and end with that implementation.  Everything else -- the
configuration, the lines on stdin and stdout, the client workloads and their bookkeeping --
is here, so that the two columns cannot drift apart and neither pays for the other.  What
runs per operation is the adapter's own code plus the few lines of a workload below, the
same for both (node_side.js does the same in JavaScript).

``python bench/<side>.py CONFIG_JSON``:

* ``{"role": "server", "ecdsa": [key, cert], "rsa": [key, cert], "unit": U}`` -- three
  servers on 127.0.0.1: echo with the ECDSA identity, echo with the RSA one, and a sink
  (ECDSA) acking every ``unit`` bytes with one byte; prints ``{"ecdsa": P, "rsa": P, "sink":
  P, "openssl": ...}``, then reads stdin until EOF (the bench is gone: exit).  The lines
  ``profile PATH`` and ``stop`` start cProfile in the event loop's thread and stop it, dumping
  the stats to PATH (each answered with one JSON line): bench/profile_side.py uses them.
* ``{"role": "client", "ca": path, "servername": name}`` -- prints ``{"ready": true,
  "openssl": ...}``, then per command line (``{"op": "hs"|"echo"|"bulk", ...}``): sets up,
  prints ``{"ready": true}``, waits for a line, runs the workload, prints the result, waits
  for a line, closes what it opened, prints ``{"closed": true}``.  A command carrying
  ``"profile": PATH`` is profiled from its go line to its result.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Protocol


def acker(unit: int, write: Callable[[bytes], Any]) -> Callable[[bytes], None]:
    """The sink's 'data' handler: one byte written back per ``unit`` bytes received (the
    same on every Python column)."""
    got = 0

    def on_data(data: bytes) -> None:
        nonlocal got
        before = got // unit
        got += len(data)
        acks = got // unit - before
        if acks > 0:
            write(b"k" * acks)

    return on_data


def emit(obj: dict[str, Any]) -> None:
    """One JSON line on stdout, flushed (bench.py reads it with select)."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class Side(Protocol):
    """What an implementation provides.  Connection objects need ``write(data) -> bool``
    (False: wait for "drain") and ``end()``; everything else goes through the side."""

    openssl: str
    async_connect: bool  # connect() returns an awaitable of the connection

    def run(self, main: Callable[[], Awaitable[None]]) -> None:
        """Run ``main`` in the implementation's event loop, for as long as it serves."""

    async def listen(self, pair: list[str], kind: str, unit: int) -> int:
        """A server with the identity ``pair`` (key, cert) whose connections are ``kind``:
        "echo" (write back what arrives) or "sink" (one byte back per ``unit`` received);
        returns its port on 127.0.0.1."""

    def connect(self, port: int, session: Any, on_secure: Callable[[Any], None]) -> Any:
        """A client connection to 127.0.0.1:``port`` offering ``session`` (None: a full
        handshake); ``on_secure(conn)`` runs once it is established."""

    def on(self, conn: Any, event: str, listener: Callable[..., None]) -> None:
        """Listen to "data" (bytes), "drain" (), "close" (), "error" (exception) or
        "session" (a session to offer later: Node's 'session' event)."""

    def info(self, conn: Any) -> dict[str, Any]:
        """{"protocol": ..., "cipher": standard name} of an established connection."""

    def reused(self, conn: Any) -> bool:
        """Whether the connection resumed a session."""


def profile() -> cProfile.Profile:
    """cProfile on its default clock: a CPU clock (time.thread_time, a system call) would
    triple the profiler's cost; bench/profile_side.py scales the wall times to the CPU the
    run used instead."""
    return cProfile.Profile()


# --------------------------------------------------------------------------------------------
# server


def serve(side: Side, config: dict[str, Any]) -> None:
    """The server role: three servers, their ports on stdout, then stdin until EOF."""
    profiler: list[cProfile.Profile] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        unit = int(config["unit"])
        ports = {name: await side.listen(config[ident], kind, unit)
                 for name, ident, kind in (("ecdsa", "ecdsa", "echo"), ("rsa", "rsa", "echo"),
                                           ("sink", "ecdsa", "sink"))}
        emit({**ports, "openssl": side.openssl})
        threading.Thread(target=watch_stdin, args=(loop,), daemon=True).start()

    def start(path: str) -> None:
        profiler[:] = [profile()]
        profiler[0].enable()
        emit({"profiling": path})

    def stop(path: str) -> None:
        if profiler:
            profiler[0].disable()
            profiler.pop().dump_stats(path)
        emit({"profiled": path})

    def watch_stdin(loop: asyncio.AbstractEventLoop) -> None:
        path = ""
        for line in sys.stdin:
            word, _, arg = line.strip().partition(" ")
            if word == "profile":
                path = arg
                loop.call_soon_threadsafe(start, path)
            elif word == "stop":
                loop.call_soon_threadsafe(stop, path)
        os._exit(0)  # EOF: the bench is gone

    side.run(main)


# --------------------------------------------------------------------------------------------
# client


class Client:
    """The client role: one command at a time, as node_side.js's client."""

    def __init__(self, side: Side, lines: asyncio.StreamReader) -> None:
        self.side = side
        self.lines = lines
        self.loop = asyncio.get_running_loop()
        self.profiler: cProfile.Profile | None = None

    async def line(self) -> str:
        raw = await self.lines.readline()
        if not raw:
            os._exit(0)
        return raw.decode()

    async def go(self, cmd: dict[str, Any]) -> None:
        """Wait for the go line; start the profiler if the command asks for one."""
        await self.line()
        if cmd.get("profile"):
            self.profiler = profile()
            self.profiler.enable()

    def result(self, cmd: dict[str, Any], obj: dict[str, Any]) -> None:
        if self.profiler is not None:
            self.profiler.disable()
            self.profiler.dump_stats(cmd["profile"])
            self.profiler = None
        emit(obj)

    async def connect(self, port: int, session: Any, on_secure: Callable[[Any], None]) -> Any:
        conn = self.side.connect(port, session, on_secure)
        return await conn if self.side.async_connect else conn

    async def once(self, port: int, session: Any, want_session: bool) -> tuple[Any, Any]:
        """One connection: handshake, end, and on its close (what it negotiated, the newest
        session it got if asked)."""
        side = self.side
        done = self.loop.create_future()
        seen: list[Any] = []
        got: list[Any] = []

        def on_secure(conn: Any) -> None:
            seen.append({**side.info(conn), "reused": side.reused(conn)})
            conn.end()

        def on_close(*_: Any) -> None:
            if not done.done():
                done.set_result((seen[0] if seen else None, got[-1] if got else None))

        def on_error(err: BaseException) -> None:
            if not done.done():
                done.set_exception(err)

        conn = await self.connect(port, session, on_secure)
        if want_session:
            side.on(conn, "session", got.append)
        side.on(conn, "error", on_error)
        side.on(conn, "close", on_close)
        seen_, session_ = await done
        if seen_ is None:
            raise ConnectionError("closed before the handshake")
        return seen_, session_

    async def opened(self, port: int, count: int) -> list[Any]:
        conns, waits = [], []
        for _ in range(count):
            ready = self.loop.create_future()
            conn = await self.connect(port, None,
                                      lambda conn, ready=ready: ready.done() or
                                      ready.set_result(None))

            def failed(*args: Any, ready: asyncio.Future[None] = ready) -> None:
                if not ready.done():
                    ready.set_exception(ConnectionError(f"closed before the handshake {args}"))

            self.side.on(conn, "error", failed)
            self.side.on(conn, "close", failed)
            conns.append(conn)
            waits.append(ready)
        await asyncio.gather(*waits)
        return conns

    async def close_all(self, conns: list[Any]) -> None:
        waits = []
        for conn in conns:
            closed = self.loop.create_future()
            self.side.on(conn, "close",
                         lambda *a, closed=closed: closed.done() or closed.set_result(None))
            conn.end()
            waits.append(closed)
        await asyncio.gather(*waits)

    async def hs(self, cmd: dict[str, Any]) -> None:
        session = None
        if cmd["resume"]:
            _, session = await self.once(cmd["port"], None, True)
            if session is None:
                raise RuntimeError("no session from the first handshake")
        emit({"ready": True})
        await self.go(cmd)
        started = reused = 0
        last: dict[str, Any] = {}
        # OpenSSL's client spoils a TLS 1.3 session object once a connection that resumed
        # with it ends, and pyOpenSSL can neither copy nor serialize one: a side whose
        # sessions are such objects offers each worker's newest (Node and nodessl decode a
        # fresh one from the same bytes for every connection).
        fresh = bool(cmd["resume"]) and getattr(self.side, "sessions_spoil", False)

        async def worker() -> None:
            nonlocal started, reused, last
            mine = session
            while started < cmd["n"]:
                started += 1
                seen, newer = await self.once(cmd["port"], mine, fresh)
                if newer is not None:
                    mine = newer
                reused += bool(seen["reused"])
                last = seen
        await asyncio.gather(*(worker() for _ in range(cmd["conc"])))
        self.result(cmd, {"ops": cmd["n"], "resumed": reused, "protocol": last["protocol"],
                          "cipher": last["cipher"]})
        await self.line()

    async def echo(self, cmd: dict[str, Any]) -> None:
        conns = await self.opened(cmd["port"], cmd["conns"])
        emit({"ready": True})
        await self.go(cmd)
        size = cmd["size"]
        msg = b"a" * size
        per = cmd["n"] // cmd["conns"]
        waits = []
        for conn in conns:
            done = self.loop.create_future()
            state = [per, 0]  # round trips left, bytes of this one

            def on_data(data: bytes, conn: Any = conn, done: Any = done,
                        state: list[int] = state) -> None:
                state[1] += len(data)
                if state[1] < size:
                    return
                state[1] = 0
                state[0] -= 1
                if state[0] > 0:
                    conn.write(msg)
                else:
                    done.set_result(None)

            self.side.on(conn, "data", on_data)
            conn.write(msg)
            waits.append(done)
        await asyncio.gather(*waits)
        self.result(cmd, {"ops": per * cmd["conns"], **self.side.info(conns[0])})
        await self.line()
        await self.close_all(conns)

    async def bulk(self, cmd: dict[str, Any]) -> None:
        (conn,) = await self.opened(cmd["port"], 1)
        emit({"ready": True})
        await self.go(cmd)
        chunk = cmd["chunk"]
        buf = b"a" * chunk
        total = cmd["n"]
        wanted = total // cmd["unit"]
        done = self.loop.create_future()
        acks = 0
        sent = 0

        def on_data(data: bytes) -> None:
            nonlocal acks
            acks += len(data)
            if acks >= wanted and not done.done():
                done.set_result(None)

        def pump(*_: Any) -> None:
            nonlocal sent
            while sent < total:
                n = min(chunk, total - sent)
                sent += n
                if not conn.write(buf if n == chunk else buf[:n]):
                    return  # "drain" calls pump again

        self.side.on(conn, "data", on_data)
        self.side.on(conn, "drain", pump)
        pump()
        await done
        self.result(cmd, {"ops": total, **self.side.info(conn)})
        await self.line()
        await self.close_all([conn])


def client(side: Side) -> None:
    """The client role: commands from stdin until EOF."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        client = Client(side, reader)
        emit({"ready": True, "openssl": side.openssl})
        while True:
            cmd = json.loads(await client.line())
            await getattr(client, cmd["op"])(cmd)
            emit({"closed": True})

    side.run(main)


def main(make_side: Callable[[dict[str, Any]], Side]) -> None:
    """``python <side>.py CONFIG_JSON``: the role the configuration names."""
    config = json.loads(sys.argv[1])
    side = make_side(config)
    if config["role"] == "server":
        serve(side, config)
    else:
        client(side)

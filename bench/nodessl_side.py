"""The nodessl column of ``make bench``: node_side.js, line for line, on nodessl.

``python nodessl_side.py CONFIG_JSON`` with the same CONFIG as node_side.js: a server role
(echo with the ECDSA identity, echo with the RSA one, an ECDSA sink acking each ``unit``
bytes) or a client role reading commands on stdin (bench.py's CLIENT PROTOCOL).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from typing import Any

import nodessl as tls

CONFIG: dict[str, Any] = json.loads(sys.argv[1])


def noop(*args: Any) -> None:
    pass


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def echo(sock: Any) -> None:
    sock.on("error", noop)  # a peer's reset is not the bench's business
    sock.on("data", sock.write)


def sink(sock: Any) -> None:
    unit = CONFIG["unit"]
    got = 0

    def on_data(data: bytes) -> None:
        nonlocal got
        before = got // unit
        got += len(data)
        acks = got // unit - before
        if acks > 0:
            sock.write(b"k" * acks)

    sock.on("error", noop)
    sock.on("data", on_data)


def identity(pair: list[str]) -> dict[str, bytes]:
    key, cert = pair
    with open(key, "rb") as k, open(cert, "rb") as c:
        return {"key": k.read(), "cert": c.read()}


def server() -> None:
    ports: dict[str, Any] = {}
    specs = [("ecdsa", CONFIG["ecdsa"], echo), ("rsa", CONFIG["rsa"], echo),
             ("sink", CONFIG["ecdsa"], sink)]

    def main() -> None:
        for name, pair, handler in specs:
            srv = tls.createServer(identity(pair), handler)
            srv.on("tlsClientError", noop)

            def listening(name: str = name, srv: Any = srv) -> None:
                ports[name] = srv.address()["port"]
                if len(ports) == len(specs):
                    emit({**ports, "openssl": tls.backend.openssl_version})

            srv.listen(0, "127.0.0.1", listening)

    def watch_stdin() -> None:
        sys.stdin.read()  # EOF: the bench is gone
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    tls.run(main)


# --------------------------------------------------------------------------------------------
# client


class Client:
    """The client role: one command at a time, as node_side.js's client."""

    def __init__(self, lines: asyncio.StreamReader) -> None:
        self.lines = lines
        # One context for every connection, as each column does: connect would otherwise
        # build one per connection from ``ca``.
        with open(CONFIG["ca"], "rb") as f:
            self.context = tls.createSecureContext({"ca": f.read(), "ecdhCurve": "X25519:P-256"})
        self.loop = asyncio.get_running_loop()

    async def line(self) -> str:
        raw = await self.lines.readline()
        if not raw:
            os._exit(0)
        return raw.decode()

    def opts(self, cmd: dict[str, Any], session: Any = None) -> dict[str, Any]:
        opts: dict[str, Any] = {"host": "127.0.0.1", "port": cmd["port"],
                                "servername": CONFIG["servername"],
                                "secureContext": self.context}
        if session is not None:
            opts["session"] = session
        return opts

    @staticmethod
    def info(sock: Any) -> dict[str, Any]:
        return {"protocol": sock.getProtocol(), "cipher": sock.getCipher()["standardName"]}

    def once(self, cmd: dict[str, Any], session: Any, want_session: bool) -> asyncio.Future[Any]:
        done = self.loop.create_future()
        seen: dict[str, Any] = {}
        got: list[Any] = []

        def on_secure() -> None:
            seen.update(self.info(sock), reused=sock.isSessionReused())
            sock.end()

        sock = tls.connect(self.opts(cmd, session), on_secure)
        if want_session:
            sock.on("session", got.append)
        sock.on("error", lambda err: done.done() or done.set_exception(err))
        sock.on("close", lambda *a: done.done() or done.set_result(
            (seen, got[-1] if got else None)))
        return done

    async def opened(self, cmd: dict[str, Any], count: int) -> list[Any]:
        socks, waits = [], []
        for _ in range(count):
            ready = self.loop.create_future()
            sock = tls.connect(self.opts(cmd),
                               lambda ready=ready: ready.done() or ready.set_result(None))
            sock.on("error", lambda err, ready=ready: ready.done() or ready.set_exception(err))
            socks.append(sock)
            waits.append(ready)
        await asyncio.gather(*waits)
        return socks

    async def close_all(self, socks: list[Any]) -> None:
        waits = []
        for sock in socks:
            closed = self.loop.create_future()
            sock.on("close", lambda *a, closed=closed: closed.done() or closed.set_result(None))
            sock.end()
            waits.append(closed)
        await asyncio.gather(*waits)

    async def hs(self, cmd: dict[str, Any]) -> None:
        session = None
        if cmd["resume"]:
            _, session = await self.once(cmd, None, True)
            if session is None:
                raise RuntimeError("no session from the first handshake")
        emit({"ready": True})
        await self.line()
        started = reused = 0
        last: dict[str, Any] = {}

        async def worker() -> None:
            nonlocal started, reused, last
            while started < cmd["n"]:
                started += 1
                seen, _ = await self.once(cmd, session, False)
                reused += bool(seen["reused"])
                last = seen
        await asyncio.gather(*(worker() for _ in range(cmd["conc"])))
        emit({"ops": cmd["n"], "resumed": reused, "protocol": last["protocol"],
              "cipher": last["cipher"]})
        await self.line()

    async def echo(self, cmd: dict[str, Any]) -> None:
        socks = await self.opened(cmd, cmd["conns"])
        emit({"ready": True})
        await self.line()
        size = cmd["size"]
        msg = b"a" * size
        per = cmd["n"] // cmd["conns"]
        waits = []
        for sock in socks:
            done = self.loop.create_future()
            state = [per, 0]  # round trips left, bytes of this one

            def on_data(data: bytes, sock: Any = sock, done: Any = done,
                        state: list[int] = state) -> None:
                state[1] += len(data)
                if state[1] < size:
                    return
                state[1] = 0
                state[0] -= 1
                if state[0] > 0:
                    sock.write(msg)
                else:
                    done.set_result(None)

            sock.on("data", on_data)
            sock.write(msg)
            waits.append(done)
        await asyncio.gather(*waits)
        emit({"ops": per * cmd["conns"], **self.info(socks[0])})
        await self.line()
        await self.close_all(socks)

    async def bulk(self, cmd: dict[str, Any]) -> None:
        (sock,) = await self.opened(cmd, 1)
        emit({"ready": True})
        await self.line()
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

        def pump() -> None:
            nonlocal sent
            while sent < total:
                n = min(chunk, total - sent)
                sent += n
                if not sock.write(buf if n == chunk else buf[:n]):
                    sock.once("drain", pump)
                    return

        sock.on("data", on_data)
        pump()
        await done
        emit({"ops": total, **self.info(sock)})
        await self.line()
        await self.close_all([sock])


async def client_main() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    client = Client(reader)
    emit({"ready": True, "openssl": tls.backend.openssl_version})
    while True:
        cmd = json.loads(await client.line())
        await getattr(client, cmd["op"])(cmd)
        emit({"closed": True})


if __name__ == "__main__":
    if CONFIG["role"] == "server":
        server()
    else:
        tls.run(client_main)

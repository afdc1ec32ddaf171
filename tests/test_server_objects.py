"""What a tls.Server makes per connection: one socket object, freed when it closes."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

from conftest import key, run_loop

import nodessl as tls
from nodessl import net

IDENTITY = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}


async def _serve_one(server: tls.Server, client_opts: dict[str, Any]) -> Any:
    loop = asyncio.get_running_loop()
    listening = loop.create_future()
    server.listen(0, "127.0.0.1", lambda: listening.set_result(None))
    await listening
    closed = loop.create_future()
    client = tls.connect({"port": server.address()["port"], "host": "127.0.0.1",
                          "rejectUnauthorized": False, **client_opts})
    client.on("secureConnect", lambda: client.end())
    client.on("close", lambda *a: closed.set_result(None))
    await closed
    await asyncio.sleep(0.05)  # the server side's close
    server.close()


def test_only_the_tls_socket_when_nobody_listens_for_connection() -> None:
    made: list[type] = []
    original = net.Socket.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        made.append(type(self))
        original(self, *args, **kwargs)

    served: list[Any] = []

    async def main() -> None:
        net.Socket.__init__ = counting  # type: ignore[method-assign]
        try:
            server = tls.createServer(IDENTITY, served.append)
            await _serve_one(server, {})
            await _serve_one(server, {})
        finally:
            net.Socket.__init__ = original  # type: ignore[method-assign]

    run_loop(main)
    # Sockets built by the constructor: the clients' TLSSockets and, once, the two that
    # make the server's prototype (nodessl/accepted.py); never a plain net.Socket.  The
    # server's sockets are TLSSockets with nothing below them.
    assert made.count(tls.TLSSocket) == 4 and len(made) == 4
    assert [type(sock) for sock in served] == [tls.TLSSocket, tls.TLSSocket]
    assert all(sock._parent is None for sock in served)


def test_a_connection_listener_still_gets_the_plain_socket_first() -> None:
    seen: list[str] = []

    async def main() -> None:
        server = tls.createServer(IDENTITY, lambda sock: seen.append(type(sock).__name__))
        server.on("connection", lambda sock: seen.append(type(sock).__name__))
        await _serve_one(server, {})

    run_loop(main)
    assert seen == ["Socket", "TLSSocket"]


def test_a_closed_server_connection_is_freed_without_the_cycle_collector() -> None:
    """Every object of a closed connection goes with its last reference, as in a program
    that never runs gc: a cycle (socket <-> engine, socket <-> wire, a listener closing over
    the socket) would leave it to the collector, whose work grows with every connection."""
    refs: list[weakref.ref[Any]] = []
    server_sockets: list[weakref.ref[Any]] = []

    def on_secure(sock: Any) -> None:
        server_sockets.append(weakref.ref(sock))
        refs.append(weakref.ref(sock._engine.conn))

    async def main() -> None:
        server = tls.createServer({**IDENTITY, "handshakeTimeout": 5000}, on_secure)
        await _serve_one(server, {})

    gc.collect()
    gc.disable()
    try:
        run_loop(main)
        assert len(server_sockets) == 1
        assert [ref() for ref in server_sockets + refs] == [None, None]
    finally:
        gc.enable()

"""The keepAlive / keepAliveInitialDelay options, read from the kernel (getsockopt) of real
sockets on 127.0.0.1.

Where Node 20 applies them (strace of node: SO_KEEPALIVE 1 and TCP_KEEPIDLE in seconds):
``net.Socket``/``net.connect`` options on the connecting socket, ``net.createServer`` and
``tls.createServer`` options on every accepted socket.  ``tls.connect`` does not pass them to
its socket (Node's TLSSocket constructor keeps only a few net options), so neither does
nodessl.
"""

from __future__ import annotations

import asyncio
import socket as pysocket
from typing import Any

from conftest import key, listening, once, run_loop

import nodessl as tls
from nodessl import net


def keepalive(sock: Any) -> tuple[int, int]:
    """(SO_KEEPALIVE, TCP_KEEPIDLE in seconds) of a nodessl socket's OS socket."""
    raw: pysocket.socket = sock._sock()
    return (raw.getsockopt(pysocket.SOL_SOCKET, pysocket.SO_KEEPALIVE),
            raw.getsockopt(pysocket.IPPROTO_TCP, pysocket.TCP_KEEPIDLE))


def test_net_connect_applies_keep_alive_once_connected() -> None:
    async def main() -> tuple[tuple[int, int], tuple[int, int]]:
        server = net.createServer(lambda s: s.end())
        port = await listening(server)
        asked = net.connect(port=port, host="127.0.0.1", keepAlive=True,
                            keepAliveInitialDelay=5000)
        plain = net.connect(port, "127.0.0.1")
        await asyncio.gather(once(asked, "connect"), once(plain, "connect"))
        states = keepalive(asked), keepalive(plain)
        asked.destroy()
        plain.destroy()
        server.close()
        return states

    asked, plain = run_loop(main)
    assert asked == (1, 5)
    assert plain[0] == 0


def test_a_net_server_sets_keep_alive_on_what_it_accepts() -> None:
    async def main() -> tuple[int, int]:
        accepted: asyncio.Future[tuple[int, int]] = asyncio.get_running_loop().create_future()

        def on_connection(sock: net.Socket) -> None:
            accepted.set_result(keepalive(sock))
            sock.end()

        server = net.createServer({"keepAlive": True, "keepAliveInitialDelay": 3000},
                                  on_connection)
        port = await listening(server)
        client = net.connect(port, "127.0.0.1")
        state = await accepted
        client.destroy()
        server.close()
        return state

    assert run_loop(main) == (1, 3)


def test_a_tls_server_sets_keep_alive_and_tls_connect_does_not() -> None:
    async def main() -> tuple[tuple[int, int], tuple[int, int]]:
        accepted: asyncio.Future[tuple[int, int]] = asyncio.get_running_loop().create_future()

        def on_secure(sock: tls.TLSSocket) -> None:
            accepted.set_result(keepalive(sock))
            sock.end()

        server = tls.createServer(key=key("agent1-key.pem"), cert=key("agent1-cert.pem"),
                                  keepAlive=True, keepAliveInitialDelay=4000)
        server.on("secureConnection", on_secure)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", rejectUnauthorized=False, keepAlive=True,
                             keepAliveInitialDelay=7000)
        await once(client, "secureConnect")
        states = await accepted, keepalive(client)
        client.destroy()
        server.close()
        return states

    server_side, client_side = run_loop(main)
    assert server_side == (1, 4)
    assert client_side[0] == 0  # as Node 20: tls.connect's socket gets no keep-alive


def test_without_the_option_accepted_sockets_keep_the_default() -> None:
    async def main() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        server = tls.createServer(key=key("agent1-key.pem"), cert=key("agent1-cert.pem"))
        server.on("secureConnection",
                  lambda s: (accepted.set_result(keepalive(s)[0]), s.end()))
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", rejectUnauthorized=False)
        value = await accepted
        client.destroy()
        server.close()
        return value

    assert run_loop(main) == 0

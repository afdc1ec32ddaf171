"""Seed 000's IoT.js programs, in Python form, run as written against each other.

The only addition to the examples is trust: the client example verifies the server
(``rejectUnauthorized: true``) for ``host: '127.0.0.1'``, so the server's certificate is
issued for that address by a throwaway CA the client is given as ``ca``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import trustme
from conftest import free_port, listening, once, run_loop

import nodessl.legacy as tls
from nodessl import net

_CA = trustme.CA()
_LEAF = _CA.issue_cert("127.0.0.1", "localhost")
SERVER_KEY = _LEAF.private_key_pem.bytes().decode()
SERVER_CERT = _LEAF.cert_chain_pems[0].bytes().decode()
CA_CERT = _CA.cert_pem.bytes().decode()


def test_server_and_client_examples() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        printed: list[str] = []
        server_got: asyncio.Future[bytes] = loop.create_future()
        client_got: asyncio.Future[bytes] = loop.create_future()
        port = free_port()

        # -- the tls.createServer example ---------------------------------------------------
        options = {
            "key": SERVER_KEY,
            "cert": SERVER_CERT,
            "rejectUnauthorized": False,
            "isServer": True,
        }

        def on_secure_connection(socket: Any) -> None:
            socket.on("data", lambda d: server_got.done() or server_got.set_result(d))
            socket.write("Hello IoT.js")
            socket.end()
            server.close()

        server = tls.createServer(options, on_secure_connection).listen(
            port, lambda: printed.append("Listening on port: " + str(port)))
        await once(server, "listening")

        # -- the tls.connect example ----------------------------------------------------------
        opts = {
            "host": "127.0.0.1",
            "port": port,
            "rejectUnauthorized": True,
            "ca": CA_CERT,  # (trust for the example server's certificate)
        }
        socket: Any = None

        def on_connect() -> None:
            socket.write("Hello IoT.js")
            socket.end()

        socket = tls.connect(opts, on_connect)
        socket.on("data", lambda d: client_got.done() or client_got.set_result(d))

        assert await server_got == b"Hello IoT.js"
        assert await client_got == b"Hello IoT.js"
        assert socket.authorized is True and socket.encrypted is True
        assert socket.getProtocol() == "TLSv1.3"
        assert socket.address()["address"] == "127.0.0.1"
        await once(server, "close")
        assert printed == [f"Listening on port: {port}"]

    run_loop(main)


def test_tls_socket_over_net_sockets_with_is_server_and_session() -> None:
    """``new tls.TLSSocket(socket, {isServer, session})`` and ``connect({socket, servername})``."""

    async def main() -> None:
        context = tls.createSecureContext({"key": SERVER_KEY, "cert": SERVER_CERT,
                                           "maxVersion": "TLSv1.2"})
        plain = net.createServer()

        def on_connection(sock: Any) -> None:
            secured = tls.TLSSocket(sock, {"isServer": True, "secureContext": context})
            secured.on("data", lambda d: secured.write(d.upper()))

        plain.on("connection", on_connection)
        port = await listening(plain)

        async def visit(session: bytes | None) -> Any:
            raw = net.connect(port, "127.0.0.1")
            await once(raw, "connect")  # "the user ... is responsible for it connecting"
            sock = tls.connect({"socket": raw, "rejectUnauthorized": True,
                                "servername": "localhost", "ca": CA_CERT, "session": session})
            await once(sock, "secureConnect")
            got = once(sock, "data")
            sock.write("hi")
            assert await got == b"HI"
            sock.pause()  # write/pause/resume/end
            late = once(sock, "data")
            sock.write("again")
            await asyncio.sleep(0.05)
            assert not late.done()
            sock.resume()
            assert await late == b"AGAIN"
            sock.end()
            return sock

        first = await visit(None)
        assert first.isSessionReused() is False
        second = await visit(first.getSession())
        assert second.isSessionReused() is True
        plain.close()

    run_loop(main)


def test_tls_client_error_on_the_server() -> None:
    async def main() -> None:
        server = tls.createServer({"key": SERVER_KEY, "cert": SERVER_CERT, "isServer": True})
        failed = once(server, "tlsClientError")
        port = await listening(server)
        # a client that does not trust the server gives up in the middle of the handshake
        client = tls.connect({"host": "127.0.0.1", "port": port, "rejectUnauthorized": True})
        client_err = once(client, "error")
        exception, tlsSocket = await failed
        assert (await client_err).code == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
        assert exception.code and isinstance(tlsSocket, tls.TLSSocket)
        server.close()

    run_loop(main)

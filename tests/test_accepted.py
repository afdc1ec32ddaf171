"""A tls.Server's sockets come from a prototype of its options (nodessl/accepted.py): each
is what ``TLSSocket(None, options)`` would have built, owns its own state, and follows the
server's options and listeners as they change."""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import key, listening, run_loop

import nodessl as tls
from nodessl import accepted

IDENTITY = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}


def _server(**options: Any) -> tls.Server:
    return tls.createServer({**IDENTITY, **options}, lambda sock: None)


def test_a_default_server_makes_its_sockets_from_a_prototype() -> None:
    async def main() -> None:
        server = _server()
        first = server._tls_socket(None)
        second = server._tls_socket(None)
        assert isinstance(server._tls_prototype, accepted.Prototype)
        ordinary = tls.TLSSocket(None, server._socket_options(), _tls_server=server)
        assert accepted._same(ordinary, first) and accepted._same(ordinary, second)
        # what each socket owns is its own
        for name in accepted._OWN:
            assert getattr(first, name) is not getattr(second, name), name
        first.on("data", lambda chunk: None)
        assert second.listenerCount("data") == 0
        first._tlsOptions["servername"] = "changed"
        assert "servername" not in second._tlsOptions

    run_loop(main)


def test_a_changed_option_makes_a_new_prototype() -> None:
    async def main() -> None:
        server = _server()
        server._tls_socket(None)
        old = server._tls_prototype
        server.setSecureContext({**IDENTITY, "ciphers": "ECDHE-RSA-AES128-GCM-SHA256"})
        sock = server._tls_socket(None)
        assert server._tls_prototype is not old
        assert sock._secureContext is server._secure_context

    run_loop(main)


def test_options_it_does_not_cover_use_the_ordinary_constructor() -> None:
    async def main() -> None:
        server = _server(enableTrace=True)
        sock = server._tls_socket(None)
        assert isinstance(server._tls_prototype, accepted._NoPrototype)
        assert sock._features.tracer is not None  # enableTrace took effect

    run_loop(main)


def test_sockets_of_a_prototype_serve_and_see_late_ocsp_listeners() -> None:
    # An OCSPRequest listener added after the prototype was made still reaches the next
    # connection (the certificate phase is decided per connection).
    async def main() -> tuple[bool, bool]:
        server = tls.createServer(IDENTITY, lambda sock: sock.end(b"hello"))
        port = await listening(server)

        async def fetch() -> bytes:
            done = asyncio.get_running_loop().create_future()
            got = bytearray()
            client = tls.connect({"port": port, "host": "127.0.0.1",
                                  "rejectUnauthorized": False, "requestOCSP": True})
            client.on("data", got.extend)
            client.on("close", lambda *a: done.set_result(bytes(got)))
            return await done

        assert await fetch() == b"hello"
        asked: list[bool] = []
        server.on("OCSPRequest", lambda cert, issuer, cb: (asked.append(True), cb(None, None)))
        assert await fetch() == b"hello"
        server.close()
        return isinstance(server._tls_prototype, accepted.Prototype), bool(asked)

    from_prototype, asked = run_loop(main)
    assert from_prototype and asked

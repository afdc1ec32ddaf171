"""renegotiate(), disableRenegotiation() and CLIENT_RENEG_LIMIT, nodessl <-> nodessl."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from conftest import key, listening, once, run_loop

import nodessl as tls

SERVER_OPTS = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
               "maxVersion": "TLSv1.2"}


async def _pair(on_server: Callable[[Any], None] | None = None, **opts: Any
                ) -> tuple[Any, Any, Any]:
    accepted: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def on_conn(sock: Any) -> None:
        if on_server is not None:
            on_server(sock)
        accepted.set_result(sock)

    server = tls.createServer({**SERVER_OPTS, **opts.pop("server", {})}, on_conn)
    port = await listening(server)
    client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False, **opts})
    await once(client, "secureConnect")
    return server, client, await accepted


def test_argument_errors_match_node() -> None:
    async def main() -> None:
        server, client, _ = await _pair()
        cases = [((), 'The "options" argument must be a dict. Received None'),
                 ((print,), 'The "options" argument must be a dict. '
                            "Received function print"),
                 (({}, False), 'The "callback" argument must be a callable. '
                               "Received type bool (False)"),
                 (({}, 1), 'The "callback" argument must be a callable. '
                           "Received type int (1)")]
        for args, message in cases:
            with pytest.raises(TypeError) as info:
                client.renegotiate(*args)
            assert info.value.code == "ERR_INVALID_ARG_TYPE"
            assert info.value.message == message
        client.end()
        server.close()

    run_loop(main)


@pytest.mark.parametrize("max_fragment", [None, 512])
def test_renegotiate_in_the_middle_of_data(max_fragment: int | None) -> None:
    during = b"during " * 300  # 2100 bytes: several records under a 512-byte limit

    async def main() -> None:
        server_secure: list[bool] = []

        def echo(sock: Any) -> None:
            sock.on("secure", lambda: server_secure.append(True))
            sock.on("data", sock.write)

        server, client, _ = await _pair(echo)
        if max_fragment is not None:
            assert client.setMaxSendFragment(max_fragment) is True
        got: list[bytes] = []
        client.on("data", got.append)
        again = once(client, "secureConnect")
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        client.write(b"before ")
        assert client.renegotiate({}, done.set_result) is True
        client.write(during)  # OpenSSL refuses it until the handshake is done
        assert await done is None
        await again  # Node emits secureConnect again after a renegotiation
        client.write(b"after")
        while len(b"".join(got)) < len(b"before " + during + b"after"):
            await once(client, "data")
        assert b"".join(got) == b"before " + during + b"after"
        assert server_secure == [True]
        assert client.getProtocol() == "TLSv1.2"
        client.end()
        server.close()

    run_loop(main)


def test_tls13_cannot_renegotiate() -> None:
    async def main() -> None:
        server, client, _ = await _pair(server={"maxVersion": "TLSv1.3"})
        errors: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        assert client.renegotiate({}, errors.set_result) is False
        err = await errors
        assert err.code == "ERR_SSL_WRONG_SSL_VERSION"
        assert err.message == "error:0A00010A:SSL routines::wrong ssl version"
        client.end()
        server.close()

    run_loop(main)


def test_destroyed_socket_returns_none() -> None:
    async def main() -> None:
        server, client, _ = await _pair()
        client.destroy()
        assert client.renegotiate({}, lambda err: pytest.fail("called")) is None
        server.close()

    run_loop(main)


def test_disable_renegotiation() -> None:
    async def main() -> None:
        server_errors: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def on_server(sock: Any) -> None:
            sock.on("error", server_errors.set_result)

            def first_chunk(chunk: bytes) -> None:
                sock.write(chunk)
                sock.disableRenegotiation()

            sock.once("data", first_chunk)

        server, client, _ = await _pair(on_server)
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        assert client.renegotiate({}, done.set_result) is True  # still allowed
        assert await done is None
        client.write(b"data")
        await once(client, "data")
        closed = once(client, "close")
        assert client.renegotiate({}, lambda err: pytest.fail("callback")) is True
        err = await server_errors
        assert err.code == "ERR_TLS_RENEGOTIATION_DISABLED"
        assert err.message == "TLS session renegotiation disabled for this socket"
        await closed
        server.close()

    run_loop(main)


@pytest.mark.parametrize("limit", [0, 2])
def test_client_renegotiation_limit(limit: int) -> None:
    async def main() -> None:
        server_errors: list[Any] = []

        def on_server(sock: Any) -> None:
            sock.on("error", server_errors.append)
            sock.pipe(sock)

        server, client, server_sock = await _pair(on_server)
        renegs = 0

        def spam(err: Any = None) -> None:
            nonlocal renegs
            assert err is None and renegs <= limit
            renegs += 1
            client.renegotiate({}, spam)

        closed = once(client, "close")
        spam()
        assert await closed is False  # hadError: the server just went away
        assert renegs == limit + 1
        assert [e.code for e in server_errors] == ["ERR_TLS_SESSION_ATTACK"]
        assert server_errors[0].message == "TLS session renegotiation attack detected"
        assert server_sock.destroyed
        server.close()

    saved = tls.CLIENT_RENEG_LIMIT
    try:
        tls.CLIENT_RENEG_LIMIT = limit
        run_loop(main)
    finally:
        tls.CLIENT_RENEG_LIMIT = saved


def test_server_requests_a_client_certificate_by_renegotiating() -> None:
    async def main() -> None:
        server, client, server_sock = await _pair(
            server={"ca": key("ca1-cert.pem")},
            key=key("agent1-key.pem"), cert=key("agent1-cert.pem"))
        assert server_sock.getPeerCertificate() == {}
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        assert server_sock.renegotiate({"requestCert": True, "rejectUnauthorized": True},
                                       done.set_result) is True
        assert await done is None
        assert server_sock.authorized is True
        assert server_sock.getPeerCertificate()["subject"]["CN"] == "agent1"
        client.end()
        server.close()

    run_loop(main)


def test_renegotiated_client_certificate_rejected() -> None:
    async def main() -> None:
        # agent2 is self-signed: not issued by the server's ca1
        server, client, server_sock = await _pair(
            server={"ca": key("ca1-cert.pem")},
            key=key("agent2-key.pem"), cert=key("agent2-cert.pem"))
        closed = once(server_sock, "close")
        assert server_sock.renegotiate({"requestCert": True},
                                       lambda err: pytest.fail("callback")) is True
        await closed
        assert server_sock.authorizationError == "DEPTH_ZERO_SELF_SIGNED_CERT"
        assert server_sock.authorized is False
        server.close()

    run_loop(main)


def test_a_renegotiation_delivers_a_new_session_as_in_node() -> None:
    # Node 20, TLS 1.2: one 'session' for the handshake, one more for the renegotiation.
    async def main() -> None:
        server = tls.createServer(SERVER_OPTS, lambda s: s.on("data", s.write))
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        sessions: list[bytes] = []
        client.on("session", sessions.append)
        await once(client, "secureConnect")
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        assert client.renegotiate({}, done.set_result) is True
        assert await done is None
        client.write(b"after")
        await once(client, "data")
        assert len(sessions) == 2 and sessions[0] != sessions[1]
        assert client.isSessionReused() is False
        client.destroy()
        server.close()

    run_loop(main)

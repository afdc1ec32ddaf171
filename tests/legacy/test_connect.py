"""The 0.4 forms: connect(port[, host][, options][, cb]), createCredentials, clientError,
server.connections, NPNProtocols / npnProtocol (through ALPN), against nodessl and Node."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import collect, key, listening, once, run_loop

import nodessl as tls
from nodessl import legacy

SERVER_ID = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


def echo_server(**opts: Any) -> tls.Server:
    return tls.createServer({**SERVER_ID, **opts}, lambda s: s.pipe(s))


def test_seed_001_client_connects_to_an_echo_server() -> None:
    """Seed 001's example: connect(8000, options, cb); the callback reports authorization."""

    async def main() -> None:
        server = echo_server()
        port = await listening(server)
        states: list[str] = []
        # "This is necessary only if the server uses the self-signed certificate": ca
        options = {"ca": [key("ca1-cert.pem")]}
        cleartextStream: Any = None

        def connected() -> None:
            states.append("authorized" if cleartextStream.authorized else "unauthorized")
            cleartextStream.end("hello")

        cleartextStream = legacy.connect(port, options, connected)  # host defaults: localhost
        cleartextStream.setEncoding("utf8")
        assert await collect(cleartextStream) == "hello"
        # agent1's certificate does not name localhost: verified chain, wrong name, and 0.4
        # programs still get their callback
        assert states == ["unauthorized"]
        assert cleartextStream.authorizationError == "ERR_TLS_CERT_ALTNAME_INVALID"
        assert cleartextStream.npnProtocol is None  # no NPN asked for
        server.close()

    run_loop(main)


def test_reject_unauthorized_is_still_honoured() -> None:
    async def main() -> None:
        server = echo_server()
        port = await listening(server)
        sock = legacy.connect(port, "127.0.0.1", {"rejectUnauthorized": True})
        err = await once(sock, "error")
        assert err.code == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
        server.close()

    run_loop(main)


def test_client_error_is_emitted_with_tls_client_error() -> None:
    async def main() -> None:
        server = echo_server()
        events: list[tuple[str, Any, Any]] = []
        server.on("tlsClientError", lambda e, s: events.append(("tlsClientError", e, s)))
        done = once(server, "clientError")
        server.on("clientError", lambda e, s: events.append(("clientError", e, s)))
        port = await listening(server)
        # a plain-text client: the TLS server cannot read a handshake from it
        from nodessl import net

        plain = net.connect(port, "127.0.0.1")
        plain.on("error", lambda e: None)
        plain.write(b"GET / HTTP/1.0\r\n\r\n")
        await done
        assert [name for name, *_ in events] == ["tlsClientError", "clientError"]
        assert events[0][1:] == events[1][1:]  # the same (err, tlsSocket)
        assert events[0][1].code == "ERR_SSL_HTTP_REQUEST"
        server.close()

    run_loop(main)


def test_server_connections_is_a_deprecated_count() -> None:
    async def main() -> None:
        server = tls.createServer(SERVER_ID, lambda s: None)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        await once(client, "secureConnect")
        with pytest.warns(DeprecationWarning, match="DEP0020"):
            assert server.connections == 1
        client.destroy()
        server.close()

    run_loop(main)

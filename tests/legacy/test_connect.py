"""The 0.4 forms: connect(port[, host][, options][, cb]), createCredentials, clientError,
server.connections, NPNProtocols / npnProtocol (through ALPN), against nodessl and Node."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, collect, key, listening, once, run_loop

import nodessl as tls
from nodessl import legacy
from nodessl.legacy import npn

SERVER_ID = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


@pytest.fixture(autouse=True)
def npn_warns_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """NPNWarning is once per process; each test starts from a process that has not warned."""
    monkeypatch.setattr(npn, "_warned", False)


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


def test_connect_port_host_options_and_credentials() -> None:
    async def main() -> None:
        server = echo_server()
        port = await listening(server)
        creds = legacy.createCredentials({"ca": key("ca1-cert.pem")})
        assert isinstance(creds.context, tls.SecureContext)
        sock = legacy.connect(port, "127.0.0.1", {"secureContext": creds,
                                                 "servername": "agent1"})
        await once(sock, "secureConnect")
        assert (sock.authorized, sock.authorizationError) == (True, None)
        sock.end()
        # the modern connect takes Credentials as a context too
        modern = tls.connect(port, "127.0.0.1", {"secureContext": creds, "servername": "agent1"})
        await once(modern, "secureConnect")
        assert modern.authorized is True
        modern.end()
        await once(modern, "close")
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


def test_npn_protocols_are_negotiated_with_alpn() -> None:
    async def main() -> None:
        seen = asyncio.get_running_loop().create_future()
        with pytest.warns(legacy.NPNWarning, match="negotiated with ALPN"):
            server = tls.createServer({**SERVER_ID, "NPNProtocols": ["spdy/2", "http/1.1"]},
                                      lambda s: (seen.set_result(s.npnProtocol), s.end()))
        port = await listening(server)
        sock = legacy.connect(port, "127.0.0.1",
                              {"NPNProtocols": b"\x08http/1.1\x06spdy/2"})  # wire format
        assert sock.npnProtocol is None  # before the handshake
        await once(sock, "secureConnect")
        assert (sock.npnProtocol, sock.alpnProtocol) == ("spdy/2", "spdy/2")
        assert await seen == "spdy/2"
        server.close()

    run_loop(main)


def test_npn_warning_is_once_and_alpn_protocols_win() -> None:
    async def main() -> None:
        server = tls.createServer({**SERVER_ID, "ALPNProtocols": ["b"]}, lambda s: s.end())
        port = await listening(server)
        with pytest.warns(legacy.NPNWarning) as caught:
            sock = legacy.connect(port, {"NPNProtocols": ["a"], "ALPNProtocols": ["b"]})
            other = tls.connect(port, {"NPNProtocols": ["x"], "rejectUnauthorized": False})
        assert len(caught) == 1
        await asyncio.gather(once(sock, "secureConnect"), once(other, "error"))
        assert sock.alpnProtocol == "b"  # the explicit ALPN list was offered, not NPN's
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


def test_node_client_alpn_meets_npn_server() -> None:
    async def main() -> None:
        seen = asyncio.get_running_loop().create_future()
        with pytest.warns(legacy.NPNWarning):
            server = tls.createServer({**SERVER_ID, "NPNProtocols": ["spdy/3", "http/1.1"]},
                                      lambda s: (seen.set_result(s.npnProtocol), s.end()))
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false,
  ALPNProtocols: ['http/1.1', 'spdy/3']}}, () => {{ out({{alpn: c.alpnProtocol}}); c.end(); }});
c.on('error', (e) => out({{error: e.code}}));""")
        assert await node.message() == {"alpn": "spdy/3"}
        await node.close()
        assert await seen == "spdy/3"
        server.close()

    run_loop(main)


def test_npn_client_against_a_node_alpn_server() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const s = tls.createServer({{...{AGENT1}, ALPNProtocols: ['h2', 'http/1.1']}}, (c) => {{
  out({{server: c.alpnProtocol}}); c.end(); s.close(); }});
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));""")
        port = (await node.message())["port"]
        with pytest.warns(legacy.NPNWarning):
            sock = legacy.connect(port, "127.0.0.1", {"NPNProtocols": ["http/1.1"]})
        await once(sock, "secureConnect")
        assert sock.npnProtocol == "http/1.1"
        assert await node.message() == {"server": "http/1.1"}
        await node.close()

    run_loop(main)

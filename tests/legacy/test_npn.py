"""NPNProtocols / npnProtocol, served through ALPN: nodessl both ends, and Node peers."""

from __future__ import annotations

import asyncio

import pytest
from conftest import NODE_PRELUDE, NodePeer, key, listening, once, run_loop

import nodessl as tls
from nodessl import legacy
from nodessl.legacy import npn

SERVER_ID = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


@pytest.fixture(autouse=True)
def npn_warns_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """NPNWarning is once per process; each test starts from a process that has not warned."""
    monkeypatch.setattr(npn, "_warned", False)


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

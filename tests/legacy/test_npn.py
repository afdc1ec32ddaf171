"""NPNProtocols / npnProtocol: real NPN on the shared backend, through ALPN on the bundled one.

nodessl at both ends, and Node 20 peers (which have no NPN).  The openssl command line, the
independent NPN peer, is in tests/interop/test_npn.py.  Each test asserts what its backend
does: Node <= 10's NPN on the shared one, the ALPN fallback on the bundled one.
"""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, key, listening, once, run_loop

import nodessl as tls
from nodessl import legacy
from nodessl.legacy import npn

SHARED = tls.backend.is_shared()
SERVER_ID = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


@pytest.fixture(autouse=True)
def npn_warns_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """NPNWarning is once per process; each test starts from a process that has not warned."""
    monkeypatch.setattr(npn, "_warned", False)


@contextlib.contextmanager
def npn_warning(*, first: bool = True) -> Iterator[None]:
    """Bundled: the first NPNProtocols warns (served through ALPN), later ones not.  Shared:
    real NPN, no warning."""
    if SHARED or not first:
        with warnings.catch_warnings():
            warnings.simplefilter("error", legacy.NPNWarning)
            yield
    else:
        with pytest.warns(legacy.NPNWarning, match="negotiated with ALPN"):
            yield


@contextlib.asynccontextmanager
async def node_peer(script: str) -> AsyncIterator[NodePeer]:
    """A Node script, killed on the way out whatever happened."""
    node = await NodePeer.start(NODE_PRELUDE + script)
    try:
        yield node
    finally:
        if node.proc.returncode is None:
            node.proc.kill()
        await node.proc.wait()


def test_npn_protocols_are_negotiated() -> None:
    async def main() -> None:
        seen = asyncio.get_running_loop().create_future()
        with npn_warning():
            server = tls.createServer({**SERVER_ID, "NPNProtocols": ["spdy/2", "http/1.1"]},
                                      lambda s: (seen.set_result(s.npnProtocol), s.end()))
        port = await listening(server)
        with npn_warning(first=False):
            sock = legacy.connect(port, "127.0.0.1",
                                  {"NPNProtocols": b"\x08http/1.1\x06spdy/2"})  # wire format
        assert sock.npnProtocol is None  # before the handshake
        await once(sock, "secureConnect")
        if SHARED:  # NPN: the first of the server's list the client has; no ALPN at all
            assert (sock.npnProtocol, sock.alpnProtocol) == ("spdy/2", False)
            assert sock.getProtocol() == "TLSv1.2"  # NPN is TLS <= 1.2: the client stops there
        else:
            assert (sock.npnProtocol, sock.alpnProtocol) == ("spdy/2", "spdy/2")
        assert await seen == "spdy/2"
        server.close()

    run_loop(main)


def test_npn_warning_is_once_and_alpn_protocols_win() -> None:
    async def main() -> None:
        server = tls.createServer({**SERVER_ID, "ALPNProtocols": ["b"]}, lambda s: s.end())
        port = await listening(server)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sock = legacy.connect(port, {"NPNProtocols": ["a"], "ALPNProtocols": ["b"]})
            other = tls.connect(port, {"NPNProtocols": ["x"], "rejectUnauthorized": False})
        npn_warnings = [w for w in caught if issubclass(w.category, legacy.NPNWarning)]
        if SHARED:
            assert npn_warnings == []  # real NPN: nothing to warn about
            await asyncio.gather(once(sock, "secureConnect"), once(other, "secureConnect"))
            # the server has no NPNProtocols: it advertises nothing, no NPN is agreed
            assert (sock.alpnProtocol, sock.npnProtocol) == ("b", False)
            # NPNProtocols offer no ALPN here, so the ALPN server has nothing to refuse
            assert (other.alpnProtocol, other.npnProtocol) == (False, False)
            other.destroy()
        else:
            assert len(npn_warnings) == 1
            # x was offered with ALPN: the server refuses it
            await asyncio.gather(once(sock, "secureConnect"), once(other, "error"))
            assert sock.alpnProtocol == "b"  # the explicit ALPN list was offered, not NPN's
        sock.destroy()
        server.close()

    run_loop(main)


def test_node_client_alpn_meets_npn_server() -> None:
    async def main() -> None:
        seen = asyncio.get_running_loop().create_future()
        with npn_warning():
            server = tls.createServer({**SERVER_ID, "NPNProtocols": ["spdy/3", "http/1.1"]},
                                      lambda s: (seen.set_result(s.npnProtocol), s.end()))
        port = await listening(server)
        async with node_peer(f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false,
  ALPNProtocols: ['http/1.1', 'spdy/3']}}, () => {{ out({{alpn: c.alpnProtocol}}); c.end(); }});
c.on('error', (e) => out({{error: e.code}}));""") as node:
            if SHARED:
                # NPNProtocols are NPN's only: Node 20 (ALPN, no NPN) agrees on nothing
                assert await node.message() == {"alpn": False}
                assert await seen is False
            else:
                assert await node.message() == {"alpn": "spdy/3"}
                assert await seen == "spdy/3"
            await node.close()
        server.close()

    run_loop(main)


def test_npn_client_against_a_node_alpn_server() -> None:
    async def main() -> None:
        async with node_peer(f"""
const s = tls.createServer({{...{AGENT1}, ALPNProtocols: ['h2', 'http/1.1']}}, (c) => {{
  out({{server: c.alpnProtocol, version: c.getProtocol()}}); c.end(); s.close(); }});
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));""") as node:
            port = (await node.message())["port"]
            with npn_warning():
                sock = legacy.connect(port, "127.0.0.1", {"NPNProtocols": ["http/1.1"]})
            await once(sock, "secureConnect")
            if SHARED:
                # Node 20 has no NPN and the client offered no ALPN
                assert (sock.npnProtocol, sock.alpnProtocol) == (False, False)
                assert await node.message() == {"server": False, "version": "TLSv1.2"}
            else:
                assert sock.npnProtocol == "http/1.1"
                assert await node.message() == {"server": "http/1.1", "version": "TLSv1.3"}
            await node.close()

    run_loop(main)


# Node <= 10's test-tls-npn-server-client.js: one server, four clients one after the other.
OLD_NODE_CLIENTS: list[dict[str, Any]] = [
    {"NPNProtocols": ["a", "b", "c"]},  # the same list: the server's first
    {"NPNProtocols": ["c", "b", "e"]},  # the server's preference among the common ones
    {},  # no NPNProtocols: the client answers http/1.1 and reports false
    {"NPNProtocols": ["first-priority-unsupported", "x", "y"]},  # no overlap: the client's first
]


def test_old_node_npn_server_client() -> None:
    async def main() -> None:
        server_results: list[Any] = []
        # Node <= 10 spoke TLS 1.2 at most; the client without NPNProtocols keeps TLS 1.3
        # unless the server stops at 1.2 (with 1.3 there is no NPN)
        with npn_warning():
            server = tls.createServer({**SERVER_ID, "maxVersion": "TLSv1.2",
                                       "NPNProtocols": ["a", "b", "c"]},
                                      lambda s: server_results.append(s.npnProtocol))
        port = await listening(server)
        client_results: list[Any] = []
        for options in OLD_NODE_CLIENTS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", legacy.NPNWarning)
                client = legacy.connect({"port": port, "host": "127.0.0.1", **options})
            outcome = await asyncio.wait_for(asyncio.wait(
                [once(client, "secureConnect"), once(client, "error")],
                return_when=asyncio.FIRST_COMPLETED), 10)
            assert outcome
            client_results.append(client.npnProtocol if client.alpnProtocol is not None
                                  else "error")
            client.destroy()
        await asyncio.sleep(0.05)  # the server's side of the last connection
        server.close()
        if SHARED:  # Node <= 10's own expectations
            assert server_results == ["a", "b", "http/1.1", "first-priority-unsupported"]
            assert client_results == ["a", "b", False, False]
        else:
            # ALPN: the same choices where the lists meet; a client without NPNProtocols
            # offers no ALPN (the server reports False, the client None: no NPN asked for);
            # with no overlap the ALPN server refuses the handshake
            assert server_results == ["a", "b", False]
            assert client_results == ["a", "b", None, "error"]

    run_loop(main)


def test_alpn_beats_npn() -> None:
    async def main() -> None:
        seen = asyncio.get_running_loop().create_future()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", legacy.NPNWarning)
            server = tls.createServer(
                {**SERVER_ID, "maxVersion": "TLSv1.2", "ALPNProtocols": ["q", "r"],
                 "NPNProtocols": ["a", "b"]},
                lambda s: (seen.set_result((s.alpnProtocol, s.npnProtocol)), s.end()))
            port = await listening(server)
            sock = legacy.connect(port, "127.0.0.1",
                                  {"ALPNProtocols": ["q"], "NPNProtocols": ["b"]})
        await once(sock, "secureConnect")
        if SHARED:  # both offered: ALPN is agreed on, OpenSSL's server then skips NPN
            assert (sock.alpnProtocol, sock.npnProtocol) == ("q", False)
            assert await seen == ("q", False)
        else:  # the explicit ALPN lists are used; npnProtocol reports ALPN's result
            assert (sock.alpnProtocol, sock.npnProtocol) == ("q", "q")
            assert await seen == ("q", "q")
        sock.destroy()
        server.close()

    run_loop(main)


def test_npn_after_an_sni_switch() -> None:
    async def main() -> None:
        agent3 = tls.createSecureContext({"key": key("agent3-key.pem"),
                                          "cert": key("agent3-cert.pem")})
        asked: list[str] = []
        seen = asyncio.get_running_loop().create_future()

        def SNICallback(servername: str, cb: Any) -> None:
            asked.append(servername)
            cb(None, agent3)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", legacy.NPNWarning)
            server = tls.createServer({**SERVER_ID, "SNICallback": SNICallback,
                                       "NPNProtocols": ["a", "b", "c"]},
                                      lambda s: (seen.set_result(s.npnProtocol), s.end()))
            port = await listening(server)
            sock = legacy.connect(port, "127.0.0.1",
                                  {"servername": "agent3", "NPNProtocols": ["c", "b"]})
        await once(sock, "secureConnect")
        # the SNI context answers (agent3's certificate), and NPN still happens on it
        assert asked == ["agent3"]
        assert sock.getPeerCertificate()["subject"]["CN"] == "agent3"
        assert sock.npnProtocol == "b"
        assert await seen == "b"
        sock.destroy()
        server.close()

    run_loop(main)


def test_client_versions() -> None:
    async def main() -> None:
        server = tls.createServer(SERVER_ID, lambda s: s.end())
        port = await listening(server)
        results = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", legacy.NPNWarning)
            for extra in ({}, {"maxVersion": "TLSv1.3"}, {"minVersion": "TLSv1.3"}):
                sock = legacy.connect(port, "127.0.0.1", {"NPNProtocols": ["a"], **extra})
                await once(sock, "secureConnect")
                results.append(sock.getProtocol())
                sock.destroy()
        server.close()
        if SHARED:
            # NPN exists in TLS 1.2 only: a client that asked for it stops there, unless it
            # chose its versions itself
            assert results == ["TLSv1.2", "TLSv1.3", "TLSv1.3"]
        else:
            assert results == ["TLSv1.3", "TLSv1.3", "TLSv1.3"]  # ALPN needs no 1.2

    run_loop(main)


def test_clients_sharing_a_context_with_an_npn_client() -> None:
    async def main() -> None:
        seen: list[Any] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", legacy.NPNWarning)
            server = tls.createServer({**SERVER_ID, "maxVersion": "TLSv1.2",
                                       "NPNProtocols": ["a", "b"]},
                                      lambda s: (seen.append(s.npnProtocol), s.end()))
            port = await listening(server)
            shared = tls.createSecureContext({})
            first = legacy.connect(port, "127.0.0.1",
                                   {"secureContext": shared, "NPNProtocols": ["b"]})
            await once(first, "secureConnect")
            # a modern client on the same context: no NPN asked for, but the context now
            # sends the extension; it answers as Node <= 10 did and the handshake completes
            second = tls.connect(port, "127.0.0.1",
                                 {"secureContext": shared, "rejectUnauthorized": False})
            await once(second, "secureConnect")
        assert (first.npnProtocol, second.npnProtocol) == ("b", None)
        first.destroy()
        second.destroy()
        await asyncio.sleep(0.05)
        server.close()
        assert seen == (["b", "http/1.1"] if SHARED else ["b", False])

    run_loop(main)

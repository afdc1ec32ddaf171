"""Session resumption against Node 20, both directions, TLS 1.2 and 1.3."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, key, listening, once, run_loop

import nodessl as tls

AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


async def talk(port: int, **opts: Any) -> tuple[bool, list[bytes], Any]:
    """Connect, say hello, wait for the echo and the tickets, close first (Node's server sends
    TLS 1.3 tickets only to a client that stays); returns (reused, sessions, ticket)."""
    client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False, **opts})
    sessions: list[bytes] = []
    client.on("session", sessions.append)
    await once(client, "secureConnect")
    reused, ticket = client.isSessionReused(), client.getTLSTicket()
    client.write(b"hello")
    await once(client, "data")
    for _ in range(20):  # tickets come after the handshake, in no fixed flight
        if sessions:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.02)
    client.end()
    await once(client, "close")
    return reused, sessions, ticket


@pytest.mark.parametrize(("version", "count"), [("TLSv1.3", 2), ("TLSv1.2", 1)])
def test_nodessl_client_resumes_with_node_server(version: str, count: int) -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const s = tls.createServer({{...{AGENT1}, maxVersion: '{version}'}}, (c) => {{
  out({{reused: c.isSessionReused()}}); c.on('data', (d) => c.write(d)); }});
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));
process.stdin.on('end', () => s.close()); process.stdin.resume();""")
        port = (await node.message())["port"]
        reused, sessions, ticket = await talk(port)
        assert (reused, len(sessions)) == (False, count)
        assert (ticket is not None) == (version == "TLSv1.2")
        assert await node.message() == {"reused": False}
        again, _, _ = await talk(port, session=sessions[-1])
        assert again is True and await node.message() == {"reused": True}
        node.proc.stdin.close()
        await node.close()

    run_loop(main)


@pytest.mark.parametrize(("version", "count"), [("TLSv1.3", 2), ("TLSv1.2", 1)])
def test_node_client_resumes_with_nodessl_server(version: str, count: int) -> None:
    async def main() -> None:
        reused: list[bool] = []

        def on_secure(sock: tls.TLSSocket) -> None:
            reused.append(sock.isSessionReused())
            sock.on("data", sock.write)

        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "maxVersion": version}, on_secure)
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
function go(session, done) {{
  const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false, session}});
  const sessions = [];
  let reused;
  c.on('session', (s) => sessions.push(s));
  c.on('secureConnect', () => {{ reused = c.isSessionReused(); c.write('hi'); }});
  c.on('data', () => setTimeout(() => c.end(), 50));
  c.on('close', () => done(reused, sessions));
}}
go(undefined, (r1, s1) => go(s1[s1.length - 1], (r2, s2) =>
  out({{first: r1, count: s1.length, second: r2}})));""")
        got = await node.message()
        await node.close()
        server.close()
        assert got == {"first": False, "count": count, "second": True}
        assert reused == [False, True]

    run_loop(main)

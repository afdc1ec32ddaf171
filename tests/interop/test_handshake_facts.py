"""Handshake facts against Node 20 on one connection: exporter, Finished messages, ephemeral
keys, shared signature algorithms and record sizes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, key, listening, once, run_loop

import nodessl as tls

AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"
FACTS = """({ekm: c.exportKeyingMaterial(64, 'EXPERIMENTAL-x', Buffer.from('ctx')),
  finished: c.getFinished(), peerFinished: c.getPeerFinished(),
  sigalgs: c.getSharedSigalgs(), protocol: c.getProtocol()})"""


def mine(sock: tls.TLSSocket) -> dict[str, Any]:
    """The same facts, as the Node scripts print them."""
    return {"ekm": sock.exportKeyingMaterial(64, "EXPERIMENTAL-x", b"ctx").hex(),
            "finished": sock.getFinished().hex(), "peerFinished": sock.getPeerFinished().hex(),
            "sigalgs": sock.getSharedSigalgs(), "protocol": sock.getProtocol()}


def crossed(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["ekm"] == b["ekm"] and a["protocol"] == b["protocol"]
    assert a["finished"] == b["peerFinished"] and a["peerFinished"] == b["finished"]


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_node_client_and_nodessl_server_agree(version: str) -> None:
    async def main() -> None:
        facts: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "maxVersion": version},
                                  lambda s: (facts.set_result(mine(s)), s.end()))
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false}},
  () => {{ out({FACTS}); }});
c.on('data', () => {{}});
const s = tls.createServer({AGENT1}, (x) => {{
  out({{nodeServer: x.getSharedSigalgs()}}); x.end(); s.close(); }});
s.listen(0, '127.0.0.1', () => tls.connect({{port: s.address().port, host: '127.0.0.1',
  rejectUnauthorized: false, maxVersion: '{version}'}}).on('data', () => {{}}));""")
        msgs = [await node.message(), await node.message()]
        ours = await facts
        theirs = next(m for m in msgs if "ekm" in m)
        node_server_sigalgs = next(m["nodeServer"] for m in msgs if "nodeServer" in m)
        await node.close()
        server.close()
        crossed(ours, theirs)
        assert len(bytes.fromhex(ours["finished"])) == (48 if version == "TLSv1.3" else 12)
        assert theirs["sigalgs"] == []  # Node's client: no CertificateRequest
        # our server shares with a Node client what a Node server shares with it
        assert ours["sigalgs"] == node_server_sigalgs

    run_loop(main)


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_nodessl_client_and_node_server_agree(version: str) -> None:
    """Mutual auth: the nodessl client also reads the server's CertificateRequest."""
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const s = tls.createServer({{...{AGENT1}, maxVersion: '{version}', requestCert: true,
  rejectUnauthorized: false}}, (c) => {{ out({{server: {FACTS}}}); c.end(); }});
s.listen(0, '127.0.0.1', () => {{
  out({{port: s.address().port}});
  const c = tls.connect({{port: s.address().port, host: '127.0.0.1', rejectUnauthorized: false,
    key: fs.readFileSync('agent2-key.pem'), cert: fs.readFileSync('agent2-cert.pem')}},
    () => {{ out({{nodeClient: c.getSharedSigalgs()}}); }});
  c.on('data', () => {{}});
}});
process.stdin.on('end', () => s.close()); process.stdin.resume();""")
        port = (await node.message())["port"]
        client = tls.connect(port, "127.0.0.1", {
            "rejectUnauthorized": False,
            "key": key("agent2-key.pem"), "cert": key("agent2-cert.pem")})
        await once(client, "secureConnect")
        ours = mine(client)
        # Node's own pair reports twice, the server once more for our connection
        msgs = [await node.message() for _ in range(3)]
        node_client = next(m["nodeClient"] for m in msgs if "nodeClient" in m)
        theirs = next(m["server"] for m in msgs
                      if "server" in m and m["server"]["ekm"] == ours["ekm"])
        client.destroy()
        node.proc.stdin.close()
        await node.close()
        crossed(ours, theirs)
        # the same CertificateRequest gives a nodessl client what it gives a Node client
        assert ours["sigalgs"] == node_client and ours["sigalgs"]

    run_loop(main)


@pytest.mark.parametrize(("server_opts", "expected"), [
    ("ecdhCurve: 'prime256v1', maxVersion: 'TLSv1.2'",
     {"type": "ECDH", "name": "prime256v1", "size": 256}),
    ("ecdhCurve: 'secp384r1', maxVersion: 'TLSv1.2'",
     {"type": "ECDH", "name": "secp384r1", "size": 384}),
    ("ecdhCurve: 'X25519', maxVersion: 'TLSv1.2'", {"type": "ECDH", "name": "X25519", "size": 253}),
    ("ecdhCurve: 'secp521r1'", {"type": "ECDH", "name": "secp521r1", "size": 521}),
    ("dhparam: fs.readFileSync('dh2048.pem'), ciphers: 'DHE-RSA-AES128-GCM-SHA256', "
     "maxVersion: 'TLSv1.2'", {"type": "DH", "size": 2048}),
    ("ciphers: 'AES128-SHA256', maxVersion: 'TLSv1.2'", {}),
    ("minVersion: 'TLSv1.3'", {"type": "ECDH", "name": "X25519", "size": 253}),
])
def test_ephemeral_key_info_matches_a_node_client(server_opts: str,
                                                  expected: dict[str, Any]) -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const s = tls.createServer({{...{AGENT1}, {server_opts}}}, (c) => {{
  out({{server: c.getEphemeralKeyInfo()}}); c.end(); }});
s.listen(0, '127.0.0.1', () => {{
  const c = tls.connect({{port: s.address().port, host: '127.0.0.1', rejectUnauthorized: false,
    ciphers: 'DEFAULT:AES128-SHA256'}}, () => {{
    out({{port: s.address().port, node: c.getEphemeralKeyInfo()}}); c.end(); }});
}});
process.stdin.on('end', () => s.close()); process.stdin.resume();""")
        msgs = [await node.message(), await node.message()]
        info = next(m for m in msgs if "node" in m)
        client = tls.connect(info["port"], "127.0.0.1", {"rejectUnauthorized": False,
                                                          "ciphers": "DEFAULT:AES128-SHA256"})
        await once(client, "secureConnect")
        ours = client.getEphemeralKeyInfo()
        server_side = await node.message()
        client.destroy()
        node.proc.stdin.close()
        await node.close()
        assert info["node"] == expected and ours == expected
        assert server_side == {"server": None}

    run_loop(main)


def test_node_client_reads_small_records_from_nodessl_server() -> None:
    async def main() -> None:
        def on_secure(sock: tls.TLSSocket) -> None:
            assert sock.setMaxSendFragment(768) is True
            sock.end(b"x" * 10000)

        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")},
                                  on_secure)
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false}});
const sizes = [];
c.on('data', (d) => sizes.push(d.length));
c.on('end', () => out({{max: Math.max(...sizes), total: sizes.reduce((a, b) => a + b, 0)}}));""")
        got = await node.message()
        await node.close()
        server.close()
        assert got == {"max": 768, "total": 10000}

    run_loop(main)

"""ALPN against Node 20 and the openssl CLI, both directions."""

from __future__ import annotations

import asyncio

from conftest import KEYS, NODE_PRELUDE, NodePeer, key, listening, need, once, run_loop

import nodessl as tls

AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


def test_node_client_negotiates_with_nodessl_server() -> None:
    async def main() -> None:
        chosen = asyncio.get_running_loop().create_future()
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "ALPNProtocols": ["h2", "http/1.1"]},
                                  lambda s: (chosen.set_result(s.alpnProtocol), s.end()))
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false,
  ALPNProtocols: ['http/1.1', 'h2']}}, () => {{ out({{alpn: c.alpnProtocol}}); c.end(); }});
c.on('error', (e) => out({{error: e.code}}));""")
        theirs = await node.message()
        await node.close()
        server.close()
        assert theirs == {"alpn": "h2"} and await chosen == "h2"

    run_loop(main)


def test_nodessl_client_against_node_alpn_callback_server() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const s = tls.createServer({{...{AGENT1}, ALPNCallback: ({{servername, protocols}}) => {{
  out({{servername, protocols}}); return protocols[1]; }}}}, (c) => {{
  out({{server: c.alpnProtocol}}); c.end(); s.close(); }});
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));""")
        port = (await node.message())["port"]
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                  "servername": "agent1",
                                                  "ALPNProtocols": ["a", "b"]})
        await once(client, "secureConnect")
        assert client.alpnProtocol == "b"
        assert await node.message() == {"servername": "agent1", "protocols": ["a", "b"]}
        assert await node.message() == {"server": "b"}
        client.end()
        await node.close()

    run_loop(main)


def test_no_overlap_codes_match_node() -> None:
    """The same no-overlap handshake fails with the same codes for a Node client."""
    async def main() -> None:
        errors: list[str] = []
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "ALPNProtocols": ["a"]}, lambda s: s.end())
        server.on("tlsClientError", lambda e, s: errors.append(e.code))
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false,
  ALPNProtocols: ['x']}}, () => out({{alpn: c.alpnProtocol}}));
c.on('error', (e) => out({{error: e.code}}));""")
        theirs = await node.message()
        await node.close()
        server.close()
        assert theirs == {"error": "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL"}
        assert errors == ["ERR_SSL_NO_APPLICATION_PROTOCOL"]

    run_loop(main)


def test_openssl_s_client_alpn() -> None:
    async def main() -> None:
        openssl = need("openssl")
        chosen = asyncio.get_running_loop().create_future()
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "ALPNProtocols": ["h2", "http/1.1"]},
                                  lambda s: (chosen.set_result(s.alpnProtocol), s.end()))
        port = await listening(server)
        proc = await asyncio.create_subprocess_exec(
            openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-alpn", "http/1.1,h2",
            cwd=str(KEYS), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT)
        out, _ = await asyncio.wait_for(proc.communicate(b""), 15)
        server.close()
        assert "ALPN protocol: h2" in out.decode()
        assert await chosen == "h2"

    run_loop(main)

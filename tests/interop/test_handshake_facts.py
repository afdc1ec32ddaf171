"""Handshake facts against Node 20 on one connection: exporter, Finished messages, ephemeral
keys, shared signature algorithms and record sizes."""

from __future__ import annotations

import asyncio
import json
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


class RecordTap:
    """A TCP relay to ``port`` noting the (content type, length) of every TLS record the
    client sends: what is on the wire, whichever library wrote it."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.records: list[tuple[int, int]] = []
        self._buf = b""
        self._server: asyncio.AbstractServer | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    def _note(self, data: bytes) -> None:
        self._buf += data
        while len(self._buf) >= 5:
            size = int.from_bytes(self._buf[3:5], "big")
            if len(self._buf) < 5 + size:
                return
            self.records.append((self._buf[0], size))
            self._buf = self._buf[5 + size:]

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        self._writers += [writer, up_writer]

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter,
                       note: bool) -> None:
            while data := await src.read(65536):
                if note:
                    self._note(data)
                dst.write(data)
            dst.close()

        await asyncio.gather(pipe(reader, up_writer, True), pipe(up_reader, writer, False),
                             return_exceptions=True)

    def close(self) -> None:
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            self._server.close()


# setMaxSendFragment before the handshake: Node's SSL_set_max_send_fragment cuts every record
# the SSL writes, so a client certificate larger than the limit travels in several handshake
# records.  The shared backend calls the same function; the bundled one cuts application data.
_FRAGMENT_CLIENT = NODE_PRELUDE + """
const o = JSON.parse(process.argv[1]);
const c = tls.connect({port: o.port, host: '127.0.0.1', rejectUnauthorized: false,
  maxVersion: 'TLSv1.2', key: fs.readFileSync('agent1-key.pem'),
  cert: fs.readFileSync('agent1-cert.pem')});
out({set: c.setMaxSendFragment(512)});
c.on('secureConnect', () => c.end('y'.repeat(3000)));
c.on('close', () => out({closed: true}));
c.resume();
"""


def test_max_send_fragment_before_the_handshake_cuts_records_like_node() -> None:
    async def main() -> None:
        received: list[bytes] = []

        def on_secure(sock: tls.TLSSocket) -> None:
            sock.on("data", received.append)
            sock.on("end", sock.end)

        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "requestCert": True, "rejectUnauthorized": False},
                                  on_secure)
        port = await listening(server)

        node_tap = RecordTap(port)
        node = await NodePeer.start(_FRAGMENT_CLIENT.replace(
            "process.argv[1]", repr(json.dumps({"port": await node_tap.start()}))))
        assert await node.message() == {"set": True}
        assert await node.message() == {"closed": True}
        await node.close()

        ours_tap = RecordTap(port)
        client = tls.connect(await ours_tap.start(), "127.0.0.1", {
            "rejectUnauthorized": False, "maxVersion": "TLSv1.2",
            "key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")})
        assert client.setMaxSendFragment(512) is True
        client.on("secureConnect", lambda: client.end(b"y" * 3000))
        client.resume()
        await once(client, "close")
        node_tap.close()
        ours_tap.close()
        server.close()
        assert b"".join(received) == b"y" * 6000

        def handshake(tap: RecordTap) -> list[int]:
            return [size for kind, size in tap.records if kind == 22]

        def app_data(tap: RecordTap) -> list[int]:
            return [size for kind, size in tap.records if kind == 23]

        # Node: the Certificate (about 1 KB) went out in records of at most 512 bytes
        # (encrypted records carry 512 + explicit IV / tag overhead)
        assert max(handshake(node_tap)) <= 512 and len(handshake(node_tap)) >= 4
        assert max(app_data(node_tap)) <= 512 + 40
        assert max(app_data(ours_tap)) <= 512 + 40
        if tls.backend.is_shared():
            # the same OpenSSL call: after the ClientHello, record for record what Node sent
            assert max(handshake(ours_tap)) <= 512
            assert ours_tap.records[1:] == node_tap.records[1:]
        else:
            # the bundled backend cuts application data only: the Certificate is one record
            assert max(handshake(ours_tap)) > 512

    run_loop(main)


# getSharedSigalgs on both ends of the same handshakes: a Node 20 pair gives the reference;
# then a nodessl client with a Node server, and a Node client with a nodessl server.
_SIGALGS_SERVER = NODE_PRELUDE + """
const o = JSON.parse(process.argv[1]);
const s = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
  cert: fs.readFileSync('agent1-cert.pem'), maxVersion: o.version, requestCert: o.request,
  rejectUnauthorized: false}, (c) => { out({server: c.getSharedSigalgs()}); c.end(); });
s.listen(0, '127.0.0.1', () => out({port: s.address().port}));
process.stdin.on('end', () => s.close()); process.stdin.resume();
"""
_SIGALGS_CLIENT = NODE_PRELUDE + """
const o = JSON.parse(process.argv[1]);
const c = tls.connect({port: o.port, host: '127.0.0.1', rejectUnauthorized: false,
  ...(o.cert ? {key: fs.readFileSync('agent2-key.pem'), cert: fs.readFileSync('agent2-cert.pem')}
             : {})}, () => out({client: c.getSharedSigalgs()}));
c.resume();
"""


def _node_script(script: str, config: dict[str, Any]) -> str:
    return script.replace("process.argv[1]", repr(json.dumps(config)))


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
@pytest.mark.parametrize(("request_cert", "client_cert"),
                         [(False, False), (True, False), (True, True)],
                         ids=["no-request", "request-no-cert", "request-cert"])
def test_shared_sigalgs_match_node_on_both_ends(version: str, request_cert: bool,
                                                client_cert: bool) -> None:
    async def node_client(port: int) -> list[str]:
        peer = await NodePeer.start(_node_script(_SIGALGS_CLIENT,
                                                 {"port": port, "cert": client_cert}))
        got = (await peer.message())["client"]
        await peer.close()
        return list(got)

    async def main() -> dict[str, list[str]]:
        node_server = await NodePeer.start(_node_script(
            _SIGALGS_SERVER, {"version": version, "request": request_cert}))
        node_port = (await node_server.message())["port"]
        lists: dict[str, list[str]] = {"ref_client": await node_client(node_port)}
        lists["ref_server"] = (await node_server.message())["server"]

        client = tls.connect(node_port, "127.0.0.1", {
            "rejectUnauthorized": False,
            **({"key": key("agent2-key.pem"), "cert": key("agent2-cert.pem")}
               if client_cert else {})})
        await once(client, "secureConnect")
        lists["ours_client"] = client.getSharedSigalgs()
        lists["node_server_with_ours"] = (await node_server.message())["server"]
        client.destroy()
        assert node_server.proc.stdin is not None
        node_server.proc.stdin.close()
        await node_server.close()

        seen: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "maxVersion": version, "requestCert": request_cert,
                                   "rejectUnauthorized": False},
                                  lambda c: (seen.set_result(c.getSharedSigalgs()), c.end()))
        lists["node_client_with_ours"] = await node_client(await listening(server))
        lists["ours_server"] = await seen
        server.close()
        return lists

    got = run_loop(main)
    # Node's pair: a server always shares; a client only after a CertificateRequest
    assert got["ref_server"]
    assert bool(got["ref_client"]) is request_cert
    # the Node ends report the same with a nodessl peer, and nodessl what Node reports
    assert got["node_server_with_ours"] == got["ours_server"] == got["ref_server"]
    assert got["node_client_with_ours"] == got["ref_client"]
    if not tls.backend.is_shared() and version == "TLSv1.3" and request_cert \
            and not client_cert:
        # the bundled backend reads a TLS 1.3 CertificateRequest (encrypted) only on clients
        # that have a certificate to answer it with (sigalgs.client_watches); the shared
        # backend asks OpenSSL, which kept the list
        assert got["ours_client"] == []
    else:
        assert got["ours_client"] == got["ref_client"]

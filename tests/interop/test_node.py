"""nodessl against Node.js 20 itself, in both directions.

Each test runs the same observation on both ends (protocol, cipher, peer
certificate fields, authorized, error codes) and asserts they agree.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, collect, key, listening, once, run_loop

import nodessl as tls

OBSERVE = r"""
const observe = (s) => ({
  protocol: s.getProtocol(), cipher: s.getCipher(), authorized: s.authorized,
  authorizationError: s.authorizationError || null,
  peer: (() => { const c = s.getPeerCertificate(); return c && c.subject ?
    {subject: c.subject, issuer: c.issuer, fingerprint256: c.fingerprint256,
     serialNumber: c.serialNumber, valid_to: c.valid_to} : null; })(),
});
"""


def observe(sock: tls.TLSSocket) -> dict[str, Any]:
    peer = sock.getPeerCertificate()
    return {
        "protocol": sock.getProtocol(),
        "cipher": sock.getCipher(),
        "authorized": sock.authorized,
        "authorizationError": sock.authorizationError,
        "peer": {k: peer[k] for k in ("subject", "issuer", "fingerprint256", "serialNumber",
                                      "valid_to")} if peer else None,
    }


def node_server_script(options: str, reply: str = "'from node'") -> str:
    return NODE_PRELUDE + OBSERVE + f"""
const server = tls.createServer({options}, (s) => {{
  const o = observe(s);
  let got = '';
  s.on('data', (d) => got += d);
  s.on('end', () => {{ out({{event: 'secure', ...o, got}}); s.end(); server.close(); }});
  s.write({reply});
}});
server.on('tlsClientError', (e) => {{ out({{event: 'tlsClientError', ...errInfo(e)}}); server.close(); }});
server.listen(0, '127.0.0.1', () => out({{port: server.address().port}}));
"""


def node_client_script(port: int, options: str) -> str:
    return NODE_PRELUDE + OBSERVE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', ...{options}}}, () => {{
  const o = observe(c);
  let got = '';
  c.on('data', (d) => got += d);
  c.on('end', () => out({{event: 'secureConnect', ...o, got}}));
  c.end('from node');
}});
c.on('error', (e) => out({{event: 'error', ...errInfo(e)}}));
"""


AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_nodessl_client_to_node_server(version: str) -> None:
    async def main() -> None:
        node = await NodePeer.start(node_server_script(
            f"{{...{AGENT1}, maxVersion: '{version}'}}"))
        port = (await node.message())["port"]
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        await once(client, "secureConnect")
        mine = observe(client)
        client.end(b"from nodessl")
        assert await collect(client) == b"from node"
        theirs = await node.message()
        await node.close()
        assert theirs["event"] == "secure"
        assert theirs["got"] == "from nodessl"
        assert mine["protocol"] == theirs["protocol"] == version
        assert mine["cipher"] == theirs["cipher"]
        assert mine["authorized"] is True
        assert mine["peer"]["subject"]["CN"] == "agent1"
        assert mine["peer"]["issuer"]["CN"] == "ca1"

    run_loop(main)


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_node_client_to_nodessl_server(version: str) -> None:
    async def main() -> None:
        seen: dict[str, Any] = {}

        def on_secure(sock: tls.TLSSocket) -> None:
            seen.update(observe(sock))
            seen["got"] = b""
            sock.write(b"from nodessl")

            def on_data(data: bytes) -> None:
                seen["got"] += data

            sock.on("data", on_data)
            sock.on("end", lambda: sock.end())

        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "maxVersion": version}, on_secure)
        port = await listening(server)
        node = await NodePeer.start(node_client_script(
            port, "{ca: fs.readFileSync('ca1-cert.pem'), servername: 'agent1'}"))
        theirs = await node.message()
        await node.close()
        server.close()
        assert theirs["event"] == "secureConnect", theirs
        assert theirs["got"] == "from nodessl"
        assert seen["got"] == b"from node"
        assert theirs["authorized"] is True
        assert theirs["protocol"] == seen["protocol"] == version
        assert theirs["cipher"] == seen["cipher"]
        assert theirs["peer"]["subject"]["CN"] == "agent1"

    run_loop(main)


def test_peer_certificate_fields_agree_with_node() -> None:
    """Node's getPeerCertificate() of our server equals ours of Node's server (same cert)."""
    async def main() -> None:
        node = await NodePeer.start(node_server_script(AGENT1))
        port = (await node.message())["port"]
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        await once(client, "secureConnect")
        mine = observe(client)["peer"]
        client.end()
        await collect(client)
        await node.close()

        server = tls.createServer({"key": key("agent1-key.pem"),
                                   "cert": key("agent1-cert.pem")}, lambda s: s.end())
        port2 = await listening(server)
        node2 = await NodePeer.start(node_client_script(
            port2, "{ca: fs.readFileSync('ca1-cert.pem'), servername: 'agent1'}"))
        theirs = (await node2.message())["peer"]
        await node2.close()
        server.close()
        assert mine == theirs

    run_loop(main)


@pytest.mark.parametrize(("server_keys", "js_opts", "py_opts", "code"), [
    ("agent2", "{}", {}, "DEPTH_ZERO_SELF_SIGNED_CERT"),
    ("agent1", "{servername: 'agent1'}", {"servername": "agent1"},
     "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
    ("agent1", "{ca: fs.readFileSync('ca1-cert.pem'), servername: 'localhost'}",
     {"ca": "ca1-cert.pem", "servername": "localhost"}, "ERR_TLS_CERT_ALTNAME_INVALID"),
])
def test_verification_errors_match_node(server_keys: str, js_opts: str,
                                        py_opts: dict[str, Any], code: str) -> None:
    """The same failure gives the same code on a Node client and a nodessl client."""
    async def main() -> None:
        server = tls.createServer({"key": key(f"{server_keys}-key.pem"),
                                   "cert": key(f"{server_keys}-cert.pem")}, lambda s: s.end())
        server.on("tlsClientError", lambda e, s: None)
        port = await listening(server)
        node = await NodePeer.start(node_client_script(port, js_opts))
        theirs = await node.message()
        await node.close()
        opts = {k: key(v) if k == "ca" else v for k, v in py_opts.items()}
        client = tls.connect(port, "127.0.0.1", opts)
        err = await once(client, "error")
        server.close()
        assert theirs["event"] == "error"
        assert theirs["code"] == err.code == code
        assert theirs["message"].startswith(err.message.split(":")[0])

    run_loop(main)


def test_node_client_sees_our_handshake_failure_alert() -> None:
    """Server requires a client cert; Node's client is refused with the TLS 1.3 alert."""
    async def main() -> None:
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "requestCert": True, "ca": key("ca2-cert.pem")},
                                  lambda s: s.end())
        errors = []
        server.on("tlsClientError", lambda e, s: errors.append(e.code))
        port = await listening(server)
        node = await NodePeer.start(node_client_script(
            port, "{rejectUnauthorized: false}") .replace(
            "c.on('error'", "c.on('data', () => {}); c.on('error'"))
        theirs = await node.message()
        await node.close()
        server.close()
        assert errors == ["ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE"]
        assert theirs["code"] == "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"

    run_loop(main)


def test_node_client_cert_is_verified_by_nodessl_server() -> None:
    async def main() -> None:
        seen = {}

        def on_secure(sock: tls.TLSSocket) -> None:
            seen["authorized"] = sock.authorized
            seen["cn"] = sock.getPeerCertificate()["subject"]["CN"]
            sock.end()

        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "requestCert": True, "ca": key("ca2-cert.pem")}, on_secure)
        port = await listening(server)
        node = await NodePeer.start(node_client_script(
            port, "{rejectUnauthorized: false, key: fs.readFileSync('agent4-key.pem'), "
                  "cert: fs.readFileSync('agent4-cert.pem')}"))
        theirs = await node.message()
        await node.close()
        server.close()
        assert theirs["event"] == "secureConnect"
        assert seen == {"authorized": True, "cn": "agent4"}

    run_loop(main)



@pytest.mark.parametrize(("dhparam", "outcome"), [
    ("dh1024.pem", "ERR_TLS_DH_PARAM_SIZE"), ("dh2048.pem", 2048), ("dh3072.pem", 3072)])
def test_min_dh_size_against_a_node_dhe_server(dhparam: str, outcome: Any) -> None:
    """Node's server uses its own dhparam; the client reads its size off the handshake."""
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const s = tls.createServer({{...{AGENT1}, dhparam: fs.readFileSync('{dhparam}'),
  ciphers: 'DHE-RSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2'}}, (c) => {{ c.end(); s.close(); }});
s.on('tlsClientError', () => s.close());
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));""")
        port = (await node.message())["port"]
        client = tls.connect(port, "127.0.0.1", {
            "rejectUnauthorized": False, "minDHSize": 2048,
            # OpenSSL's own floor (security level 2) would refuse dh1024 before minDHSize
            "ciphers": "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"})
        result = asyncio.get_running_loop().create_future()
        client.on("error", lambda e: result.done() or result.set_result(e))
        client.on("secureConnect", lambda: result.set_result(client.getEphemeralKeyInfo()))
        got = await result
        client.destroy()
        await node.close()
        if isinstance(outcome, str):
            assert got.code == outcome
            assert got.message == "DH parameter size 1024 is less than 2048"
        else:
            assert got == {"type": "DH", "size": outcome}

    run_loop(main)


def test_ephemeral_key_info_of_an_ecdhe_node_server() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const s = tls.createServer({{...{AGENT1}, ecdhCurve: 'secp384r1', maxVersion: 'TLSv1.2'}},
  (c) => {{ c.end(); s.close(); }});
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));""")
        port = (await node.message())["port"]
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        await once(client, "secureConnect")
        info = client.getEphemeralKeyInfo()
        client.destroy()
        await node.close()
        assert info == {"type": "ECDH", "name": "secp384r1", "size": 384}

    run_loop(main)


def _walk(cert: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(CN, fingerprint256, ca) along issuerCertificate links, stopping at a self-link."""
    out = []
    seen: set[str] = set()
    while cert and cert.get("fingerprint256") not in seen:
        seen.add(cert["fingerprint256"])
        out.append((cert["subject"]["CN"], cert["fingerprint256"], cert["ca"]))
        cert = cert.get("issuerCertificate")  # type: ignore[assignment]
    return out


def test_detailed_chain_agrees_with_node() -> None:
    """agent6 sends leaf + ca3; both clients trust ca1 and complete the chain from it."""
    async def main() -> None:
        server = tls.createServer({"key": key("agent6-key.pem"), "cert": key("agent6-cert.pem")},
                                  lambda s: s.end())
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const walk = (c) => {{ const out = []; const seen = new Set();
  while (c && !seen.has(c.fingerprint256)) {{ seen.add(c.fingerprint256);
    out.push([c.subject.CN, c.fingerprint256, c.ca]); c = c.issuerCertificate; }} return out; }};
const c = tls.connect({{port: {port}, host: '127.0.0.1', ca: fs.readFileSync('ca1-cert.pem'),
  checkServerIdentity: () => undefined}}, () => {{
  const d = c.getPeerCertificate(true);
  out({{chain: walk(d), rootSelf: (() => {{ let x = d; while (x.issuerCertificate !== x)
    x = x.issuerCertificate; return x.subject.CN; }})()}}); c.end(); }});
""")
        theirs = await node.message()
        await node.close()
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "checkServerIdentity": lambda h, c: None})
        await once(client, "secureConnect")
        mine = client.getPeerCertificate(True)
        client.end()
        server.close()
        assert [list(x) for x in _walk(mine)] == theirs["chain"]
        assert [cn for cn, _, _ in _walk(mine)] == ["Ádám Lippai", "ca3", "ca1"]  # agent6
        root = mine
        while root["issuerCertificate"] is not root:
            root = root["issuerCertificate"]
        assert root["subject"]["CN"] == theirs["rootSelf"] == "ca1"

    run_loop(main)

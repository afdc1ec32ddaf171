"""SNI and OCSP stapling against Node 20 and the openssl CLI, both directions."""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import NODE_PRELUDE, NodePeer, key, listening, once, run_loop, s_client
from cryptography.x509 import ocsp
from ocsp_fixtures import cert, der, ocsp_response

import nodessl as tls

AGENT1 = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
AGENT2 = {"key": key("agent2-key.pem"), "cert": key("agent2-cert.pem")}
AGENT3 = {"key": key("agent3-key.pem"), "cert": key("agent3-cert.pem")}
NODE_AGENT = "(n) => ({key: fs.readFileSync(n + '-key.pem'), cert: fs.readFileSync(n + '-cert.pem')})"


def stapling_server(response: bytes, requests: list[Any]) -> Any:
    server = tls.createServer({**AGENT1, "ca": key("ca1-cert.pem")}, lambda s: s.end())
    server.addContext("*.test.com", AGENT3)

    def on_request(certificate: bytes, issuer: bytes | None, callback: Any) -> None:
        requests.append((certificate, issuer))
        asyncio.get_running_loop().call_later(0.02, callback, None, response)

    server.on("OCSPRequest", on_request)
    return server


def test_openssl_s_client_status() -> None:
    async def main() -> None:
        requests: list[Any] = []
        server = stapling_server(ocsp_response(), requests)
        port = await listening(server)
        out, _ = await s_client(port, "-status", "-servername", "a.example.com")
        server.close()
        assert "OCSP Response Status: successful" in out
        assert "Cert Status: good" in out
        assert requests == [(der("agent1"), der("ca1"))]

    run_loop(main)


def test_openssl_s_client_sni_picks_context() -> None:
    async def main() -> None:
        server = tls.createServer(AGENT1, lambda s: s.end())
        server.addContext("*.test.com", AGENT3)
        port = await listening(server)
        out, _ = await s_client(port, "-servername", "b.test.com")
        default, _ = await s_client(port, "-servername", "a.example.com")
        server.close()
        assert "CN=agent3" in out.replace(" = ", "=")
        assert "CN=agent1" in default.replace(" = ", "=")

    run_loop(main)


def test_node_client_request_ocsp() -> None:
    async def main() -> None:
        requests: list[Any] = []
        response = ocsp_response()
        server = stapling_server(response, requests)
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const events = [];
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false,
  requestOCSP: true}}, () => {{ events.push('secureConnect'); out({{events}}); c.end(); }});
c.on('OCSPResponse', (r) => events.push(r ? r.toString('hex') : null));
c.on('error', (e) => out({{error: errInfo(e)}}));""")
        theirs = await node.message()
        await node.close()
        server.close()
        assert theirs == {"events": [response.hex(), "secureConnect"]}
        assert requests == [(der("agent1"), der("ca1"))]

    run_loop(main)


def test_node_client_servername_against_add_context() -> None:
    async def main() -> None:
        names: list[Any] = []
        server = tls.createServer(AGENT2, lambda s: (names.append(s.servername), s.end()))
        server.addContext("a.example.com", AGENT1)
        server.addContext("*.test.com", AGENT3)
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const names = ['a.example.com', 'b.test.com', 'a.b.test.com'];
const seen = [];
const next = () => {{
  if (!names.length) return out(seen);
  const servername = names.shift();
  const c = tls.connect({{port: {port}, host: '127.0.0.1', servername,
    rejectUnauthorized: false}}, () => {{
    seen.push([servername, c.getPeerCertificate().subject.CN]); c.end(); next(); }});
  c.on('error', (e) => out({{error: errInfo(e)}}));
}};
next();""")
        theirs = await node.message()
        await node.close()
        server.close()
        assert theirs == [["a.example.com", "agent1"], ["b.test.com", "agent3"],
                          ["a.b.test.com", "agent2"]]
        assert names == ["a.example.com", "b.test.com", "a.b.test.com"]

    run_loop(main)


def test_nodessl_client_against_node_ocsp_server() -> None:
    async def main() -> None:
        response = ocsp_response()
        node = await NodePeer.start(NODE_PRELUDE + f"""
const agent = {NODE_AGENT};
const s = tls.createServer({{...agent('agent1'), ca: fs.readFileSync('ca1-cert.pem')}},
  (c) => {{ c.end(); s.close(); }});
s.on('OCSPRequest', (certificate, issuer, cb) => {{
  out({{certificate: certificate.toString('hex'), issuer: issuer && issuer.toString('hex')}});
  setTimeout(() => cb(null, Buffer.from('{response.hex()}', 'hex')), 20);
}});
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));""")
        port = (await node.message())["port"]
        events: list[Any] = []
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                  "requestOCSP": True})
        client.on("OCSPResponse", lambda r: events.append(r))
        await once(client, "secureConnect")
        events.append("secureConnect")
        client.end()
        request = await node.message()
        await node.close()
        assert events == [response, "secureConnect"]
        assert request == {"certificate": der("agent1").hex(), "issuer": der("ca1").hex()}
        parsed = ocsp.load_der_ocsp_response(events[0])
        assert parsed.certificate_status == ocsp.OCSPCertStatus.GOOD
        assert parsed.serial_number == cert("agent1").serial_number

    run_loop(main)


def test_nodessl_client_against_node_sni_callback() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const agent = {NODE_AGENT};
const s = tls.createServer({{...agent('agent1'), SNICallback: (name, cb) => {{
  out({{sni: name}});
  setTimeout(() => cb(null, tls.createSecureContext(agent('agent3'))), 20);
}}}}, (c) => {{ out({{servername: c.servername}}); c.end(); s.close(); }});
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));""")
        port = (await node.message())["port"]
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                  "servername": "b.test.com"})
        await once(client, "secureConnect")
        cn = client.getPeerCertificate()["subject"]["CN"]
        client.end()
        assert await node.message() == {"sni": "b.test.com"}
        assert await node.message() == {"servername": "b.test.com"}
        await node.close()
        assert cn == "agent3" and client.servername == "b.test.com"

    run_loop(main)


def test_sni_context_without_certificate_as_node() -> None:
    """A certificate-less SNI context is not used (Node's SSL_use_certificate(ssl, NULL)
    fails): a server with its own certificate serves that one to openssl s_client; one
    without fails with Node's queued 'passed a null parameter' and a handshake_failure
    alert."""
    async def main() -> None:
        def empty(name: str, cb: Any) -> None:
            cb(None, tls.createSecureContext())

        with_cert = tls.createServer({**AGENT1, "SNICallback": empty}, lambda s: s.end())
        port = await listening(with_cert)
        out, _ = await s_client(port, "-servername", "any.name")
        with_cert.close()
        assert "CN=agent1" in out.replace(" = ", "=")

        errors: list[Any] = []
        bare = tls.createServer({"SNICallback": empty}, lambda s: s.end())
        bare.on("tlsClientError", lambda err, sock: errors.append(err))
        port = await listening(bare)
        out, err = await s_client(port, "-servername", "any.name")
        bare.close()
        assert "alert handshake failure" in err
        assert [(e.code, e.reason) for e in errors] == [
            ("ERR_SSL_PASSED_A_NULL_PARAMETER", "passed a null parameter")]

    run_loop(main)

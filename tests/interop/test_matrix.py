"""The interop matrix: every TLS feature, nodessl against Node.js 20 in both directions.

Each scenario is written twice, once in Node and once in nodessl, with the same option
names, the same listeners and the same observations.  It runs three times:

* Node server, Node client: the baseline, what Node itself observes;
* nodessl server, Node client;
* Node server, nodessl client;

and each end's observations must equal the baseline's for the same end.  Values that
differ on every connection (keying material, finished messages, keylog secrets) are
checked as relations instead: what one end says must equal what the other end says
(``pairs``), in every run, the baseline included.

The openssl command-line cells of the matrix live in ``test_matrix_openssl.py``.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import KEYS, NodePeer, key, listening, once, run_loop
from ocsp_fixtures import ocsp_response

import nodessl as tls

Observe = Callable[[Any, dict[str, Any]], None]


@dataclass
class Side:
    """One end of a scenario, in both languages.

    ``options`` (JS expression / Python dict factory) are the createServer or connect
    options; ``setup`` runs before the handshake with the server or socket and ``rec``
    (the observations); ``secure`` runs at secureConnection / secureConnect and may add
    to ``rec``; ``talk`` replaces the default conversation.
    """

    js_options: str = "{}"
    py_options: Callable[[], dict[str, Any]] = dict
    js_setup: str = ""
    py_setup: Observe | None = None
    js_secure: str = ""
    py_secure: Observe | None = None
    js_talk: str = ""
    py_talk: Observe | None = None


@dataclass
class Scenario:
    """A feature as both implementations are asked to perform it."""

    server: Side
    client: Side
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (server key, client key)
    expect_server: dict[str, Any] = field(default_factory=dict)  # also checked on the baseline
    expect_client: dict[str, Any] = field(default_factory=dict)


def K(name: str) -> bytes:  # noqa: N802 - reads like the JS side's K('…')
    return key(name)


def hexa(value: Any) -> Any:
    return value.hex() if isinstance(value, (bytes, bytearray)) else value


AGENT1_JS = "key: K('agent1-key.pem'), cert: K('agent1-cert.pem')"
CA1_CLIENT_JS = "ca: K('ca1-cert.pem'), servername: 'agent1'"


def agent1(**extra: Any) -> Callable[[], dict[str, Any]]:
    return lambda: {"key": K("agent1-key.pem"), "cert": K("agent1-cert.pem"), **extra}


def ca1_client(**extra: Any) -> Callable[[], dict[str, Any]]:
    return lambda: {"ca": K("ca1-cert.pem"), "servername": "agent1", **extra}


def basics(s: Any, rec: dict[str, Any]) -> None:
    peer = s.getPeerCertificate()
    rec.update(protocol=s.getProtocol(), cipher=s.getCipher()["name"], authorized=s.authorized,
               authorizationError=s.authorizationError,
               peerCN=peer["subject"]["CN"] if peer else None)


BASICS_JS = """
  const peer = s.getPeerCertificate();
  Object.assign(rec, {protocol: s.getProtocol(), cipher: s.getCipher().name,
    authorized: s.authorized, authorizationError: s.authorizationError || null,
    peerCN: peer && peer.subject ? peer.subject.CN : null});
"""

PSK_KEY = bytes(range(1, 33))


@functools.cache
def stapled_response() -> bytes:
    """One real OCSP response for agent1 (OpenSSL 4 staples nothing else), for every run."""
    return ocsp_response("agent1", "ca1")


def _psk_server(sock: Any, identity: str) -> bytes | None:
    return PSK_KEY if identity == "matrix-client" else None


SCENARIOS: dict[str, Scenario] = {
    "basics-tls13": Scenario(
        server=Side(f"{{{AGENT1_JS}}}", agent1(), js_secure=BASICS_JS, py_secure=basics),
        client=Side(f"{{{CA1_CLIENT_JS}}}", ca1_client(), js_secure=BASICS_JS,
                    py_secure=basics),
        expect_client={"protocol": "TLSv1.3", "authorized": True, "peerCN": "agent1"}),
    "basics-tls12": Scenario(
        server=Side(f"{{{AGENT1_JS}, maxVersion: 'TLSv1.2'}}", agent1(maxVersion="TLSv1.2"),
                    js_secure=BASICS_JS, py_secure=basics),
        client=Side(f"{{{CA1_CLIENT_JS}}}", ca1_client(), js_secure=BASICS_JS,
                    py_secure=basics),
        expect_client={"protocol": "TLSv1.2", "cipher": "ECDHE-RSA-AES128-GCM-SHA256"}),
    "client-certificate": Scenario(
        server=Side(f"{{{AGENT1_JS}, requestCert: true, rejectUnauthorized: false,"
                    " ca: K('ca2-cert.pem')}",
                    agent1(requestCert=True, rejectUnauthorized=False, ca=K("ca2-cert.pem")),
                    js_secure=BASICS_JS, py_secure=basics),
        client=Side(f"{{{CA1_CLIENT_JS}, key: K('agent4-key.pem'), cert: K('agent4-cert.pem')}}",
                    ca1_client(key=K("agent4-key.pem"), cert=K("agent4-cert.pem"))),
        expect_server={"authorized": True, "peerCN": "agent4"}),
    "alpn": Scenario(
        server=Side(f"{{{AGENT1_JS}, ALPNProtocols: ['h2', 'http/1.1']}}",
                    agent1(ALPNProtocols=["h2", "http/1.1"]),
                    js_secure="rec.alpn = s.alpnProtocol;",
                    py_secure=lambda s, rec: rec.update(alpn=s.alpnProtocol)),
        client=Side(f"{{{CA1_CLIENT_JS}, ALPNProtocols: ['http/1.1', 'h2']}}",
                    ca1_client(ALPNProtocols=["http/1.1", "h2"]),
                    js_secure="rec.alpn = s.alpnProtocol;",
                    py_secure=lambda s, rec: rec.update(alpn=s.alpnProtocol)),
        expect_server={"alpn": "h2"}, expect_client={"alpn": "h2"}),
    "sni-addContext": Scenario(
        server=Side(f"{{{AGENT1_JS}}}", agent1(),
                    js_setup="server.addContext('*.test.com', {key: K('agent3-key.pem'),"
                             " cert: K('agent3-cert.pem')});",
                    py_setup=lambda server, rec: server.addContext(
                        "*.test.com", {"key": K("agent3-key.pem"), "cert": K("agent3-cert.pem")}),
                    js_secure="rec.servername = s.servername;",
                    py_secure=lambda s, rec: rec.update(servername=s.servername)),
        client=Side("{ca: K('ca2-cert.pem'), servername: 'b.test.com',"
                    " checkServerIdentity: () => undefined}",
                    lambda: {"ca": K("ca2-cert.pem"), "servername": "b.test.com",
                             "checkServerIdentity": lambda *a: None},
                    js_secure=BASICS_JS, py_secure=basics),
        expect_server={"servername": "b.test.com"},
        expect_client={"peerCN": "agent3", "authorized": True}),
    "ocsp-stapling": Scenario(
        server=Side(f"{{{AGENT1_JS}, ca: K('ca1-cert.pem')}}", agent1(ca=K("ca1-cert.pem")),
                    js_setup="server.on('OCSPRequest', (cert, issuer, cb) => {"
                             " rec.issuerGiven = issuer !== null;"
                             " setTimeout(() => cb(null, OCSP), 20); });",
                    py_setup=lambda server, rec: server.on(
                        "OCSPRequest", lambda cert, issuer, cb: (
                            rec.update(issuerGiven=issuer is not None),
                            asyncio.get_running_loop().call_later(
                                0.02, cb, None, stapled_response())))),
        client=Side(f"{{{CA1_CLIENT_JS}, requestOCSP: true}}", ca1_client(requestOCSP=True),
                    js_setup="s.on('OCSPResponse', (r) => { rec.ocsp = r && r.toString('hex');"
                             " rec.beforeSecure = !rec.secure; });",
                    py_setup=lambda s, rec: s.on("OCSPResponse", lambda r: rec.update(
                        ocsp=hexa(r), beforeSecure=not rec.get("secure"))),
                    js_secure="rec.secure = true;",
                    py_secure=lambda s, rec: rec.update(secure=True)),
        expect_server={"issuerGiven": True},
        expect_client={"beforeSecure": True}),
    "psk-tls13": Scenario(
        server=Side("{pskCallback: (s, id) => id === 'matrix-client' ? PSK : null,"
                    " ciphers: 'PSK+HIGH:TLS_AES_128_GCM_SHA256'}",
                    lambda: {"pskCallback": _psk_server,
                             "ciphers": "PSK+HIGH:TLS_AES_128_GCM_SHA256"},
                    js_secure="rec.protocol = s.getProtocol(); rec.cipher = s.getCipher().name;",
                    py_secure=lambda s, rec: rec.update(protocol=s.getProtocol(),
                                                        cipher=s.getCipher()["name"])),
        client=Side("{pskCallback: (hint) => ({psk: PSK, identity: 'matrix-client'}),"
                    " ciphers: 'PSK+HIGH:TLS_AES_128_GCM_SHA256',"
                    " checkServerIdentity: () => undefined}",
                    lambda: {"pskCallback": lambda hint: {"psk": PSK_KEY,
                                                          "identity": "matrix-client"},
                             "ciphers": "PSK+HIGH:TLS_AES_128_GCM_SHA256",
                             "checkServerIdentity": lambda *a: None},
                    js_secure="rec.protocol = s.getProtocol(); rec.cipher = s.getCipher().name;",
                    py_secure=lambda s, rec: rec.update(protocol=s.getProtocol(),
                                                        cipher=s.getCipher()["name"])),
        expect_client={"protocol": "TLSv1.3", "cipher": "TLS_AES_128_GCM_SHA256"}),
    "psk-tls12-hint": Scenario(
        server=Side("{pskCallback: (s, id) => id === 'matrix-client' ? PSK : null,"
                    " pskIdentityHint: 'matrix-hint', ciphers: 'PSK+HIGH',"
                    " maxVersion: 'TLSv1.2'}",
                    lambda: {"pskCallback": _psk_server, "pskIdentityHint": "matrix-hint",
                             "ciphers": "PSK+HIGH", "maxVersion": "TLSv1.2"},
                    js_secure="rec.cipher = s.getCipher().name;",
                    py_secure=lambda s, rec: rec.update(cipher=s.getCipher()["name"])),
        client=Side("{pskCallback: (hint) => { rec.hint = hint;"
                    " return {psk: PSK, identity: 'matrix-client'}; },"
                    " ciphers: 'PSK+HIGH', maxVersion: 'TLSv1.2',"
                    " checkServerIdentity: () => undefined}",
                    lambda: {"pskCallback": None, "ciphers": "PSK+HIGH",
                             "maxVersion": "TLSv1.2", "checkServerIdentity": lambda *a: None},
                    js_secure="rec.cipher = s.getCipher().name;",
                    py_secure=lambda s, rec: rec.update(cipher=s.getCipher()["name"])),
        expect_client={"hint": "matrix-hint"}),
    "keying-material": Scenario(
        server=Side(f"{{{AGENT1_JS}}}", agent1(),
                    js_secure="rec.ekm = s.exportKeyingMaterial(32, 'EXPERIMENTAL-matrix',"
                              " Buffer.from('ctx')).toString('hex');",
                    py_secure=lambda s, rec: rec.update(ekm=s.exportKeyingMaterial(
                        32, "EXPERIMENTAL-matrix", b"ctx").hex())),
        client=Side(f"{{{CA1_CLIENT_JS}}}", ca1_client(),
                    js_secure="rec.ekm = s.exportKeyingMaterial(32, 'EXPERIMENTAL-matrix',"
                              " Buffer.from('ctx')).toString('hex');",
                    py_secure=lambda s, rec: rec.update(ekm=s.exportKeyingMaterial(
                        32, "EXPERIMENTAL-matrix", b"ctx").hex())),
        pairs=[("ekm", "ekm")]),
    "finished": Scenario(
        server=Side(f"{{{AGENT1_JS}, maxVersion: 'TLSv1.2'}}", agent1(maxVersion="TLSv1.2"),
                    js_secure="rec.mine = s.getFinished().toString('hex');"
                              " rec.peer = s.getPeerFinished().toString('hex');",
                    py_secure=lambda s, rec: rec.update(mine=s.getFinished().hex(),
                                                        peer=s.getPeerFinished().hex())),
        client=Side(f"{{{CA1_CLIENT_JS}}}", ca1_client(),
                    js_secure="rec.mine = s.getFinished().toString('hex');"
                              " rec.peer = s.getPeerFinished().toString('hex');",
                    py_secure=lambda s, rec: rec.update(mine=s.getFinished().hex(),
                                                        peer=s.getPeerFinished().hex())),
        pairs=[("mine", "peer"), ("peer", "mine")]),
    "keylog": Scenario(
        server=Side(f"{{{AGENT1_JS}, minVersion: 'TLSv1.3'}}", agent1(minVersion="TLSv1.3"),
                    js_setup="rec.lines = []; server.on('keylog', (l) =>"
                             " rec.lines.push(l.toString()));",
                    py_setup=lambda server, rec: (rec.update(lines=[]), server.on(
                        "keylog", lambda line, sock: rec["lines"].append(line.decode())))),
        client=Side(f"{{{CA1_CLIENT_JS}}}", ca1_client(),
                    js_setup="rec.lines = []; s.on('keylog', (l) => rec.lines.push(l.toString()));",
                    py_setup=lambda s, rec: (rec.update(lines=[]), s.on(
                        "keylog", lambda line: rec["lines"].append(line.decode())))),
        pairs=[("lines", "lines")]),
    "ephemeral-key-p384": Scenario(
        server=Side(f"{{{AGENT1_JS}, ecdhCurve: 'secp384r1', maxVersion: 'TLSv1.2'}}",
                    agent1(ecdhCurve="secp384r1", maxVersion="TLSv1.2"),
                    js_secure="rec.info = s.getEphemeralKeyInfo();",
                    py_secure=lambda s, rec: rec.update(info=s.getEphemeralKeyInfo())),
        client=Side(f"{{{CA1_CLIENT_JS}}}", ca1_client(),
                    js_secure="rec.info = s.getEphemeralKeyInfo();",
                    py_secure=lambda s, rec: rec.update(info=s.getEphemeralKeyInfo())),
        expect_server={"info": None},
        expect_client={"info": {"type": "ECDH", "name": "secp384r1", "size": 384}}),
    "shared-sigalgs": Scenario(
        server=Side(f"{{{AGENT1_JS}, sigalgs: 'RSA-PSS+SHA256:RSA-PSS+SHA384:ECDSA+SHA256'}}",
                    agent1(sigalgs="RSA-PSS+SHA256:RSA-PSS+SHA384:ECDSA+SHA256"),
                    js_secure="rec.shared = s.getSharedSigalgs();",
                    py_secure=lambda s, rec: rec.update(shared=s.getSharedSigalgs())),
        client=Side(f"{{{CA1_CLIENT_JS}, sigalgs: 'RSA-PSS+SHA384:RSA-PSS+SHA256'}}",
                    ca1_client(sigalgs="RSA-PSS+SHA384:RSA-PSS+SHA256"),
                    js_secure="rec.shared = s.getSharedSigalgs();",
                    py_secure=lambda s, rec: rec.update(shared=s.getSharedSigalgs()))),
    "max-send-fragment": Scenario(
        server=Side(f"{{{AGENT1_JS}}}", agent1(),
                    js_secure="rec.set = s.setMaxSendFragment(768);",
                    py_secure=lambda s, rec: rec.update(set=s.setMaxSendFragment(768))),
        client=Side(f"{{{CA1_CLIENT_JS}}}", ca1_client(),
                    js_talk="let n = 0, big = 0; s.on('data', (d) => { n += d.length;"
                            " big = Math.max(big, d.length); if (n >= 10000) {"
                            " rec.total = n; rec.within = big <= 768; s.end(); } });"
                            " s.write(Buffer.alloc(10000, 120));",
                    py_talk=None),
        expect_server={"set": True}, expect_client={"total": 10000, "within": True}),
    # The talk runs on every secureConnect, and a renegotiation emits it again (Node 20
    # does): the second renegotiation is still under way when the first callback ends the
    # socket, so the peer's answer arrives after our FIN and must be dropped, not crash.
    "renegotiation": Scenario(
        server=Side(f"{{{AGENT1_JS}, maxVersion: 'TLSv1.2'}}", agent1(maxVersion="TLSv1.2")),
        client=Side(f"{{{CA1_CLIENT_JS}}}", ca1_client(),
                    js_talk="rec.started = s.renegotiate({}, (err) => {"
                            " rec.renegotiated = err ? err.code : 'ok'; s.end(); });",
                    py_talk=None),
        expect_client={"started": True, "renegotiated": "ok"}),
}


def _py_big_talk(s: Any, rec: dict[str, Any]) -> None:
    got = {"n": 0, "big": 0}

    def on_data(chunk: bytes) -> None:
        got["n"] += len(chunk)
        got["big"] = max(got["big"], len(chunk))
        if got["n"] >= 10000 and "total" not in rec:
            rec.update(total=got["n"], within=got["big"] <= 768)
            s.end()

    s.on("data", on_data)
    s.write(b"x" * 10000)


def _py_renegotiate_talk(s: Any, rec: dict[str, Any]) -> None:
    def done(err: Any) -> None:
        rec["renegotiated"] = getattr(err, "code", str(err)) if err else "ok"
        s.end()

    rec["started"] = s.renegotiate({}, done)


def _py_hint_client() -> dict[str, Any]:
    rec_holder: dict[str, Any] = {}

    def psk(hint: str | None) -> dict[str, Any]:
        rec_holder["rec"]["hint"] = hint
        return {"psk": PSK_KEY, "identity": "matrix-client"}

    opts = {"pskCallback": psk, "ciphers": "PSK+HIGH", "maxVersion": "TLSv1.2",
            "checkServerIdentity": lambda *a: None, "_rec_holder": rec_holder}
    return opts


SCENARIOS["max-send-fragment"].client.py_talk = _py_big_talk
SCENARIOS["renegotiation"].client.py_talk = _py_renegotiate_talk
SCENARIOS["psk-tls12-hint"].client.py_options = _py_hint_client


# -- the Node side ----------------------------------------------------------------------------

NODE_HARNESS = r"""
const tls = require('tls'), fs = require('fs');
const K = (n) => fs.readFileSync(n);
const PSK = Buffer.from(process.env.MATRIX_PSK, 'hex');
const OCSP = Buffer.from(process.env.MATRIX_OCSP, 'hex');
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const rec = {};
const role = process.env.MATRIX_ROLE;
if (role === 'server') {
  const server = tls.createServer(/*OPTIONS*/);
  /*SETUP*/
  server.on('secureConnection', (s) => {
    /*SECURE*/
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end());
    s.on('error', (e) => { rec.socketError = e.code; });
    s.on('close', () => { out({obs: rec}); server.close(); });
  });
  server.on('tlsClientError', (e) => { out({obs: {...rec, tlsClientError: e.code}}); server.close(); });
  server.listen(0, '127.0.0.1', () => out({port: server.address().port}));
} else {
  const s = tls.connect({port: Number(process.env.MATRIX_PORT), host: '127.0.0.1',
                         .../*OPTIONS*/});
  /*SETUP*/
  s.on('secureConnect', () => {
    /*SECURE*/
    /*TALK*/
  });
  s.on('error', (e) => { rec.error = e.code; });
  s.on('close', () => out({obs: rec}));
}
"""

DEFAULT_JS_TALK = "s.write('ping'); s.once('data', () => s.end());"


def node_script(side: Side, role: str) -> str:
    return (NODE_HARNESS.replace("/*OPTIONS*/", side.js_options)
            .replace("/*SETUP*/", side.js_setup)
            .replace("/*SECURE*/", side.js_secure)
            .replace("/*TALK*/", side.js_talk or DEFAULT_JS_TALK))


async def node_end(side: Side, role: str, port: int | None = None) -> NodePeer:
    env = {"MATRIX_ROLE": role, "MATRIX_PSK": PSK_KEY.hex(),
           "MATRIX_OCSP": stapled_response().hex()}
    if port is not None:
        env["MATRIX_PORT"] = str(port)
    return await NodePeer.start(node_script(side, role), env)


# -- the nodessl side -------------------------------------------------------------------------

def _jsonable(rec: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(rec, default=hexa))


async def nodessl_server(side: Side) -> tuple[tls.Server, int, asyncio.Future[dict[str, Any]]]:
    rec: dict[str, Any] = {}
    done: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    server = tls.createServer(side.py_options())

    def finish(extra: dict[str, Any]) -> None:
        if not done.done():
            done.set_result(_jsonable({**rec, **extra}))
        server.close()

    def on_secure(s: tls.TLSSocket) -> None:
        if side.py_secure is not None:
            side.py_secure(s, rec)
        s.on("data", s.write)
        s.on("end", lambda: s.end())
        s.on("error", lambda e: rec.update(socketError=getattr(e, "code", str(e))))
        s.on("close", lambda *a: finish({}))

    if side.py_setup is not None:
        side.py_setup(server, rec)
    server.on("secureConnection", on_secure)
    server.on("tlsClientError", lambda e, s: finish({"tlsClientError": getattr(e, "code", str(e))}))
    port = await listening(server)
    return server, port, done


async def nodessl_client(side: Side, port: int) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    options = side.py_options()
    holder = options.pop("_rec_holder", None)
    if holder is not None:
        holder["rec"] = rec
    s = tls.connect({"port": port, "host": "127.0.0.1", **options})
    if side.py_setup is not None:
        side.py_setup(s, rec)

    def on_secure() -> None:
        if side.py_secure is not None:
            side.py_secure(s, rec)
        if side.py_talk is not None:
            side.py_talk(s, rec)
        else:
            s.write(b"ping")
            s.once("data", lambda chunk: s.end())

    s.on("secureConnect", on_secure)
    s.on("error", lambda e: rec.update(error=getattr(e, "code", str(e))))
    await once(s, "close")
    return _jsonable(rec)


# -- running a cell -----------------------------------------------------------------------------

async def cell(scenario: Scenario, server_impl: str, client_impl: str
               ) -> tuple[dict[str, Any], dict[str, Any]]:
    """One connection of ``scenario``: (server observations, client observations)."""
    if server_impl == "node":
        server_peer = await node_end(scenario.server, "server")
        port = (await server_peer.message())["port"]
        server_obs: asyncio.Future[Any] = asyncio.ensure_future(server_peer.message())
    else:
        _server, port, server_obs = await nodessl_server(scenario.server)
    if client_impl == "node":
        client_peer = await node_end(scenario.client, "client", port)
        client = (await client_peer.message())["obs"]
        await client_peer.close()
    else:
        client = await nodessl_client(scenario.client, port)
    server = await asyncio.wait_for(server_obs, 10)
    if server_impl == "node":
        server = server["obs"]
        await server_peer.close()
    return server, client


def check_expectations(scenario: Scenario, server: dict[str, Any], client: dict[str, Any]
                       ) -> None:
    if "ocsp" in scenario.expect_client or scenario is SCENARIOS.get("ocsp-stapling"):
        assert client.get("ocsp") == stapled_response().hex()
    for expected, got in ((scenario.expect_server, server), (scenario.expect_client, client)):
        for k, v in expected.items():
            assert got.get(k) == v, f"{k}={got.get(k)!r}, expected {v!r}: {got}"


def check_pairs(scenario: Scenario, server: dict[str, Any], client: dict[str, Any]) -> None:
    for skey, ckey in scenario.pairs:
        mine, theirs = server.get(skey), client.get(ckey)
        assert mine, f"server gave no {skey}: {server}"
        if isinstance(mine, list):  # keylog lines: the same secrets, in each side's order
            mine, theirs = sorted(mine), sorted(theirs or [])
        assert mine == theirs, f"server {skey} != client {ckey}: {server} / {client}"


def without_pairs(obs: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {k: v for k, v in obs.items() if k not in keys}


_BASELINES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}


def baseline(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Node against Node: what the scenario observes in Node itself (once per scenario)."""
    if name not in _BASELINES:
        scenario = SCENARIOS[name]
        server, client = run_loop(lambda: cell(scenario, "node", "node"))
        check_expectations(scenario, server, client)  # Node itself does what we expect
        check_pairs(scenario, server, client)
        _BASELINES[name] = (server, client)
    return _BASELINES[name]


@pytest.mark.parametrize("direction", ["nodessl-server/node-client", "node-server/nodessl-client"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_matrix_against_node(name: str, direction: str) -> None:
    scenario = SCENARIOS[name]
    node_server, node_client = baseline(name)
    server_impl, client_impl = (("nodessl", "node") if direction.startswith("nodessl")
                                else ("node", "nodessl"))
    server, client = run_loop(lambda: cell(scenario, server_impl, client_impl))
    check_expectations(scenario, server, client)
    check_pairs(scenario, server, client)
    server_pairs = {s for s, _ in scenario.pairs}
    client_pairs = {c for _, c in scenario.pairs}
    assert without_pairs(server, server_pairs) == without_pairs(node_server, server_pairs)
    assert without_pairs(client, client_pairs) == without_pairs(node_client, client_pairs)


def test_matrix_covers_every_feature_of_the_issue() -> None:
    # The features the matrix must carry; a scenario dropped by mistake fails here.
    assert set(SCENARIOS) >= {
        "basics-tls13", "basics-tls12", "client-certificate", "alpn", "sni-addContext",
        "ocsp-stapling", "psk-tls13", "psk-tls12-hint", "keying-material", "finished", "keylog",
        "ephemeral-key-p384", "shared-sigalgs", "max-send-fragment", "renegotiation"}
    assert KEYS.exists()

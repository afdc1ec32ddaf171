"""Node 20's defaults on the OpenSSL under pyOpenSSL (issue 9, section 2), on the wire against
Node 20 in both directions: DHE only with ``dhparam``, security level 1 unless ``ciphers`` says
``@SECLEVEL=n``, Node 20's alert names, X25519 (not a post-quantum hybrid) by default, and a
clear error for a stapled OCSP response that is not one."""

from __future__ import annotations

import asyncio
import datetime
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, key, listening, once, run_loop
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

import nodessl as tls
from nodessl.context import SecurityWarning

AGENT2 = {"key": key("agent2-key.pem"), "cert": key("agent2-cert.pem")}
DHE = "DHE-RSA-AES128-GCM-SHA256"
ECDHE = "ECDHE-RSA-AES128-GCM-SHA256"
PSK_HEX = "d731ef57be09e5204f0b205b60627028"

# Node scripts take their options as JSON; strings ending in .pem are files to read.
NODE_CLIENT = NODE_PRELUDE + r"""
const o = JSON.parse(process.argv[1]);
if (o.psk) { const psk = Buffer.from(o.psk, 'hex'), identity = o.identity;
  o.pskCallback = () => ({psk, identity}); o.checkServerIdentity = () => undefined;
  delete o.psk; delete o.identity; }
const c = tls.connect({host: '127.0.0.1', rejectUnauthorized: false, ...o}, () => {
  out({cipher: c.getCipher().name, protocol: c.getProtocol(),
       ephemeral: c.getEphemeralKeyInfo()}); c.end(); });
c.on('OCSPResponse', (r) => out({ocsp: r ? r.toString('hex') : null}));
c.on('error', (e) => out({error: e.code}));
c.resume();
"""

NODE_SERVER = NODE_PRELUDE + r"""
const o = JSON.parse(process.argv[1]);
for (const k of ['key', 'cert', 'dhparam', 'ca'])
  if (typeof o[k] === 'string' && o[k].endsWith('.pem')) o[k] = fs.readFileSync(o[k]);
if (o.psk) { const psk = Buffer.from(o.psk, 'hex');
  o.pskCallback = () => psk; delete o.psk; }
const staple = o.staple; delete o.staple;
const s = tls.createServer(o, (c) => c.end('hi'));
if (staple !== undefined)
  s.on('OCSPRequest', (cert, issuer, cb) => cb(null, Buffer.from(staple, 'hex')));
s.on('tlsClientError', (e) => out({serverError: e.code}));
s.listen(0, '127.0.0.1', () => out({port: s.address().port}));
"""


async def node_client(port: int, **opts: Any) -> list[dict[str, Any]]:
    """What a Node 20 client reports: its messages up to the handshake result."""
    node = await NodePeer.start(NODE_CLIENT.replace("process.argv[1]",
                                                    repr(json.dumps({"port": port, **opts}))))
    got = [await node.message()]
    while "ocsp" in got[-1]:
        got.append(await node.message())
    await node.close()
    return got


async def node_server(**opts: Any) -> tuple[NodePeer, int]:
    node = await NodePeer.start(NODE_SERVER.replace("process.argv[1]", repr(json.dumps(opts))))
    return node, (await node.message())["port"]


async def nodessl_client(port: int, **opts: Any) -> dict[str, Any]:
    """The same report from a nodessl client."""
    client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False, **opts})
    result = once(client, "secureConnect")
    errored = once(client, "error")
    done = await _first(result, errored)
    if done is errored:
        err = errored.result()
        client.destroy()
        return {"error": err.code, "message": str(err)}
    info = {"cipher": client.getCipher()["name"], "protocol": client.getProtocol(),
            "ephemeral": client.getEphemeralKeyInfo()}
    client.end()
    return info


async def _first(*futures: Any) -> Any:
    done, pending = await asyncio.wait(futures, return_when=asyncio.FIRST_COMPLETED)
    for fut in pending:
        fut.cancel()
    return done.pop()


def nodessl_server(**opts: Any) -> tuple[tls.Server, list[str]]:
    errors: list[str] = []
    server = tls.createServer({**AGENT2, **opts}, lambda s: s.end(b"hi"))
    server.on("tlsClientError", lambda e, _s: errors.append(e.code))
    return server, errors


# -- DHE only with dhparam -----------------------------------------------------------------

def test_dhe_only_with_dhparam_node_client() -> None:
    """A Node 20 client offering DHE first gets ECDHE from a server without dhparam and DHE
    over the server's own group with one, as from a Node 20 server."""
    async def main() -> None:
        plain, _ = nodessl_server(maxVersion="TLSv1.2")
        with_dh, _ = nodessl_server(maxVersion="TLSv1.2", dhparam=key("dh2048.pem"))
        both = f"{DHE}:{ECDHE}"
        plain_port, dh_port = await listening(plain), await listening(with_dh)
        (got,) = await node_client(plain_port, ciphers=both)
        assert got["cipher"] == ECDHE
        assert got["ephemeral"] == {"type": "ECDH", "name": "X25519", "size": 253}
        # With dhparam, Node 20's server (checked) still prefers ECDHE; DHE when asked alone.
        (got,) = await node_client(dh_port, ciphers=both)
        assert got["cipher"] == ECDHE
        # (A Node 20 client offering X25519 first gets no DHE from the OpenSSL 4 server: left
        # open, see the report; with P-256 it does.)
        (got,) = await node_client(dh_port, ciphers=DHE, ecdhCurve="P-256")
        assert got["cipher"] == DHE and got["ephemeral"] == {"type": "DH", "size": 2048}
        (got,) = await node_client(plain_port, ciphers=DHE)
        assert got == {"error": "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"}
        plain.close()
        with_dh.close()

    run_loop(main)


def test_dhe_only_with_dhparam_nodessl_client() -> None:
    """A nodessl client (OpenSSL 4 would offer ffdhe groups) against Node 20 and nodessl
    servers without dhparam: ECDHE from both, as between Node 20 peers."""
    async def main() -> None:
        node, port = await node_server(key="agent2-key.pem", cert="agent2-cert.pem",
                                       maxVersion="TLSv1.2")
        theirs = await nodessl_client(port, ciphers=f"{DHE}:{ECDHE}")
        await node.close()
        server, _ = nodessl_server(maxVersion="TLSv1.2")
        ours = await nodessl_client(await listening(server), ciphers=f"{DHE}:{ECDHE}")
        server.close()
        assert theirs == ours == {"cipher": ECDHE, "protocol": "TLSv1.2", "ephemeral": {
            "type": "ECDH", "name": "X25519", "size": 253}}

    run_loop(main)


# -- security level 1 ------------------------------------------------------------------------

def test_dhparam_1024_both_ways() -> None:
    """Level 1 as in Node 20: a 1024-bit dhparam is served and accepted; minDHSize decides."""
    async def main() -> None:
        with pytest.warns(SecurityWarning):
            server, errors = nodessl_server(maxVersion="TLSv1.2", dhparam=key("dh1024.pem"),
                                            ciphers=DHE)
        port = await listening(server)
        (got,) = await node_client(port, ecdhCurve="P-256")
        assert got.get("cipher") == DHE, (got, errors)
        assert got["ephemeral"] == {"type": "DH", "size": 1024}
        (got,) = await node_client(port, minDHSize=2048, ecdhCurve="P-256")
        assert got == {"error": "ERR_TLS_DH_PARAM_SIZE"}
        server.close()

        node, port = await node_server(key="agent2-key.pem", cert="agent2-cert.pem",
                                       maxVersion="TLSv1.2", dhparam="dh1024.pem", ciphers=DHE)
        ours = await nodessl_client(port)
        assert ours["cipher"] == DHE and ours["ephemeral"] == {"type": "DH", "size": 1024}
        assert (await nodessl_client(port, minDHSize=2048))["error"] == "ERR_TLS_DH_PARAM_SIZE"
        # `@SECLEVEL=2` in ciphers raises the level, as in Node: the client refuses the group.
        raised = await nodessl_client(port, ciphers=f"{DHE}:@SECLEVEL=2")
        assert raised["error"] == "ERR_SSL_DH_KEY_TOO_SMALL"
        await node.close()

    run_loop(main)


def _rsa1024(tmp_path: Path) -> dict[str, bytes]:
    pkey = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rsa1024")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(pkey.public_key()).serial_number(1024)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(pkey, hashes.SHA256()))
    pem = {"key": pkey.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.TraditionalOpenSSL,
                                     serialization.NoEncryption()),
           "cert": cert.public_bytes(serialization.Encoding.PEM)}
    for name_, data in pem.items():
        (tmp_path / f"rsa1024-{name_}.pem").write_bytes(data)
    return pem


def test_rsa_1024_certificate_both_ways(tmp_path: Path) -> None:
    async def main() -> None:
        pem = _rsa1024(tmp_path)
        server = tls.createServer(pem, lambda s: s.end(b"hi"))
        (got,) = await node_client(await listening(server))
        assert got["protocol"] == "TLSv1.3"
        server.close()
        node, port = await node_server(key=str(tmp_path / "rsa1024-key.pem"),
                                       cert=str(tmp_path / "rsa1024-cert.pem"))
        assert (await nodessl_client(port))["protocol"] == "TLSv1.3"
        await node.close()
        # Level 2 on request refuses the key, as Node 20 does.
        with pytest.raises(tls.NodeError) as info:
            tls.createSecureContext({**pem, "ciphers": "DEFAULT:@SECLEVEL=2"})
        assert info.value.code == "ERR_SSL_EE_KEY_TOO_SMALL"

    run_loop(main)


# -- alert names ----------------------------------------------------------------------------

def test_handshake_failure_alert_has_node20_name_both_ways() -> None:
    async def main() -> None:
        strict = {"requestCert": True, "rejectUnauthorized": True, "ca": key("ca1-cert.pem"),
                  "maxVersion": "TLSv1.2"}
        server, _ = nodessl_server(**strict)
        (theirs,) = await node_client(await listening(server))
        server.close()
        node, port = await node_server(key="agent2-key.pem", cert="agent2-cert.pem",
                                       requestCert=True, rejectUnauthorized=True,
                                       ca="ca1-cert.pem", maxVersion="TLSv1.2")
        ours = await nodessl_client(port)
        await node.close()
        assert theirs == {"error": "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"}
        assert ours["error"] == "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"
        assert "sslv3 alert handshake failure" in ours["message"]

    run_loop(main)


def test_wrong_tls13_psk_draws_illegal_parameter_both_ways() -> None:
    """Node 20's server answers a binder that does not verify with illegal_parameter; the
    nodessl server sends the same alert (OpenSSL 4 would send decrypt_error)."""
    async def main() -> None:
        wrong = "00" * 16
        server = tls.createServer({"ciphers": "PSK+HIGH:TLS_AES_128_GCM_SHA256",
                                   "pskCallback": lambda _s, _i: bytes.fromhex(PSK_HEX)},
                                  lambda s: s.end())
        errors: list[str] = []
        server.on("tlsClientError", lambda e, _s: errors.append(e.code))
        (theirs,) = await node_client(await listening(server), psk=wrong, identity="u",
                                      ciphers="TLS_AES_128_GCM_SHA256")
        server.close()
        node, port = await node_server(psk=PSK_HEX, ciphers="PSK+HIGH:TLS_AES_128_GCM_SHA256")
        ours = await nodessl_client(port, ciphers="TLS_AES_128_GCM_SHA256",
                                    checkServerIdentity=lambda *a: None,
                                    pskCallback=lambda _h: {"psk": bytes(16), "identity": "u"})
        node_side = await node.message()
        await node.close()
        assert theirs == {"error": "ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER"}
        assert errors == ["ERR_SSL_BINDER_DOES_NOT_VERIFY"]
        assert ours["error"] == "ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER"
        assert node_side == {"serverError": "ERR_SSL_BINDER_DOES_NOT_VERIFY"}

    run_loop(main)


# -- key exchange groups ---------------------------------------------------------------------

def test_default_group_is_x25519_both_ways() -> None:
    async def main() -> None:
        server, _ = nodessl_server()
        port = await listening(server)
        (theirs,) = await node_client(port)
        ours = await nodessl_client(port)
        server.close()
        node, port = await node_server(key="agent2-key.pem", cert="agent2-cert.pem")
        against_node = await nodessl_client(port)
        await node.close()
        x25519 = {"type": "ECDH", "name": "X25519", "size": 253}
        assert theirs["ephemeral"] == ours["ephemeral"] == against_node["ephemeral"] == x25519

    run_loop(main)


def test_hybrid_group_reports_what_node_does() -> None:
    """Asked for explicitly, X25519MLKEM768 works between nodessl peers; a KEM share leaves
    the client no peer key, and Node reports {} for that, never made-up fields."""
    if tls.backend.openssl_version_number < 0x30500000:
        # No ML-KEM in this OpenSSL: the name is refused, as Node 20 (OpenSSL 3.0) does.
        with pytest.raises(tls.NodeError, match="Failed to set ECDH curve") as info:
            nodessl_server(ecdhCurve="X25519MLKEM768")
        assert info.value.code == "ERR_CRYPTO_OPERATION_FAILED"
        return

    async def main() -> None:
        server, _ = nodessl_server(ecdhCurve="X25519MLKEM768")
        port = await listening(server)
        ours = await nodessl_client(port, ecdhCurve="X25519MLKEM768")
        # A Node 20 client has no such group: no common group, a handshake failure.
        (theirs,) = await node_client(port)
        server.close()
        assert ours["protocol"] == "TLSv1.3" and ours["ephemeral"] == {}
        assert theirs == {"error": "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"}

    run_loop(main)


# -- OCSP staples that are not OCSP responses ------------------------------------------------

def test_junk_staple_from_node_server_names_the_cause() -> None:
    if tls.backend.openssl_version_number < 0x40000000:
        # OpenSSL 3 does not parse the staple: the bytes reach OCSPResponse, as in Node 20.
        async def main_3() -> None:
            node, port = await node_server(key="agent2-key.pem", cert="agent2-cert.pem",
                                           staple=b"hello world".hex())
            client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                     "requestOCSP": True})
            stapled: list[Any] = []
            client.on("OCSPResponse", stapled.append)
            await once(client, "secureConnect")
            client.end()
            await node.close()
            assert stapled == [b"hello world"]

        run_loop(main_3)
        return

    async def main() -> None:
        node, port = await node_server(key="agent2-key.pem", cert="agent2-cert.pem",
                                       staple=b"hello world".hex())
        got = await nodessl_client(port, requestOCSP=True)
        node_side = await node.message()
        await node.close()
        assert got["error"] == "ERR_SSL_TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE"
        assert "not a DER-encoded OCSPResponse" in got["message"]
        assert "Node 20 passes the bytes" in got["message"]
        assert node_side == {"serverError": "ERR_SSL_TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE"}

    run_loop(main)


def test_junk_staple_from_nodessl_server_is_not_sent() -> None:
    """The nodessl server keeps OpenSSL 4's check: a Node 20 client gets no staple (null)
    rather than a failed handshake, and the server says why.  On OpenSSL 3 the bytes go out
    as a Node 20 server sends them."""
    if tls.backend.openssl_version_number < 0x40000000:
        async def main_3() -> None:
            server, _ = nodessl_server()
            server.on("OCSPRequest", lambda _c, _i, cb: cb(None, b"hello world"))
            port = await listening(server)
            with warnings.catch_warnings():
                warnings.simplefilter("error", SecurityWarning)
                got = await node_client(port, requestOCSP=True)
            server.close()
            assert got[0] == {"ocsp": b"hello world".hex()}
            assert got[1]["protocol"] == "TLSv1.3"

        run_loop(main_3)
        return

    async def main() -> None:
        server, _ = nodessl_server()
        server.on("OCSPRequest", lambda _c, _i, cb: cb(None, b"hello world"))
        port = await listening(server)
        with pytest.warns(SecurityWarning, match="not a DER-encoded OCSPResponse"):
            got = await node_client(port, requestOCSP=True)
        server.close()
        assert got[0] == {"ocsp": None}
        assert got[1]["protocol"] == "TLSv1.3"

    run_loop(main)

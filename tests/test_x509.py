"""nodessl.X509Certificate against Node 20's crypto.X509Certificate on the same fixture files:
every property and method result compared with what ``node`` prints, and the certificates a
TLS connection hands out (real sockets on 127.0.0.1)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from conftest import KEYS, key, listening, once, run_loop, run_node
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import nodessl as tls
from nodessl import X509Certificate

FILES = [
    "agent1-cert.pem", "ca1-cert.pem", "agent6-cert.pem", "ec-cert.pem", "0-dns-cert.pem",
    "rsa_pss_cert_2048.pem", "name-constraints-dns-san-cert.pem",
    "name-constraints-email-san-cert.pem", "irrelevant_san_correct_subject-cert.pem",
    "incorrect_san_correct_subject-cert.pem", "agent10-cert.pem", "ca3-cert.pem",
]
HOSTS = ["agent1", "AGENT1", "agent2", "evil.com", "google.com", "www.example.com",
         "WWW.Example.com", "example.com", "good.example.com", "x.good.example.com",
         ".example.com", "outside.invalid", "localhost", "agent10.example.com"]
EMAILS = ["ry@tinyclouds.org", "RY@tinyclouds.org", "ry@TINYclouds.org",
          "subject@example.com", "san@example.com", "adam.lippai@tresorit.com"]
IPS = ["127.0.0.1", "1.2.3.4", "::1", "1.2.3.5"]
HOST_OPTIONS: list[dict[str, Any]] = [
    {}, {"subject": "always"}, {"subject": "never"}, {"wildcards": False},
    {"partialWildcards": False}, {"multiLabelWildcards": True},
    {"singleLabelSubdomains": True},
]
# (certificate, issuer) pairs for checkIssued / verify
PAIRS = [("agent1-cert.pem", "ca1-cert.pem"), ("ca1-cert.pem", "agent1-cert.pem"),
         ("ca1-cert.pem", "ca1-cert.pem"), ("ca3-cert.pem", "ca1-cert.pem"),
         ("agent6-cert.pem", "ca3-cert.pem"), ("agent6-cert.pem", "ca1-cert.pem"),
         ("ec-cert.pem", "ec-cert.pem"), ("rsa_pss_cert_2048.pem", "rsa_pss_cert_2048.pem")]
KEY_PAIRS = [("agent1-cert.pem", "agent1-key.pem"), ("agent1-cert.pem", "agent2-key.pem"),
             ("ec-cert.pem", "ec-key.pem"), ("ca1-cert.pem", "ca1-key.pem")]

NODE_SCRIPT = r"""
const {X509Certificate, createPrivateKey} = require('crypto');
const fs = require('fs');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const load = (f) => new X509Certificate(fs.readFileSync(input.dir + '/' + f));
const u = (v) => v === undefined ? null : v;
const out = {certs: {}, pairs: [], keys: []};
for (const f of input.files) {
  const x = load(f);
  const legacy = x.toLegacyObject();
  for (const k of Object.keys(legacy))
    if (Buffer.isBuffer(legacy[k])) legacy[k] = 'b64:' + legacy[k].toString('base64');
  out.certs[f] = {
    subject: x.subject, issuer: x.issuer, subjectAltName: u(x.subjectAltName),
    infoAccess: u(x.infoAccess), validFrom: x.validFrom, validTo: x.validTo,
    fingerprint: x.fingerprint, fingerprint256: x.fingerprint256,
    fingerprint512: x.fingerprint512, keyUsage: u(x.keyUsage), serialNumber: x.serialNumber,
    raw: x.raw.toString('base64'), ca: x.ca, toString: x.toString(), toJSON: x.toJSON(),
    publicKey: x.publicKey.export({type: 'spki', format: 'der'}).toString('base64'),
    legacy,
    hosts: input.options.map((o) => input.hosts.map((h) => u(x.checkHost(h, o)))),
    emails: input.options.map((o) => input.emails.map((e) => u(x.checkEmail(e, o)))),
    ips: input.ips.map((ip) => u(x.checkIP(ip))),
  };
}
for (const [a, b] of input.pairs) {
  const x = load(a), y = load(b);
  out.pairs.push([x.checkIssued(y), x.verify(y.publicKey)]);
}
for (const [c, k] of input.keys)
  out.keys.push(load(c).checkPrivateKey(
    createPrivateKey({key: fs.readFileSync(input.dir + '/' + k), passphrase: 'password'})));
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node_view() -> dict[str, Any]:
    return run_node(NODE_SCRIPT, {"dir": str(KEYS), "files": FILES, "hosts": HOSTS,
                                  "emails": EMAILS, "ips": IPS, "options": HOST_OPTIONS,
                                  "pairs": PAIRS, "keys": KEY_PAIRS})


def _load(name: str) -> X509Certificate:
    return X509Certificate(key(name))


def _jsonable_legacy(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: ("b64:" + base64.b64encode(v).decode()) if isinstance(v, bytes) else v
            for k, v in obj.items()}


@pytest.mark.parametrize("name", FILES)
def test_properties_match_node(node_view: dict[str, Any], name: str) -> None:
    want = node_view["certs"][name]
    x = _load(name)
    spki = x.publicKey.public_bytes(serialization.Encoding.DER,
                                    serialization.PublicFormat.SubjectPublicKeyInfo)
    got = {
        "subject": x.subject, "issuer": x.issuer, "subjectAltName": x.subjectAltName,
        "infoAccess": x.infoAccess, "validFrom": x.validFrom, "validTo": x.validTo,
        "fingerprint": x.fingerprint, "fingerprint256": x.fingerprint256,
        "fingerprint512": x.fingerprint512, "keyUsage": x.keyUsage,
        "serialNumber": x.serialNumber, "raw": base64.b64encode(x.raw).decode(), "ca": x.ca,
        "toString": x.toString(), "toJSON": x.toJSON(),
        "legacy": _jsonable_legacy(x.toLegacyObject()),
        "hosts": [[x.checkHost(h, o) for h in HOSTS] for o in HOST_OPTIONS],
        "emails": [[x.checkEmail(e, o) for e in EMAILS] for o in HOST_OPTIONS],
        "ips": [x.checkIP(ip) for ip in IPS],
    }
    node_spki = base64.b64decode(want.pop("publicKey"))
    for prop, value in want.items():
        assert got[prop] == value, f"{name}: {prop}"
    if isinstance(x.publicKey, rsa.RSAPublicKey):
        # cryptography has no RSA-PSS key type (an id-RSASSA-PSS key comes back as plain
        # RSA), so the key material is compared: the RSAPublicKey inside Node's SPKI
        pkcs1 = x.publicKey.public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.PKCS1)
        assert node_spki.endswith(pkcs1)
    else:
        assert spki == node_spki
    assert x.issuerCertificate is None


def test_issued_verify_and_private_keys_match_node(node_view: dict[str, Any]) -> None:
    got = [[_load(a).checkIssued(_load(b)), _load(a).verify(_load(b).publicKey)]
           for a, b in PAIRS]
    assert got == node_view["pairs"]
    keys = [_load(c).checkPrivateKey(serialization.load_pem_private_key(
        key(k), b"password" if k.startswith("ca1") else None)) for c, k in KEY_PAIRS]
    assert keys == node_view["keys"]


def test_constructor_and_argument_errors() -> None:
    pem = key("agent1-cert.pem")
    der = _load("agent1-cert.pem").raw
    assert X509Certificate(der).raw == X509Certificate(pem.decode()).raw == der
    with pytest.raises(TypeError) as info:
        X509Certificate(1)
    assert info.value.code == "ERR_INVALID_ARG_TYPE"
    assert info.value.message == (
        'The "buffer" argument must be a str or bytes-like (bytes, bytearray, memoryview). '
        "Received type int (1)")
    with pytest.raises(tls.NodeError) as err:
        X509Certificate(b"garbage")
    assert err.value.code == "ERR_OSSL_PEM_NO_START_LINE"
    x = _load("agent1-cert.pem")
    for call, code in ((lambda: x.checkHost(1), "ERR_INVALID_ARG_TYPE"),
                       (lambda: x.checkIP("nope"), "ERR_INVALID_ARG_VALUE"),
                       (lambda: x.checkIssued(1), "ERR_INVALID_ARG_TYPE"),
                       (lambda: x.verify(1), "ERR_INVALID_ARG_TYPE"),
                       (lambda: x.checkHost("a", {"subject": "bogus"}), "ERR_INVALID_ARG_VALUE"),
                       (lambda: x.checkHost("a", {"wildcards": 1}), "ERR_INVALID_ARG_TYPE")):
        with pytest.raises(tls.NodeError) as e:
            call()
        assert e.value.code == code
    private = serialization.load_pem_private_key(key("agent1-key.pem"), None)
    with pytest.raises(ValueError) as bad:
        x.verify(private)
    assert bad.value.code == "ERR_INVALID_ARG_VALUE"
    with pytest.raises(ValueError):
        x.checkPrivateKey(private.public_key())


def test_socket_certificates_are_x509_with_the_peer_chain() -> None:
    # agent6-cert.pem holds agent6 and ca3; the server adds ca1 after them: the client's
    # peer certificate links agent6 -> ca3 -> ca1, in the order the server sent them
    chain = key("agent6-cert.pem") + key("ca1-cert.pem")

    async def main() -> None:
        seen: dict[str, Any] = {}

        def on_secure(s: tls.TLSSocket) -> None:
            seen["own"] = s.getX509Certificate()
            seen["peer"] = s.getPeerX509Certificate()
            s.end()

        server = tls.createServer({"key": key("agent6-key.pem"), "cert": chain}, on_secure)
        port = await listening(server)
        client = tls.connect({"port": port, "host": "127.0.0.1", "rejectUnauthorized": False})
        assert client.getPeerX509Certificate() is None  # before the handshake
        await once(client, "secureConnect")
        peer = client.getPeerX509Certificate()
        names = []
        node = peer
        while node is not None:
            names.append(node.subject.split("\n")[-2] if "emailAddress" in node.subject
                         else node.subject)
            node = node.issuerCertificate
        assert names == ["CN=Ádám Lippai", "CN=ca3", "CN=ca1"]
        assert peer.issuerCertificate.checkIssued(peer.issuerCertificate.issuerCertificate)
        assert peer.verify(peer.issuerCertificate.publicKey)
        assert client.getX509Certificate() is None  # the client has no certificate
        client.on("data", lambda d: None)
        await once(client, "end")
        assert seen["own"].raw == peer.raw
        assert seen["peer"] is None  # the client sent none
        server.close()

    run_loop(main)

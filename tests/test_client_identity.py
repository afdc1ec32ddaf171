"""tls.connect's host-name check after a verified handshake.

Node's own ``checkServerIdentity`` is decided on the two members it reads of the
certificate object (``subject``, ``subjectaltname``: ``certificate.identity_fields``, read
straight from the DER); the error it returns, and any check of the caller's, still carry
the whole object (issuer chain, fingerprints, raw).  Real connections on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import key, listening, once, run_loop
from cryptography import x509
from cryptography.hazmat.primitives import serialization

import nodessl as tls
from nodessl.certificate import certificate_object, identity_fields
from nodessl.compat import load_pem_x509_certificates
from nodessl.errors import NodeError

KEYS = Path(__file__).resolve().parent.parent / "fixtures" / "keys"


def _fixture_certs() -> list[tuple[str, x509.Certificate]]:
    found = []
    for path in sorted(KEYS.glob("*.pem")):
        data = path.read_bytes()
        if b"BEGIN CERTIFICATE" not in data:
            continue
        try:
            certs = load_pem_x509_certificates(data)
        except ValueError:
            continue
        found.extend((f"{path.name}#{i}", cert) for i, cert in enumerate(certs))
    return found


def test_identity_fields_are_the_certificate_objects_members() -> None:
    # every certificate among Node's fixtures (SANs of every kind, odd subjects included)
    certs = _fixture_certs()
    assert len(certs) > 30
    with_san = 0
    for name, cert in certs:
        der = cert.public_bytes(serialization.Encoding.DER)
        full = certificate_object(cert)
        expected = {k: full[k] for k in ("subject", "subjectaltname") if k in full}
        assert identity_fields(der) == expected, name
        with_san += "subjectaltname" in expected
    assert with_san >= 5


def _server() -> Any:
    # agent1: CN agent1, no subjectAltName, issued by ca1
    return tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")},
                            lambda s: s.end())


def _agent1_der() -> bytes:
    return x509.load_pem_x509_certificate(key("agent1-cert.pem")).public_bytes(
        serialization.Encoding.DER)


def test_matching_name_is_authorized() -> None:
    async def main() -> None:
        server = _server()
        port = await listening(server)
        client = tls.connect({"port": port, "host": "127.0.0.1", "servername": "agent1",
                              "ca": key("ca1-cert.pem")})
        await once(client, "secureConnect")
        assert client.authorized is True
        assert client.authorizationError is None
        client.destroy()
        server.close()

    run_loop(main)


def test_mismatch_error_carries_the_whole_certificate() -> None:
    async def main() -> None:
        server = _server()
        port = await listening(server)
        client = tls.connect({"port": port, "host": "127.0.0.1", "servername": "agent3",
                              "ca": key("ca1-cert.pem")})
        err = await once(client, "error")
        assert err.code == "ERR_TLS_CERT_ALTNAME_INVALID"
        assert err.reason == "Host: agent3. is not cert's CN: agent1"
        assert err.host == "agent3"
        cert = err.cert
        assert cert["subject"]["CN"] == "agent1"
        assert cert["raw"] == _agent1_der()
        assert len(cert["fingerprint256"]) == 95
        assert cert["issuerCertificate"]["subject"]["CN"] == "ca1"
        server.close()

    run_loop(main)


def test_each_connect_judges_its_own_name() -> None:
    # the same certificate again and again (the decision is remembered per certificate
    # and name): each name still gets its own answer
    async def main() -> None:
        server = _server()
        port = await listening(server)
        outcomes = []
        for name in ("agent1", "agent3", "agent1", "AGENT1.", "agent3"):
            client = tls.connect({"port": port, "host": "127.0.0.1", "servername": name,
                                  "ca": key("ca1-cert.pem"), "rejectUnauthorized": False})
            await once(client, "secureConnect")
            outcomes.append((client.authorized, client.authorizationError))
            client.destroy()
        server.close()
        bad = (False, "ERR_TLS_CERT_ALTNAME_INVALID")
        assert outcomes == [(True, None), bad, (True, None), (True, None), bad]

    run_loop(main)


def test_mismatch_without_rejecting_connects_unauthorized() -> None:
    async def main() -> None:
        server = _server()
        port = await listening(server)
        client = tls.connect({"port": port, "host": "127.0.0.1", "servername": "agent3",
                              "ca": key("ca1-cert.pem"), "rejectUnauthorized": False})
        await once(client, "secureConnect")
        assert client.authorized is False
        assert client.authorizationError == "ERR_TLS_CERT_ALTNAME_INVALID"
        client.destroy()
        server.close()

    run_loop(main)


@pytest.mark.parametrize("how", ["option", "module"])
def test_callers_check_gets_the_detailed_certificate(how: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, Any]] = []

    def check(host: str, cert: Any) -> None:
        seen.append((host, cert))

    opts: dict[str, Any] = {"servername": "agent1", "ca": key("ca1-cert.pem")}
    if how == "option":
        opts["checkServerIdentity"] = check
    else:
        monkeypatch.setattr(tls, "checkServerIdentity", check)  # Node reads tls.<name>

    async def main() -> None:
        server = _server()
        port = await listening(server)
        client = tls.connect({"port": port, "host": "127.0.0.1", **opts})
        await once(client, "secureConnect")
        assert client.authorized is True
        client.destroy()
        server.close()

    run_loop(main)
    assert len(seen) == 1
    host, cert = seen[0]
    assert host == "agent1"
    assert cert["raw"] == _agent1_der()
    assert cert["issuerCertificate"]["subject"]["CN"] == "ca1"
    assert "fingerprint512" in cert


def test_callers_error_rejects() -> None:
    def check(host: str, cert: Any) -> Any:
        return NodeError("not this one", "ERR_MINE")

    async def main() -> None:
        server = _server()
        port = await listening(server)
        client = tls.connect({"port": port, "host": "127.0.0.1", "servername": "agent1",
                              "ca": key("ca1-cert.pem"), "checkServerIdentity": check})
        err = await once(client, "error")
        assert err.code == "ERR_MINE"
        server.close()

    run_loop(main)


def _tlv(tag: int, content: bytes) -> bytes:
    assert len(content) < 128
    return bytes([tag, len(content)]) + content


_CN = _tlv(0x06, bytes.fromhex("550403"))
_O = _tlv(0x06, bytes.fromhex("55040a"))


def _atv(oid: bytes, tag: int, value: bytes) -> bytes:
    return _tlv(0x30, oid + _tlv(tag, value))


@pytest.mark.parametrize("name", [
    # plain, repeated keys, a multi-valued RDN
    _tlv(0x31, _atv(_CN, 0x0C, b"a.example")) + _tlv(0x31, _atv(_O, 0x13, b"Org")),
    _tlv(0x31, _atv(_CN, 0x0C, b"a")) + _tlv(0x31, _atv(_CN, 0x0C, b"b"))
    + _tlv(0x31, _atv(_CN, 0x0C, b"c")),
    _tlv(0x31, _atv(_CN, 0x0C, b"a") + _atv(_O, 0x0C, b"b")),
    # an undecodable value (BMPString of odd length, bad UTF-8): the whole name is None...
    _tlv(0x31, _atv(_CN, 0x1E, b"\x00a\x00")) + _tlv(0x31, _atv(_O, 0x0C, b"x")),
    _tlv(0x31, _atv(_CN, 0x0C, b"\xff")),
    # ... unless a later attribute is malformed: then both raise
    _tlv(0x31, _atv(_CN, 0x0C, b"\xff")) + _tlv(0x30, b""),
    _tlv(0x31, _atv(_CN, 0x0C, b"a")) + _tlv(0x31, _tlv(0x31, b"")),
    _tlv(0x31, _tlv(0x30, _tlv(0x02, b"\x01") + _tlv(0x0C, b"a"))),
    _tlv(0x31, _atv(_tlv(0x06, b"\x81"), 0x0C, b"a")),
    _tlv(0x31, _atv(_CN, 0x0C, b"a"))[:-1],
    b"",
])
def test_subject_walk_is_the_full_parse(name: bytes) -> None:
    from nodessl.certificate import _name_object, _parse_name, _subject_object

    try:
        expected: Any = _name_object(_parse_name(name, 0, len(name)))
    except ValueError as exc:
        expected = type(exc)
    try:
        got: Any = _subject_object(name, 0, len(name))
    except ValueError as exc:
        got = type(exc)
    assert got == expected

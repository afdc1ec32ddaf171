"""nodessl.ocsp.build_response: the public OCSP response builder (beyond Node), read back with
cryptography and stapled to openssl s_client from an OCSPRequest listener."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import pytest
from conftest import key, listening, run_loop, s_client
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import ocsp
from ocsp_fixtures import cert, der

import nodessl as tls
from nodessl.ocsp import build_response

CA1_KEY = key("ca1-key.pem")  # encrypted: passphrase "password"


def signed_by_ca1(response: ocsp.OCSPResponse) -> None:
    """Raises unless ca1's key signed ``response``."""
    cert("ca1").public_key().verify(  # type: ignore[union-attr, call-arg]
        response.signature, response.tbs_response_bytes, padding.PKCS1v15(),
        response.signature_hash_algorithm)


def utc(response: ocsp.OCSPResponse, name: str) -> datetime.datetime | None:
    """``response.<name>_utc`` (cryptography 43+), or the naive field read as UTC (Debian's 38)."""
    if hasattr(response, f"{name}_utc"):
        return getattr(response, f"{name}_utc")  # type: ignore[no-any-return]
    value = getattr(response, name)
    return None if value is None else value.replace(tzinfo=datetime.UTC)


def test_good_response_from_der_bytes() -> None:
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    der_response = build_response(der("agent1"), der("ca1"), CA1_KEY, passphrase="password",
                                  this_update=now)
    parsed = ocsp.load_der_ocsp_response(der_response)
    assert parsed.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert parsed.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert parsed.serial_number == cert("agent1").serial_number
    assert utc(parsed, "this_update") == now
    assert utc(parsed, "next_update") == now + datetime.timedelta(days=1)
    assert utc(parsed, "revocation_time") is None
    signed_by_ca1(parsed)


@pytest.mark.parametrize("form", ["objects", "pem"])
def test_same_certificate_id_from_objects_and_pem(form: str) -> None:
    if form == "objects":
        args: tuple[Any, ...] = (cert("agent1"), cert("ca1"))
    else:
        args = (key("agent1-cert.pem"), key("ca1-cert.pem"))
    parsed = ocsp.load_der_ocsp_response(build_response(*args, CA1_KEY, passphrase=b"password"))
    reference = ocsp.load_der_ocsp_response(
        build_response(der("agent1"), der("ca1"), CA1_KEY, passphrase=b"password"))
    assert parsed.issuer_key_hash == reference.issuer_key_hash
    assert parsed.issuer_name_hash == reference.issuer_name_hash
    assert parsed.serial_number == reference.serial_number
    signed_by_ca1(parsed)


def test_revoked_and_unknown() -> None:
    when = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    revoked = ocsp.load_der_ocsp_response(build_response(
        der("agent1"), der("ca1"), CA1_KEY, "revoked", passphrase=b"password",
        revocation_time=when, revocation_reason=x509.ReasonFlags.key_compromise))
    assert revoked.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert utc(revoked, "revocation_time") == when
    assert revoked.revocation_reason == x509.ReasonFlags.key_compromise
    unknown = ocsp.load_der_ocsp_response(build_response(
        der("agent1"), der("ca1"), CA1_KEY, ocsp.OCSPCertStatus.UNKNOWN, passphrase=b"password"))
    assert unknown.certificate_status == ocsp.OCSPCertStatus.UNKNOWN
    assert utc(unknown, "revocation_time") is None


def test_bad_arguments() -> None:
    with pytest.raises(tls.NodeError) as info:
        build_response(der("agent1"), der("ca1"), CA1_KEY, "fine", passphrase=b"password")
    assert info.value.code == "ERR_INVALID_ARG_VALUE"
    assert "status" in str(info.value)
    with pytest.raises(tls.NodeError) as info:
        build_response(b"not a certificate", der("ca1"), CA1_KEY, passphrase=b"password")
    assert info.value.code == "ERR_INVALID_ARG_VALUE"
    assert "cert" in str(info.value)
    with pytest.raises(tls.NodeError) as info:
        build_response(der("agent1"), der("ca1"), CA1_KEY, passphrase=b"wrong")
    assert info.value.code == "ERR_INVALID_ARG_VALUE"
    assert "issuer_key" in str(info.value)


def test_stapled_to_openssl_s_client() -> None:
    """The README's recipe: the listener builds the response from the event's DER arguments."""

    async def main() -> None:
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "ca": key("ca1-cert.pem")}, lambda s: s.end())
        stapled: list[bytes] = []

        def on_request(certificate: bytes, issuer: bytes, callback: Any) -> None:
            response = build_response(certificate, issuer, CA1_KEY, passphrase=b"password")
            stapled.append(response)
            asyncio.get_running_loop().call_soon(callback, None, response)

        server.on("OCSPRequest", on_request)
        port = await listening(server)
        out, _ = await s_client(port, "-status", "-CAfile", "ca1-cert.pem")
        server.close()
        assert len(stapled) == 1
        assert "OCSP Response Status: successful" in out
        assert "Cert Status: good" in out
        assert f"{cert('agent1').serial_number:X}" in out  # the certificate id's serial

    run_loop(main)

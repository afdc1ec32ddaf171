"""Real OCSP responses for the fixture certificates (shared by the OCSP tests)."""

from __future__ import annotations

from conftest import key
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import ocsp

from nodessl.ocsp import build_response


def cert(name: str) -> x509.Certificate:
    """A fixture certificate, e.g. ``cert('agent1')``."""
    return x509.load_pem_x509_certificate(key(f"{name}-cert.pem"))


def der(name: str) -> bytes:
    """A fixture certificate's DER bytes."""
    return cert(name).public_bytes(serialization.Encoding.DER)


def ocsp_response(leaf: str = "agent1", ca: str = "ca1",
                  status: ocsp.OCSPCertStatus = ocsp.OCSPCertStatus.GOOD) -> bytes:
    """A DER OCSP response for ``leaf`` signed by its CA (the CA keys' passphrase is
    ``password``), built by the public helper :func:`nodessl.ocsp.build_response`.  OpenSSL 4
    staples only bytes that parse as a response for the served certificate, so tests cannot
    use Node's opaque ``'hello world'``."""
    revoked = status == ocsp.OCSPCertStatus.REVOKED
    return build_response(cert(leaf), cert(ca), key(f"{ca}-key.pem"), status,
                          passphrase=b"password",
                          revocation_reason=x509.ReasonFlags.key_compromise if revoked else None)

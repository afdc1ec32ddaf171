"""Real OCSP responses for the fixture certificates (shared by the OCSP tests)."""

from __future__ import annotations

import datetime

from conftest import key
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp


def cert(name: str) -> x509.Certificate:
    """A fixture certificate, e.g. ``cert('agent1')``."""
    return x509.load_pem_x509_certificate(key(f"{name}-cert.pem"))


def der(name: str) -> bytes:
    """A fixture certificate's DER bytes."""
    return cert(name).public_bytes(serialization.Encoding.DER)


def ocsp_response(leaf: str = "agent1", ca: str = "ca1",
                  status: ocsp.OCSPCertStatus = ocsp.OCSPCertStatus.GOOD) -> bytes:
    """A DER OCSP response for ``leaf`` signed by its CA (the CA keys' passphrase is
    ``password``).  OpenSSL 4 staples only bytes that parse as a response for the served
    certificate, so tests cannot use Node's opaque ``'hello world'``."""
    issuer = cert(ca)
    ca_key = serialization.load_pem_private_key(key(f"{ca}-key.pem"), b"password")
    now = datetime.datetime.now(datetime.UTC)
    revoked = status == ocsp.OCSPCertStatus.REVOKED
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=cert(leaf), issuer=issuer, algorithm=hashes.SHA1(), cert_status=status,
        this_update=now, next_update=now + datetime.timedelta(days=1),
        revocation_time=now if revoked else None,
        revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, issuer)
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

"""The differences between the pyOpenSSL and cryptography releases nodessl supports.

The bundled backend runs on the newest wheels; the shared backend on what the system ships
(Debian 12: pyOpenSSL 23.0 and cryptography 38, Debian 13: 25.0 and 43).  Each helper here
uses the newer API when it exists and the older equivalent otherwise, so the rest of the code
is written against one API.  (Raw OpenSSL calls the older binding lacks are taken from the
shared libssl in :mod:`nodessl.openssl`, not here.)
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from OpenSSL import SSL, crypto

__all__ = ["PrivateKeyTypes", "PublicKeyTypes", "not_valid_before", "not_valid_after",
           "verify_directly_issued_by", "peer_certificate", "peer_cert_chain", "add_crl",
           "load_pem_x509_certificates", "signature_algorithm_parameters"]

try:  # cryptography >= 40
    from cryptography.hazmat.primitives.asymmetric.types import (
        PrivateKeyTypes,
        PublicKeyTypes,
    )
except ImportError:  # pragma: no cover - older cryptography names the same unions so
    from cryptography.hazmat.primitives.asymmetric.types import (  # type: ignore[attr-defined,no-redef]
        PRIVATE_KEY_TYPES as PrivateKeyTypes,
    )
    from cryptography.hazmat.primitives.asymmetric.types import (  # type: ignore[attr-defined,no-redef]
        PUBLIC_KEY_TYPES as PublicKeyTypes,
    )


def not_valid_before(cert: x509.Certificate) -> datetime.datetime:
    """The start of validity as an aware UTC datetime (``not_valid_before_utc`` from 42)."""
    value = getattr(cert, "not_valid_before_utc", None)
    if value is None:
        value = cert.not_valid_before.replace(tzinfo=datetime.UTC)
    return value


def not_valid_after(cert: x509.Certificate) -> datetime.datetime:
    """The end of validity as an aware UTC datetime (``not_valid_after_utc`` from 42)."""
    value = getattr(cert, "not_valid_after_utc", None)
    if value is None:
        value = cert.not_valid_after.replace(tzinfo=datetime.UTC)
    return value


def verify_directly_issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> None:
    """``cert.verify_directly_issued_by(issuer)`` (cryptography >= 40); raises ValueError,
    TypeError or InvalidSignature as it does."""
    method = getattr(cert, "verify_directly_issued_by", None)
    if method is not None:
        method(issuer)
        return
    if cert.issuer != issuer.subject:
        raise ValueError("Issuer certificate subject does not match certificate issuer.")
    key: Any = issuer.public_key()
    data, sig = cert.tbs_certificate_bytes, cert.signature
    # None only for Ed25519/Ed448 signatures, whose branch below takes no hash
    algo: Any = cert.signature_hash_algorithm
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(sig, data, signature_algorithm_parameters(cert), algo)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(sig, data, signature_algorithm_parameters(cert))
    elif isinstance(key, dsa.DSAPublicKey):
        key.verify(sig, data, algo)
    elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        key.verify(sig, data)
    else:
        raise TypeError("Unsupported issuer public key type")


_RSASSA_PSS = "1.2.840.113549.1.1.10"
_ECDSA_WITH = "1.2.840.10045.4."


def signature_algorithm_parameters(cert: x509.Certificate) -> Any:
    """``cert.signature_algorithm_parameters`` (cryptography >= 41): the padding of an RSA
    signature (PSS or PKCS#1 v1.5) or ``ECDSA(hash)``, None for EdDSA."""
    params = getattr(cert, "signature_algorithm_parameters", _MISSING)
    if params is not _MISSING:
        return params
    algo = cert.signature_hash_algorithm
    oid = cert.signature_algorithm_oid.dotted_string
    if oid == _RSASSA_PSS:
        # the salt length is in the parameters; AUTO reads it off the signature
        assert algo is not None
        return padding.PSS(mgf=padding.MGF1(algo), salt_length=padding.PSS.AUTO)
    if algo is None:
        return None  # Ed25519 / Ed448
    if oid.startswith(_ECDSA_WITH):
        return ec.ECDSA(algo)
    return padding.PKCS1v15()


def load_pem_x509_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle (cryptography >= 39 has it built in)."""
    fn = getattr(x509, "load_pem_x509_certificates", None)
    if fn is not None:
        return fn(data)  # type: ignore[no-any-return]
    out = []
    for match in _PEM_CERT.finditer(data):
        out.append(x509.load_pem_x509_certificate(match.group(0)))
    if not out:
        raise ValueError("Unable to load PEM file. No certificates found.")
    return out


_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)
_MISSING = object()


def peer_certificate(conn: SSL.Connection) -> x509.Certificate | None:
    """The peer's certificate as a cryptography object (``as_cryptography=True`` from 24.3)."""
    try:
        return conn.get_peer_certificate(as_cryptography=True)
    except TypeError:
        cert = conn.get_peer_certificate()
        return cert.to_cryptography() if cert is not None else None


def peer_cert_chain(conn: SSL.Connection) -> list[x509.Certificate] | None:
    """The chain the peer sent, as cryptography objects."""
    try:
        return conn.get_peer_cert_chain(as_cryptography=True)
    except TypeError:
        chain = conn.get_peer_cert_chain()
        return [c.to_cryptography() for c in chain] if chain is not None else None


def add_crl(store: crypto.X509Store, crl: x509.CertificateRevocationList) -> None:
    """``X509Store.add_crl`` with a cryptography CRL (older pyOpenSSL wants its own)."""
    try:
        store.add_crl(crl)
    except (TypeError, AttributeError):  # pyOpenSSL < 23.1 reads crl._crl
        # CRL exists only in the old pyOpenSSL this branch serves (the checked wheels lack it)
        store.add_crl(crypto.CRL.from_cryptography(crl))  # type: ignore[attr-defined]

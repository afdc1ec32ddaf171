"""OCSP stapling: the server's ``OCSPRequest`` event and the client's ``requestOCSP``.

Server: when the client's hello carries status_request and the server has
``OCSPRequest`` listeners, the event fires from the paused handshake (see
:mod:`nodessl.sni`) with the DER of the certificate this connection serves (after any SNI
switch) and of its issuer when the context's chain or trust store holds it (else None).
``callback(None, bytes)`` staples those bytes, ``callback(None, None)`` staples nothing,
``callback(err)`` fails the handshake.  The binding has no ``SSL_get_tlsext_status_type``,
so whether the client asked is read off the ClientHello (:mod:`nodessl.tlswire`) through
the message callback, which such servers' connections carry.

Client: ``requestOCSP: True`` puts status_request in the hello and the socket emits
``OCSPResponse(bytes | None)`` once, before ``secureConnect``.  As in Node, nodessl does not
judge the response: checking it (``cryptography.x509.ocsp``) is the application's business.

Where OpenSSL 4 (the bundled backend's) differs from Node 20's 3.0: it parses stapled
responses itself, and nodessl keeps that check (OpenSSL 3, such as the shared backend's 3.0,
staples and delivers any bytes, as Node 20 does).  A server staples only bytes that decode as
an OCSP response for the certificate it serves: anything else, such as Node's test string
``'hello world'``, is dropped (the client sees None) and, when the bytes are not an
OCSPResponse at all, a ``SecurityWarning`` says so.  A client fails the handshake when a
server staples bytes that are not a response, with
``ERR_SSL_TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE`` and a message naming the cause (built in
``errors.from_openssl``; OpenSSL's ASN.1 errors are in ``opensslErrorStack``).  Real
responses go through unchanged.
"""

from __future__ import annotations

import datetime
import warnings
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp as x509_ocsp

from . import openssl as _ossl
from . import tlswire
from .errors import BYTES_LIKE, NodeTypeError

if TYPE_CHECKING:
    from .context import SecureContext

__all__ = ["StatusWatcher", "status_requested", "check_response", "request_arguments",
           "build_response"]

# OpenSSL 4 parses what a server staples and what a client receives; OpenSSL 3 (Node 20's 3.0,
# the shared backend's Debian 3.0) passes the bytes through untouched.
PARSES_STAPLES = _ossl.OPENSSL_VERSION_NUMBER >= 0x40000000


def status_requested(hello: bytes) -> bool:
    """Whether a ClientHello (handshake message, header included) asks for OCSP status."""
    parsed = tlswire.parse_client_hello(hello[tlswire.HANDSHAKE_HEADER_SIZE:])
    return parsed is not None and tlswire.status_request(
        parsed.extensions.get(tlswire.EXT_STATUS_REQUEST))


class StatusWatcher:
    """Message observer remembering whether the latest ClientHello asked for status."""

    __slots__ = ("requested",)

    def __init__(self) -> None:
        self.requested = False

    def observe(self, sent: bool, _version: int, content_type: int, data: bytes) -> None:
        """A protocol message (see ``TLSSocket._observe_messages``)."""
        if not sent and content_type == tlswire.HANDSHAKE and data[:1] == b"\x01":
            self.requested = status_requested(data)


def check_response(response: Any) -> bytes | None:
    """What the OCSPRequest callback may staple: bytes (empty means none) or None."""
    if response is None or response is False:
        return None
    if not isinstance(response, (bytes, bytearray, memoryview)):
        raise NodeTypeError(f"OCSP response must be {BYTES_LIKE}", "ERR_INVALID_ARG_TYPE")
    data = bytes(response)
    if not data:
        return None
    if not PARSES_STAPLES:
        return data  # this OpenSSL sends the bytes as they are, as Node 20's does
    try:
        x509_ocsp.load_der_ocsp_response(data)
    except ValueError:
        # OpenSSL 4 would drop these bytes without a word (Node 20 staples them): say so.
        from .context import SecurityWarning

        warnings.warn(
            "OCSPRequest answered with bytes that are not a DER-encoded OCSPResponse: the "
            "OpenSSL under nodessl checks stapled responses and staples nothing (Node 20 "
            "sends the bytes as they are)", SecurityWarning, stacklevel=2)
        return None
    return data


def request_arguments(context: SecureContext) -> tuple[bytes | None, bytes | None]:
    """The ``(certificate, issuer)`` DER pair of the OCSPRequest event for ``context``."""
    chain = context.certificate_chain()
    if not chain:
        return None, None
    issuer = context.issuer_certificate(chain[0])
    return (chain[0].public_bytes(Encoding.DER),
            issuer.public_bytes(Encoding.DER) if issuer is not None else None)


_STATUSES = ("good", "revoked", "unknown")


def build_response(cert: Any, issuer: Any, issuer_key: Any,
                   status: str | x509_ocsp.OCSPCertStatus = "good", *,
                   passphrase: bytes | str | None = None,
                   this_update: datetime.datetime | None = None,
                   next_update: datetime.datetime | None = None,
                   revocation_time: datetime.datetime | None = None,
                   revocation_reason: Any = None) -> bytes:
    """A signed DER OCSP response for ``cert``, as its CA's responder would answer (beyond Node).

    What a server's ``OCSPRequest`` listener staples: Node leaves building the response to
    the application, and OpenSSL 4 (the bundled backend) staples only real responses.
    ``cert`` and ``issuer`` are ``cryptography`` certificates or their DER or PEM bytes
    (the ``OCSPRequest`` event passes DER); ``issuer_key`` is the issuer's private key, a
    ``cryptography`` key or its PEM/DER bytes (``passphrase`` decrypts it).  The response
    is signed by the issuer itself (SHA-256), its responder id the issuer's key hash, the
    certificate id hashed with SHA-1 (RFC 5019's profile, what every client matches).

    ``status``: ``"good"``, ``"revoked"`` or ``"unknown"`` (or an ``OCSPCertStatus``).  ``this_update`` defaults to
    now, ``next_update`` to a day later; a revoked status carries ``revocation_time``
    (default ``this_update``) and a ``cryptography.x509.ReasonFlags`` reason (default
    none).  Errors: ``ERR_INVALID_ARG_VALUE`` for an unknown status or bytes that are not a
    certificate or key.

    Example::

        def on_ocsp_request(cert_der, issuer_der, callback):
            callback(None, nodessl.ocsp.build_response(cert_der, issuer_der, ca_key_pem))

        server.on("OCSPRequest", on_ocsp_request)
    """
    # cryptography's X.509 and key loaders, loaded only by programs that build responses
    from cryptography.hazmat.primitives import hashes, serialization

    from .errors import invalid_arg_value

    if isinstance(status, x509_ocsp.OCSPCertStatus):
        status = status.name.lower()
    if status not in _STATUSES:
        raise invalid_arg_value("status", status, f"must be one of {', '.join(_STATUSES)}")
    leaf = _certificate("cert", cert)
    ca = _certificate("issuer", issuer)
    if isinstance(issuer_key, (bytes, bytearray, memoryview, str)):
        data = issuer_key.encode() if isinstance(issuer_key, str) else bytes(issuer_key)
        secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
        try:
            if b"-----BEGIN" in data:
                issuer_key = serialization.load_pem_private_key(data, secret)
            else:
                issuer_key = serialization.load_der_private_key(data, secret)
        except (ValueError, TypeError) as err:
            raise invalid_arg_value("issuer_key", "<bytes>", f"is not a private key ({err})") \
                from None
    now = this_update or datetime.datetime.now(datetime.UTC)
    revoked = status == "revoked"
    builder = x509_ocsp.OCSPResponseBuilder().add_response(
        cert=leaf, issuer=ca, algorithm=hashes.SHA1(),
        cert_status=getattr(x509_ocsp.OCSPCertStatus, status.upper()),
        this_update=now, next_update=next_update or now + datetime.timedelta(days=1),
        revocation_time=(revocation_time or now) if revoked else None,
        revocation_reason=revocation_reason if revoked else None,
    ).responder_id(x509_ocsp.OCSPResponderEncoding.HASH, ca)
    signed = builder.sign(issuer_key, hashes.SHA256())
    return signed.public_bytes(serialization.Encoding.DER)


def _certificate(name: str, value: Any) -> Any:
    """A ``cryptography`` certificate from one, or from its DER or PEM bytes."""
    from cryptography import x509

    if isinstance(value, x509.Certificate):
        return value
    if isinstance(value, (bytes, bytearray, memoryview, str)):
        data = value.encode() if isinstance(value, str) else bytes(value)
        try:
            if b"-----BEGIN" in data:
                return x509.load_pem_x509_certificate(data)
            return x509.load_der_x509_certificate(data)
        except ValueError:
            pass
    from .errors import invalid_arg_value

    raise invalid_arg_value(name, value if not isinstance(value, (bytes, bytearray))
                            else "<bytes>", "is not a certificate")

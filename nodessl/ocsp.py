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

import warnings
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp as x509_ocsp

from . import openssl as _ossl
from . import tlswire
from .errors import BYTES_LIKE, NodeTypeError

if TYPE_CHECKING:
    from .context import SecureContext

__all__ = ["StatusWatcher", "status_requested", "check_response", "request_arguments"]

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

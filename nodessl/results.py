"""What nodessl hands back, as types: certificate objects, ``getCipher()``,
``getEphemeralKeyInfo()``, ``address()``, and the callbacks and event listeners that
receive them.

Types only: at runtime the values stay the plain dicts Node's objects map to (a
``TypedDict`` is a dict), built by :mod:`nodessl.certificate`, :mod:`nodessl.socket` and
:mod:`nodessl.net`; ``tests/test_typing.py`` checks the keys below against real connections
so the two cannot drift apart.  A key Node sets only sometimes (``subjectaltname`` only when
the certificate has the extension, ``modulus`` only for an RSA key, ...) is ``NotRequired``:
``cert["modulus"]`` type-checks, ``cert.get("modulus")`` says it may be missing.

Events: ``TLSSocket``, ``tls.Server``, ``net.Socket`` and ``net.Server`` overload ``on``,
``once``, ``addListener``, ``prependListener`` and ``prependOnceListener`` for the events
Node documents, so a listener's parameters are known (``server.on("secureConnection",
lambda sock: ...)`` types ``sock`` as a ``TLSSocket``); any other event name takes any
listener, as Node allows.  A listener that does not fit a documented event's arguments
(``lambda: ...`` for ``'tlsClientError'``) matches an overload marked ``@deprecated``:
mypy reports it with ``enable_error_code = ["deprecated"]`` (``--enable-error-code
deprecated``); without it the call is accepted, as a ``str`` event with any listener is.
(mypy's cache keeps that mark for ``on`` but not for the other four, which share ``on``'s
overloads: a cached run then reports misfits only for ``on``; parameters stay typed.)
"""

# no `from __future__ import annotations`: a TypedDict reads NotRequired[...] from its
# annotations at runtime (__required_keys__), which a string annotation would hide
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, NotRequired, Protocol, TypedDict

if TYPE_CHECKING:
    from .context import SecureContext
    from .net import AddressInfo
    from .options import BufferLike
    from .socket import TLSSocket

__all__ = [
    "AddressInfo",
    "ALPNCallback",
    "ALPNCallbackInfo",
    "CertificateIdentity",
    "CertificateName",
    "CheckServerIdentity",
    "CipherInfo",
    "ClientPSKCallback",
    "DetailedPeerCertificate",
    "DropInfo",
    "EphemeralKeyInfo",
    "OCSPRequestCallback",
    "PeerCertificate",
    "PSKClientKey",
    "PSKKey",
    "ResumeSessionCallback",
    "ServerPSKCallback",
    "SNICallback",
    "SNICallbackDone",
    "ServerEvent",
    "SocketEvent",
    "TLSServerEvent",
    "TLSSocketEvent",
]

CertificateName = dict[str, str | list[str]]
"""A certificate's ``subject`` or ``issuer``: short attribute names (``CN``, ``O``, ``OU``
...) to their value, or to a list of values when the name repeats the attribute."""


class PeerCertificate(TypedDict):
    """Node 20's certificate object: ``getPeerCertificate()``, ``getCertificate()``,
    ``X509Certificate.toLegacyObject()``, and the ``cert`` of ``checkServerIdentity``.

    ``getPeerCertificate()`` is ``{}`` (falsy) before the handshake or when the peer sent
    no certificate; test ``if cert:`` before reading it.  Buffers are ``bytes``.
    """

    # absent when a name attribute is not valid text (Node gives up on the whole name)
    subject: NotRequired[CertificateName]
    issuer: NotRequired[CertificateName]
    # only with the extension; None where Node has null (an extension it could not print)
    subjectaltname: NotRequired[str | None]
    infoAccess: NotRequired[dict[str, list[str]] | None]
    ca: bool
    # an RSA key
    modulus: NotRequired[str]
    exponent: NotRequired[str]
    # RSA or EC keys
    bits: NotRequired[int]
    pubkey: NotRequired[bytes]
    # an EC key (nistCurve only for the NIST curves)
    asn1Curve: NotRequired[str]
    nistCurve: NotRequired[str]
    valid_from: str
    valid_to: str
    fingerprint: str
    fingerprint256: str
    fingerprint512: str
    # only with the extended key usage extension: the purposes' OIDs
    ext_key_usage: NotRequired[list[str]]
    serialNumber: str
    raw: bytes


class CertificateIdentity(TypedDict, total=False):
    """What ``checkServerIdentity(hostname, cert)`` reads of a certificate object: any
    :class:`PeerCertificate` is one, and so is a dict with just these keys."""

    subject: CertificateName
    subjectaltname: str | None


class DetailedPeerCertificate(PeerCertificate):
    """``getPeerCertificate(True)``: each object links to its issuer's.  A self-signed
    root is its own ``issuerCertificate``; the last object found has none when its
    issuer is neither in the peer's chain nor in the context's CAs."""

    issuerCertificate: NotRequired["DetailedPeerCertificate"]


class CipherInfo(TypedDict):
    """``getCipher()``: the OpenSSL and IANA names of the negotiated cipher suite and the
    protocol version that introduced it (``'TLSv1.3'``, ``'TLSv1.2'``, ...)."""

    name: str
    standardName: str
    version: str


class EphemeralKeyInfo(TypedDict, total=False):
    """``getEphemeralKeyInfo()`` on a client: ``{type, name, size}`` for ECDH
    (``{'type': 'ECDH', 'name': 'X25519', 'size': 253}``), ``{type, size}`` for finite-field
    DH; ``{}`` when the key exchange was not ephemeral or before the handshake."""

    type: Literal["ECDH", "DH"]
    name: str
    size: int


class DropInfo(TypedDict, total=False):
    """The argument of ``net.Server``'s ``'drop'`` event (a connection refused over
    ``maxConnections``): both ends' addresses."""

    localAddress: str
    localPort: int
    localFamily: str
    remoteAddress: str
    remotePort: int
    remoteFamily: str


class ALPNCallbackInfo(TypedDict):
    """What ``ALPNCallback`` receives: the SNI name (None without one) and the client's
    protocols in its order."""

    servername: str | None
    protocols: list[str]


class PSKKey(TypedDict):
    """A pre-shared key as an object (a server's ``pskCallback`` may also return the bytes)."""

    psk: "BufferLike"


class PSKClientKey(PSKKey):
    """What a client's ``pskCallback`` returns: the key and the identity to send."""

    identity: str


CheckServerIdentity = Callable[[str, DetailedPeerCertificate], BaseException | None]
"""``checkServerIdentity(hostname, cert)``: None when ``cert`` (the server's, with its chain)
is valid for ``hostname``, else the error (returned, not raised)."""

class SNICallbackDone(Protocol):
    """The ``cb`` an ``SNICallback`` answers with: ``cb(None, context)``, ``cb(None, None)``
    for the server's own context, or ``cb(error)``."""

    def __call__(self, err: BaseException | None = None,
                 context: "SecureContext | None" = None, /) -> None:
        """Answer the SNI request."""

SNICallback = Callable[[str, SNICallbackDone], object]
"""``SNICallback(servername, cb)``: choose the context for a client's SNI name."""

ALPNCallback = Callable[[ALPNCallbackInfo], str | None]
"""``ALPNCallback({servername, protocols})``: one of ``protocols``, or None to decline
(the handshake then fails with ``no_application_protocol``)."""

ClientPSKCallback = Callable[[str | None], PSKClientKey | None]
"""A client's ``pskCallback(hint)``: ``{psk, identity}``, or None to offer no PSK."""

ServerPSKCallback = Callable[["TLSSocket", str], "BufferLike | PSKKey | None"]
"""A server's ``pskCallback(socket, identity)``: the key for ``identity``, or None."""

class OCSPRequestCallback(Protocol):
    """The ``callback`` of the ``'OCSPRequest'`` event: ``callback(None, response)`` staples
    the DER OCSP response, ``callback(None, None)`` staples nothing, ``callback(err)`` fails
    the connection."""

    def __call__(self, err: BaseException | None = None,
                 response: "BufferLike | None" = None, /) -> None:
        """Answer the OCSP request."""


class ResumeSessionCallback(Protocol):
    """The ``callback`` of the ``'resumeSession'`` event: ``callback(None, sessionData)``
    with what ``'newSession'`` stored, ``callback(None, None)`` for a full handshake,
    ``callback(err)`` to fail the connection."""

    def __call__(self, err: BaseException | None = None,
                 sessionData: "BufferLike | None" = None, /) -> None:
        """Answer the resumption request."""

# The events each class types its listeners for (the overloads of ``on`` and the rest);
# any other name is a custom event, with any listener.
SocketEvent = Literal["close", "connect", "data", "drain", "end", "error", "finish", "lookup",
                      "pause", "readable", "ready", "resume", "timeout"]
"""``net.Socket``'s events: ``'close'`` (``had_error: bool``), ``'data'`` (``bytes``),
``'error'`` (the error), ``'lookup'`` (``err, address, family, host``), the others none."""

TLSSocketEvent = Literal["close", "connect", "data", "drain", "end", "error", "finish",
                         "lookup", "pause", "readable", "ready", "resume", "timeout",
                         "keylog", "OCSPResponse", "secureConnect", "session"]
"""``TLSSocket``'s: ``net.Socket``'s, ``'keylog'`` (the line, ``bytes``), ``'OCSPResponse'``
(the DER response, None without a staple), ``'secureConnect'`` (none), ``'session'``
(``bytes``)."""

ServerEvent = Literal["close", "connection", "drop", "error", "listening"]
"""``net.Server``'s: ``'connection'`` (the ``net.Socket``), ``'drop'`` (:class:`DropInfo`),
``'error'`` (the error), ``'close'`` and ``'listening'`` (none)."""

TLSServerEvent = Literal["close", "connection", "drop", "error", "keylog", "listening",
                         "newSession", "OCSPRequest", "resumeSession", "secureConnection",
                         "tlsClientError"]
"""``tls.Server``'s: ``net.Server``'s, ``'keylog'`` (``line, tlsSocket``), ``'newSession'``
(``sessionId, sessionData, callback``), ``'OCSPRequest'`` (``certificate, issuer,
callback``), ``'resumeSession'`` (``sessionId, callback``), ``'secureConnection'``
(``tlsSocket``), ``'tlsClientError'`` (``error, tlsSocket``)."""


def __getattr__(name: str) -> object:
    # nodessl.net's AddressInfo, named here too: looked up on first use, as nodessl.options
    # imports this module while nodessl.net is still loading (this one imports none of
    # nodessl at load time)
    if name == "AddressInfo":
        from .net import AddressInfo

        return AddressInfo
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

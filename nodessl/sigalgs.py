"""``getSharedSigalgs()``: the signature algorithms both ends allow, derived from the handshake.

On the shared backend (:data:`NATIVE`) the socket asks OpenSSL itself
(``SSL_get_shared_sigalgs``, named as Node's GetSharedSigalgs names them: see
:func:`nodessl.openssl.shared_sigalgs`), and nothing here runs.  The bundled binding has no
``SSL_get_shared_sigalgs``, so there this module does what OpenSSL's
``tls1_set_shared_sigalgs`` does, from the same inputs:

* the peer's list: a server reads the ClientHello's signature_algorithms
  extension (plaintext on the wire, :class:`ClientHelloScanner` fed by the
  engine, read with :mod:`nodessl.tlswire` when asked); a client reads the
  server's CertificateRequest, plaintext in TLS 1.2 (the engine's
  KeyExchangeScanner keeps it) and encrypted in TLS 1.3, where only
  the message callback sees it (:class:`CertificateRequestWatch`).  Without a
  CertificateRequest a client has no shared list, as in OpenSSL;
* this side's own list: the ``sigalgs`` option or OpenSSL's default list, after
  OpenSSL's own filtering (security level; a client whose minimum is TLS 1.3
  drops SHA-1, SHA-224 and DSA).  Rather than re-implement that filter, a
  throwaway client ``Connection`` made from an equal context (same version
  range) writes a ClientHello and its signature_algorithms extension is read
  back: OpenSSL applies the same filter to that extension.  Cached per
  SecureContext.  The negotiated version then removes what it cannot use: DSA
  under TLS 1.3 (on a client also SHA-1 and SHA-224: OpenSSL's client rule once
  TLS 1.3 is its version, seen from Node 20), the TLS 1.3-only schemes (ML-DSA,
  brainpool, SM2) under 1.2;
* the order: this side's when ``SSL_OP_CIPHER_SERVER_PREFERENCE`` is set
  (``honorCipherOrder``, a server's default), else the peer's.  DSA is never
  shared under TLS 1.3.

Names are Node's ``ALG+HASH`` form: the signature key type (``RSA``, ``RSA-PSS``
for both PSS flavours, ``ECDSA``, ``DSA``, ``Ed25519`` …, else OpenSSL's short
name) and the hash's short name or ``UNDEF``.

The TLS 1.3 client side costs a Python call per record (the message callback
stays on for the connection's life), so only clients with a certificate of
their own watch for a CertificateRequest: others could not answer one anyway.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from OpenSSL import SSL

from . import openssl as _ossl
from . import tlswire
from .tlswire import certificate_request_sigalgs

if TYPE_CHECKING:
    from .context import SecureContext

__all__ = [
    "NATIVE",
    "ClientHelloScanner",
    "CertificateRequestWatch",
    "certificate_request_sigalgs",
    "own_sigalgs",
    "shared_sigalgs",
    "sigalg_name",
    "client_watches",
]

NATIVE: bool = _ossl.BACKEND == "shared"
"""Whether OpenSSL reports the shared list itself (then no watch, no derivation)."""

# the first flight's bytes a server keeps looking through for the ClientHello
_HELLO_LIMIT = 1 << 17


def client_hello_sigalgs(hello: bytes) -> list[int] | None:
    """signature_algorithms of a ClientHello body (after the 4-byte message header)."""
    parsed = tlswire.parse_client_hello(hello)
    if parsed is None:
        return None
    return tlswire.signature_algorithms(parsed.extensions.get(tlswire.EXT_SIGNATURE_ALGORITHMS))


class ClientHelloScanner:
    """A server's view of the client's first flight: keeps the ClientHello's body (the
    session cache reads it) and reads its sigalgs on the first ask."""

    __slots__ = ("_reader", "done", "hello", "_sigalgs")

    def __init__(self) -> None:
        self._reader: tlswire.HandshakeReader | None = tlswire.HandshakeReader(_HELLO_LIMIT)
        self.done = False
        self.hello: bytes | None = None  # the ClientHello's body (sessioncache.py reads it)
        self._sigalgs: list[int] | None = None

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Bytes from the client, as they arrived (stops after the first handshake message,
        or at bytes that are not a ClientHello's records)."""
        reader = self._reader
        if reader is None:
            return
        messages = reader.feed(data)
        if messages:
            kind, body = messages[0]
            if kind == tlswire.CLIENT_HELLO:
                self.hello = body
        if messages or reader.stopped is not None:
            self.done = True
            self._reader = None

    @property
    def signature_algorithms(self) -> list[int] | None:
        """The ClientHello's signature_algorithms, None without one (or without a hello)."""
        if self._sigalgs is None and self.hello is not None:
            self._sigalgs = client_hello_sigalgs(self.hello)
        return self._sigalgs


class CertificateRequestWatch:
    """A message observer keeping the sigalgs of a CertificateRequest the client receives
    (TLS 1.3, where the message is encrypted on the wire)."""

    __slots__ = ("signature_algorithms",)

    def __init__(self) -> None:
        self.signature_algorithms: list[int] | None = None

    def __call__(self, sent: bool, version: int, content_type: int, data: bytes) -> None:
        """``(sent, version, content_type, data)`` of one protocol message."""
        if (not sent and content_type == tlswire.HANDSHAKE
                and data[:1] == b"\x0d" and version == _ossl.TLS1_3_VERSION):
            self.signature_algorithms = certificate_request_sigalgs(data[4:], True)


def client_watches(context: SecureContext) -> bool:
    """Whether a client socket on ``context`` registers :class:`CertificateRequestWatch`
    (never on the shared backend: OpenSSL keeps the list itself)."""
    return not NATIVE and bool(context.certificates())


# -- this side's list ------------------------------------------------------------------------

_OWN: weakref.WeakKeyDictionary[SecureContext, tuple[int, ...]] = weakref.WeakKeyDictionary()


def _hello_of(ctx: SSL.Context) -> list[int] | None:
    conn = SSL.Connection(ctx, None)
    conn.set_connect_state()
    try:
        conn.do_handshake()
    except SSL.WantReadError:
        pass
    except SSL.Error:
        return None
    messages = tlswire.HandshakeReader().feed(conn.bio_read(1 << 16))
    if not messages or messages[0][0] != tlswire.CLIENT_HELLO:
        return None
    return client_hello_sigalgs(messages[0][1])


def own_sigalgs(context: SecureContext) -> tuple[int, ...]:
    """The signature algorithms ``context`` allows, in its order (what a client with the
    same settings offers)."""
    cached = _OWN.get(context)
    if cached is None:
        cached = _OWN[context] = tuple(_hello_of(context.fresh_context()) or ())
    return cached


# -- intersection and names ------------------------------------------------------------------

_HASHES = {1: "MD5", 2: "SHA1", 3: "SHA224", 4: "SHA256", 5: "SHA384", 6: "SHA512"}
_LEGACY_SIGS = {1: "RSA", 2: "DSA", 3: "ECDSA"}
_NAMES = {
    0x0804: "RSA-PSS+SHA256", 0x0805: "RSA-PSS+SHA384", 0x0806: "RSA-PSS+SHA512",
    0x0809: "RSA-PSS+SHA256", 0x080A: "RSA-PSS+SHA384", 0x080B: "RSA-PSS+SHA512",
    0x0807: "Ed25519+UNDEF", 0x0808: "Ed448+UNDEF",
    0x081A: "ECDSA+SHA256", 0x081B: "ECDSA+SHA384", 0x081C: "ECDSA+SHA512",
    0x0708: "SM2+SM3",
    # OpenSSL >= 3.5: the key type's short name, no separate hash
    0x0904: "id-ml-dsa-44+UNDEF", 0x0905: "id-ml-dsa-65+UNDEF", 0x0906: "id-ml-dsa-87+UNDEF",
    0xEEEE: "gost2012_256+md_gost12_256", 0xEFEF: "gost2012_512+md_gost12_512",
    0xEDED: "gost2001+md_gost94",
}


def sigalg_name(code: int) -> str:
    """Node's ``ALG+HASH`` name of a TLS SignatureScheme code."""
    if code in _NAMES:
        return _NAMES[code]
    sig, hash_ = _LEGACY_SIGS.get(code & 0xFF), _HASHES.get(code >> 8)
    if sig is not None and hash_ is not None:
        return f"{sig}+{hash_}"
    return f"UNDEF+UNDEF(0x{code:04x})"


def _is_dsa(code: int) -> bool:
    return code & 0xFF == 2 and code >> 8 in _HASHES


# RFC 8446 / 8734 / 8998 and the ML-DSA draft: schemes defined for TLS 1.3 only
_TLS13_ONLY = frozenset({0x081A, 0x081B, 0x081C, 0x0708, 0x0904, 0x0905, 0x0906})


def _usable(code: int, tls13: bool, client: bool) -> bool:
    if not tls13:
        return code not in _TLS13_ONLY
    if client and code & 0xFF in _LEGACY_SIGS and code >> 8 in (1, 2, 3):
        return False  # MD5, SHA-1, SHA-224
    return not _is_dsa(code)


def shared_sigalgs(own: tuple[int, ...] | list[int], peer: list[int], *,
                   own_preference: bool, tls13: bool, client: bool) -> list[str]:
    """OpenSSL's shared list: the preferred side's order, entries the other side allows."""
    pref, allow = (own, peer) if own_preference else (peer, own)
    own_set, allow_set = set(own), set(allow)
    return [sigalg_name(code) for code in pref
            if code in own_set and code in allow_set and _usable(code, tls13, client)]

"""The TLS wire format, read: records, handshake messages, and the hello fields features use.

Why this exists: pyOpenSSL's binding lacks the OpenSSL calls that would answer some of Node's
questions (``SSL_client_hello_get*``, ``SSL_get_tlsext_status_type``, ``SSL_get_peer_tmp_key``,
``SSL_get_shared_sigalgs`` on the bundled backend), so a few features read the plaintext
handshake themselves: the shared signature algorithms (:mod:`nodessl.sigalgs`), whether a
client asked for OCSP stapling (:mod:`nodessl.ocsp`), the server's DH size and a TLS 1.2
CertificateRequest (:mod:`nodessl.handshake`), the session id a ClientHello offers
(:mod:`nodessl.sessioncache`), and the bundled backend's trace (:mod:`nodessl.trace`).  This
module is the one reader they share; each feature keeps its own logic and runs only when
something asks for it.

What it reads (RFC 8446 for TLS 1.3, RFC 5246 for TLS 1.2, RFC 6066 / 7301 for extensions):

* records: the 5-byte header (content type, legacy version, length) and their spans in a
  buffer (:func:`record_header`, :func:`iter_records`); an alert's level and description
  (:func:`alert`);
* handshake messages, reassembled across records in any chunking (a record boundary inside a
  message, a message split byte by byte): :class:`HandshakeReader`, the one incremental class;
* a ClientHello / ServerHello body into its fields and an extensions map
  (:func:`parse_client_hello`, :func:`parse_server_hello`); the extensions features read
  (signature_algorithms, server_name, status_request, ALPN, supported_versions,
  supported_groups);
* the bodies the existing features need: a CertificateRequest's signature algorithms (TLS 1.2
  field or TLS 1.3 extension) and a DHE ServerKeyExchange's parameters.

The contract: pure functions over bytes, no I/O, nothing kept between calls except in a
:class:`HandshakeReader`.  Whatever bytes a peer sends, the only exception raised here is
:class:`WireError` (from :class:`Reader` and the functions documented as raising it); the
``parse_*`` and extension helpers return None for malformed input instead, and the reader
stops (``stopped``) rather than buffer without bound.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import NamedTuple

__all__ = [
    "WireError", "Reader", "RecordHeader", "RecordSpan", "HandshakeReader", "ClientHello",
    "ServerHello", "record_header", "iter_records", "alert", "handshake_header",
    "u16_list", "extension_list", "parse_client_hello", "parse_server_hello",
    "signature_algorithms", "server_name", "status_request", "alpn", "supported_versions",
    "supported_groups", "certificate_request_sigalgs", "server_dh_params",
]

# record content types (RFC 8446 §5.1)
CHANGE_CIPHER_SPEC, ALERT, HANDSHAKE, APPLICATION_DATA = 20, 21, 22, 23
# handshake message types (RFC 8446 §4, RFC 5246 §7.4)
CLIENT_HELLO, SERVER_HELLO, NEW_SESSION_TICKET = 1, 2, 4
CERTIFICATE, SERVER_KEY_EXCHANGE, CERTIFICATE_REQUEST, SERVER_HELLO_DONE = 11, 12, 13, 14
FINISHED = 20
# extension types (IANA TLS ExtensionType values)
EXT_SERVER_NAME, EXT_STATUS_REQUEST, EXT_SUPPORTED_GROUPS = 0, 5, 10
EXT_SIGNATURE_ALGORITHMS, EXT_ALPN, EXT_SESSION_TICKET = 13, 16, 35
EXT_SUPPORTED_VERSIONS, EXT_KEY_SHARE = 43, 51

RECORD_HEADER_SIZE = 5
HANDSHAKE_HEADER_SIZE = 4
# The largest record a peer may send: TLSCiphertext's 2^14 + 2048 (RFC 5246 §6.2.3; TLS 1.3's
# 2^14 + 256 is below it).  A longer length field means the bytes are not TLS.
MAX_RECORD = (1 << 14) + 2048
# HandshakeReader.stopped when the bytes are not TLS records or exceed the reader's limit
MALFORMED = -1

_STATUS_TYPE_OCSP = 1  # RFC 6066 CertificateStatusType ocsp
_HOST_NAME = 0  # RFC 6066 NameType host_name


class WireError(ValueError):
    """Bytes that are not the TLS structure asked for: truncated, overlong or malformed."""


class Reader:
    """A cursor over bytes, reading TLS's big-endian integers and length-prefixed vectors
    from the front; reading past the end raises :class:`WireError`."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        """The next ``n`` bytes."""
        end = self.pos + n
        if end > len(self.data):
            raise WireError("short message")
        out = self.data[self.pos:end]
        self.pos = end
        return out

    def u8(self) -> int:
        """A 1-byte unsigned integer."""
        return self.take(1)[0]

    def u16(self) -> int:
        """A 2-byte big-endian unsigned integer."""
        return int.from_bytes(self.take(2), "big")

    def u24(self) -> int:
        """A 3-byte big-endian unsigned integer (handshake and certificate lengths)."""
        return int.from_bytes(self.take(3), "big")

    def u32(self) -> int:
        """A 4-byte big-endian unsigned integer (ticket lifetimes)."""
        return int.from_bytes(self.take(4), "big")

    def vec(self, size_len: int) -> bytes:
        """A vector whose length is a ``size_len``-byte prefix (``opaque x<0..2^8k-1>``)."""
        return self.take(int.from_bytes(self.take(size_len), "big"))

    @property
    def left(self) -> int:
        """How many bytes are left."""
        return len(self.data) - self.pos

    def rest(self) -> bytes:
        """All that is left (possibly nothing)."""
        return self.take(self.left)


# -- records ----------------------------------------------------------------------------------


class RecordHeader(NamedTuple):
    """A record's 5-byte header."""

    content_type: int
    version: int
    length: int


class RecordSpan(NamedTuple):
    """A whole record inside a buffer: its header fields and where its body lies."""

    content_type: int
    version: int
    start: int  # the body's first byte in the buffer
    end: int  # one past the body's last byte


def record_header(data: bytes | bytearray | memoryview, pos: int = 0) -> RecordHeader | None:
    """The record header at ``pos``, or None when fewer than 5 bytes are there."""
    if len(data) - pos < RECORD_HEADER_SIZE:
        return None
    return RecordHeader(data[pos], data[pos + 1] << 8 | data[pos + 2],
                        data[pos + 3] << 8 | data[pos + 4])


def iter_records(data: bytes | bytearray | memoryview) -> Iterator[RecordSpan]:
    """The whole records at the front of ``data``, in order; stops at the first incomplete
    one (its bytes are not yielded)."""
    pos, size = 0, len(data)
    while pos + RECORD_HEADER_SIZE <= size:
        length = data[pos + 3] << 8 | data[pos + 4]
        end = pos + RECORD_HEADER_SIZE + length
        if end > size:
            return
        yield RecordSpan(data[pos], data[pos + 1] << 8 | data[pos + 2],
                         pos + RECORD_HEADER_SIZE, end)
        pos = end


def alert(body: bytes | bytearray | memoryview) -> tuple[int, int] | None:
    """``(level, description)`` of a plaintext alert record's body, None unless 2 bytes."""
    if len(body) != 2:
        return None
    return body[0], body[1]


def handshake_header(data: bytes | bytearray | memoryview) -> tuple[int, int] | None:
    """``(msg_type, length)`` of the handshake message at the front of ``data`` (its 4-byte
    header), or None when fewer than 4 bytes are there."""
    if len(data) < HANDSHAKE_HEADER_SIZE:
        return None
    return data[0], data[1] << 16 | data[2] << 8 | data[3]


class HandshakeReader:
    """TLS records in, in any chunking; whole handshake messages out, as ``(msg_type, body)``.

    Reads the plaintext start of a flight: handshake records, whose messages may span
    records.  The first record of another content type ends the reading (``stopped`` is
    that type), except types in ``skip`` (e.g. a warning alert between handshake records),
    which are passed over.  A record that cannot be TLS (wrong version major, longer than
    :data:`MAX_RECORD`), a message longer than ``limit`` or more than ``limit`` bytes held
    end it too (``stopped`` is :data:`MALFORMED`).  A non-handshake record is recognised
    from its header alone, so bytes that are not TLS (an HTTP request) stop the reader at
    once instead of waiting for a record that will never come.  Once stopped, ``feed``
    returns nothing and the buffers are dropped.
    """

    __slots__ = ("_records", "_message", "limit", "skip", "stopped")

    def __init__(self, limit: int = 1 << 17, skip: frozenset[int] = frozenset()) -> None:
        self._records = bytearray()  # bytes of the record not yet complete
        self._message = bytearray()  # handshake bytes of a message not yet complete
        self.limit = limit
        self.skip = skip
        self.stopped: int | None = None

    def feed(self, data: bytes | bytearray | memoryview) -> list[tuple[int, bytes]]:
        """The handshake messages completed by ``data``, in order."""
        if self.stopped is not None:
            return []
        buf = self._records
        buf += data
        out: list[tuple[int, bytes]] = []
        pos, size = 0, len(buf)
        while pos + RECORD_HEADER_SIZE <= size:
            content_type, length = buf[pos], buf[pos + 3] << 8 | buf[pos + 4]
            if buf[pos + 1] != 3 or length > MAX_RECORD:
                self._stop(MALFORMED)
                return out
            if content_type != HANDSHAKE and (content_type not in self.skip or self._message):
                # a message interrupted by another content type is malformed too (RFC 8446
                # §5.1): the reading ends either way
                self._stop(content_type)
                return out
            end = pos + RECORD_HEADER_SIZE + length
            if end > size:
                break
            if content_type == HANDSHAKE:
                message = self._message
                message += buf[pos + RECORD_HEADER_SIZE:end]
                while len(message) >= HANDSHAKE_HEADER_SIZE:
                    body_len = message[1] << 16 | message[2] << 8 | message[3]
                    if body_len > self.limit:
                        self._stop(MALFORMED)
                        return out
                    whole = HANDSHAKE_HEADER_SIZE + body_len
                    if len(message) < whole:
                        break
                    out.append((message[0], bytes(message[HANDSHAKE_HEADER_SIZE:whole])))
                    del message[:whole]
            pos = end
        del buf[:pos]
        if len(buf) + len(self._message) > self.limit:
            self._stop(MALFORMED)
        return out

    def _stop(self, why: int) -> None:
        self.stopped = why
        self._records = bytearray()
        self._message = bytearray()


# -- vectors and extensions -------------------------------------------------------------------


def u16_list(data: bytes) -> list[int]:
    """A run of 2-byte values (the inside of a cipher-suite, sigalg or group vector); an odd
    length raises :class:`WireError`."""
    if len(data) & 1:
        raise WireError("odd length for a list of 16-bit values")
    return list(struct.unpack(f">{len(data) >> 1}H", data))


def _vector(data: bytes, pos: int, size_len: int) -> tuple[bytes, int]:
    # the vector at ``pos`` and the position after it: Reader.vec without the object, for
    # the hello parsers (a server may read every ClientHello)
    start = pos + size_len
    if start > len(data):
        raise WireError("short message")
    end = start + int.from_bytes(data[pos:start], "big")
    if end > len(data):
        raise WireError("short message")
    return data[start:end], end


def extension_list(block: bytes) -> list[tuple[int, bytes]]:
    """``(type, body)`` of each extension in an extensions block (the inside of its u16
    vector), in order, repeats included; a truncated entry raises :class:`WireError`."""
    out, pos, size = [], 0, len(block)
    while pos < size:
        if pos + 4 > size:
            raise WireError("short extension header")
        end = pos + 4 + (block[pos + 2] << 8 | block[pos + 3])
        if end > size:
            raise WireError("short extension")
        out.append((block[pos] << 8 | block[pos + 1], block[pos + 4:end]))
        pos = end
    return out


def _extension_map(data: bytes, pos: int) -> dict[int, bytes]:
    # the extensions block at ``pos``: a hello without extensions (TLS <= 1.2 allows it) has
    # no block at all; of a repeated type (which OpenSSL rejects) the first counts
    if pos >= len(data):
        return {}
    out: dict[int, bytes] = {}
    for kind, body in extension_list(_vector(data, pos, 2)[0]):
        out.setdefault(kind, body)
    return out


class ClientHello(NamedTuple):
    """A ClientHello's fields (RFC 8446 §4.1.2)."""

    version: int  # legacy_version (0x0303 for TLS 1.2 and 1.3)
    random: bytes
    session_id: bytes
    cipher_suites: list[int]
    compression_methods: bytes
    extensions: dict[int, bytes]  # type -> body; the first of a repeated type


class ServerHello(NamedTuple):
    """A ServerHello's (or HelloRetryRequest's) fields (RFC 8446 §4.1.3)."""

    version: int  # legacy_version; TLS 1.3 puts the real one in supported_versions
    random: bytes
    session_id: bytes
    cipher_suite: int
    compression_method: int
    extensions: dict[int, bytes]


def parse_client_hello(body: bytes) -> ClientHello | None:
    """The fields of a ClientHello message body (after its 4-byte header), None when the
    bytes are not one.  Bytes after the extensions block are ignored (OpenSSL rejects
    them; no feature here needs to)."""
    try:
        if len(body) < 35:
            return None
        session_id, pos = _vector(body, 34, 1)
        suites, pos = _vector(body, pos, 2)
        methods, pos = _vector(body, pos, 1)
        return ClientHello(body[0] << 8 | body[1], body[2:34], session_id, u16_list(suites),
                           methods, _extension_map(body, pos))
    except WireError:
        return None


def parse_server_hello(body: bytes) -> ServerHello | None:
    """The fields of a ServerHello message body, None when the bytes are not one."""
    try:
        if len(body) < 35:
            return None
        session_id, pos = _vector(body, 34, 1)
        if pos + 3 > len(body):
            return None
        return ServerHello(body[0] << 8 | body[1], body[2:34], session_id,
                           body[pos] << 8 | body[pos + 1], body[pos + 2],
                           _extension_map(body, pos + 3))
    except WireError:
        return None


def _u16_vector(body: bytes | None) -> list[int] | None:
    if body is None:
        return None
    try:
        r = Reader(body)
        return u16_list(r.vec(2))
    except WireError:
        return None


def signature_algorithms(body: bytes | None) -> list[int] | None:
    """The SignatureScheme codes of a signature_algorithms (or _cert) extension body."""
    return _u16_vector(body)


def supported_groups(body: bytes | None) -> list[int] | None:
    """The NamedGroup codes of a supported_groups extension body."""
    return _u16_vector(body)


def server_name(body: bytes | None) -> str | None:
    """The host name of a server_name extension body (RFC 6066 §3), None without one."""
    if body is None:
        return None
    try:
        names = Reader(Reader(body).vec(2))
        while names.left:
            kind, name = names.u8(), names.vec(2)
            if kind == _HOST_NAME:
                return name.decode("ascii")
    except (WireError, UnicodeDecodeError):
        return None
    return None


def status_request(body: bytes | None) -> bool:
    """Whether a status_request extension body asks for OCSP (status_type ocsp, the only one
    OpenSSL answers)."""
    return body is not None and len(body) >= 1 and body[0] == _STATUS_TYPE_OCSP


def alpn(body: bytes | None) -> list[bytes] | None:
    """The protocol names of an application_layer_protocol_negotiation extension body
    (RFC 7301 §3.1; a ServerHello's or EncryptedExtensions' holds one)."""
    if body is None:
        return None
    try:
        names, out = Reader(Reader(body).vec(2)), []
        while names.left:
            out.append(names.vec(1))
        return out
    except WireError:
        return None


def supported_versions(body: bytes | None) -> list[int] | None:
    """The versions of a supported_versions extension body: a ClientHello's list, or the
    single version a ServerHello selects (always 2 bytes, which a list never is)."""
    if body is None:
        return None
    try:
        if len(body) == 2:
            return [body[0] << 8 | body[1]]
        return u16_list(Reader(body).vec(1))
    except WireError:
        return None


# -- server messages --------------------------------------------------------------------------


def certificate_request_sigalgs(body: bytes, tls13: bool) -> list[int] | None:
    """The signature algorithms of a CertificateRequest body: TLS 1.2's
    supported_signature_algorithms field or TLS 1.3's signature_algorithms extension."""
    try:
        r = Reader(body)
        if tls13:
            r.vec(1)  # certificate_request_context
            extensions = _extension_map(body, r.pos)
            return signature_algorithms(extensions.get(EXT_SIGNATURE_ALGORITHMS))
        r.vec(1)  # certificate_types
        return u16_list(r.vec(2))
    except WireError:
        return None


def server_dh_params(body: bytes, *, psk: bool = False) -> tuple[bytes, bytes, bytes] | None:
    """``(p, g, Ys)`` of a DHE ServerKeyExchange body (RFC 5246 §7.4.3); with ``psk``
    (DHE-PSK) they follow the psk_identity_hint (RFC 4279 §3).  None when malformed."""
    try:
        r = Reader(body)
        if psk:
            r.vec(2)
        return r.vec(2), r.vec(2), r.vec(2)
    except WireError:
        return None

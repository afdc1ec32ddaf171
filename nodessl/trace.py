"""``enableTrace``: a readable trace of every TLS record and message, sent and received, on stderr.

Why: Node's ``tlsSocket.enableTrace()`` (and the ``enableTrace`` option) installs OpenSSL's
``SSL_trace`` as the message callback, printing what ``openssl s_client -trace`` prints.
On the shared backend the tracer calls that very ``SSL_trace`` (from the opened libssl, into
a memory BIO: :class:`nodessl.openssl.TraceBIO`) with each message the callback sees, so the
text is OpenSSL's, byte for byte what Node prints.  ``SSL_trace`` is not in the binding
pyOpenSSL ships, so on the bundled backend this module formats the same callback's input
(``TLSSocket._observe_messages``), read with :mod:`nodessl.tlswire`, in the spirit of
OpenSSL 3.0's output:
``Sent Record`` / ``Received Record``, the record header (version, content type, length),
TLS 1.3's inner content type, handshake messages by name and length with the hello
messages, certificates and finished messages decoded, alerts and change_cipher_spec.  The
name tables are data below.  Like Node's, the format is for people, not for parsing.

How: the message callback belongs to the connection (see hooks.py).  ``enableTrace()``
before the engine starts (e.g. right after ``tls.connect`` returns: TCP is still
connecting) traces everything.  Called later, it joins a message callback the connection
already has, or gives it one where the binding can (the shared backend), and traces from
then on as Node does; the bundled binding cannot give a running connection a message
callback, so there it says so with a ``RuntimeWarning`` instead of silently doing nothing
(use the ``enableTrace`` option, or call ``enableTrace()`` before the handshake).
Each message is written to ``sys.stderr`` as it is at that moment.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from OpenSSL import SSL

from . import context as _context
from . import openssl as _ossl
from .ciphers import standard_name
from .features import MessageObserver
from .tlswire import (
    Reader,
    WireError,
    alert,
    extension_list,
    handshake_header,
    record_header,
    u16_list,
)

__all__ = ["Host", "Tracer", "format_message", "enable", "wanted", "NATIVE"]

NATIVE: bool = _ossl.BACKEND == "shared"
"""Whether the trace is OpenSSL's ``SSL_trace`` (shared backend) rather than the formatter."""



@runtime_checkable
class Host(Protocol):
    """What tracing needs from its TLSSocket (``socket.py`` implements it): its role, its
    connection (for cipher-suite names) and a place among the message observers."""

    _isServer: bool

    def _ssl_conn(self) -> SSL.Connection | None:
        """The OpenSSL connection once TLS started, else None."""

    def _observe_messages(self, observer: MessageObserver) -> bool:
        """Observe every message from now on; False when the running connection cannot be
        given the message callback any more."""

VERSIONS: dict[int, str] = {
    0x0002: "SSL 2.0", 0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1",
    0x0303: "TLS 1.2", 0x0304: "TLS 1.3", 0xFEFF: "DTLS 1.0", 0xFEFD: "DTLS 1.2",
    0x0100: "DTLS 1.0 (bad)",
}

CONTENT_TYPES: dict[int, str] = {
    20: "ChangeCipherSpec", 21: "Alert", 22: "Handshake", 23: "ApplicationData",
}

HANDSHAKE_TYPES: dict[int, str] = {
    0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 3: "HelloVerifyRequest",
    4: "NewSessionTicket", 5: "EndOfEarlyData", 8: "EncryptedExtensions", 11: "Certificate",
    12: "ServerKeyExchange", 13: "CertificateRequest", 14: "ServerHelloDone",
    15: "CertificateVerify", 16: "ClientKeyExchange", 20: "Finished", 21: "CertificateUrl",
    22: "CertificateStatus", 23: "SupplementalData", 24: "KeyUpdate",
    25: "CompressedCertificate", 67: "NextProto", 254: "MessageHash",
}

EXTENSION_TYPES: dict[int, str] = {
    0: "server_name", 1: "max_fragment_length", 2: "client_certificate_url",
    3: "trusted_ca_keys", 4: "truncated_hmac", 5: "status_request", 6: "user_mapping",
    7: "client_authz", 8: "server_authz", 9: "cert_type", 10: "supported_groups",
    11: "ec_point_formats", 12: "srp", 13: "signature_algorithms", 14: "use_srtp",
    16: "application_layer_protocol_negotiation", 18: "signed_certificate_timestamps",
    21: "padding", 22: "encrypt_then_mac", 23: "extended_master_secret",
    27: "compress_certificate", 35: "session_ticket", 41: "psk", 42: "early_data",
    43: "supported_versions", 44: "cookie", 45: "psk_key_exchange_modes",
    47: "certificate_authorities", 49: "post_handshake_auth", 50: "signature_algorithms_cert",
    51: "key_share", 13172: "next_proto_neg", 65281: "renegotiate",
}

GROUPS: dict[int, str] = {
    23: "secp256r1 (P-256)", 24: "secp384r1 (P-384)", 25: "secp521r1 (P-521)",
    29: "ecdh_x25519", 30: "ecdh_x448", 256: "ffdhe2048", 257: "ffdhe3072",
    258: "ffdhe4096", 259: "ffdhe6144", 260: "ffdhe8192", 41: "curveSM2",
    512: "MLKEM512", 513: "MLKEM768", 514: "MLKEM1024", 4587: "SecP256r1MLKEM768",
    4588: "X25519MLKEM768", 4589: "SecP384r1MLKEM1024", 4590: "curveSM2MLKEM768",
}

SIGALGS: dict[int, str] = {
    0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1", 0x0301: "rsa_pkcs1_sha224",
    0x0302: "dsa_sha224", 0x0303: "ecdsa_sha224", 0x0401: "rsa_pkcs1_sha256",
    0x0402: "dsa_sha256", 0x0403: "ecdsa_secp256r1_sha256", 0x0501: "rsa_pkcs1_sha384",
    0x0502: "dsa_sha384", 0x0503: "ecdsa_secp384r1_sha384", 0x0601: "rsa_pkcs1_sha512",
    0x0602: "dsa_sha512", 0x0603: "ecdsa_secp521r1_sha512", 0x0804: "rsa_pss_rsae_sha256",
    0x0805: "rsa_pss_rsae_sha384", 0x0806: "rsa_pss_rsae_sha512", 0x0807: "ed25519",
    0x0808: "ed448", 0x0809: "rsa_pss_pss_sha256", 0x080A: "rsa_pss_pss_sha384",
    0x080B: "rsa_pss_pss_sha512", 0x081A: "ecdsa_brainpoolP256r1_sha256",
    0x081B: "ecdsa_brainpoolP384r1_sha384", 0x081C: "ecdsa_brainpoolP512r1_sha512",
    0x0708: "sm2sig_sm3", 0x0904: "mldsa44", 0x0905: "mldsa65", 0x0906: "mldsa87",
}

ALERT_LEVELS: dict[int, str] = {1: "warning", 2: "fatal"}

# SSL_alert_desc_string_long's texts.
ALERT_DESCRIPTIONS: dict[int, str] = {
    0: "close notify", 10: "unexpected_message", 20: "bad record mac",
    21: "decryption failed", 22: "record overflow", 30: "decompression failure",
    40: "handshake failure", 41: "no certificate", 42: "bad certificate",
    43: "unsupported certificate", 44: "certificate revoked", 45: "certificate expired",
    46: "certificate unknown", 47: "illegal parameter", 48: "unknown CA",
    49: "access denied", 50: "decode error", 51: "decrypt error",
    60: "export restriction", 70: "protocol version", 71: "insufficient security",
    80: "internal error", 86: "inappropriate fallback", 90: "user canceled",
    100: "no renegotiation", 109: "missing extension", 110: "unsupported extension",
    111: "certificate unobtainable", 112: "unrecognized name",
    113: "bad certificate status response", 114: "bad certificate hash value",
    115: "unknown PSK identity", 116: "certificate required",
    120: "no application protocol",
}

# Signalling values OpenSSL names in a ClientHello's cipher list.
SCSV_NAMES: dict[bytes, str] = {
    b"\x00\xff": "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", b"\x56\x00": "TLS_FALLBACK_SCSV",
}

CipherNames = Callable[[bytes], "str | None"]


def _name(table: dict[int, str], value: int) -> str:
    return table.get(value, "UNKNOWN")


def _hex(data: bytes) -> str:
    return data.hex().upper()


def _labelled_hex(indent: int, label: str, data: bytes) -> str:
    return f"{' ' * indent}{label} (len={len(data)}): {_hex(data)}\n"


def _dump(indent: int, data: bytes) -> str:
    """BIO_dump_indent's layout: offset, 16 hex bytes, printable text."""
    lines = []
    for pos in range(0, len(data), 16):
        row = data[pos:pos + 16]
        cells = " ".join(f"{b:02x}" + ("-" if i == 7 and len(row) > 8 else "")
                         for i, b in enumerate(row)).replace("- ", "-")
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
        lines.append(f"{' ' * indent}{pos:04x} - {cells:<48}   {text}\n")
    return "".join(lines)


def _suite(suite: bytes, names: CipherNames | None) -> str:
    name = SCSV_NAMES.get(suite)
    if name is None and names is not None:
        name = names(suite)
    return f"{{0x{suite[0]:02X}, 0x{suite[1]:02X}}} {name or 'UNKNOWN'}"


def _u16_list(indent: int, data: bytes, table: dict[int, str], fmt: str) -> str:
    out = []
    for value in u16_list(data[: len(data) & ~1]):  # an odd last byte is not shown
        out.append(f"{' ' * indent}{_name(table, value)} ({fmt.format(value)})\n")
    return "".join(out)


def _extension_body(ext_type: int, body: bytes, indent: int, server: bool) -> str:
    r = Reader(body)
    if ext_type == 43:  # supported_versions: a list in ClientHello, one value elsewhere
        data = r.vec(1) if len(body) != 2 else body
        return _u16_list(indent, data, VERSIONS, "{}")
    if ext_type == 10:
        return _u16_list(indent, r.vec(2), GROUPS, "{}")
    if ext_type in (13, 50):
        return _u16_list(indent, r.vec(2), SIGALGS, "0x{:04x}")
    if ext_type == 11:
        names = {0: "uncompressed", 1: "ansiX962_compressed_prime",
                 2: "ansiX962_compressed_char2"}
        return "".join(f"{' ' * indent}{names.get(b, 'UNKNOWN')} ({b})\n" for b in r.vec(1))
    if ext_type == 45:
        modes = {0: "psk_ke", 1: "psk_dhe_ke"}
        return "".join(f"{' ' * indent}{modes.get(b, 'UNKNOWN')} ({b})\n" for b in r.vec(1))
    if ext_type == 16:
        protos, out = Reader(r.vec(2)), []
        while protos.left:
            out.append(f"{' ' * indent}{protos.vec(1).decode('latin-1')}\n")
        return "".join(out)
    if ext_type == 0 and body:
        server_names, out = Reader(r.vec(2)), []
        while server_names.left:
            kind = server_names.u8()
            out.append(f"{' ' * indent}name_type={kind}, "
                       f"name={server_names.vec(2).decode('latin-1')}\n")
        return "".join(out)
    if ext_type == 51 and body:
        if server:
            if len(body) == 2:  # HelloRetryRequest: the group only
                return f"{' ' * indent}NamedGroup: {_name(GROUPS, r.u16())}\n"
            entries = Reader(body)
        else:
            entries = Reader(r.vec(2))
        out = []
        while entries.left:
            group = entries.u16()
            out.append(f"{' ' * (indent + 2)}NamedGroup: {_name(GROUPS, group)} ({group})\n")
            out.append(_labelled_hex(indent + 2, "key_exchange: ", entries.vec(2)))
        return "".join(out)
    return _dump(indent, body) if body else ""


def _extensions(r: Reader, indent: int, server: bool) -> str:
    if not r.left:
        return f"{' ' * indent}No extensions\n"
    block = r.vec(2)
    out = [f"{' ' * indent}extensions, length = {len(block)}\n"]
    for ext_type, body in extension_list(block):
        out.append(f"{' ' * (indent + 2)}extension_type={_name(EXTENSION_TYPES, ext_type)}"
                   f"({ext_type}), length={len(body)}\n")
        try:
            out.append(_extension_body(ext_type, body, indent + 4, server))
        except WireError:
            out.append(_dump(indent + 4, body))
    return "".join(out)


def _random(r: Reader, indent: int) -> str:
    gmt, rest = r.take(4), r.take(28)
    pad = " " * indent
    return (f"{pad}Random:\n{pad}  gmt_unix_time=0x{_hex(gmt)}\n"
            + _labelled_hex(indent + 2, "random_bytes", rest))


def _hello(body: bytes, indent: int, client: bool, names: CipherNames | None) -> str:
    r, pad = Reader(body), " " * indent
    version = r.u16()
    who = "client" if client else "server"
    out = [f"{pad}{who}_version=0x{version:x} ({_name(VERSIONS, version)})\n",
           _random(r, indent), _labelled_hex(indent, "session_id", r.vec(1))]
    if client:
        suites = r.vec(2)
        out.append(f"{pad}cipher_suites (len={len(suites)})\n")
        out.extend(f"{pad}  {_suite(suites[i:i + 2], names)}\n"
                   for i in range(0, len(suites) - 1, 2))
        methods = r.vec(1)
        out.append(f"{pad}compression_methods (len={len(methods)})\n")
        out.extend(f"{pad}  {'No Compression' if m == 0 else 'UNKNOWN'} (0x{m:02x})\n"
                   for m in methods)
    else:
        out.append(f"{pad}cipher_suite {_suite(r.take(2), names)}\n")
        method = r.u8()
        out.append(f"{pad}compression_method: "
                   f"{'No Compression' if method == 0 else 'UNKNOWN'} (0x{method:02x})\n")
    out.append(_extensions(r, indent, server=not client))
    return "".join(out)


def _certificate(body: bytes, indent: int, tls13: bool) -> str:
    r, pad, out = Reader(body), " " * indent, []
    if tls13:
        out.append(_labelled_hex(indent, "context", r.vec(1)))
    certs = Reader(r.vec(3))
    out.append(f"{pad}certificate_list, length={len(certs.data)}\n")
    while certs.left:
        cert = certs.vec(3)
        out.append(f"{pad}  ASN.1Cert, length={len(cert)}\n")
        if tls13:
            out.append(_extensions(certs, indent + 2, server=False))
    return "".join(out)


def _handshake_body(msg_type: int, body: bytes, indent: int, version: int, server: bool,
                    names: CipherNames | None) -> str:
    tls13 = version == 0x0304
    if msg_type == 1:
        return _hello(body, indent, True, names)
    if msg_type == 2:
        return _hello(body, indent, False, names)
    if msg_type == 11:
        return _certificate(body, indent, tls13)
    if msg_type == 8:
        return _extensions(Reader(body), indent, server=True)
    if msg_type == 20:
        return _labelled_hex(indent, "verify_data", body)
    if msg_type == 4:
        r, pad = Reader(body), " " * (indent + 2)
        out = f"{pad}ticket_lifetime_hint={r.u32()}\n"
        if tls13:
            out += f"{pad}ticket_age_add={r.u32()}\n"
            out += _labelled_hex(indent + 2, "ticket_nonce", r.vec(1))
        out += _labelled_hex(indent + 2, "ticket", r.vec(2))
        if tls13:
            out += _extensions(r, indent + 2, server=True)
        return out
    if msg_type in (0, 14) and not body:
        return ""
    if msg_type == 24 and len(body) == 1:
        kind = {0: "update_not_requested", 1: "update_requested"}.get(body[0], "UNKNOWN")
        return f"{' ' * indent}{kind} ({body[0]})\n"
    return _dump(indent + 2, body) if body else ""


def format_message(sent: bool, version: int, content_type: int, data: bytes, *,
                   server: bool = False, cipher_names: CipherNames | None = None) -> str:
    """One message-callback event as trace text (what SSL_trace prints for it)."""
    if content_type == _ossl.SSL3_RT_HEADER:
        direction = "Sent" if sent else "Received"
        header = record_header(data)
        if header is None:
            return f"{direction}{_labelled_hex(0, ' too short message', data)}\n"
        kind, hvers, _ = header
        length = data[-2] << 8 | data[-1]  # the last two bytes, as SSL_trace reads them
        return (f"{direction} Record\nHeader:\n  Version = {_name(VERSIONS, hvers)} "
                f"(0x{hvers:x})\n  Content Type = {_name(CONTENT_TYPES, kind)} "
                f"({kind})\n  Length = {length}\n")
    if content_type == _ossl.SSL3_RT_INNER_CONTENT_TYPE:
        inner = data[0] if data else 0
        return f"  Inner Content Type = {_name(CONTENT_TYPES, inner)} ({inner})\n"
    if content_type == _ossl.SSL3_RT_HANDSHAKE:
        message = handshake_header(data)
        if message is None:
            return "Message length parse error!\n\n"
        msg_type, length = message
        head = f"    {_name(HANDSHAKE_TYPES, msg_type)}, Length={length}\n"
        try:
            return head + _handshake_body(msg_type, data[4:4 + length], 6, version, server,
                                          cipher_names) + "\n"
        except WireError:
            return head + "Message length parse error!\n\n"
    if content_type == _ossl.SSL3_RT_CHANGE_CIPHER_SPEC:
        if data == b"\x01":
            return "    change_cipher_spec (1)\n\n"
        return _labelled_hex(4, "unknown value", data) + "\n"
    if content_type == _ossl.SSL3_RT_ALERT:
        fields = alert(data)
        if fields is None:
            return "    Illegal Alert Length\n\n"
        level, description = fields
        return (f"    Level={ALERT_LEVELS.get(level, 'unknown')}({level}), "
                f"description={ALERT_DESCRIPTIONS.get(description, 'unknown')}"
                f"({description})\n\n")
    return "\n"


class Tracer:
    """A message observer writing each message's trace to ``sys.stderr``: OpenSSL's own
    ``SSL_trace`` text on the shared backend (as Node prints), :func:`format_message`'s on
    the bundled one."""

    def __init__(self, sock: Host) -> None:
        self._sock = sock
        self._native = _ossl.TraceBIO() if NATIVE else None

    def _cipher_name(self, suite: bytes) -> str | None:
        conn = self._sock._ssl_conn()
        if conn is None:
            return None
        name = _ossl.cipher_suite_name(conn, suite)
        return (standard_name(name) or name) if name else None

    def __call__(self, sent: bool, version: int, content_type: int, data: bytes) -> None:
        """Trace one message (the message-observer signature)."""
        conn = self._sock._ssl_conn() if self._native is not None else None
        if self._native is not None and conn is not None:
            text = self._native.text(conn, sent, version, content_type, data)
        else:
            text = format_message(sent, version, content_type, data,
                                  server=self._sock._isServer, cipher_names=self._cipher_name)
        stream = sys.stderr
        if stream is not None:
            stream.write(text)


_trace_tls_warned = False


def wanted(options: Any) -> bool:
    """Whether a new TLSSocket with these options traces: its ``enableTrace`` option, or when
    that is absent (None), ``--trace-tls`` in ``NODE_OPTIONS``; as Node, the flag's first use
    warns once that the trace can expose sensitive data."""
    global _trace_tls_warned
    value = options.get("enableTrace")
    if value is not None:
        return bool(value)
    if _context.NODE_OPTIONS_TRACE_TLS and not _trace_tls_warned:
        _trace_tls_warned = True
        warnings.warn("Enabling --trace-tls can expose sensitive data in the resulting log.",
                      UserWarning, stacklevel=4)
    return _context.NODE_OPTIONS_TRACE_TLS


def enable(sock: Host) -> Tracer | None:
    """``tlsSocket.enableTrace()``: the tracer now observing ``sock``'s messages, or None
    (with a warning) when this connection cannot be traced any more."""
    tracer = Tracer(sock)
    if sock._observe_messages(tracer):
        return tracer
    warnings.warn("enableTrace(): this TLS connection started without a message callback "
                  "and cannot be traced on the bundled backend (the shared backend can); use "
                  "the enableTrace option or call enableTrace() before the handshake starts",
                  RuntimeWarning, stacklevel=3)
    return None

"""Node's ``crypto.X509Certificate`` on top of ``cryptography``'s certificate.

``tlsSocket.getX509Certificate()`` and ``getPeerX509Certificate()`` return these, as Node's do.
Every string property is what Node 20 prints (``X509Certificate`` in
``lib/internal/crypto/x509.js`` over ``src/crypto/crypto_x509.cc``): the names are OpenSSL's
``X509_NAME_print_ex`` with Node's multi-line flags, the times ``ASN1_TIME_print``, the
fingerprints colon-separated upper-case hex.  The legacy pieces (``subjectAltName``,
``infoAccess``, ``ca``, ``toLegacyObject()``) reuse :mod:`nodessl.certificate`, which reads the
DER the way OpenSSL does.  ``check*`` follow OpenSSL's ``X509_check_host`` /
``X509_check_email`` / ``X509_check_ip`` rules; ``publicKey`` and the keys ``verify`` and
``checkPrivateKey`` take are ``cryptography`` key objects (Node's are KeyObjects).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast, get_args

from cryptography import x509 as _x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from . import certificate as _c
from . import openssl as _ossl
from .compat import (
    PrivateKeyTypes,
    PublicKeyTypes,
    load_pem_x509_certificates,
    not_valid_after,
    not_valid_before,
    signature_algorithm_parameters,
)
from .errors import NodeError, NodeValueError, invalid_arg_type, invalid_arg_value

if TYPE_CHECKING:
    from .results import PeerCertificate

__all__ = ["X509Certificate"]

# the key classes behind cryptography's Union aliases, for isinstance() (which takes a Union
# at runtime, but a type checker wants classes)
_PUBLIC_KEY_CLASSES: tuple[type[Any], ...] = get_args(PublicKeyTypes)
_PRIVATE_KEY_CLASSES: tuple[type[Any], ...] = get_args(PrivateKeyTypes)

# X509_CHECK_FLAG_* (openssl/x509v3.h)
_ALWAYS_CHECK_SUBJECT = 0x1
_NO_WILDCARDS = 0x2
_NO_PARTIAL_WILDCARDS = 0x4
_MULTI_LABEL_WILDCARDS = 0x8
_SINGLE_LABEL_SUBDOMAINS = 0x10
_NEVER_CHECK_SUBJECT = 0x20
_DOT_SUBDOMAINS = 0x8000  # OpenSSL's internal flag for a name starting with '.'

_COMMON_NAME = "2.5.4.3"
_EMAIL_ADDRESS = "1.2.840.113549.1.9.1"
_SAN = "2.5.29.17"
_AIA = "1.3.6.1.5.5.7.1.1"
_IA5 = 0x16


# -- names -------------------------------------------------------------------------------------

def _multiline_value(attr: Any) -> bytes:
    """do_print_ex for one value with Node's kX509NameFlagsMultiline: ESC_2253, ESC_CTRL and
    UTF8_CONVERT (bytes above 0x7F pass unescaped)."""
    tag = attr.tag
    if tag == _c._UTF8 or tag not in _c._LATIN1_TAGS | {_c._BMP, _c._UNIVERSAL}:
        # a UTF8String (and, without DUMP_UNKNOWN, any unknown type) is read byte by byte;
        # for unknown types each byte is then a Latin-1 character
        chars = [bytes([b]) if tag == _c._UTF8 or b < 0x80 else chr(b).encode("utf-8")
                 for b in attr.value]
    else:
        width = 1 if tag in _c._LATIN1_TAGS else 2 if tag == _c._BMP else 4
        if len(attr.value) % width:
            raise _c._Malformed("string length not a multiple of its character width")
        chars = []
        for i in range(0, len(attr.value), width):
            cp = int.from_bytes(attr.value[i : i + width], "big")
            chars.append(chr(cp).encode("utf-8") if _c._valid_scalar(cp) else b"")
    out = bytearray()
    last = len(chars) - 1
    for index, encoded in enumerate(chars):
        if len(encoded) != 1:
            out += encoded
            continue
        c = encoded[0]
        first, final = index == 0 and index != last, index == last
        if c in _c._ESC_2253 or (first and c in b"# ") or (final and c == 0x20):
            out += b"\\" + encoded
        elif c < 0x20 or c == 0x7F:  # ASN1_STRFLGS_ESC_CTRL
            out += b"\\%02X" % c
        else:
            out += encoded
    return bytes(out)


def _multiline_name(attrs: Sequence[Any]) -> str:
    """X509_NAME_print_ex(XN_FLAG_SEP_MULTILINE | XN_FLAG_FN_SN | ...): one RDN a line, in
    certificate order, ' + ' inside a multi-valued RDN, short names (else the dotted OID)."""
    out = bytearray()
    previous: int | None = None
    for attr in attrs:
        if previous is not None:
            out += b" + " if attr.rdn == previous else b"\n"
        previous = attr.rdn
        names = _c._obj_names(attr.oid)
        field = names[0] if names else attr.oid
        try:
            value = _multiline_value(attr)
        except _c._Malformed:
            value = b""
        out += field.encode("ascii") + b"=" + value
    return out.decode("utf-8", "replace")


# -- X509_check_host / _email / _ip -----------------------------------------------------------

def _ascii_lower(data: bytes) -> bytes:
    return bytes(b + 32 if 0x41 <= b <= 0x5A else b for b in data)


def _skip_prefix(pattern: bytes, subject: bytes, flags: int) -> bytes:
    if not flags & _DOT_SUBDOMAINS:
        return pattern
    while len(pattern) > len(subject) and pattern[:1] not in (b"", b"\0"):
        if flags & _SINGLE_LABEL_SUBDOMAINS and pattern[:1] == b".":
            break
        pattern = pattern[1:]
    return pattern


def _equal_nocase(pattern: bytes, subject: bytes, flags: int) -> bool:
    pattern = _skip_prefix(pattern, subject, flags)
    if len(pattern) != len(subject) or b"\0" in pattern:
        return False
    return _ascii_lower(pattern) == _ascii_lower(subject)


def _equal_case(pattern: bytes, subject: bytes, flags: int) -> bool:
    pattern = _skip_prefix(pattern, subject, flags)
    return len(pattern) == len(subject) and b"\0" not in pattern and pattern == subject


def _equal_email(a: bytes, b: bytes, flags: int) -> bool:
    # the domain (after the last '@') compares without case, the local part exactly
    if len(a) != len(b):
        return False
    i = len(a)
    while i > 0:
        i -= 1
        if a[i] == 0x40 or b[i] == 0x40:
            if not _equal_nocase(a[i:], b[i:], 0):
                return False
            break
    if i == 0:
        i = len(a)
    return _equal_case(a[:i], b[:i], 0)


def _alnum(c: int) -> bool:
    return 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _valid_star(p: bytes, flags: int) -> int | None:
    """Where the one wildcard of a certificate name is, or None when it has no valid one."""
    star: int | None = None
    label_start, idna, hyphen = True, False, False
    dots = 0
    for i, c in enumerate(p):
        if c == 0x2A:
            at_end = i == len(p) - 1 or p[i + 1] == 0x2E
            if star is not None or idna or dots:
                return None
            if flags & _NO_PARTIAL_WILDCARDS and not (label_start and at_end):
                return None
            if not label_start and not at_end:
                return None
            star = i
            label_start = False
        elif _alnum(c):
            if label_start and len(p) - i >= 4 and _ascii_lower(p[i : i + 4]) == b"xn--":
                idna = True
            label_start = hyphen = False
        elif c == 0x2E:
            if hyphen or label_start:
                return None
            label_start, idna, hyphen = True, False, False
            dots += 1
        elif c == 0x2D:
            if label_start:
                return None
            hyphen = True
        else:
            return None
    if label_start or hyphen or dots < 2:
        return None
    return star


def _equal_wildcard(pattern: bytes, subject: bytes, flags: int) -> bool:
    star = None
    if not (len(subject) > 1 and subject[:1] == b"."):
        star = _valid_star(pattern, flags)
    if star is None:
        return _equal_nocase(pattern, subject, flags)
    prefix, suffix = pattern[:star], pattern[star + 1 :]
    if len(subject) < len(prefix) + len(suffix):
        return False
    if not _equal_nocase(prefix, subject[: len(prefix)], flags):
        return False
    wild_end = len(subject) - len(suffix)
    if not _equal_nocase(subject[wild_end:], suffix, flags):
        return False
    wild = subject[len(prefix) : wild_end]
    allow_idna = allow_multi = False
    if not prefix and suffix[:1] == b".":
        if not wild:
            return False
        allow_idna = True
        allow_multi = bool(flags & _MULTI_LABEL_WILDCARDS)
    if not allow_idna and len(subject) >= 4 and _ascii_lower(subject[:4]) == b"xn--":
        return False
    if wild == b"*":
        return True
    return all(_alnum(c) or c == 0x2D or (allow_multi and c == 0x2E) for c in wild)


def _general_names(parsed: Any) -> list[tuple[int, bytes]]:
    """(tag, contents) of each GeneralName of the subjectAltName (none if it does not decode)."""
    present, value = parsed.ext_unique(_SAN)
    if not present or value is None:
        return []
    try:
        _tag, start, end = _c._single(value, 0x30)
        return [(t, value[s:e]) for t, s, e in _c._items(value, start, end)]
    except (_c._Malformed, IndexError, ValueError):
        return []


def _check_flags(options: Any) -> int:
    """Node's getFlags(options): validated, as X509_CHECK_FLAG_* bits."""
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise invalid_arg_type("options", "of type object", options)
    subject = options.get("subject", "default")
    if not isinstance(subject, str):
        raise invalid_arg_type("options.subject", "of type string", subject)
    values = {}
    for name, default in (("wildcards", True), ("partialWildcards", True),
                          ("multiLabelWildcards", False), ("singleLabelSubdomains", False)):
        value = options.get(name, default)
        if not isinstance(value, bool):
            raise invalid_arg_type(f"options.{name}", "of type boolean", value)
        values[name] = value
    flags = {"default": 0, "always": _ALWAYS_CHECK_SUBJECT,
             "never": _NEVER_CHECK_SUBJECT}.get(subject)
    if flags is None:
        raise invalid_arg_value("options.subject", subject)
    if not values["wildcards"]:
        flags |= _NO_WILDCARDS
    if not values["partialWildcards"]:
        flags |= _NO_PARTIAL_WILDCARDS
    if values["multiLabelWildcards"]:
        flags |= _MULTI_LABEL_WILDCARDS
    if values["singleLabelSubdomains"]:
        flags |= _SINGLE_LABEL_SUBDOMAINS
    return flags


def _do_check(parsed: Any, chk: bytes, flags: int, gen_tag: int) -> bytes | None:
    """do_x509_check: the certificate's matching name (bytes) or None."""
    if gen_tag == 0x82:  # dNSName
        cn_oid: str | None = _COMMON_NAME
        equal: Callable[[bytes, bytes, int], bool] | None
        if len(chk) > 1 and chk[:1] == b".":
            flags |= _DOT_SUBDOMAINS
        equal = _equal_nocase if flags & _NO_WILDCARDS else _equal_wildcard
    elif gen_tag == 0x81:  # rfc822Name
        cn_oid, equal = _EMAIL_ADDRESS, _equal_email
    else:  # iPAddress: exact bytes, never the subject
        cn_oid, equal = None, None
    san_present = False
    for tag, value in _general_names(parsed):
        if tag != gen_tag:
            continue
        san_present = True
        if not value:
            continue
        if equal is None:
            if value == chk:
                return value
        elif equal(value, chk, flags):
            return value
    if cn_oid is None or (san_present and not flags & _ALWAYS_CHECK_SUBJECT):
        return None
    if flags & _NEVER_CHECK_SUBJECT:
        return None
    for attr in parsed.subject:
        if attr.oid != cn_oid or not attr.value:
            continue
        text = _c._to_utf8_text(attr.tag, attr.value)
        if text is None:
            continue
        data = text.encode("utf-8")
        if equal is not None and equal(data, chk, flags):
            return data
    return None


# -- the class ---------------------------------------------------------------------------------

def _load(data: Any) -> _x509.Certificate:
    """parseX509: PEM (the first certificate) or else DER; OpenSSL's error otherwise."""
    if isinstance(data, str):
        raw = data.encode("utf-8")
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        raise invalid_arg_type("buffer", "of type string or an instance of Buffer, "
                               "TypedArray, or DataView", data)
    if b"-----BEGIN" in raw:
        try:
            return load_pem_x509_certificates(raw)[0]
        except ValueError:
            pass
    try:
        return _x509.load_der_x509_certificate(raw)
    except ValueError:
        raise NodeError("error:0480006C:PEM routines::no start line",
                        "ERR_OSSL_PEM_NO_START_LINE", library="PEM routines",
                        reason="no start line") from None


class X509Certificate:
    """Node's ``crypto.X509Certificate``: ``X509Certificate(pem_or_der)``.

    ``issuerCertificate`` is set for the certificates of a peer's chain
    (``getPeerX509Certificate()``): each one links to the next certificate the peer sent,
    as Node's does; None (undefined) otherwise.
    """

    def __init__(self, buffer: Any) -> None:
        cert = buffer if isinstance(buffer, _x509.Certificate) else _load(buffer)
        self._cert = cert
        self._parsed = _c._parse(cert)
        self._issuer: X509Certificate | None = None

    @classmethod
    def _chain(cls, certs: Sequence[_x509.Certificate]) -> X509Certificate | None:
        """The first certificate of ``certs``, each linked to the next (GetPeerCert)."""
        head: X509Certificate | None = None
        for cert in reversed(certs):
            node = cls(cert)
            node._issuer = head
            head = node
        return head

    # -- properties (Node's getters) --

    @property
    def subject(self) -> str:
        """The subject name, one ``KEY=value`` a line."""
        return _multiline_name(self._parsed.subject)

    @property
    def issuer(self) -> str:
        """The issuer name, one ``KEY=value`` a line."""
        return _multiline_name(self._parsed.issuer)

    @property
    def subjectAltName(self) -> str | None:
        """``'DNS:a, IP Address:1.2.3.4'`` or None (undefined) without the extension."""
        value = self._parsed.ext_first(_SAN)
        return None if value is None else _c._subject_alt_name(value)

    @property
    def infoAccess(self) -> str | None:
        """Authority information access, one ``method - location`` a line, or None."""
        value = self._parsed.ext_first(_AIA)
        return None if value is None else _c._info_access_text(value)

    @property
    def validFrom(self) -> str:
        """notBefore as OpenSSL prints it (``'Dec  4 06:25:21 2026 GMT'``)."""
        return _c._time_print(*self._parsed.not_before, not_valid_before(self._cert))

    @property
    def validTo(self) -> str:
        """notAfter as OpenSSL prints it."""
        return _c._time_print(*self._parsed.not_after, not_valid_after(self._cert))

    @property
    def fingerprint(self) -> str:
        """SHA-1 of the DER, ``'AB:CD:...'``."""
        return _c._fingerprint(self._parsed.der, "sha1")

    @property
    def fingerprint256(self) -> str:
        """SHA-256 of the DER."""
        return _c._fingerprint(self._parsed.der, "sha256")

    @property
    def fingerprint512(self) -> str:
        """SHA-512 of the DER."""
        return _c._fingerprint(self._parsed.der, "sha512")

    @property
    def keyUsage(self) -> list[str] | None:
        """The extended key usage OIDs (Node's ``keyUsage``), or None without them."""
        return _c._ext_key_usage(self._parsed)

    @property
    def serialNumber(self) -> str:
        """The serial number in upper-case hex (whole bytes)."""
        return _c._bn2hex(self._parsed.serial)

    @property
    def raw(self) -> bytes:
        """The DER encoding."""
        return self._parsed.der

    @property
    def publicKey(self) -> PublicKeyTypes:
        """The subject's public key (a ``cryptography`` key; Node's is a KeyObject)."""
        return self._cert.public_key()

    @property
    def ca(self) -> bool:
        """Whether this is a CA certificate (``X509_check_ca``)."""
        return _c._is_ca(self._parsed)

    @property
    def issuerCertificate(self) -> X509Certificate | None:
        """The next certificate of the peer's chain, or None (undefined)."""
        return self._issuer

    # -- methods --

    def checkHost(self, name: Any, options: Any = None) -> str | None:
        """The certificate's name matching host ``name`` (SAN dNSName, else the CN), or None."""
        if not isinstance(name, str):
            raise invalid_arg_type("name", "of type string", name)
        flags = _check_flags(options)
        chk = name.encode("utf-8")
        if b"\0" in chk:
            raise NodeValueError("Invalid name", "ERR_INVALID_ARG_VALUE")
        found = _do_check(self._parsed, chk, flags, 0x82)
        return None if found is None else found.decode("utf-8", "replace")

    def checkEmail(self, email: Any, options: Any = None) -> str | None:
        """``email`` when the certificate names it (SAN rfc822Name, else the subject's
        emailAddress), or None."""
        if not isinstance(email, str):
            raise invalid_arg_type("email", "of type string", email)
        flags = _check_flags(options)
        chk = email.encode("utf-8")
        if b"\0" in chk:
            raise NodeValueError("Invalid email", "ERR_INVALID_ARG_VALUE")
        return email if _do_check(self._parsed, chk, flags, 0x81) is not None else None

    def checkIP(self, ip: Any, options: Any = None) -> str | None:
        """``ip`` when the certificate's SAN lists that IP address, or None."""
        if not isinstance(ip, str):
            raise invalid_arg_type("ip", "of type string", ip)
        _check_flags(options)  # no flag changes X509_check_ip, but Node still validates them
        try:
            packed = ipaddress.ip_address(ip).packed
        except ValueError:
            raise NodeValueError("Invalid IP", "ERR_INVALID_ARG_VALUE") from None
        return ip if _do_check(self._parsed, packed, 0, 0x87) is not None else None

    def checkIssued(self, otherCert: Any) -> bool:
        """Whether ``otherCert`` issued this certificate (``X509_check_issued``; names, key
        identifiers and key usage, not the signature: see :meth:`verify`)."""
        if not isinstance(otherCert, X509Certificate):
            raise invalid_arg_type("otherCert", "an instance of X509Certificate", otherCert)
        return _c._check_issued(otherCert._parsed, self._parsed)

    def checkPrivateKey(self, pkey: Any) -> bool:
        """Whether the private key ``pkey`` belongs to this certificate's public key."""
        if isinstance(pkey, _PUBLIC_KEY_CLASSES):
            raise invalid_arg_value("pkey", pkey)
        if not isinstance(pkey, _PRIVATE_KEY_CLASSES):
            raise invalid_arg_type("pkey", "an instance of KeyObject", pkey)
        spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        try:
            return bool(pkey.public_key().public_bytes(*spki)
                        == self._cert.public_key().public_bytes(*spki))
        except (ValueError, UnsupportedAlgorithm):
            return False

    def verify(self, publicKey: Any) -> bool:
        """Whether this certificate's signature verifies with ``publicKey``."""
        if isinstance(publicKey, _PRIVATE_KEY_CLASSES):
            raise invalid_arg_value("pkey", publicKey)
        if not isinstance(publicKey, _PUBLIC_KEY_CLASSES):
            raise invalid_arg_type("pkey", "an instance of KeyObject", publicKey)
        cert = self._cert
        sig, tbs = cert.signature, cert.tbs_certificate_bytes
        try:
            if isinstance(publicKey, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
                publicKey.verify(sig, tbs)
            elif isinstance(publicKey, rsa.RSAPublicKey):
                try:
                    padding = signature_algorithm_parameters(cert)
                except UnsupportedAlgorithm:
                    # cryptography < 40 cannot read RSA-PSS parameters: OpenSSL's
                    # X509_verify, as Node calls it
                    return _ossl.x509_verify(cert, publicKey)
                publicKey.verify(sig, tbs, padding, cert.signature_hash_algorithm)  # type: ignore[arg-type]
            elif isinstance(publicKey, ec.EllipticCurvePublicKey):
                publicKey.verify(sig, tbs, signature_algorithm_parameters(cert))
            elif isinstance(publicKey, dsa.DSAPublicKey):
                publicKey.verify(sig, tbs, cert.signature_hash_algorithm)  # type: ignore[arg-type]
            else:
                return False
        except (InvalidSignature, TypeError, ValueError, UnsupportedAlgorithm):
            return False
        return True

    def toString(self) -> str:
        """The PEM encoding."""
        return self._cert.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def toJSON(self) -> str:
        """The PEM encoding (what ``JSON.stringify`` shows)."""
        return self.toString()

    def toLegacyObject(self) -> PeerCertificate:
        """The legacy certificate object ``getPeerCertificate()`` returns."""
        return cast("PeerCertificate", _c.certificate_object(self._cert))

    def __str__(self) -> str:
        return self.toString()

    def __repr__(self) -> str:
        return f"X509Certificate(subject={self.subject!r}, serialNumber={self.serialNumber!r})"

"""Node's legacy certificate objects and ``tls.checkServerIdentity``.

:func:`certificate_object` builds the plain object that Node 20's
``tlsSocket.getPeerCertificate()`` and ``X509Certificate#toLegacyObject()``
return (``X509ToObject`` in ``src/crypto/crypto_common.cc`` followed by
``translatePeerCertificate`` in ``lib/_tls_common.js``): same keys, same key
order, same string formats.  Buffers become ``bytes``.

The certificate is read from its DER encoding rather than through
cryptography's typed accessors.  Node prints whatever OpenSSL managed to decode,
including names cryptography refuses (bytes outside IA5 in a ``dNSName``,
odd string types in a DN); those are exactly the certificates whose rendering
matters for security, so the few ASN.1 structures involved are walked here.

:func:`peer_certificate_object` adds Node's ``issuerCertificate`` links
(``GetPeerCert``).  ``checkServerIdentity`` lives in :mod:`nodessl.identity`.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from .compat import not_valid_after, not_valid_before
from .der import DERError, iter_tlvs, read_tlv, single_tlv

__all__ = ["certificate_object", "identity_fields", "peer_certificate_object",
           "translatePeerCertificate"]

# ---------------------------------------------------------------------------
# Minimal DER reading
# ---------------------------------------------------------------------------


# A structure OpenSSL would have failed to decode (Node then reports null/undefined).
_Malformed = DERError


# X.509 never uses high tag numbers; treating them as malformed keeps this simple.
def _tlv(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """Return ``(tag, content_start, content_end)`` of the element starting at ``pos``."""
    return read_tlv(data, pos, end, high_tags=False)


def _items(data: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """Iterate the TLVs that make up ``data[start:end]``."""
    return iter_tlvs(data, start, end, high_tags=False)


def _single(data: bytes, expect: int | None = None) -> tuple[int, int, int]:
    """Decode ``data`` as exactly one TLV (as d2i does for an extension value)."""
    return single_tlv(data, expect, high_tags=False)


@functools.lru_cache(maxsize=1024)  # certificates name the same few OIDs again and again
def _oid(content: bytes) -> str:
    """Dotted form of an OBJECT IDENTIFIER's contents (what OBJ_obj2txt(..., 1) prints)."""
    if not content or content[-1] & 0x80:
        raise _Malformed("bad OID")
    arcs: list[int] = []
    value = 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


# ---------------------------------------------------------------------------
# OpenSSL object names
# ---------------------------------------------------------------------------



@functools.lru_cache(maxsize=512)
def _obj_names(oid: str) -> tuple[str, str] | None:
    """OpenSSL's (short name, long name) for ``oid``, or None when it has no NID.

    Node keys DN attributes by OBJ_nid2sn, so the names come from the OpenSSL
    that pyOpenSSL links rather than from cryptography's own (different) table.
    """
    from .openssl import object_names

    names = object_names(oid)
    if names is None:
        return None
    sn, ln = names
    return (sn or ln or oid, ln or sn or oid)


def _short_name(oid: str) -> str:
    """OBJ_nid2sn, or the dotted OID when OpenSSL does not know it (GetX509NameObject)."""
    names = _obj_names(oid)
    return names[0] if names else oid


def _long_name(oid: str) -> str:
    """i2t_ASN1_OBJECT: long name if known, else dotted; OpenSSL writes it into char[80]."""
    names = _obj_names(oid)
    return (names[1] if names else oid)[:79]


# ---------------------------------------------------------------------------
# Parsed certificate
# ---------------------------------------------------------------------------


class _Attr(NamedTuple):  # a tuple: made for every name attribute of every certificate
    """One AttributeTypeAndValue; ``rdn`` is the index of its RDN (X509_NAME_ENTRY_set)."""

    rdn: int
    oid: str
    tag: int
    value: bytes
    tlv: bytes


@dataclass
class _Cert:
    """The parts of a certificate Node looks at, straight from the DER."""

    cert: x509.Certificate
    der: bytes
    serial: int
    sig_oid: str
    issuer: list[_Attr]
    subject: list[_Attr]
    not_before: tuple[int, bytes]
    not_after: tuple[int, bytes]
    spki: bytes
    # (oid, critical, value) in certificate order
    extensions: list[tuple[str, bool, bytes]] = field(default_factory=list)

    def ext_first(self, oid: str) -> bytes | None:
        """X509_get_ext_by_NID(..., -1): the first extension with ``oid``."""
        for ext_oid, _crit, value in self.extensions:
            if ext_oid == oid:
                return value
        return None

    def ext_unique(self, oid: str) -> tuple[bool, bytes | None]:
        """X509_get_ext_d2i semantics: (present, value), value None when duplicated."""
        found = [value for ext_oid, _crit, value in self.extensions if ext_oid == oid]
        if not found:
            return False, None
        return True, found[0] if len(found) == 1 else None


def _parse_name(data: bytes, start: int, end: int) -> list[_Attr]:
    attrs: list[_Attr] = []
    for index, (tag, rstart, rend) in enumerate(_items(data, start, end)):
        if tag != 0x31:
            raise _Malformed("RDN is not a SET")
        for atag, astart, aend in _items(data, rstart, rend):
            if atag != 0x30:
                raise _Malformed("attribute is not a SEQUENCE")
            otag, ostart, oend = _tlv(data, astart, aend)
            if otag != 0x06:
                raise _Malformed("attribute type is not an OID")
            vtag, vstart, vend = _tlv(data, oend, aend)
            attrs.append(
                _Attr(index, _oid(data[ostart:oend]), vtag, data[vstart:vend], data[oend:vend])
            )
    return attrs


def _tbs_fields(tbs: bytes) -> list[tuple[int, int, int]]:
    """The TBSCertificate's elements after the version: serialNumber, signature, issuer,
    validity, subject, subjectPublicKeyInfo, then the optional ones (extensions: [3])."""
    _tag, start, end = _single(tbs, 0x30)
    fields = list(_items(tbs, start, end))
    if fields and fields[0][0] == 0xA0:  # explicit version
        fields = fields[1:]
    return fields


def _extensions(tbs: bytes, fields: list[tuple[int, int, int]]
                ) -> Iterator[tuple[str, bool, bytes]]:
    """(oid, critical, value) of each extension, in certificate order."""
    for tag, estart, eend in fields[6:]:
        if tag != 0xA3:
            continue
        _t, lstart, lend = _tlv(tbs, estart, eend)
        for _et, xs, xe in _items(tbs, lstart, lend):
            parts = list(_items(tbs, xs, xe))
            oid = _oid(tbs[parts[0][1] : parts[0][2]])
            critical = len(parts) == 3 and tbs[parts[1][1] : parts[1][2]] != b"\x00"
            value_part = parts[-1]
            yield oid, critical, tbs[value_part[1] : value_part[2]]


def _parse(cert: x509.Certificate) -> _Cert:
    der = cert.public_bytes(serialization.Encoding.DER)
    tbs = cert.tbs_certificate_bytes
    fields = _tbs_fields(tbs)
    (_, s0, e0), (_, s1, e1), (_, s2, e2), (_, s3, e3), (_, s4, e4), (_, s5, e5) = fields[:6]
    serial = int.from_bytes(tbs[s0:e0], "big", signed=True)
    _t, os_, oe = _tlv(tbs, s1, e1)
    sig_oid = _oid(tbs[os_:oe])
    validity = list(_items(tbs, s3, e3))
    nb, na = validity[0], validity[1]
    parsed = _Cert(
        cert=cert,
        der=der,
        serial=serial,
        sig_oid=sig_oid,
        issuer=_parse_name(tbs, s2, e2),
        subject=_parse_name(tbs, s4, e4),
        not_before=(nb[0], tbs[nb[1] : nb[2]]),
        not_after=(na[0], tbs[na[1] : na[2]]),
        # TLVs are contiguous, so the SPKI element starts where the subject ends.
        spki=tbs[e4:e5],
    )
    parsed.extensions.extend(_extensions(tbs, fields))
    return parsed


def identity_fields(der: bytes) -> dict[str, Any]:
    """What ``checkServerIdentity`` reads of a certificate's object, from its DER: the
    ``subject`` and ``subjectaltname`` members exactly as :func:`certificate_object` makes
    them (absent where it leaves them out).  Nothing else of the object (issuer, keys,
    fingerprints, the issuer chain) is read.  Raises on DER it cannot walk."""
    _tag, start, end = _single(der, 0x30)
    _t, _ts, tbs_end = _tlv(der, start, end)
    tbs = der[start:tbs_end]
    fields = _tbs_fields(tbs)
    _, s4, e4 = fields[4]
    info: dict[str, Any] = {}
    subject = _subject_object(tbs, s4, e4)
    if subject is not None:
        info["subject"] = subject
    for oid, _critical, value in _extensions(tbs, fields):
        if oid == _SAN and "subjectaltname" not in info:  # the first, as ext_first
            info["subjectaltname"] = _subject_alt_name(value)
    return info


_SAN = "2.5.29.17"


def _subject_object(data: bytes, start: int, end: int) -> dict[str, str | list[str]] | None:
    """``_name_object(_parse_name(data, start, end))`` in one pass (no attribute objects):
    the same checks in the same order, so the same result or the same exception."""
    result: dict[str, str | list[str]] = {}
    decoded = True
    pos = start
    while pos < end:
        tag, rstart, rend = read_tlv(data, pos, end, high_tags=False)
        if tag != 0x31:
            raise _Malformed("RDN is not a SET")
        apos = rstart
        while apos < rend:
            atag, astart, aend = read_tlv(data, apos, rend, high_tags=False)
            if atag != 0x30:
                raise _Malformed("attribute is not a SEQUENCE")
            otag, ostart, oend = read_tlv(data, astart, aend, high_tags=False)
            if otag != 0x06:
                raise _Malformed("attribute type is not an OID")
            vtag, vstart, vend = read_tlv(data, oend, aend, high_tags=False)
            oid = _oid(data[ostart:oend])
            apos = aend
            if not decoded:
                continue  # the whole name is None already; the rest is only checked
            text = _to_utf8_text(vtag, data[vstart:vend])
            if text is None:
                decoded = False
                continue
            key = _short_name(oid)
            current = result.get(key)
            if current is None:
                result[key] = text
            elif isinstance(current, list):
                current.append(text)
            else:
                result[key] = [current, text]
        pos = rend
    return result if decoded else None


# ---------------------------------------------------------------------------
# Distinguished names
# ---------------------------------------------------------------------------

# ASN1_STRING_to_UTF8 accepts these string types (tag2nbyte in a_strex.c): the
# one-byte ones are read as Latin-1.
_LATIN1_TAGS = frozenset({0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1A})
_UTF8, _BMP, _UNIVERSAL = 0x0C, 0x1E, 0x1C


def _valid_scalar(cp: int) -> bool:
    return cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF


def _to_utf8_text(tag: int, value: bytes) -> str | None:
    """ASN1_STRING_to_UTF8: the decoded text, or None where OpenSSL reports an error."""
    if tag == _UTF8:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if tag in _LATIN1_TAGS:
        return value.decode("latin-1")
    width = 2 if tag == _BMP else 4 if tag == _UNIVERSAL else 0
    if not width or len(value) % width:
        return None
    # Each BMP code unit is a character on its own (no surrogate pairing), and
    # OpenSSL rejects anything that is not a Unicode scalar value.
    points = [int.from_bytes(value[i : i + width], "big") for i in range(0, len(value), width)]
    if not all(_valid_scalar(cp) for cp in points):
        return None
    return "".join(map(chr, points))


def _name_object(attrs: list[_Attr]) -> dict[str, str | list[str]] | None:
    """GetX509NameObject: short-name keys, repeated keys collected into lists."""
    result: dict[str, str | list[str]] = {}
    for attr in attrs:
        text = _to_utf8_text(attr.tag, attr.value)
        if text is None:
            # Node gives up on the whole name (the key is then absent).
            return None
        key = _short_name(attr.oid)
        if key not in result:
            result[key] = text
        else:
            current = result[key]
            if isinstance(current, list):
                current.append(text)
            else:
                result[key] = [current, text]
    return result


_SPACES = " \t\n\v\f\r"
_SPACE_RUN = re.compile(f"[{re.escape(_SPACES)}]+")
# Both OpenSSL's name canonicalisation and Node's String#toLowerCase replacement
# fold A-Z only (str.lower() would also turn U+212A KELVIN SIGN into 'k').
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# asn1_string_canon applies to these string types; others compare as raw DER.
_CANON_TAGS = frozenset({0x0C, 0x1E, 0x1C, 0x13, 0x14, 0x16, 0x1A})


def _canon_name(attrs: list[_Attr]) -> tuple[Any, ...] | None:
    """The comparison key X509_NAME_cmp uses (case/space-folded RDN sets)."""
    rdns: dict[int, list[tuple[str, Any]]] = {}
    for attr in attrs:
        canon: Any
        if attr.tag in _CANON_TAGS:
            text = _to_utf8_text(attr.tag, attr.value)
            if text is None:
                return None
            text = text.strip(_SPACES)
            text = _SPACE_RUN.sub(" ", text)
            canon = text.translate(_ASCII_LOWER)
        else:
            canon = attr.tlv
        rdns.setdefault(attr.rdn, []).append((attr.oid, canon))
    return tuple(tuple(sorted(rdns[key], key=repr)) for key in sorted(rdns))


def _names_equal(a: list[_Attr], b: list[_Attr]) -> bool:
    ca, cb = _canon_name(a), _canon_name(b)
    return ca is not None and ca == cb


# Characters X509_NAME_print_ex escapes with a backslash under ASN1_STRFLGS_ESC_2253
# (charmap.h); '#' only at the start and ' ' at either end.
_ESC_2253 = frozenset(b'"+,;<>\\')


def _rfc2253_value(attr: _Attr) -> bytes:
    """do_print_ex for one value with Node's kX509NameFlagsRFC2253WithinUtf8JSON flags."""
    if _obj_names(attr.oid) is None or (
        attr.tag not in _LATIN1_TAGS and attr.tag not in (_UTF8, _BMP, _UNIVERSAL)
    ):
        # XN_FLAG_DUMP_UNKNOWN_FIELDS / ASN1_STRFLGS_DUMP_UNKNOWN+DER: '#' and the DER in hex.
        return b"#" + attr.tlv.hex().upper().encode("ascii")
    if attr.tag == _UTF8:
        # UTF8_CONVERT on a UTF8String reads it byte by byte, so bytes pass unchecked.
        chars: list[bytes] = [bytes([b]) for b in attr.value]
    else:
        width = 1 if attr.tag in _LATIN1_TAGS else 2 if attr.tag == _BMP else 4
        if len(attr.value) % width:
            raise _Malformed("string length not a multiple of its character width")
        chars = []
        for i in range(0, len(attr.value), width):
            cp = int.from_bytes(attr.value[i : i + width], "big")
            # UTF8_putc refuses surrogates and out-of-range values; nothing is written.
            chars.append(chr(cp).encode("utf-8") if _valid_scalar(cp) else b"")
    out = bytearray()
    last = len(chars) - 1
    for index, encoded in enumerate(chars):
        if len(encoded) != 1:
            out += encoded  # multi-byte sequences are never escaped
            continue
        c = encoded[0]
        # The last-character flag replaces the first-character one (do_buf).
        first, final = index == 0 and index != last, index == last
        if c in _ESC_2253 or (first and c in b"# ") or (final and c == 0x20):
            out += b"\\" + encoded
        else:
            out += encoded
    return bytes(out)


def _rfc2253(attrs: list[_Attr]) -> bytes:
    """X509_NAME_print_ex(XN_FLAG_RFC2253 without ESC_MSB/ESC_CTRL): reversed, ',' and '+'."""
    out = bytearray()
    previous: int | None = None
    for attr in reversed(attrs):
        if previous is not None:
            out += b"+" if attr.rdn == previous else b","
        previous = attr.rdn
        out += _short_name(attr.oid).encode("ascii") + b"=" + _rfc2253_value(attr)
    return bytes(out)


# ---------------------------------------------------------------------------
# General names (subjectaltname / infoAccess)
# ---------------------------------------------------------------------------


def _is_safe_alt_name(name: bytes, utf8: bool) -> bool:
    for c in name:
        if c in b"\"\\,'":
            return False
        if utf8:
            if c < 0x20 or c == 0x7F:
                return False
        elif c < 0x20 or c > 0x7E:
            return False
    return True


def _print_alt_name(name: bytes, utf8: bool, safe_prefix: str | None = None) -> bytes:
    """PrintAltName: safe names verbatim, others as a JSON string literal."""
    prefix = f"{safe_prefix}:".encode("ascii") if safe_prefix is not None else b""
    if _is_safe_alt_name(name, utf8):
        return prefix + name
    out = bytearray(b'"' + prefix)
    for c in name:
        if c == 0x5C:
            out += b"\\\\"
        elif c == 0x22:
            out += b'\\"'
        elif (0x20 <= c <= 0x7E and c != 0x2C) or (utf8 and c & 0x80):
            out.append(c)
        else:
            # Commas too: third-party code splits the string at ", ".
            out += b"\\u00%02x" % c
    out += b'"'
    return bytes(out)


# otherName types Node prints (OpenSSL 3 NIDs) and whether the value is a UTF8String.
_OTHERNAME_PREFIX = {
    "1.3.6.1.5.5.7.8.9": ("SmtpUTF8Mailbox", True),
    "1.3.6.1.5.5.7.8.5": ("XmppAddr", True),
    "1.3.6.1.5.5.7.8.7": ("SRVName", False),
    "1.3.6.1.4.1.311.20.2.3": ("UPN", True),
    "1.3.6.1.5.5.7.8.8": ("NAIRealm", True),
}


# DirectoryString: PrintableString, TeletexString, BMPString, UniversalString, UTF8String.
_DIRECTORY_STRING_TAGS = frozenset({0x13, 0x14, 0x1E, 0x1C, 0x0C})


def _check_edi_party_name(data: bytes, start: int, end: int) -> None:
    """EDIPartyName ::= SEQUENCE { nameAssigner [0] DirectoryString OPTIONAL,
    partyName [1] DirectoryString } (explicit tags), or raise _Malformed."""
    parts = list(_items(data, start, end))
    if parts and parts[0][0] == 0xA0:
        parts = parts[1:] if len(parts) > 1 else [(0, 0, 0)]
    if len(parts) != 1 or parts[0][0] != 0xA1:
        raise _Malformed("bad EDIPartyName")
    for tag, s, e in _items(data, start, end):
        inner_tag, _is, inner_end = _tlv(data, s, e)
        if inner_end != e or inner_tag not in _DIRECTORY_STRING_TAGS or tag not in (0xA0, 0xA1):
            raise _Malformed("bad EDIPartyName")


def _print_general_name(data: bytes, tag: int, start: int, end: int) -> bytes:
    """PrintGeneralName for one GeneralName TLV (tag and contents span)."""
    content = data[start:end]
    if tag == 0x82:
        return b"DNS:" + _print_alt_name(content, False)
    if tag == 0x81:
        return b"email:" + _print_alt_name(content, False)
    if tag == 0x86:
        return b"URI:" + _print_alt_name(content, False)
    if tag == 0xA4:
        ntag, nstart, nend = _tlv(data, start, end)
        if ntag != 0x30 or nend != end:
            raise _Malformed("bad directoryName")
        return b"DirName:" + _print_alt_name(_rfc2253(_parse_name(data, nstart, nend)), True)
    if tag == 0x87:
        if len(content) == 4:
            return b"IP Address:" + ".".join(str(b) for b in content).encode("ascii")
        if len(content) == 16:
            groups = (int.from_bytes(content[i : i + 2], "big") for i in range(0, 16, 2))
            return b"IP Address:" + ":".join(f"{g:X}" for g in groups).encode("ascii")
        return b"IP Address:<invalid length=%d>" % len(content)
    if tag == 0x88:
        return b"Registered ID:" + _oid(content).encode("ascii")
    if tag == 0xA0:
        parts = list(_items(data, start, end))
        if len(parts) != 2 or parts[0][0] != 0x06 or parts[1][0] != 0xA0:
            raise _Malformed("bad otherName")
        type_id = _oid(data[parts[0][1] : parts[0][2]])
        vtag, vstart, vend = _tlv(data, parts[1][1], parts[1][2])
        prefix, unicode = _OTHERNAME_PREFIX.get(type_id, (None, True))
        if prefix is None or vtag != (_UTF8 if unicode else 0x16):
            return b"othername:<unsupported>"
        return b"othername:" + _print_alt_name(data[vstart:vend], unicode, prefix)
    if tag == 0xA3:
        return b"X400Name:<unsupported>"
    if tag == 0xA5:
        # Not printed, but OpenSSL still decodes it and drops the whole SAN if that fails.
        _check_edi_party_name(data, start, end)
        return b"EdiPartyName:<unsupported>"
    raise _Malformed("unknown GeneralName")


def _subject_alt_name(value: bytes) -> str | None:
    """SafeX509SubjectAltNamePrint; None (Node's null) when the extension does not decode."""
    try:
        _tag, start, end = _single(value, 0x30)
        names = [_print_general_name(value, t, s, e) for t, s, e in _items(value, start, end)]
    except (_Malformed, IndexError, ValueError):
        return None
    return b", ".join(names).decode("utf-8", "replace")


_INFO_LINE = re.compile(r"([^\n:]*):([^\n]*)(?:\n|\Z)")


def _info_access_text(value: bytes) -> str | None:
    """SafeX509InfoAccessPrint: one 'method - location' line per AccessDescription (the
    string of ``X509Certificate#infoAccess``); None when the extension does not decode."""
    try:
        _tag, start, end = _single(value, 0x30)
        lines = []
        for dtag, dstart, dend in _items(value, start, end):
            parts = list(_items(value, dstart, dend))
            if dtag != 0x30 or len(parts) != 2 or parts[0][0] != 0x06:
                raise _Malformed("bad AccessDescription")
            method = _long_name(_oid(value[parts[0][1] : parts[0][2]]))
            location = _print_general_name(value, *parts[1])
            lines.append(method.encode("ascii") + b" - " + location)
    except (_Malformed, IndexError, ValueError):
        return None
    return b"\n".join(lines).decode("utf-8", "replace")


def _info_access(value: bytes) -> dict[str, list[str]] | None:
    """SafeX509InfoAccessPrint, then translatePeerCertificate's line parsing."""
    text = _info_access_text(value)
    if text is None:
        return None
    return _parse_info_access(text)


def _parse_info_access(text: str) -> dict[str, list[str]]:
    """translatePeerCertificate's parsing of OpenSSL's infoAccess lines."""
    info: dict[str, list[str]] = {}
    for match in _INFO_LINE.finditer(text):
        key, val = match.group(1), match.group(2)
        if val.startswith('"'):
            val = json.loads(val)
        info.setdefault(key, []).append(val)
    return info


def translatePeerCertificate(c: Any) -> Any:  # noqa: N802 - Node's name (require('_tls_common'))
    """Node 20's ``translatePeerCertificate`` (``lib/_tls_common.js``), in place on ``c``.

    Turns OpenSSL's ``infoAccess`` lines into lists per method and follows
    ``issuerCertificate`` (stopping at a self-link); ``issuer`` and ``subject`` are left
    as they are (Node 20's native layer already makes them objects).  A falsy ``c`` is
    None; a value that is not a dict is returned as it is.
    """
    if not isinstance(c, dict):
        # JavaScript's falsy values (null, 0, '', false) give null; an empty object is truthy
        return c if c else None
    issuer_cert = c.get("issuerCertificate")
    if issuer_cert is not None and issuer_cert is not c:
        c["issuerCertificate"] = translatePeerCertificate(issuer_cert)
    if c.get("infoAccess") is not None:
        c["infoAccess"] = _parse_info_access(c["infoAccess"])
    return c


def _ext_key_usage(cert: _Cert) -> list[str] | None:
    _present, value = cert.ext_unique("2.5.29.37")
    if value is None:
        return None
    try:
        _tag, start, end = _single(value, 0x30)
        return [_oid(value[s:e]) for t, s, e in _items(value, start, end) if t == 0x06]
    except (_Malformed, IndexError):
        return None


# ---------------------------------------------------------------------------
# Extensions used for "ca" and for issuer matching
# ---------------------------------------------------------------------------

_KU_KEY_CERT_SIGN = 0x04


def _key_usage(cert: _Cert) -> tuple[bool, int | None]:
    """(extension valid, OpenSSL's ex_kusage bits or None when absent)."""
    present, value = cert.ext_unique("2.5.29.15")
    if not present:
        return True, None
    if value is None:
        return False, None
    try:
        _tag, start, end = _single(value, 0x03)
    except _Malformed:
        return False, None
    bits = value[start + 1 : end] if end > start else b""
    unused = value[start] if end > start else 0
    if bits:
        bits = bits[:-1] + bytes([bits[-1] & (0xFF << unused) & 0xFF])
    usage = (bits[0] if bits else 0) | ((bits[1] << 8) if len(bits) > 1 else 0)
    return True, usage


def _is_ca(cert: _Cert) -> bool:
    """X509_check_ca(cert) == 1: basicConstraints CA:TRUE, keyUsage (if any) has keyCertSign."""
    ku_ok, usage = _key_usage(cert)
    if not ku_ok:
        return False
    if usage is not None and not usage & _KU_KEY_CERT_SIGN:
        return False
    present, value = cert.ext_unique("2.5.29.19")
    if not present or value is None:
        return False
    try:
        _tag, start, end = _single(value, 0x30)
        parts = list(_items(value, start, end))
    except _Malformed:
        return False
    ca = False
    if parts and parts[0][0] == 0x01:
        ca = value[parts[0][1] : parts[0][2]] != b"\x00"
        parts = parts[1:]
    if parts and parts[0][0] == 0x02:
        pathlen = int.from_bytes(value[parts[0][1] : parts[0][2]], "big", signed=True)
        if pathlen < 0 or not ca:  # OpenSSL flags the certificate invalid
            return False
    return ca


def _akid(cert: _Cert) -> tuple[bytes | None, list[_Attr] | None, int | None]:
    """authorityKeyIdentifier as (keyIdentifier, first directoryName, serial)."""
    value = cert.ext_unique("2.5.29.35")[1]
    if value is None:
        return None, None, None
    keyid: bytes | None = None
    dirname: list[_Attr] | None = None
    serial: int | None = None
    try:
        _tag, start, end = _single(value, 0x30)
        for tag, s, e in _items(value, start, end):
            if tag == 0x80:
                keyid = value[s:e]
            elif tag == 0xA1:
                for gtag, gs, ge in _items(value, s, e):
                    if gtag == 0xA4 and dirname is None:
                        _nt, ns, ne = _tlv(value, gs, ge)
                        dirname = _parse_name(value, ns, ne)
            elif tag == 0x82:
                serial = int.from_bytes(value[s:e], "big", signed=True)
    except _Malformed:
        return None, None, None
    return keyid, dirname, serial


def _skid(cert: _Cert) -> bytes | None:
    value = cert.ext_unique("2.5.29.14")[1]
    if value is None:
        return None
    try:
        _tag, start, end = _single(value, 0x04)
    except _Malformed:
        return None
    return value[start:end]


_RSA, _RSA_PSS, _EC = "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10", "1.2.840.10045.2.1"
_DSA, _ED25519, _ED448 = "1.2.840.10040.4.1", "1.3.101.112", "1.3.101.113"

# Signature algorithm -> the key types check_sig_alg_match accepts for the issuer.
_SIG_KEYS: dict[str, frozenset[str]] = {
    **{
        oid: frozenset({_RSA})
        for oid in (
            "1.2.840.113549.1.1.2",
            "1.2.840.113549.1.1.3",
            "1.2.840.113549.1.1.4",
            "1.2.840.113549.1.1.5",
            "1.2.840.113549.1.1.11",
            "1.2.840.113549.1.1.12",
            "1.2.840.113549.1.1.13",
            "1.2.840.113549.1.1.14",
            "1.2.840.113549.1.1.15",
            "1.2.840.113549.1.1.16",
            "1.3.14.3.2.29",
            "2.16.840.1.101.3.4.3.13",
            "2.16.840.1.101.3.4.3.14",
            "2.16.840.1.101.3.4.3.15",
            "2.16.840.1.101.3.4.3.16",
        )
    },
    _RSA_PSS: frozenset({_RSA, _RSA_PSS}),
    **{
        oid: frozenset({_EC})
        for oid in (
            "1.2.840.10045.4.1",
            "1.2.840.10045.4.3.1",
            "1.2.840.10045.4.3.2",
            "1.2.840.10045.4.3.3",
            "1.2.840.10045.4.3.4",
            "2.16.840.1.101.3.4.3.9",
            "2.16.840.1.101.3.4.3.10",
            "2.16.840.1.101.3.4.3.11",
            "2.16.840.1.101.3.4.3.12",
        )
    },
    **{
        oid: frozenset({_DSA})
        for oid in ("1.2.840.10040.4.3", "2.16.840.1.101.3.4.3.1", "2.16.840.1.101.3.4.3.2")
    },
    _ED25519: frozenset({_ED25519}),
    _ED448: frozenset({_ED448}),
}


def _spki_parts(cert: _Cert) -> tuple[str, bytes | None, bytes]:
    """(key algorithm OID, raw parameters TLV, subjectPublicKey bits)."""
    spki = cert.spki
    _tag, start, end = _single(spki, 0x30)
    (atag, astart, aend), (btag, bstart, bend) = list(_items(spki, start, end))
    if atag != 0x30 or btag != 0x03 or bend <= bstart:
        raise _Malformed("bad SubjectPublicKeyInfo")
    alg = list(_items(spki, astart, aend))
    oid = _oid(spki[alg[0][1] : alg[0][2]])
    # Only a named curve (an OID) gives asn1Curve; explicit parameters do not.
    params = None
    if len(alg) > 1 and alg[1][0] == 0x06:
        params = spki[alg[1][1] : alg[1][2]]
    return oid, params, spki[bstart + 1 : bend]


def _key_alg(cert: _Cert) -> str | None:
    try:
        return _spki_parts(cert)[0]
    except (_Malformed, ValueError):
        return None


def _likely_issued(issuer: _Cert, subject: _Cert) -> str | None:
    """ossl_x509_likely_issued: None when plausible, else the reason it is not."""
    if not _names_equal(issuer.subject, subject.issuer):
        return "name"
    keyid, dirname, serial = _akid(subject)
    skid = _skid(issuer)
    if keyid is not None and skid is not None and keyid != skid:
        return "akid"
    if serial is not None and serial != issuer.serial:
        return "akid"
    if dirname is not None and not _names_equal(dirname, issuer.issuer):
        return "akid"
    if _key_alg(issuer) not in _SIG_KEYS.get(subject.sig_oid, frozenset()):
        return "sigalg"
    return None


def _check_issued(issuer: _Cert, subject: _Cert) -> bool:
    """X509_check_issued(issuer, subject) == X509_V_OK (no signature check, as in OpenSSL)."""
    if _likely_issued(issuer, subject) is not None:
        return False
    ku_ok, usage = _key_usage(issuer)
    return ku_ok and (usage is None or bool(usage & _KU_KEY_CERT_SIGN))


# ---------------------------------------------------------------------------
# Public key, validity, serial
# ---------------------------------------------------------------------------

# EC_curve_nid2nist, keyed by OpenSSL short name.
_NIST_CURVES = {
    "sect163r2": "B-163",
    "sect233r1": "B-233",
    "sect283r1": "B-283",
    "sect409r1": "B-409",
    "sect571r1": "B-571",
    "sect163k1": "K-163",
    "sect233k1": "K-233",
    "sect283k1": "K-283",
    "sect409k1": "K-409",
    "sect571k1": "K-571",
    "prime192v1": "P-192",
    "secp224r1": "P-224",
    "prime256v1": "P-256",
    "secp384r1": "P-384",
    "secp521r1": "P-521",
}


def _key_fields(cert: _Cert) -> dict[str, Any]:
    """The RSA (modulus, bits, exponent, pubkey) or EC (bits, pubkey, curves) members."""
    try:
        oid, params, bits = _spki_parts(cert)
        key = cert.cert.public_key()
    except (_Malformed, ValueError, TypeError):
        # Node only adds key members when OpenSSL could decode the key.
        return {}
    if oid == _RSA and isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return {
            "modulus": f"{numbers.n:X}",
            "bits": numbers.n.bit_length(),
            # BN_get_word saturates for exponents wider than a machine word.
            "exponent": f"0x{min(numbers.e, 2**64 - 1):x}",
            # i2d_RSA_PUBKEY: re-encoded SubjectPublicKeyInfo with rsaEncryption.
            "pubkey": key.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
        }
    if oid == _EC and isinstance(key, ec.EllipticCurvePublicKey):
        order = getattr(key.curve, "group_order", None)
        out: dict[str, Any] = {
            "bits": order.bit_length() if isinstance(order, int) else key.curve.key_size,
            # The point exactly as encoded (Node re-encodes in the form it was read in).
            "pubkey": bits,
        }
        if params is not None:
            curve = _short_name(_oid(params))
            out["asn1Curve"] = curve
            if curve in _NIST_CURVES:
                out["nistCurve"] = _NIST_CURVES[curve]
        return out
    return {}


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIME = re.compile(r"(\d{2,4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\.\d+)?Z")


def _time_print(tag: int, raw: bytes, fallback: datetime.datetime) -> str:
    """ASN1_TIME_print: 'Mon DD HH:MM:SS[.fff] YYYY GMT' with the day space-padded."""
    match = _TIME.fullmatch(raw.decode("latin-1"))
    if match is None or (tag == 0x17) != (len(match.group(1)) == 2):
        # Only the strict DER forms reach here via cryptography; keep a sane answer.
        return (
            f"{_MONTHS[fallback.month - 1]} {fallback.day:2d} {fallback:%H:%M:%S} "
            f"{fallback.year} GMT"
        )
    year = int(match.group(1))
    if tag == 0x17:
        year += 1900 if year >= 50 else 2000
    month, day = int(match.group(2)), int(match.group(3))
    fraction = match.group(7) or ""
    return (
        f"{_MONTHS[month - 1]} {day:2d} {match.group(4)}:{match.group(5)}:{match.group(6)}"
        f"{fraction} {year} GMT"
    )


def _bn2hex(value: int) -> str:
    """BN_bn2hex: upper-case, whole bytes (so a leading 0 nibble is kept), '-' if negative."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    text = magnitude.to_bytes((magnitude.bit_length() + 7) // 8, "big").hex().upper()
    return "-" + text if value < 0 else text


def _fingerprint(der: bytes, algorithm: str) -> str:
    digest = hashlib.new(algorithm, der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


# ---------------------------------------------------------------------------
# Certificate objects
# ---------------------------------------------------------------------------


def _object(parsed: _Cert) -> dict[str, Any]:
    info: dict[str, Any] = {}
    subject = _name_object(parsed.subject)
    if subject is not None:
        info["subject"] = subject
    issuer = _name_object(parsed.issuer)
    if issuer is not None:
        info["issuer"] = issuer
    san = parsed.ext_first("2.5.29.17")
    if san is not None:
        info["subjectaltname"] = _subject_alt_name(san)
    aia = parsed.ext_first("1.3.6.1.5.5.7.1.1")
    if aia is not None:
        info["infoAccess"] = _info_access(aia)
    info["ca"] = _is_ca(parsed)
    info.update(_key_fields(parsed))
    cert = parsed.cert
    info["valid_from"] = _time_print(*parsed.not_before, not_valid_before(cert))
    info["valid_to"] = _time_print(*parsed.not_after, not_valid_after(cert))
    info["fingerprint"] = _fingerprint(parsed.der, "sha1")
    info["fingerprint256"] = _fingerprint(parsed.der, "sha256")
    info["fingerprint512"] = _fingerprint(parsed.der, "sha512")
    eku = _ext_key_usage(parsed)
    if eku is not None:
        info["ext_key_usage"] = eku
    info["serialNumber"] = _bn2hex(parsed.serial)
    info["raw"] = parsed.der
    return info


def certificate_object(cert: x509.Certificate) -> dict[str, Any]:
    """Node 20's legacy certificate object for ``cert``.

    Keys, in Node's order: ``subject``, ``issuer``, ``subjectaltname`` and
    ``infoAccess`` (only when the extension exists; ``None`` where Node has
    ``null`` because it could not decode it), ``ca``, then ``modulus``, ``bits``,
    ``exponent``, ``pubkey`` for RSA keys or ``bits``, ``pubkey``,
    ``asn1Curve``, ``nistCurve`` for EC keys, ``valid_from``, ``valid_to``,
    ``fingerprint``, ``fingerprint256``, ``fingerprint512``, ``ext_key_usage``
    (when present), ``serialNumber`` and ``raw``.  Buffers are ``bytes``.
    """
    return _object(_parse(cert))


def peer_certificate_object(
    chain: Sequence[x509.Certificate],
    detailed: bool,
    *,
    trusted: Sequence[x509.Certificate] = (),
) -> dict[str, Any]:
    """``tlsSocket.getPeerCertificate(detailed)`` for a peer chain (peer's own cert first).

    Without ``detailed`` only the first certificate's object is returned.  With
    it, Node links each object to its issuer's through ``issuerCertificate``:
    issuers are taken from the rest of the chain in any order, then, once the
    chain runs out, looked up in ``trusted`` (the SecureContext's CA store, as
    ``SSL_CTX_get_issuer`` does).  The object of a self-issued certificate
    that could sign itself is its own ``issuerCertificate`` (the same dict);
    when no issuer is found the last object has no ``issuerCertificate``.
    An empty chain gives ``{}`` as Node does for a peer without a certificate.
    """
    if not chain:
        return {}
    first = _parse(chain[0])
    result = _object(first)
    if not detailed:
        return result

    # AddIssuerChainToObject: each certificate is used at most once, so the
    # walk always terminates even for chains that name each other.
    remaining = [_parse(c) for c in chain[1:]]
    current, tail = first, result
    while True:
        for index, candidate in enumerate(remaining):
            if _check_issued(candidate, current):
                issuer_obj = _object(candidate)
                tail["issuerCertificate"] = issuer_obj
                tail, current = issuer_obj, candidate
                del remaining[index]
                break
        else:
            break
        # Node tests "not found" as i == count *after* deleting the match, so an
        # issuer found in the last slot also ends the walk (out-of-order chains
        # stop early in Node, and so must they here).
        if index == len(remaining):
            break

    # GetLastIssuedCert: continue from the trust store.
    store = [_parse(c) for c in trusted]
    current_from_store = False
    seen: set[int] = set()
    while not _check_issued(current, current):
        found = _store_issuer(store, current)
        if found is None:
            break
        issuer_obj = _object(found)
        tail["issuerCertificate"] = issuer_obj
        tail = issuer_obj
        # Node stops once the store hands back the certificate it asked about
        # (a self-signed cert without keyCertSign); the id() guard only adds
        # termination for store loops Node itself would spin on.
        if (current_from_store and found is current) or id(found) in seen:
            break
        seen.add(id(found))
        current, current_from_store = found, True

    if _check_issued(current, current):
        tail["issuerCertificate"] = tail
    return result


def _store_issuer(store: list[_Cert], cert: _Cert) -> _Cert | None:
    """X509_STORE_CTX_get1_issuer: name match, preferring a currently valid certificate."""
    now = datetime.datetime.now(datetime.UTC)
    best: _Cert | None = None
    for candidate in store:
        # The store's check_issued only rejects on a subject/issuer name mismatch.
        if _likely_issued(candidate, cert) == "name":
            continue
        c = candidate.cert
        if not_valid_before(c) <= now <= not_valid_after(c):
            return candidate
        if best is None or not_valid_after(c) > not_valid_after(best.cert):
            best = candidate
    return best

"""``tls.checkServerIdentity``: Node 20's host-name rules (``lib/tls.js``), in Python.

DNS names in ``subjectaltname`` take precedence and the CN is ignored once any
exists; the CN is used only without DNS names (an IP-only SAN still allows it);
``*`` matches one whole label and only where Node allows it; IP hosts must match
an ``IP Address`` entry after canonicalisation; trailing dots and case do not
matter.  ``cert`` is any mapping with Node's keys.
"""

from __future__ import annotations

import functools
import json
import re
import socket as _socket
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import NodeError, NodeValueError, js_string

if TYPE_CHECKING:
    from .results import CertificateIdentity

__all__ = ["checkServerIdentity"]

# Node lower-cases with String#toLowerCase on ASCII host names only.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

_V4_SEG = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_V4_STR = rf"(?:{_V4_SEG}\.){{3}}{_V4_SEG}"
_V6_SEG = r"(?:[0-9a-fA-F]{1,4})"
_IPV4_RE = re.compile(_V4_STR)
_IPV6_RE = re.compile(
    "(?:"
    rf"(?:{_V6_SEG}:){{7}}(?:{_V6_SEG}|:)|"
    rf"(?:{_V6_SEG}:){{6}}(?:{_V4_STR}|:{_V6_SEG}|:)|"
    rf"(?:{_V6_SEG}:){{5}}(?::{_V4_STR}|(?::{_V6_SEG}){{1,2}}|:)|"
    rf"(?:{_V6_SEG}:){{4}}(?:(?::{_V6_SEG}){{0,1}}:{_V4_STR}|(?::{_V6_SEG}){{1,3}}|:)|"
    rf"(?:{_V6_SEG}:){{3}}(?:(?::{_V6_SEG}){{0,2}}:{_V4_STR}|(?::{_V6_SEG}){{1,4}}|:)|"
    rf"(?:{_V6_SEG}:){{2}}(?:(?::{_V6_SEG}){{0,3}}:{_V4_STR}|(?::{_V6_SEG}){{1,5}}|:)|"
    rf"(?:{_V6_SEG}:){{1}}(?:(?::{_V6_SEG}){{0,4}}:{_V4_STR}|(?::{_V6_SEG}){{1,6}}|:)|"
    rf"(?::(?:(?::{_V6_SEG}){{0,5}}:{_V4_STR}|(?::{_V6_SEG}){{1,7}}|:))"
    r")(?:%[0-9a-zA-Z\-.:]{1,})?"
)


@functools.lru_cache(maxsize=256)  # the host a program connects to, again and again
def _is_ip(host: str) -> bool:
    """net.isIP(host) != 0 (Node's own regexes, not the stricter ipaddress module)."""
    return bool(_IPV4_RE.fullmatch(host) or _IPV6_RE.fullmatch(host))


def _canonicalize_ip(text: str) -> str | None:
    """cares_wrap's canonicalizeIP: inet_pton then inet_ntop; None (undefined) if neither
    parses.  libuv's and libc's inet_pton/ntop are the same BIND code, so the socket
    module's give Node's answers (no leading zeros in IPv4, longest zero run as ``::``)."""
    text = text.split("\x00", 1)[0]  # the C side sees a NUL-terminated string
    try:
        return _socket.inet_ntop(_socket.AF_INET, _socket.inet_pton(_socket.AF_INET, text))
    except OSError:
        pass
    if "%" in text:  # libuv ignores an IPv6 zone id
        text = text[: text.index("%")]
        if len(text) > 45:
            return None
    try:
        return _socket.inet_ntop(_socket.AF_INET6, _socket.inet_pton(_socket.AF_INET6, text))
    except OSError:
        return None


def _unfqdn(host: str) -> str:
    return host[:-1] if host.endswith(".") else host


def _split_host(host: str) -> list[str]:
    return _unfqdn(host).translate(_ASCII_LOWER).split(".")


def _is_bad_label(label: str) -> bool:
    # U-labels, blanks and control characters are never matched.
    return any(not "\x21" <= ch <= "\x7f" for ch in label)


def _check(host_parts: list[str], pattern: Any, wildcards: bool) -> bool:
    """Node's check(): does one DNS name / CN pattern match the host labels?"""
    if not pattern:
        return False
    if not isinstance(pattern, str):
        raise TypeError(f"certificate names must be strings, not {type(pattern).__name__}")
    pattern_parts = _split_host(pattern)
    if len(host_parts) != len(pattern_parts):
        return False
    if "" in pattern_parts:
        return False
    if any(_is_bad_label(part) for part in pattern_parts):
        return False
    for i in range(len(host_parts) - 1, 0, -1):
        if host_parts[i] != pattern_parts[i]:
            return False
    host_sub, pattern_sub = host_parts[0], pattern_parts[0]
    pieces = pattern_sub.split("*")
    # RFC 6125: no wildcard substitution inside IDNA A-labels.
    if len(pieces) == 1 or "xn--" in pattern_sub:
        return host_sub == pattern_sub
    if not wildcards or len(pieces) > 2:
        return False
    if len(pattern_parts) <= 2:  # no *.tld
        return False
    prefix, suffix = pieces
    if len(prefix) + len(suffix) > len(host_sub):
        return False
    return host_sub.startswith(prefix) and host_sub.endswith(suffix)


# Any JSON string literal (ECMA-404) at the start of the text.
_JSON_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')


def _split_escaped_alt_names(alt_names: str) -> list[str]:
    """splitEscapedAltNames: split at ', ' outside JSON-quoted segments, unquoting them."""
    result: list[str] = []
    token = ""
    offset = 0
    while offset != len(alt_names):
        next_sep = alt_names.find(",", offset)
        next_quote = alt_names.find('"', offset)
        if next_quote != -1 and (next_sep == -1 or next_quote < next_sep):
            token += alt_names[offset:next_quote]
            match = _JSON_STRING.match(alt_names, next_quote)
            if match is None:
                raise NodeValueError(
                    "Invalid subject alternative name string", "ERR_TLS_CERT_ALTNAME_FORMAT"
                )
            token += json.loads(match.group(0))
            offset = match.end()
        elif next_sep != -1:
            token += alt_names[offset:next_sep]
            result.append(token)
            token = ""
            offset = next_sep + 2
        else:
            token += alt_names[offset:]
            offset = len(alt_names)
    result.append(token)
    return result




def checkServerIdentity(hostname: str, cert: CertificateIdentity) -> NodeError | None:
    """Node 20's ``tls.checkServerIdentity(hostname, cert)``.

    ``cert`` is a certificate object (a :class:`~nodessl.results.PeerCertificate`, or
    anything with Node's ``subject`` and ``subjectaltname`` keys).  Returns ``None`` when the certificate is valid for
    ``hostname``, otherwise a ``NodeError`` with ``code`` ``ERR_TLS_CERT_ALTNAME_INVALID``
    and ``reason``, ``host`` and ``cert`` attributes.  A malformed quoted
    ``subjectaltname`` raises ``ERR_TLS_CERT_ALTNAME_FORMAT``.
    """
    subject = cert.get("subject")
    alt_names = cert.get("subjectaltname")
    dns_names: list[str] = []
    ips: list[str | None] = []

    hostname = js_string(hostname)

    if alt_names:
        names = _split_escaped_alt_names(alt_names) if '"' in alt_names else alt_names.split(", ")
        for name in names:
            if name.startswith("DNS:"):
                dns_names.append(name[4:])
            elif name.startswith("IP Address:"):
                ips.append(_canonicalize_ip(name[11:]))

    valid = False
    reason = "Unknown reason"
    hostname = _unfqdn(hostname)  # without the trailing dot, also in messages
    cn = subject.get("CN") if isinstance(subject, Mapping) else None

    if _is_ip(hostname):
        valid = _canonicalize_ip(hostname) in ips
        if not valid:
            shown = ", ".join("" if ip is None else ip for ip in ips)
            reason = f"IP: {hostname} is not in the cert's list: {shown}"
    elif dns_names or cn:
        host_parts = _split_host(hostname)
        if dns_names:
            valid = any(_check(host_parts, name, True) for name in dns_names)
            if not valid:
                reason = f"Host: {hostname}. is not in the cert's altnames: {alt_names}"
        else:
            # CN only counts when the certificate has no DNS names at all.
            if isinstance(cn, (list, tuple)):
                valid = any(_check(host_parts, name, True) for name in cn)
            else:
                valid = _check(host_parts, cn, True)
            if not valid:
                reason = f"Host: {hostname}. is not cert's CN: {js_string(cn)}"
    else:
        reason = "Cert does not contain a DNS name"

    if valid:
        return None
    return NodeError(
        f"Hostname/IP does not match certificate's altnames: {reason}",
        "ERR_TLS_CERT_ALTNAME_INVALID",
        reason=reason,
        host=hostname,
        cert=cert,
    )

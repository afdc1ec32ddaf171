"""``tls.createSecureContext``: Node's options applied to a pyOpenSSL ``Context``.

Structure (after Node's ``_tls_common.js`` and ``internal/tls/secure-context.js``):

* :class:`SecureContext` ``(secureProtocol, secureOptions, minVersion, maxVersion)`` is Node's
  JS ``SecureContext`` plus the C++ ``Init``: the protocol method, the version range and the
  options every Node context has.
* :func:`createSecureContext` folds ``honorCipherOrder`` into ``secureOptions``, builds that
  object, then :func:`_configure` applies every other option through one ordered table,
  :data:`_STEPS`, whose comments say why each step sits where it does.
* :class:`NativeContext` is ``secureContext.context``: the pyOpenSSL ``SSL.Context`` with
  Node's native methods (``addCACert``, ``setCert``, ``setCiphers``, ...), which change the
  SecureContext at any time, for every connection created afterwards.  The steps and the
  native methods share one set of small functions on a SecureContext.
* Every SecureContext owns its certificate store (the parsed default roots are shared).

Errors are Node's: ``ERR_INVALID_ARG_TYPE`` naming the option, ``ERR_TLS_*`` for versions and
methods, and OpenSSL failures in Node's form (``error:0A0000B9:SSL routines::no cipher match``,
code ``ERR_SSL_NO_CIPHER_MATCH``) via :mod:`nodessl.openssl`.

Node 20's defaults hold on the OpenSSL underneath (Node 20 bundles 3.0, the pyOpenSSL wheel
4.0): security level 1 unless ``ciphers`` says ``@SECLEVEL=n``, and ``ecdhCurve: 'auto'`` is
3.0's default groups (:data:`NODE20_GROUPS`: no post-quantum hybrid, and no ffdhe group, so
DHE only with ``dhparam``).  Beyond those defaults OpenSSL wins and a comment says so:

* cipher names match case-insensitively (``aes128-sha`` is accepted);
* an explicit ``ecdhCurve`` may name 4.0's groups (X25519MLKEM768, ...), and a TLS 1.2
  server whose ``ecdhCurve`` names an RFC 7919 ffdhe group negotiates DHE over it when the
  client offers it, with or without ``dhparam``;
* engines (``privateKeyEngine``/``privateKeyIdentifier``, ``clientCertEngine``) need an OpenSSL
  with the ENGINE API, the shared backend's 3.x; on the bundled OpenSSL 4 they raise Node's
  ``ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED``.
"""

from __future__ import annotations

import base64
import math
import os
import re
import sys
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Unpack

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.utils import CryptographyDeprecationWarning
from OpenSSL import SSL, crypto

from . import backend, hooks, openssl
from .compat import add_crl, verify_directly_issued_by
from .der import read_tlv
from .errors import (
    BYTES_LIKE,
    MISSING,
    NodeError,
    NodeTypeError,
    NodeValueError,
    SSLError,
    invalid_arg_type,
    invalid_arg_value,
    out_of_range,
)
from .optionnames import check_keywords
from .options import SecureContextOptions

__all__ = [
    "NativeContext",
    "DEFAULT_CIPHERS",
    "DEFAULT_ECDH_CURVE",
    "DEFAULT_MAX_VERSION",
    "DEFAULT_MIN_VERSION",
    "NODE_OPTIONS_KEYLOG",
    "SecureContext",
    "SecurityWarning",
    "createSecureContext",
    "getCiphers",
    "rootCertificates",
]


class SecurityWarning(UserWarning):
    """Node's ``SecurityWarning`` process warning (e.g. a DH group below 2048 bits)."""


# -- NODE_OPTIONS ----------------------------------------------------------------------------

# Node 20's DEFAULT_CIPHER_LIST_CORE (src/node_constants.h), the default of --tls-cipher-list.
_DEFAULT_CIPHER_LIST_CORE = (
    "TLS_AES_256_GCM_SHA384:"
    "TLS_CHACHA20_POLY1305_SHA256:"
    "TLS_AES_128_GCM_SHA256:"
    "ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:"
    "DHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES128-SHA256:"
    "DHE-RSA-AES128-SHA256:"
    "ECDHE-RSA-AES256-SHA384:"
    "DHE-RSA-AES256-SHA384:"
    "ECDHE-RSA-AES256-SHA256:"
    "DHE-RSA-AES256-SHA256:"
    "HIGH:"
    "!aNULL:"
    "!eNULL:"
    "!EXPORT:"
    "!DES:"
    "!RC4:"
    "!MD5:"
    "!PSK:"
    "!SRP:"
    "!CAMELLIA"
)

_TLS_BOOL_FLAGS = frozenset({
    "--tls-min-v1.0", "--tls-min-v1.1", "--tls-min-v1.2", "--tls-min-v1.3",
    "--tls-max-v1.2", "--tls-max-v1.3", "--trace-tls",
})
_TLS_VALUE_FLAGS = frozenset({"--tls-cipher-list", "--tls-keylog"})


def _split_node_options(value: str) -> list[str]:
    """Split ``NODE_OPTIONS`` as Node does: on spaces, with ``"double quotes"`` grouping and
    backslash escapes inside quotes (``--tls-cipher-list="A:!B"`` is one argument)."""
    args: list[str] = []
    cur: list[str] = []
    started = in_quotes = False
    i = 0
    while i < len(value):
        c = value[i]
        if in_quotes and c == "\\" and i + 1 < len(value):
            i += 1
            cur.append(value[i])
        elif c == '"':
            in_quotes = not in_quotes
            started = True
        elif c.isspace() and not in_quotes:
            if started:
                args.append("".join(cur))
                cur, started = [], False
        else:
            cur.append(c)
            started = True
        i += 1
    if started:
        args.append("".join(cur))
    return args


def _parse_node_options(value: str) -> dict[str, Any]:
    """The TLS flags of a ``NODE_OPTIONS`` string: ``{flag: True | str}``.

    Node accepts ``--flag=value`` and ``--flag value``, and ``_`` for ``-`` in flag names.
    """
    flags: dict[str, Any] = {}
    args = _split_node_options(value)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not arg.startswith("--"):
            continue
        name, eq, val = arg.partition("=")
        name = "--" + name[2:].replace("_", "-")
        if name in _TLS_VALUE_FLAGS:
            if not eq and i < len(args):
                val = args[i]
                i += 1
            flags[name] = val
        elif name in _TLS_BOOL_FLAGS:
            flags[name] = True
    return flags


_MIN_VERSION_FLAGS = (("--tls-min-v1.0", "TLSv1"), ("--tls-min-v1.1", "TLSv1.1"),
                      ("--tls-min-v1.2", "TLSv1.2"), ("--tls-min-v1.3", "TLSv1.3"))
_MAX_VERSION_FLAGS = (("--tls-max-v1.3", "TLSv1.3"), ("--tls-max-v1.2", "TLSv1.2"))


def _defaults_from_flags(flags: Mapping[str, Any]) -> tuple[str, str, str, str | None]:
    """(DEFAULT_CIPHERS, DEFAULT_MIN_VERSION, DEFAULT_MAX_VERSION, keylog path) per Node's
    ``lib/tls.js``: the lowest requested minimum wins, the highest requested maximum wins."""
    if flags.get("--tls-min-v1.3") and flags.get("--tls-max-v1.2"):
        # Node refuses to start: it prints this on stderr and exits with 9 (bad option).  The
        # options reach nodessl when it is first imported, so the program ends there, the same.
        sys.stderr.write("nodessl: either --tls-min-v1.3 or --tls-max-v1.2 can be used, "
                         "not both\n")
        sys.stderr.flush()
        raise SystemExit(9)
    ciphers = flags.get("--tls-cipher-list") or _DEFAULT_CIPHER_LIST_CORE
    # Node checks the flags in this order; the first one given wins.
    min_v = next((v for flag, v in _MIN_VERSION_FLAGS if flags.get(flag)), "TLSv1.2")
    max_v = next((v for flag, v in _MAX_VERSION_FLAGS if flags.get(flag)), "TLSv1.3")
    keylog = flags.get("--tls-keylog") or None
    return ciphers, min_v, max_v, keylog


# Read once at import, like Node reads its options once at startup.
_NODE_FLAGS = _parse_node_options(os.environ.get("NODE_OPTIONS", ""))

DEFAULT_CIPHERS: str
DEFAULT_MIN_VERSION: str
DEFAULT_MAX_VERSION: str
NODE_OPTIONS_KEYLOG: str | None
(DEFAULT_CIPHERS, DEFAULT_MIN_VERSION, DEFAULT_MAX_VERSION,
 NODE_OPTIONS_KEYLOG) = _defaults_from_flags(_NODE_FLAGS)
"""``--tls-keylog=FILE`` from ``NODE_OPTIONS`` (path or None); used by the keylog feature."""
NODE_OPTIONS_TRACE_TLS: bool = bool(_NODE_FLAGS.get("--trace-tls"))
"""``--trace-tls`` in ``NODE_OPTIONS``: every TLSSocket without an ``enableTrace`` option traces."""
if not _NODE_FLAGS.get("--tls-cipher-list") and (
        os.environ.get("NODE_LEGACY_CIPHER_LIST") or os.environ.get("NODE_CIPHER_LIST")):
    # Seed 002's switches, below --tls-cipher-list (see nodessl.legacy.ciphers).
    from .legacy.ciphers import default_from_environment

    DEFAULT_CIPHERS = default_from_environment(os.environ, DEFAULT_CIPHERS)
DEFAULT_ECDH_CURVE: str = "auto"


def _default(name: str) -> Any:
    """A ``DEFAULT_*`` value as the user sees it now: ``nodessl.NAME`` when the package has
    it (assignable, like ``tls.DEFAULT_CIPHERS`` in Node), else this module's value."""
    return getattr(sys.modules.get("nodessl"), name, globals()[name])


# -- PEM helpers ----------------------------------------------------------------------------

_PEM_BLOCK_RE = re.compile(
    rb"-----BEGIN ([A-Z0-9 .]+)-----\r?\n(.*?)-----END \1-----", re.DOTALL)
_PEM_CERT_RE = re.compile(r"-----BEGIN CERTIFICATE-----\r?\n.*?-----END CERTIFICATE-----",
                          re.DOTALL)
# The labels PEM_read_bio_X509_AUX accepts, i.e. what Node takes in `ca`.
_CERT_LABELS = frozenset({b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE"})


def _der_length(der: bytes, offset: int = 0) -> tuple[int, int]:
    """(header length, content length) of the DER element at ``offset``; ValueError
    (:class:`~nodessl.der.DERError`) when the header is cut short or declares more content than
    there is."""
    _tag, start, end = read_tlv(der, offset)
    return start - offset, end - start


def _pem_blocks(data: bytes, labels: frozenset[bytes]) -> list[tuple[bytes, bytes]]:
    """(label, DER) of the PEM blocks with one of ``labels``, in order.  Other blocks and text
    between blocks are skipped, like OpenSSL's PEM reader; decoding stops at the first block
    that is not valid base64, as OpenSSL's read loop does."""
    out = []
    for m in _PEM_BLOCK_RE.finditer(data):
        if m.group(1) not in labels:
            continue
        lines = m.group(2).split(b"\n")
        if lines and b":" in lines[0]:
            # RFC 1421 headers (Proc-Type: ...) run up to the first empty line.
            end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
            lines = lines[end + 1:]
        try:
            der = base64.b64decode(b"".join(b"".join(lines).split()), validate=True)
        except ValueError:
            break
        out.append((m.group(1), der))
    return out


def _read_certs(data: bytes) -> list[crypto.X509]:
    """Every certificate of a PEM string, with Node's ``ca`` semantics (``CERTIFICATE``,
    ``X509 CERTIFICATE`` and ``TRUSTED CERTIFICATE``; stop at the first bad one).

    A ``TRUSTED CERTIFICATE`` is the certificate followed by OpenSSL's trust settings
    (X509_CERT_AUX); the binding cannot keep those, so the certificate is trusted for every
    purpose, as a plain ``CERTIFICATE`` would be.  Parsed by OpenSSL (pyOpenSSL), not by
    cryptography, which warns about the serial number 0 of several Mozilla roots.
    """
    certs = []
    for label, der in _pem_blocks(data, _CERT_LABELS):
        try:
            if label == b"TRUSTED CERTIFICATE":
                header, length = _der_length(der)
                der = der[:header + length]
            certs.append(crypto.load_certificate(crypto.FILETYPE_ASN1, der))
        except (ValueError, crypto.Error):
            break
    return certs


def _to_crypto(cert: crypto.X509) -> x509.Certificate:
    """The cryptography view of a certificate, without the deprecation warning cryptography
    gives for non-positive serial numbers (several Mozilla roots have serial 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return cert.to_cryptography()


def _pem_of(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


# -- default trust store (Node's root store) -------------------------------------------------

def _load_root_certificates() -> tuple[str, ...]:
    """Mozilla's roots (via certifi) as Node shows them: PEM strings without a final newline."""
    with open(certifi.where(), encoding="ascii") as f:
        return tuple(m.group(0) for m in _PEM_CERT_RE.finditer(f.read()))


rootCertificates: tuple[str, ...] = _load_root_certificates()
"""Node's ``tls.rootCertificates``: the PEM strings trusted when no ``ca`` is given (an
immutable tuple, as Node's array is frozen).  ``NODE_EXTRA_CA_CERTS`` is not listed, as in
Node."""


def _load_extra_ca_certs() -> list[crypto.X509]:
    """``NODE_EXTRA_CA_CERTS``: read once at import, like Node at startup.  An unreadable file
    gives Node's warning and is ignored; a file without certificates is silently ignored."""
    path = os.environ.get("NODE_EXTRA_CA_CERTS")
    if not path:
        return []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        errno = exc.errno or 0
        reason = os.strerror(errno) if errno else str(exc)
        # Node prints OpenSSL's system error: error:80000002:system library::No such file...
        warnings.warn(f"Ignoring extra certs from `{path}`, load failed: "
                      f"error:{0x80000000 | errno:08X}:system library::{reason}",
                      RuntimeWarning, stacklevel=2)
        return []
    return _read_certs(data)


_EXTRA_CA_CERTS: list[crypto.X509] = _load_extra_ca_certs()


class _RootStore:
    """The parsed root certificates, shared by every context; each context gets its own
    X509_STORE holding them.

    Node gives contexts without ``ca`` one shared store and copies it before a change
    (``NewRootCertStore``).  Here the store is reachable from Python
    (``context.get_cert_store()``), so a change could not be intercepted: every context owns
    its store from the start.  The X509 objects are parsed once and only referenced by each
    store (``X509_STORE_add_cert`` takes a reference): a store of ~260 roots costs about
    0.15 ms and a few KiB (measured: a default context 0.3 ms, 0.15 ms with one shared store).  Parsed lazily, under a lock, on the first context that needs it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._certs: list[crypto.X509] | None = None
        self._crypto_certs: list[x509.Certificate] | None = None

    def certs(self) -> list[x509.Certificate]:
        """The root certificates as cryptography objects (for issuer look-ups only)."""
        if self._crypto_certs is None:
            self._crypto_certs = [_to_crypto(c) for c in self._build()]
        return self._crypto_certs

    def _build(self) -> list[crypto.X509]:
        if self._certs is None:
            with self._lock:
                if self._certs is None:
                    roots = [crypto.load_certificate(crypto.FILETYPE_PEM, pem.encode("ascii"))
                             for pem in rootCertificates]
                    # Extra CAs are in every root store here; Node 20 forgets them in the
                    # private copies (a CRL then drops NODE_EXTRA_CA_CERTS), a bug not kept.
                    self._certs = roots + _EXTRA_CA_CERTS
        return self._certs

    def new_store(self) -> crypto.X509Store:
        """A fresh store holding every root certificate (Node's ``NewRootCertStore``)."""
        store = crypto.X509Store()
        openssl.store_add_certs(store, self._build())
        return store


_ROOTS = _RootStore()


# -- value helpers -------------------------------------------------------------------------

def _js_truthy(value: Any) -> bool:
    """JavaScript truthiness: only None, False, 0, NaN and '' are false (empty bytes, lists
    and dicts are objects, hence true), which is what Node's ``if (ca)`` tests."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def _is_buffer(value: Any) -> bool:
    return isinstance(value, (bytes, bytearray, memoryview))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _to_bytes(value: str | bytes | bytearray | memoryview) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


_KEY_OR_CERT = "of type string or an instance of Buffer, TypedArray, or DataView"


def _validate_key_or_cert(name: str, value: Any) -> bytes:
    """Node's ``validateKeyOrCertOption``: a string or a buffer; returns the bytes."""
    if not isinstance(value, str) and not _is_buffer(value):
        raise invalid_arg_type(name, _KEY_OR_CERT, value)
    return _to_bytes(value)


def _validate_string(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid_arg_type(name, "of type string", value)
    return value


def _validate_int32(name: str, value: Any, minimum: int = -(2**31)) -> int:
    """Node's ``validateInt32(value, name, min)``."""
    if not _is_number(value):
        raise invalid_arg_type(name, "of type number", value)
    if isinstance(value, float) and not value.is_integer():
        raise out_of_range(name, "an integer", value)
    if not minimum <= value <= 2**31 - 1:
        raise out_of_range(name, f">= {minimum} && <= {2**31 - 1}", value)
    return int(value)


_MAX_SAFE_INTEGER = 2**53 - 1


def _validate_integer(name: str, value: Any) -> int:
    """Node's ``validateInteger``: a safe integer (``argument`` wording, as Node's)."""
    if not _is_number(value):
        raise invalid_arg_type(name, "of type number", value)
    if isinstance(value, float) and not value.is_integer():
        raise out_of_range(name, "an integer", value)
    if not -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER:
        raise out_of_range(name, f">= {-_MAX_SAFE_INTEGER} && <= {_MAX_SAFE_INTEGER}", value)
    return int(value)


def _js_inspect(value: Any) -> str:
    """How Node's messages quote a value: strings in double quotes, numbers bare."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


# -- protocol versions and methods --------------------------------------------------------

_VERSIONS = {
    "TLSv1": openssl.TLS1_VERSION,
    "TLSv1.1": openssl.TLS1_1_VERSION,
    "TLSv1.2": openssl.TLS1_2_VERSION,
    "TLSv1.3": openssl.TLS1_3_VERSION,
}
_VERSION_NAMES = {v: k for k, v in _VERSIONS.items()}
_MAX_SUPPORTED_VERSION = openssl.TLS1_3_VERSION


def _to_version(which: str, value: Any, default: Any) -> int:
    """Node's ``toV``: a version name to OpenSSL's number, else
    ``ERR_TLS_INVALID_PROTOCOL_VERSION``."""
    if value is None:
        value = default
    if isinstance(value, str) and value in _VERSIONS:
        return _VERSIONS[value]
    raise NodeTypeError(f"{_js_inspect(value)} is not a valid {which} TLS protocol version",
                        "ERR_TLS_INVALID_PROTOCOL_VERSION")


_KEEP = -1  # "keep the minimum computed from minVersion / DEFAULT_MIN_VERSION"

# secureProtocol name -> (pyOpenSSL method, min version, max version), from Node's
# SecureContext::Init.  0 means "no limit" (OpenSSL's lowest).  The SSLv23 names keep the
# default minimum but stop at TLS 1.2, as in Node.
_METHODS: dict[str, tuple[int, int, int]] = {}
for _suffix, _method in (("method", SSL.TLS_METHOD), ("server_method", SSL.TLS_SERVER_METHOD),
                         ("client_method", SSL.TLS_CLIENT_METHOD)):
    _METHODS[f"SSLv23_{_suffix}"] = (_method, _KEEP, openssl.TLS1_2_VERSION)
    _METHODS[f"TLS_{_suffix}"] = (_method, 0, _MAX_SUPPORTED_VERSION)
    _METHODS[f"TLSv1_{_suffix}"] = (_method, openssl.TLS1_VERSION, openssl.TLS1_VERSION)
    _METHODS[f"TLSv1_1_{_suffix}"] = (_method, openssl.TLS1_1_VERSION, openssl.TLS1_1_VERSION)
    _METHODS[f"TLSv1_2_{_suffix}"] = (_method, openssl.TLS1_2_VERSION, openssl.TLS1_2_VERSION)
_DISABLED_METHODS = {
    f"SSLv{v}_{s}": f"SSLv{v} methods disabled"
    for v in (2, 3) for s in ("method", "server_method", "client_method")
}


def _select_method(secure_protocol: Any, min_v: int, max_v: int) -> tuple[int, int, int]:
    if not isinstance(secure_protocol, str):
        # Node's Init only looks at strings; anything else selects TLS_method silently.
        return SSL.TLS_METHOD, min_v, max_v
    if secure_protocol in _DISABLED_METHODS:
        raise NodeTypeError(_DISABLED_METHODS[secure_protocol], "ERR_TLS_INVALID_PROTOCOL_METHOD")
    try:
        method, pin_min, pin_max = _METHODS[secure_protocol]
    except KeyError:
        raise NodeTypeError(f"Unknown method: {secure_protocol}",
                            "ERR_TLS_INVALID_PROTOCOL_METHOD") from None
    return method, (min_v if pin_min == _KEEP else pin_min), pin_max


# Node's context-wide defaults (SecureContext::Init).  SSL_OP_NO_SSLv2/3 are no-ops on
# OpenSSL >= 1.1 but Node sets them and code may read them back.  OpenSSL's own defaults stay:
# SSL_OP_NO_COMPRESSION and SSL_OP_ENABLE_MIDDLEBOX_COMPAT are set by SSL_CTX_new.
_NODE_OPTIONS = (openssl.SSL_OP_NO_SSLv2 | openssl.SSL_OP_NO_SSLv3
                 | openssl.SSL_OP_ALLOW_CLIENT_RENEGOTIATION)
# Node keeps sessions itself (newSession/resumeSession events, session objects): OpenSSL's
# internal cache is off, caching of both roles is on.
_NODE_SESSION_CACHE_MODE = (SSL.SESS_CACHE_CLIENT | SSL.SESS_CACHE_SERVER
                            | SSL.SESS_CACHE_NO_INTERNAL | SSL.SESS_CACHE_NO_AUTO_CLEAR)


def _to_int32(value: Any) -> int:
    """JavaScript's ``value | 0`` for the values an options object plausibly holds."""
    if _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            return 0
        n = int(value) & 0xFFFFFFFF
        return n - (1 << 32) if n >= 1 << 31 else n
    if isinstance(value, str):
        try:
            return _to_int32(float(value.strip() or 0))
        except ValueError:
            return 0
    return 1 if value is True else 0


# -- the SecureContext object --------------------------------------------------------------

_Op = Callable[["SecureContext"], Any]


class SecureContext:
    """Node's ``SecureContext``.

    ``context`` is the native handle (Node's ``secureContext.context``): a
    :class:`NativeContext`, which is a pyOpenSSL ``SSL.Context`` with Node's native methods
    (``addCACert``, ``setCert``, ``setCiphers``, ...).  Each SecureContext owns its
    certificate store.

    One SecureContext is one ``SSL_CTX``, as in Node: every connection is made from
    :attr:`context`, so its session cache, ticket keys and certificates serve them all.
    The OpenSSL callbacks connections ask for are installed on it once, the first time one
    asks (:meth:`context_for`, :mod:`nodessl.hooks`).

    The constructor is Node's ``new SecureContext(secureProtocol, secureOptions, minVersion,
    maxVersion)``: protocol range and options only; :func:`createSecureContext` configures
    the rest.
    """

    context: NativeContext
    # The key-exchange groups ecdhCurve installed, and the RFC 7919 group the dhparam is (see
    # _install_groups); the class values until the build sets them.
    _groups: str = ""
    _dh_group: str | None = None

    def __init__(self, secureProtocol: Any = None, secureOptions: Any = None,
                 minVersion: Any = None, maxVersion: Any = None) -> None:
        if _js_truthy(secureProtocol):
            for version in (minVersion, maxVersion):
                if version is not None:
                    raise NodeTypeError(
                        f"TLS protocol version {_js_inspect(version)} conflicts with "
                        f"secureProtocol {_js_inspect(secureProtocol)}",
                        "ERR_TLS_PROTOCOL_VERSION_CONFLICT")
        min_v = _to_version("minimum", minVersion, _default("DEFAULT_MIN_VERSION"))
        max_v = _to_version("maximum", maxVersion, _default("DEFAULT_MAX_VERSION"))
        method, min_v, max_v = _select_method(secureProtocol, min_v, max_v)

        ctx = NativeContext(method, self)
        openssl.set_options(ctx, _NODE_OPTIONS)
        # Idle connections give their read/write buffers back (tens of KiB each).
        openssl.set_mode(ctx, openssl.SSL_MODE_RELEASE_BUFFERS)
        ctx.set_session_cache_mode(_NODE_SESSION_CACHE_MODE)
        openssl.set_min_proto_version(ctx, min_v)
        openssl.set_max_proto_version(ctx, max_v)
        # Node 20's security level: OpenSSL 3.0's default, 1 (1024-bit RSA keys and DH groups
        # pass), where OpenSSL 4 defaults to 2.  The binding has no
        # SSL_CTX_set_security_level; the cipher string sets it, and a later `ciphers`
        # without "@SECLEVEL=n" keeps it (OpenSSL changes it only when told), so
        # `ciphers: '...:@SECLEVEL=n'` still decides as in Node.
        openssl.set_cipher_list(ctx, "DEFAULT:@SECLEVEL=1")
        if _js_truthy(secureOptions):
            openssl.set_options(ctx, _validate_integer("secureOptions", secureOptions))

        self.context = ctx
        self.minVersion: int = min_v  # OpenSSL numbers; 0 = no lower limit
        self.maxVersion: int = max_v
        self.ticketKeys: bytes | None = None
        self.sessionTimeout: int | None = None
        self._init_args = (secureProtocol, secureOptions, minVersion, maxVersion)
        self._options: dict[str, Any] | None = None
        self._ca_certs: list[x509.Certificate] = []
        self._uses_roots = False
        # One entry per certificate slot (key type), in the order they were set:
        # leaf -> [leaf, intermediates...]
        self._chains: dict[str, list[x509.Certificate]] = {}
        self._keys: list[crypto.PKey] = []
        # Node's cert_ / issuer_: the last certificate set and its issuer, found when it was
        # set (getCertificate / getIssuer).
        self._last_leaf: x509.Certificate | None = None
        self._issuer: x509.Certificate | None = None
        # Node's Init draws random ticket keys for every context (getTicketKeys).
        self._random_ticket_keys = os.urandom(48)
        # what the ticket-key callback derives from those keys (openssl.install_ticket_keys)
        self._ticket_cb_state: tuple[Any, ...] | None = None
        # keys whose tickets still resume (renewed under the current ones) but protect no new
        # ticket: a rotation's previous keys (_use_ticket_keys); the callback's cache of them
        self._ticket_decrypt_keys: tuple[bytes, ...] = ()
        self._ticket_cb_extra: tuple[Any, ...] | None = None
        if backend.is_shared():
            # Node's TicketCompatibilityCallback, on every context: tickets are protected
            # with getTicketKeys()'s keys (see _ticket_key_material).
            openssl.install_ticket_keys(ctx, self)
            # and Node's session-cache callbacks (newSession / resumeSession)
            openssl.install_session_cache(ctx)
        # every native method called since the build, for fresh_context()
        self._native_log: list[_Op] = []
        # the context-level callbacks installed on the SSL_CTX so far (hooks.install)
        self._installed_hooks: set[Callable[[SSL.Context], None]] = set()
        self._closed = False

    # -- what the context holds -------------------------------------------------------------

    def ca_certificates(self) -> list[x509.Certificate]:
        """The certificates this context trusts beyond the default roots: those of ``ca`` and
        the CA certificates of a ``pfx`` (Node adds both to the store).  Empty when the
        context uses the default roots only."""
        return list(self._ca_certs)

    def certificates(self) -> list[x509.Certificate]:
        """The context's own leaf certificates, one per key type (RSA, EC, ...)."""
        return [chain[0] for chain in self._chains.values()]

    def certificate_chain(self, leaf: x509.Certificate | None = None) -> list[x509.Certificate]:
        """``[leaf, intermediates...]`` as sent to peers, for ``leaf`` (default: the last
        certificate set, which is what Node's ``getCertificate()`` reports)."""
        leaf = leaf if leaf is not None else self._last_leaf
        for chain in self._chains.values():
            if chain[0] == leaf:
                return list(chain)
        return []

    def trusted_certificates(self) -> list[x509.Certificate]:
        """Everything the context's store trusts: ``ca`` and PFX CAs, plus the default roots
        when ``ca`` was not given (where Node looks up issuers for detailed certificates)."""
        return self._ca_certs + (_ROOTS.certs() if self._uses_roots else [])

    def issuer_certificate(self, leaf: x509.Certificate | None = None) -> x509.Certificate | None:
        """The issuer of ``leaf`` (default: the last certificate set) as Node finds it for the
        OCSP ``issuer`` argument: first among the certificate's own chain, then in the trust
        store (``ca``, a PFX's CAs, or the default roots)."""
        chain = self.certificate_chain(leaf)
        if not chain:
            return None
        leaf = chain[0]
        for cand in chain[1:] + self.trusted_certificates():
            if cand.subject != leaf.issuer:
                continue
            try:
                verify_directly_issued_by(leaf, cand)
            except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
                continue
            return cand
        return None

    # -- pyOpenSSL contexts for connections ----------------------------------------------

    def fresh_context(self) -> SSL.Context:
        """A new, unused ``SSL.Context`` configured like this one: the same options (defaults
        as resolved then), then the same native-method calls since.  Warnings are not
        repeated.  For probing what this context would do (sigalgs.py); connections are
        made from :attr:`context` itself."""
        if self._options is None:
            twin = SecureContext(*self._init_args)
        else:
            twin = _build(self._options, quiet=True)
        for op in self._native_log:
            op(twin)
        return twin.context

    def context_for(self, asked: frozenset[str]) -> SSL.Context:
        """:attr:`context`, with the context-level callbacks that ``asked`` names installed
        (see :mod:`nodessl.hooks`): the ``SSL_CTX`` to make a connection from."""
        self._check_open("createSSL")
        if asked:
            hooks.install(self.context, self._installed_hooks, asked)
        return self.context

    def _ticket_key_material(self) -> bytes:
        """The 48 bytes tickets are protected with (name, HMAC key, AES key)."""
        return self.ticketKeys or self._random_ticket_keys

    def _use_ticket_keys(self, current: bytes, decrypt_only: tuple[bytes, ...] = ()) -> None:
        """Protect new tickets with ``current`` (as ``ticketKeys``) and still accept tickets
        protected with the ``decrypt_only`` keys, renewing them under ``current`` (48 bytes
        each; shared backend).  For :mod:`nodessl.sessions`' rotated keys: not a native
        method, so not replayed by :meth:`fresh_context`."""
        self.ticketKeys = current
        others = tuple(k for k in decrypt_only if k != current)
        if others != self._ticket_decrypt_keys:  # the same keys keep the callback's cache
            self._ticket_decrypt_keys = others

    def _check_open(self, operation: str) -> None:
        if self._closed:
            # Node 20 dereferences the freed SSL_CTX (a crash); here an error instead.
            raise NodeError(f"Invalid state for operation {operation}",
                            "ERR_CRYPTO_INVALID_STATE")

    def _native(self, operation: str, op: _Op) -> Any:
        """Apply a native method's change to this context, and keep it for the contexts
        :meth:`fresh_context` builds.  Its result is the owner's."""
        self._check_open(operation)
        result = op(self)
        self._native_log.append(op)
        # What a client built from this context offers may have changed.
        from .sigalgs import _OWN

        _OWN.pop(self, None)
        return result

    def __repr__(self) -> str:
        low = _VERSION_NAMES.get(self.minVersion, "any")
        high = _VERSION_NAMES.get(self.maxVersion, "any")
        return f"<SecureContext {low}..{high} certificates={len(self._chains)}>"


# -- the native handle (secureContext.context) ----------------------------------------------

def _missing_args(name: str) -> NodeTypeError:
    return NodeTypeError(f'The "{name}" argument must be specified', "ERR_MISSING_ARGS")


def _required(name: str, value: Any) -> None:
    # Node 20's native methods CHECK their mandatory arguments (the process aborts); here
    # the error Node's JavaScript layer gives for a missing argument.
    if value is MISSING:
        raise _missing_args(name)


def _native_string(name: str, value: Any) -> str:
    _required(name, value)
    if not isinstance(value, str):
        # A failed CHECK(args[0]->IsString()) in Node 20.
        raise invalid_arg_type(name, "of type string", value)
    return value


def _native_int32(name: str, value: Any) -> int:
    _required(name, value)
    # A failed CHECK(args[0]->IsInt32()) in Node 20.
    return _validate_int32(name, value)


def _bio(value: Any) -> bytes | None:
    """Node's ``LoadBIO``: the bytes of a string or a buffer, else None (the native method
    then returns without doing anything, as in Node)."""
    if isinstance(value, str) or _is_buffer(value):
        return _to_bytes(value)
    return None


def _der_of(cert: x509.Certificate | None) -> bytes | None:
    return None if cert is None else cert.public_bytes(serialization.Encoding.DER)


class NativeContext(SSL.Context):
    """Node's native ``SecureContext`` (``tls.createSecureContext().context``).

    A pyOpenSSL ``SSL.Context`` (what connections are made from) that also has Node 20's
    native methods: ``addCACert``, ``addCRL``, ``addRootCerts``, ``setAllowPartialTrustChain``,
    ``setCert``, ``setKey``, ``loadPKCS12``, ``setCiphers``, ``setCipherSuites``,
    ``setSigalgs``, ``setECDHCurve``, ``setDHParam``, ``setMinProto``/``setMaxProto``,
    ``getMinProto``/``getMaxProto``, ``setOptions``, ``setSessionIdContext``,
    ``setSessionTimeout``, ``setTicketKeys``/``getTicketKeys``, ``getCertificate``,
    ``getIssuer`` and ``close``.

    Each acts on the SecureContext that owns this handle, as in Node at any time: unlike
    pyOpenSSL's own setters they also work after connections were made, and connections
    created afterwards see the change (through every context the SecureContext hands out).

    Arguments are Node's: strings or bytes where Node takes a string or a Buffer, OpenSSL's
    version numbers (``0x303`` for TLS 1.2).  Where Node 20's native code CHECKs an argument
    and aborts the process, these raise Node's JavaScript error for it instead
    (``ERR_MISSING_ARGS``, ``ERR_INVALID_ARG_TYPE``, ``ERR_OUT_OF_RANGE``,
    ``ERR_INVALID_ARG_VALUE``); a value Node's ``LoadBIO`` cannot read (not a string or a
    buffer) is ignored, as in Node.
    """

    def __init__(self, method: int, owner: SecureContext) -> None:
        super().__init__(method)
        self._owner = owner

    # -- trust ----------------------------------------------------------------------------

    def addCACert(self, cert: Any = MISSING) -> None:
        """Trust every certificate of the PEM ``cert`` (up to the first unreadable one) and
        name it in a server's CertificateRequest.  Junk adds nothing, silently."""
        _required("cert", cert)
        data = _bio(cert)
        if data is not None:
            self._owner._native("addCACert", lambda sc: _add_ca_certs(sc, data))

    def addCRL(self, crl: Any = MISSING) -> None:
        """Add the first CRL of the PEM ``crl`` and check CRLs for the whole chain
        (``ERR_CRYPTO_OPERATION_FAILED`` "Failed to parse CRL" when there is none)."""
        _required("crl", crl)
        data = _bio(crl)
        if data is not None:
            self._owner._native("addCRL", lambda sc: _add_crl(sc, data))

    def addRootCerts(self) -> None:
        """Trust the default root certificates (and ``NODE_EXTRA_CA_CERTS``) only: the
        context's store is replaced by a new one holding them, as Node swaps in its root
        store (CAs, CRLs and flags added before are gone)."""
        self._owner._native("addRootCerts", _use_root_store)

    def setAllowPartialTrustChain(self) -> None:
        """Accept a chain ending at any trusted certificate, not only at a root."""
        self._owner._native("setAllowPartialTrustChain", _allow_partial_chain)

    # -- identity -------------------------------------------------------------------------

    def setCert(self, cert: Any = MISSING) -> None:
        """Use the PEM ``cert`` (leaf, then its intermediates) for its key type; OpenSSL's
        error (e.g. ``ERR_OSSL_PEM_NO_START_LINE``) when it cannot be read."""
        _required("cert", cert)
        data = _bio(cert)
        if data is not None:
            self._owner._native("setCert", lambda sc: _set_cert(sc, data))

    def setKey(self, key: Any = MISSING, passphrase: Any = MISSING) -> None:
        """Use the PEM private ``key``, decrypted with ``passphrase`` when it is a string
        (Node ignores any other passphrase: a Buffer gives ``ERR_OSSL_BAD_DECRYPT``)."""
        _required("key", key)
        data = _bio(key)
        if data is None:
            return
        secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else None
        self._owner._native("setKey", lambda sc: _use_key(sc, data, secret))

    def loadPKCS12(self, pfx: Any = MISSING, passphrase: Any = MISSING) -> None:
        """Use the certificate, chain and key of a PKCS#12 ``pfx``, and trust its CA
        certificates.  ``passphrase``, when passed at all, must be a buffer (Node:
        "Pass phrase must be a buffer"); OpenSSL's bare reason ("mac verify failure") on
        failure."""
        if pfx is MISSING:
            raise NodeTypeError("PFX certificate argument is mandatory", "ERR_MISSING_ARGS")
        data = _bio(pfx)
        if data is None:
            raise NodeError("Unable to load PFX certificate", "ERR_CRYPTO_OPERATION_FAILED")
        if passphrase is not MISSING and not _is_buffer(passphrase):
            raise NodeTypeError(f"Pass phrase must be {BYTES_LIKE}", "ERR_INVALID_ARG_TYPE")
        secret = None if passphrase is MISSING else bytes(passphrase)
        self._owner._native("loadPKCS12", lambda sc: _load_pfx(sc, data, secret))

    def getCertificate(self) -> bytes | None:
        """The DER of the last certificate set (``setCert``, ``loadPKCS12``), or None."""
        return _der_of(self._owner._last_leaf)

    def getIssuer(self) -> bytes | None:
        """The DER of that certificate's issuer as found when it was set (in its chain,
        then in the trust store), or None."""
        return _der_of(self._owner._issuer)

    # -- handshake parameters -------------------------------------------------------------

    def setCiphers(self, ciphers: Any = MISSING) -> None:
        """OpenSSL's TLS <= 1.2 cipher list (``SSL_CTX_set_cipher_list``); ``''`` clears it."""
        text = _native_string("ciphers", ciphers)
        self._owner._native("setCiphers", lambda sc: _set_cipher_list(sc, text))

    def setCipherSuites(self, ciphers: Any = MISSING) -> None:
        """The TLS 1.3 suites (``SSL_CTX_set_ciphersuites``)."""
        text = _native_string("ciphers", ciphers)
        self._owner._native("setCipherSuites",
                            lambda sc: openssl.set_ciphersuites(sc.context, text))

    def setSigalgs(self, sigalgs: Any = MISSING) -> None:
        """The signature algorithms (``SSL_CTX_set1_sigalgs_list``)."""
        text = _native_string("sigalgs", sigalgs)
        self._owner._native("setSigalgs",
                            lambda sc: openssl.set_sigalgs_list(sc.context, text))

    def setECDHCurve(self, curve: Any = MISSING) -> None:
        """The key-exchange groups, ``'auto'`` leaving OpenSSL's defaults
        (``ERR_CRYPTO_OPERATION_FAILED`` "Failed to set ECDH curve" for an unknown one)."""
        text = _native_string("curve", curve)
        self._owner._native("setECDHCurve", lambda sc: _set_curve(sc, text))

    def setDHParam(self, dh: Any = MISSING) -> str | None:
        """DH parameters for DHE (PEM), or ``True`` for a group sized from the key.

        Unreadable parameters are ignored; below 1024 bits ``ERR_INVALID_ARG_VALUE``; below
        2048 bits the warning text is returned ("DH parameter is less than 2048 bits"), as
        Node's native method returns it for the JavaScript layer to emit.
        """
        _required("dh", dh)
        if dh is True:
            result: str | None = self._owner._native(
                "setDHParam", lambda sc: _set_dh(sc, _auto_dh(sc)))
            return result
        data = _bio(dh)
        if data is None:
            return None
        result = self._owner._native("setDHParam", lambda sc: _set_dh(sc, data))
        return result

    def setMinProto(self, version: Any = MISSING) -> None:
        """The lowest protocol version (OpenSSL's number, ``0x303`` = TLS 1.2; 0 = lowest)."""
        number = _native_int32("version", version)
        self._owner._native("setMinProto", lambda sc: _set_proto(sc, number, maximum=False))

    def setMaxProto(self, version: Any = MISSING) -> None:
        """The highest protocol version (OpenSSL's number; 0 = highest)."""
        number = _native_int32("version", version)
        self._owner._native("setMaxProto", lambda sc: _set_proto(sc, number, maximum=True))

    def getMinProto(self) -> int:
        """The lowest protocol version as set (``771`` for TLS 1.2; 0 once closed)."""
        return 0 if self._owner._closed else self._owner.minVersion

    def getMaxProto(self) -> int:
        """The highest protocol version as set (``772`` for TLS 1.3; 0 once closed)."""
        return 0 if self._owner._closed else self._owner.maxVersion

    def setOptions(self, options: Any = MISSING) -> None:
        """OR ``SSL_OP_*`` bits into the context's options (a number, truncated to an
        integer as V8's ``IntegerValue`` does)."""
        _required("options", options)
        if not _is_number(options):
            raise invalid_arg_type("options", "of type number", options)
        bits = _integer_value(options)
        self._owner._native("setOptions", lambda sc: openssl.set_options(sc.context, bits))

    # -- sessions -------------------------------------------------------------------------

    def setSessionIdContext(self, sessionIdContext: Any = MISSING) -> None:
        """The session id context (at most 32 bytes: a ``TypeError`` carrying OpenSSL's
        printed error otherwise, as Node)."""
        text = _native_string("sessionIdContext", sessionIdContext)
        self._owner._native("setSessionIdContext",
                            lambda sc: _set_session_id_context(sc, text))

    def setSessionTimeout(self, timeout: Any = MISSING) -> None:
        """Lifetime in seconds of the sessions created from now on."""
        seconds = _native_int32("timeout", timeout)
        self._owner._native("setSessionTimeout", lambda sc: _set_session_timeout(sc, seconds))

    def setTicketKeys(self, keys: Any = MISSING) -> bool:
        """Replace the 48 bytes of session-ticket keys (16 name, 16 HMAC, 16 AES); True.
        Tickets issued from now on are protected with them, and only tickets protected with
        them resume.

        Shared backend only (the bundled binding has no ticket-key callback): on the bundled
        one ``ERR_FEATURE_UNAVAILABLE_ON_PLATFORM`` after Node's argument checks.
        """
        _required("keys", keys)
        if not _is_buffer(keys):
            raise invalid_arg_type("keys", "an instance of Buffer, TypedArray, or DataView",
                                   keys)
        data = bytes(keys)
        if len(data) != 48:
            raise invalid_arg_value("keys", len(data), "must be exactly 48 bytes")
        backend.require_shared("setTicketKeys")
        self._owner._native("setTicketKeys", lambda sc: setattr(sc, "ticketKeys", data))
        return True

    def getTicketKeys(self) -> bytes:
        """The 48 bytes of session-ticket keys OpenSSL protects tickets with: those set
        (``ticketKeys``, :meth:`setTicketKeys`), else the random ones drawn for this context,
        as Node.  Shared backend only (``ERR_FEATURE_UNAVAILABLE_ON_PLATFORM`` on the bundled
        one)."""
        backend.require_shared("getTicketKeys")
        return self._owner._ticket_key_material()

    def close(self) -> None:
        """Release the context: later changes and new connections raise
        ``ERR_CRYPTO_INVALID_STATE`` (Node 20 crashes on them); ``getCertificate()`` and
        ``getIssuer()`` give None, ``getMinProto()``/``getMaxProto()`` 0, as in Node."""
        owner = self._owner
        owner._closed = True
        owner._last_leaf = owner._issuer = None


def _integer_value(value: int | float) -> int:
    """V8's ``IntegerValue``: truncation toward zero, NaN as 0, infinities saturated."""
    if isinstance(value, float):
        if math.isnan(value):
            return 0
        if math.isinf(value):
            return 2**63 - 1 if value > 0 else -(2**63)
    return max(-(2**63), min(2**63 - 1, int(value)))


# -- configuration steps (configSecureContext) ---------------------------------------------

@dataclass
class _Build:
    """What the steps share while one context is configured."""

    sc: SecureContext
    opts: Mapping[str, Any]
    quiet: bool = False
    name: str = "options"

    def get(self, key: str) -> Any:
        return self.opts.get(key)

    @property
    def ctx(self) -> SSL.Context:
        return self.sc.context

    @property
    def keys(self) -> list[crypto.PKey]:
        return self.sc._keys


# -- what the steps and the native methods do to one SecureContext --------------------------

def _store(sc: SecureContext) -> crypto.X509Store:
    """The context's own certificate store."""
    store = sc.context.get_cert_store()
    assert store is not None
    return store


def _use_root_store(sc: SecureContext) -> None:
    # A new store, not the one SSL_CTX_new made: Node's addRootCerts replaces the store, so
    # what was added before (CAs, CRLs, flags) is gone, here too.
    openssl.set_cert_store(sc.context, _ROOTS.new_store())
    sc._uses_roots = True
    sc._ca_certs = []


def _add_ca_certs(sc: SecureContext, data: bytes) -> None:
    store = _store(sc)
    for x in _read_certs(data):
        openssl.store_add_cert(store, x)
        # Node also names every CA in the CertificateRequest of a server.
        openssl.add_client_ca(sc.context, x)
        sc._ca_certs.append(_to_crypto(x))


def _allow_partial_chain(sc: SecureContext) -> None:
    openssl.store_set_flags(_store(sc), openssl.X509_V_FLAG_PARTIAL_CHAIN)


def _set_cert(sc: SecureContext, pem: bytes) -> None:
    # As Node's SetCert: the previous certificate is forgotten first, even if this one fails.
    sc._last_leaf = sc._issuer = None
    _install_chain(sc, pem)


def _set_cipher_list(sc: SecureContext, ciphers: str) -> None:
    try:
        openssl.set_cipher_list(sc.context, ciphers)
    except SSLError as err:
        # '' deliberately clears the TLS 1.2 list (OpenSSL installs it, then complains that no
        # 1.2 cipher is left); any other unmatched list is the user's error.
        if ciphers or err.reason != "no cipher match":
            raise


# What Node 20's 'auto' means: OpenSSL 3.0's default groups, which is exactly what a Node 20
# client offers in supported_groups (checked on the wire with `openssl s_server -trace`).
# OpenSSL 4's own defaults differ in two ways ported code notices: the hybrid X25519MLKEM768
# comes first (Node 20 has no such group), and the RFC 7919 ffdhe groups let a TLS 1.2 server
# negotiate DHE without `dhparam` (and prefer them to it), where Node 20 does DHE only with
# `dhparam`.  An explicit `ecdhCurve` naming any of these still gets them.
NODE20_GROUPS = "X25519:P-256:X448:P-521:P-384"


def _set_curve(sc: SecureContext, curve: str) -> None:
    if curve == "auto":
        curve = NODE20_GROUPS
    # OpenSSL 4 accepts '' as "no change"; Node's OpenSSL 3.0 rejects it.  Keep Node's error.
    if curve == "" or not openssl.set_curves_list(sc.context, curve):
        raise NodeError("Failed to set ECDH curve", "ERR_CRYPTO_OPERATION_FAILED")
    sc._groups = curve
    if sc._dh_group is not None:
        _install_groups(sc)


def _install_groups(sc: SecureContext) -> None:
    """The groups of ``ecdhCurve`` plus, last, the RFC 7919 group the ``dhparam`` is.

    OpenSSL 3.2+ negotiates TLS 1.2 DHE over RFC 7919 groups: a client offering ffdhe
    groups (the openssl CLI, Firefox) gets DHE only over a group in the server's list, never
    over the ``dhparam`` installed.  Node 20's OpenSSL 3.0 serves the dhparam to every client.
    When the dhparam is itself an RFC 7919 group ('auto' always is), listing that group
    serves such a client the very group Node serves; after the EC groups, so ECDHE and
    TLS 1.3 keep their preference.  A dhparam of any other group cannot be served to those
    clients by OpenSSL 4 (they get ECDHE, as when the server has no DHE)."""
    groups = sc._groups or NODE20_GROUPS
    if sc._dh_group is not None and sc._dh_group not in groups.split(":"):
        groups = f"{groups}:{sc._dh_group}"
    openssl.set_curves_list(sc.context, groups)


def _set_proto(sc: SecureContext, version: int, *, maximum: bool) -> None:
    setter = openssl.set_max_proto_version if maximum else openssl.set_min_proto_version
    if not setter(sc.context, version):
        # Node 20 aborts (CHECK) on a version OpenSSL does not know.
        raise invalid_arg_value("version", version)
    if maximum:
        sc.maxVersion = version
    else:
        sc.minVersion = version


def _set_session_id_context(sc: SecureContext, sid: str) -> None:
    try:
        openssl.set_session_id_context(sc.context, sid.encode("utf-8"))
    except SSLError as err:
        # Node throws a plain TypeError carrying OpenSSL's printed error (e.g. more than 32
        # bytes: "ssl session id context too long"), without a code.
        raise NodeTypeError(err.message, None) from err


def _set_session_timeout(sc: SecureContext, seconds: int) -> None:
    openssl.set_session_timeout(sc.context, seconds)
    sc.sessionTimeout = seconds


def _split_ciphers(ciphers: str, name: str) -> tuple[str, str]:
    """Node's ``processCiphers``: ``TLS_*`` (and ``!TLS_*``) names are TLS 1.3 suites for
    ``SSL_CTX_set_ciphersuites``, everything else is the TLS <= 1.2 list."""
    parts = ciphers.split(":")
    suites = ":".join(p for p in parts if p and (p.startswith("TLS_") or p.startswith("!TLS_")))
    cipher_list = ":".join(p for p in parts if p and not (p.startswith("TLS_")
                                                           or p.startswith("!TLS_")))
    if not suites and not cipher_list:
        # Nothing at all to handshake with.
        raise invalid_arg_value(name, parts)
    return cipher_list, suites


def _step_ciphers(b: _Build) -> None:
    ciphers = b.get("ciphers")
    if ciphers is None:
        ciphers = _default("DEFAULT_CIPHERS")
    _validate_string(f"{b.name}.ciphers", ciphers)
    # An empty string means the defaults (`ciphers || getDefaultCiphers()` in Node).
    cipher_list, suites = _split_ciphers(ciphers or _default("DEFAULT_CIPHERS"),
                                         f"{b.name}.ciphers")
    if suites:
        openssl.set_ciphersuites(b.ctx, suites)
    _set_cipher_list(b.sc, cipher_list)
    if not cipher_list and b.sc.minVersion < openssl.TLS1_3_VERSION \
            and b.sc.maxVersion > openssl.TLS1_2_VERSION:
        # Only TLS 1.3 suites: a TLS 1.2 handshake could never succeed.
        _set_proto(b.sc, openssl.TLS1_3_VERSION, maximum=False)


def _step_ca(b: _Build) -> None:
    ca = b.get("ca")
    if not _js_truthy(ca):
        # Mozilla's roots, in a store of this context's own (see _RootStore).
        _use_root_store(b.sc)
        return
    for item in ca if isinstance(ca, (list, tuple)) else [ca]:
        _add_ca_certs(b.sc, _validate_key_or_cert(f"{b.name}.ca", item))


def _step_partial_chain(b: _Build) -> None:
    if _js_truthy(b.get("allowPartialTrustChain")):
        _allow_partial_chain(b.sc)


def _slot(cert: x509.Certificate) -> str:
    return type(cert.public_key()).__name__


def _install_chain(sc: SecureContext, pem: bytes,
                   certs: Sequence[x509.Certificate] | None = None) -> None:
    openssl.use_certificate_chain(sc.context, pem)
    # Bookkeeping for certificates()/issuer_certificate(); OpenSSL already accepted the PEM.
    certs = list(certs) if certs is not None else [_to_crypto(x) for x in _read_certs(pem)]
    if certs:
        sc._chains[_slot(certs[0])] = certs
        sc._last_leaf = certs[0]
        # Node finds the issuer when the certificate is set (getIssuer): in its chain, else
        # in the store as it is now.
        sc._issuer = sc.issuer_certificate(certs[0])


def _step_cert(b: _Build) -> None:
    cert = b.get("cert")
    if not _js_truthy(cert):
        return
    for item in cert if isinstance(cert, (list, tuple)) else [cert]:
        _set_cert(b.sc, _validate_key_or_cert(f"{b.name}.cert", item))


def _set_key(b: _Build, key: Any, passphrase: Any) -> None:
    pem = _validate_key_or_cert(f"{b.name}.key", key)
    secret: bytes | None = None
    if passphrase is not None:
        if isinstance(passphrase, (bytes, bytearray)):
            secret = bytes(passphrase)  # a Python convenience; Node takes strings only
        else:
            secret = _validate_string(f"{b.name}.passphrase", passphrase).encode("utf-8")
    _use_key(b.sc, pem, secret)


def _use_key(sc: SecureContext, pem: bytes, secret: bytes | None) -> None:
    pkey = openssl.read_private_key(pem, secret)
    openssl.use_private_key(sc.context, pkey)
    sc._keys.append(pkey)


def _step_key(b: _Build) -> None:
    key = b.get("key")
    if not _js_truthy(key):
        return
    passphrase = b.get("passphrase")
    if isinstance(key, (list, tuple)):
        # Entries are PEMs or {pem, passphrase} objects; an object's own passphrase wins.
        for val in key:
            pem = val["pem"] if isinstance(val, Mapping) and val.get("pem") is not None else val
            pw = passphrase
            if isinstance(val, Mapping) and val.get("passphrase") is not None:
                pw = val["passphrase"]
            _set_key(b, pem, pw)
    else:
        _set_key(b, key, passphrase)


def _step_sigalgs(b: _Build) -> None:
    sigalgs = b.get("sigalgs")
    if sigalgs is None:
        return
    _validate_string(f"{b.name}.sigalgs", sigalgs)
    if sigalgs == "":
        raise invalid_arg_value(f"{b.name}.sigalgs", sigalgs)
    openssl.set_sigalgs_list(b.ctx, sigalgs)


_ENGINE_NOT_SUPPORTED = ("Custom engines not supported by this OpenSSL",
                         "ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED")


def _step_engine_key(b: _Build) -> None:
    identifier = b.get("privateKeyIdentifier")
    engine = b.get("privateKeyEngine")
    if identifier is None:
        return  # privateKeyEngine alone is ignored, as in Node
    if engine is None:
        raise invalid_arg_value(f"{b.name}.privateKeyEngine", engine)
    if _js_truthy(b.get("key")):
        # Both define the private key.
        raise invalid_arg_value(f"{b.name}.privateKeyIdentifier", identifier)
    if isinstance(identifier, str) and isinstance(engine, str):
        if not openssl.ENGINES_SUPPORTED:
            # The bundled OpenSSL 4 has no ENGINE API: what Node raises when its OpenSSL
            # was built without engines.
            raise NodeError(*_ENGINE_NOT_SUPPORTED)
        # Node's setEngineKey: the key stays in the engine (a pkcs11 token signs with it).
        pkey = openssl.engine_private_key(engine, identifier)
        openssl.use_private_key(b.ctx, pkey)
        b.keys.append(pkey)
        return
    if not isinstance(identifier, str):
        raise invalid_arg_type(f"{b.name}.privateKeyIdentifier",
                               "of type string or one of null or undefined", identifier)
    raise invalid_arg_type(f"{b.name}.privateKeyEngine",
                           "of type string or one of null or undefined", engine)


def _step_ecdh_curve(b: _Build) -> None:
    curve = b.get("ecdhCurve")
    if curve is None:
        curve = _default("DEFAULT_ECDH_CURVE") or "auto"
    _validate_string(f"{b.name}.ecdhCurve", curve)
    _set_curve(b.sc, curve)


_DH_LABELS = frozenset({b"DH PARAMETERS", b"X9.42 DH PARAMETERS"})

# RFC 7919 groups (written by `openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdheN`
# then `openssl dhparam`), for dhparam: 'auto'.
_FFDHE2048 = b"""-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
"""
_FFDHE3072 = b"""-----BEGIN DH PARAMETERS-----
MIIBiAKCAYEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEfz9zeNVs7ZRkDW7w09N75nAI4YbRvydbmyQd62R0mkff3
7lmMsPrBhtkcrv4TCYUTknC0EwyTvEN5RPT9RFLi103TZPLiHnH1S/9croKrnJ32
nuhtK8UiNjoNq8Uhl5sN6todv5pC1cRITgq80Gv6U93vPBsg7j/VnXwl5B0rZsYu
N///////////AgEC
-----END DH PARAMETERS-----
"""


def _dh_prime_bits(pem: bytes) -> int | None:
    """Bit length of the prime of the first DH parameters block, or None when unreadable."""
    prime = _dh_prime(pem)
    return prime.bit_length() or None if prime is not None else None


def _dh_prime(pem: bytes) -> int | None:
    """The prime of the first DH parameters block, or None when unreadable.

    Read from the DER directly (DHparams and X9.42 both start ``SEQUENCE { INTEGER p``):
    cryptography warns that finite-field DH is deprecated on every load.
    """
    blocks = _pem_blocks(pem, _DH_LABELS)
    if not blocks:
        return None
    der = blocks[0][1]
    try:
        if der[0] != 0x30:
            return None
        seq_header, _ = _der_length(der)
        if der[seq_header] != 0x02:
            return None
        int_header, length = _der_length(der, seq_header)
    except (ValueError, IndexError):
        return None
    return int.from_bytes(der[seq_header + int_header:seq_header + int_header + length], "big")


# RFC 7919 primes to OpenSSL's group names (the two 'auto' picks; larger ones are served as
# any other dhparam).
_RFC7919_GROUPS = {_dh_prime(_FFDHE2048): "ffdhe2048", _dh_prime(_FFDHE3072): "ffdhe3072"}


def _auto_dh(sc: SecureContext) -> bytes:
    """OpenSSL's ``SSL_CTX_set_dh_auto`` picks the group from the certificate key's strength;
    the binding lacks that control, so do the same choice here: 3072 bits for RSA/DSA keys of
    3072 bits or more, else 2048 (Node documents 'auto' as a 2048-bit group for usual keys)."""
    bits = 0
    for pkey in sc._keys:
        if pkey.type() in (crypto.TYPE_RSA, crypto.TYPE_DSA):
            bits = max(bits, pkey.bits())
    return _FFDHE3072 if bits >= 3072 else _FFDHE2048


def _set_dh(sc: SecureContext, pem: bytes) -> str | None:
    """Node's native ``setDHParam``: install the parameters; the warning text for a group
    below 2048 bits, None otherwise (also for unreadable parameters, which Node silently
    discards: DHE is then only available over the ffdhe groups a client offers)."""
    bits = _dh_prime_bits(pem)
    if bits is None:
        return None
    if bits < 1024:
        raise NodeValueError("DH parameter is less than 1024 bits", "ERR_INVALID_ARG_VALUE")
    try:
        readable = openssl.set_tmp_dh(sc.context, pem)
    except SSLError as err:
        # Refused, e.g. "dh key too small" below the security level (1 as in Node 20 unless
        # `ciphers` says "@SECLEVEL=n", which is applied earlier).
        raise NodeError("Error setting temp DH parameter", "ERR_CRYPTO_OPERATION_FAILED",
                        reason=err.reason, opensslErrorStack=[err.message]) from err
    if not readable:
        return None  # armour fine, body undecodable: discarded like any invalid dhparam
    sc._dh_group = _RFC7919_GROUPS.get(_dh_prime(pem))
    _install_groups(sc)
    return "DH parameter is less than 2048 bits" if bits < 2048 else None


def _step_dhparam(b: _Build) -> None:
    dhparam = b.get("dhparam")
    if dhparam is None:
        return
    pem = _validate_key_or_cert(f"{b.name}.dhparam", dhparam)
    warning = _set_dh(b.sc, _auto_dh(b.sc) if dhparam == "auto" else pem)
    if warning and not b.quiet:
        warnings.warn(warning, SecurityWarning, stacklevel=5)


_CRL_LABELS = frozenset({b"X509 CRL"})


def _add_crl(sc: SecureContext, data: bytes) -> None:
    # Node reads the first CRL of each PEM (PEM_read_bio_X509_CRL).
    blocks = _pem_blocks(data, _CRL_LABELS)
    try:
        if not blocks:
            raise ValueError("no CRL")
        crl = x509.load_der_x509_crl(blocks[0][1])
    except ValueError:
        raise NodeError("Failed to parse CRL", "ERR_CRYPTO_OPERATION_FAILED") from None
    store = _store(sc)
    add_crl(store, crl)
    # CRL_CHECK_ALL: every certificate of the chain, not only the leaf, needs its CRL.
    openssl.store_set_flags(store, openssl.X509_V_FLAG_CRL_CHECK
                            | openssl.X509_V_FLAG_CRL_CHECK_ALL)


def _step_crl(b: _Build) -> None:
    crl = b.get("crl")
    if crl is None:
        return
    for item in crl if isinstance(crl, (list, tuple)) else [crl]:
        _add_crl(b.sc, _validate_key_or_cert(f"{b.name}.crl", item))


def _step_session_id_context(b: _Build) -> None:
    sid = b.get("sessionIdContext")
    if sid is None:
        return
    _set_session_id_context(b.sc, _validate_string(f"{b.name}.sessionIdContext", sid))


def _pfx_asn1_reason(data: bytes) -> str:
    """The ASN.1 reason OpenSSL's ``d2i_PKCS12_bio`` gives for data that is not a PKCS#12
    structure (Node's message is that bare reason): cryptography only says it failed."""
    try:
        header, length = _der_length(data)
    except ValueError:
        return "not enough data"
    if data[0] != 0x30:
        return "wrong tag"
    try:
        _der_length(data[header:header + length])
    except ValueError:
        return "too long"
    return "wrong tag" if data[header] != 0x02 else "nested asn1 error"


def _load_pfx(sc: SecureContext, raw: Any, passphrase: Any) -> None:
    if not isinstance(raw, str) and not _is_buffer(raw):
        raise NodeError("Unable to load PFX certificate", "ERR_CRYPTO_OPERATION_FAILED")
    data = _to_bytes(raw)
    password: bytes | None = None
    if passphrase is not None:
        if not isinstance(passphrase, str) and not _is_buffer(passphrase):
            raise NodeTypeError(f"Pass phrase must be {BYTES_LIKE}", "ERR_INVALID_ARG_TYPE")
        password = _to_bytes(passphrase)
    # As Node's LoadPKCS12: the previous certificate is forgotten first, even on failure.
    sc._last_leaf = sc._issuer = None
    try:
        p12 = pkcs12.load_pkcs12(data, password)
    except UnsupportedAlgorithm:
        raise NodeError("Unsupported crypto operation",
                        "ERR_CRYPTO_UNSUPPORTED_OPERATION") from None
    except ValueError as exc:
        # Node throws OpenSSL's bare reason string, without a code.
        reason = ("mac verify failure" if "password" in str(exc).lower()
                  else _pfx_asn1_reason(data))
        raise NodeError(reason, None) from None
    if p12.key is None:
        raise NodeError("Unable to load private key from PFX data", "ERR_CRYPTO_OPERATION_FAILED")
    if p12.cert is None:
        raise NodeError("Unable to load certificate from PFX data", "ERR_CRYPTO_OPERATION_FAILED")
    leaf = p12.cert.certificate
    extras = [c.certificate for c in p12.additional_certs]
    try:
        # Every extra certificate of the PFX becomes the chain of its certificate...
        _install_chain(sc, b"".join(_pem_of(c) for c in [leaf, *extras]), [leaf, *extras])
        pkey = crypto.PKey.from_cryptography_key(p12.key)  # type: ignore[arg-type]
        openssl.use_private_key(sc.context, pkey)
    except SSLError as err:
        raise NodeError(err.reason or err.message, None) from err
    sc._keys.append(pkey)
    if extras:
        # ...and, as in Node, a trusted CA named in the CertificateRequest.
        store = _store(sc)
        for cert in extras:
            x = crypto.X509.from_cryptography(cert)
            openssl.store_add_cert(store, x)
            openssl.add_client_ca(sc.context, x)
            sc._ca_certs.append(cert)


def _step_pfx(b: _Build) -> None:
    pfx = b.get("pfx")
    if pfx is None:
        return
    passphrase = b.get("passphrase")
    if isinstance(pfx, (list, tuple)):
        # Entries are buffers or {buf, passphrase}; falsy values fall back as Node's `||` does.
        for val in pfx:
            raw = val.get("buf") if isinstance(val, Mapping) else None
            raw = raw if _js_truthy(raw) else val
            pw = val.get("passphrase") if isinstance(val, Mapping) else None
            pw = pw if _js_truthy(pw) else passphrase
            _load_pfx(b.sc, raw, pw)
    else:
        _load_pfx(b.sc, pfx, passphrase if _js_truthy(passphrase) else None)


def _step_client_cert_engine(b: _Build) -> None:
    engine = b.get("clientCertEngine")
    if isinstance(engine, str):
        if not openssl.ENGINES_SUPPORTED:
            raise NodeError(*_ENGINE_NOT_SUPPORTED)
        # Node's setClientCertEngine: a client asks the engine for its certificate.
        openssl.set_client_cert_engine(b.ctx, engine)
        return
    if engine is not None:
        raise invalid_arg_type(f"{b.name}.clientCertEngine",
                               "of type string or one of null or undefined", engine)


def _step_ticket_keys(b: _Build) -> None:
    keys = b.get("ticketKeys")
    if keys is None:
        return
    if not _is_buffer(keys):
        raise invalid_arg_type(f"{b.name}.ticketKeys",
                               "an instance of Buffer, TypedArray, or DataView", keys)
    data = bytes(keys)
    if len(data) != 48:
        raise invalid_arg_value(f"{b.name}.ticketKeys", len(data), "must be exactly 48 bytes")
    # The bundled binding has no ticket-key callback: refuse rather than drop the keys.
    backend.require_shared("ticketKeys")
    b.sc.ticketKeys = data


def _step_session_timeout(b: _Build) -> None:
    timeout = b.get("sessionTimeout")
    if timeout is None:
        return
    _set_session_timeout(b.sc, _validate_int32(f"{b.name}.sessionTimeout", timeout, 0))


# The order of Node 20's configSecureContext; each comment is the constraint that fixes it.
_STEPS: tuple[tuple[str, Callable[[_Build], None]], ...] = (
    # First: "@SECLEVEL=n" in the cipher string changes the security level, which decides
    # whether the certificates, keys and DH parameters below are acceptable.
    ("ciphers", _step_ciphers),
    # CA before the certificate, so the certificate's issuer can be found in the store.
    ("ca", _step_ca),
    # Store flags go on the store chosen just above.
    ("allowPartialTrustChain", _step_partial_chain),
    # Certificate before key: SSL_CTX_use_PrivateKey checks the key against the certificate
    # of its slot, while a certificate set after its key silently drops the key.
    ("cert", _step_cert),
    ("key", _step_key),
    ("sigalgs", _step_sigalgs),
    # After key: an engine key and `key` are mutually exclusive.
    ("privateKeyIdentifier", _step_engine_key),
    ("ecdhCurve", _step_ecdh_curve),
    # After ciphers (security level) and key ('auto' sizes the group from the key).
    ("dhparam", _step_dhparam),
    # After ca: CRLs go into the chosen store (copied first if it is the shared one).
    ("crl", _step_crl),
    ("sessionIdContext", _step_session_id_context),
    # After ca/cert/key: its identity replaces the one of the same key type and its CA
    # certificates join the store chosen above.
    ("pfx", _step_pfx),
    ("clientCertEngine", _step_client_cert_engine),
    ("ticketKeys", _step_ticket_keys),
    ("sessionTimeout", _step_session_timeout),
)


# Options whose str is the PEM (or, for pfx, the DER) itself, where a Python user may pass
# the file's path instead, as ssl.SSLContext.load_cert_chain takes it.
_PEM_OPTIONS = frozenset({"key", "cert", "ca", "pfx", "crl", "dhparam"})
PATH_HINT = "this is the path of a file: pass its bytes, e.g. open(path, 'rb').read()"


def _file_path(value: Any) -> str | None:
    """The first str in ``value`` (itself, an item of a list of them, or a ``{pem}``/``{buf}``
    object's) that names an existing file rather than holding PEM text; None without one."""
    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("pem") if "pem" in item else item.get("buf")
        if isinstance(item, str) and item and "-----BEGIN" not in item and "\n" not in item:
            try:
                if os.path.isfile(item):
                    return item
            except (OSError, ValueError):  # a NUL in it, a name too long: not a path
                continue
    return None


def _with_path_hint(err: NodeError) -> NodeError:
    """``err`` with :data:`PATH_HINT` after its message; the code is unchanged."""
    err.message = f"{err.message} ({PATH_HINT})"
    err.args = (err.message, *err.args[1:])
    return err


def _configure(sc: SecureContext, options: Mapping[str, Any], *, quiet: bool = False) -> None:
    """Node's ``configSecureContext``: apply ``options`` to ``sc`` in :data:`_STEPS` order.

    A ``key``/``cert``/``ca``/``pfx``/``crl``/``dhparam`` given as the path of a file, not
    its contents, fails (or, for ``ca`` and ``dhparam``, is ignored) as in Node; the error
    says so (:data:`PATH_HINT`), and the ignored ones warn."""
    build = _Build(sc, options, quiet=quiet)
    for name, step in _STEPS:
        try:
            step(build)
        except NodeError as err:
            if name in _PEM_OPTIONS and _file_path(options.get(name)) is not None:
                _with_path_hint(err)
            raise
        if name in _PEM_OPTIONS and not quiet and _file_path(options.get(name)) is not None:
            # Node ignores a str with no PEM block in it for these two; a path there is
            # surely a mistake, so say so without changing what Node does.
            warnings.warn(f"options.{name} is ignored, as Node ignores text with no PEM "
                          f"block ({PATH_HINT})",
                          UserWarning, stacklevel=4)


def _build(opts: Mapping[str, Any], *, quiet: bool = False) -> SecureContext:
    """Node's ``_tls_common.createSecureContext`` on a plain dict of options."""
    secure_options: Any = opts.get("secureOptions")  # any value: Node coerces it
    if _js_truthy(opts.get("honorCipherOrder")):
        # Node: `secureOptions |= SSL_OP_CIPHER_SERVER_PREFERENCE`.  JavaScript's `|` would
        # truncate a Python int to 32 bits; bits above 31 are kept here instead.
        if not _is_number(secure_options):
            secure_options = _to_int32(secure_options)
        secure_options = int(secure_options) | openssl.SSL_OP_CIPHER_SERVER_PREFERENCE
    protocol = opts.get("secureProtocol")
    sc = SecureContext(protocol, secure_options, opts.get("minVersion"), opts.get("maxVersion"))

    # The options with the DEFAULT_* values in force now written in, so that fresh_context()
    # rebuilds the same thing whatever is assigned to nodessl.DEFAULT_* later.
    resolved = dict(opts)
    resolved["secureOptions"] = secure_options
    if not resolved.get("ciphers"):
        resolved["ciphers"] = _default("DEFAULT_CIPHERS")
    if resolved.get("ecdhCurve") is None:
        resolved["ecdhCurve"] = _default("DEFAULT_ECDH_CURVE") or "auto"
    if not _js_truthy(protocol):
        for key, default in (("minVersion", "DEFAULT_MIN_VERSION"),
                             ("maxVersion", "DEFAULT_MAX_VERSION")):
            if resolved.get(key) is None:
                resolved[key] = _default(default)

    _configure(sc, resolved, quiet=quiet)
    sc._options = resolved
    return sc


def createSecureContext(options: SecureContextOptions | Mapping[str, Any] | None = None,
                        **kwargs: Unpack[SecureContextOptions]) -> SecureContext:
    """Node's ``tls.createSecureContext([options])``.

    ``options`` is a dict with Node's option names (keyword arguments are merged over it):
    ``ca``, ``cert``, ``key``, ``passphrase``, ``pfx``, ``crl``, ``ciphers``, ``sigalgs``,
    ``ecdhCurve``, ``dhparam``, ``honorCipherOrder``, ``minVersion``, ``maxVersion``,
    ``secureProtocol``, ``secureOptions``, ``sessionIdContext``, ``sessionTimeout``,
    ``ticketKeys``, ``allowPartialTrustChain``, ``privateKeyEngine``,
    ``privateKeyIdentifier``, ``clientCertEngine``.  Other keys are ignored, so a server's or
    socket's whole options dict can be passed.  ``None`` stands for JavaScript's
    ``undefined``: the option's default.  Strings and bytes (``bytearray``, ``memoryview``)
    are accepted wherever Node takes a string or a Buffer.
    """
    check_keywords("createSecureContext", kwargs)  # a dict keeps Node's leniency
    if not _js_truthy(options):
        options = {}
    if not isinstance(options, Mapping):
        raise invalid_arg_type("options", "of type object", options)
    return _build({**options, **kwargs})


# -- getCiphers ------------------------------------------------------------------------------

_TLS13_CIPHERS = (
    "tls_aes_256_gcm_sha384",
    "tls_chacha20_poly1305_sha256",
    "tls_aes_128_gcm_sha256",
    "tls_aes_128_ccm_8_sha256",
    "tls_aes_128_ccm_sha256",
)
_ciphers_cache: list[str] | None = None


def getCiphers() -> list[str]:
    """Node's ``tls.getCiphers()``: the sorted, lower-case, de-duplicated names of the
    ciphers of a default context plus the five TLS 1.3 suites.

    The list comes from the OpenSSL pyOpenSSL links (4.0), Node's from its bundled 3.0; both
    have the same 62 names today (4.0's extra legacy SEED/IDEA suites are not in its
    DEFAULT list).  A new list is returned each call; it is computed once, as in Node.
    """
    global _ciphers_cache
    if _ciphers_cache is None:
        conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
        names = {n.lower() for n in conn.get_cipher_list()} | set(_TLS13_CIPHERS)
        _ciphers_cache = sorted(names)
    return list(_ciphers_cache)

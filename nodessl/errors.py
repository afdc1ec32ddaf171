"""Errors that carry Node's ``code``.

Node's errors are the public contract: ported code checks ``err.code``, not the
class.  Each Node error class (``Error``, ``TypeError``, ``RangeError``) maps to a
Python class that is also the natural Python exception for that case, so
``except TypeError`` and ``err.code == 'ERR_INVALID_ARG_TYPE'`` both work.

OpenSSL errors are translated at one boundary, :func:`from_openssl`, with Node's
rule: the reason string upper-cased with spaces as ``_``, prefixed ``ERR_SSL_``
for the SSL library, ``ERR_OSSL_<LIB>_`` for other libraries and ``ERR_OSSL_``
for provider/decoder errors.

System errors
-------------
A failed system call (connect, bind, listen, read, write, getaddrinfo) is a
:class:`NodeSystemError`, built by one factory, :func:`system_error` (and
:func:`dns_error`, :func:`conn_reset` for Node's two other shapes).  Each is at once a
:class:`NodeError` with Node's properties (``code``, ``errno``, ``syscall``,
``address``, ``port``, ``localAddress``, ``localPort``, ``hostname``) and message
(``connect ECONNREFUSED 127.0.0.1:1``), and the Python exception for that errno
(:class:`ConnectionRefusedError`, :class:`ConnectionResetError`,
:class:`BrokenPipeError`, :class:`TimeoutError`, :class:`FileNotFoundError`,
:class:`PermissionError`, :class:`socket.gaierror` for DNS, else :class:`OSError`), so
``except ConnectionRefusedError`` works.

``err.errno`` is **Node's** number: libuv's, negative on Linux (``-111`` for
ECONNREFUSED, ``-3008`` for ENOTFOUND), so ported code comparing ``err.errno`` keeps
working.  Python's positive errno is ``-err.errno`` for an OS error (or
``errno.errorcode`` looked up by ``err.code``), and ``err.strerror`` is the C library's
text.  Code that wants Python's convention should test the class (``isinstance``), not
the number.
"""

from __future__ import annotations

import os
import re
import socket as _socket
from collections.abc import Mapping
from typing import Any

__all__ = [
    "NodeError",
    "NodeTypeError",
    "NodeRangeError",
    "SSLError",
    "VerifyError",
    "invalid_arg_type",
    "python_types",
    "received",
    "invalid_arg_value",
    "out_of_range",
    "from_openssl",
    "openssl_code",
    "node_reason",
    "ECONNRESET_MESSAGE",
    "NodeSystemError",
    "NodeAggregateError",
    "system_error",
    "dns_error",
    "conn_reset",
    "uv_error_name",
]

ECONNRESET_MESSAGE = (
    "Client network socket disconnected before secure TLS connection was established"
)


class NodeError(Exception):
    """An ``Error`` with Node's ``code`` property (``ERR_*`` or an OpenSSL name)."""

    code: str | None

    def __init__(self, message: str = "", code: str | None = None, **props: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        for name, value in props.items():
            setattr(self, name, value)

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]" if self.code else self.message


class NodeTypeError(NodeError, TypeError):
    """Node's ``TypeError`` (``ERR_INVALID_ARG_TYPE`` and friends)."""


class NodeValueError(NodeError, ValueError):
    """Node's ``TypeError``/``Error`` for a value of the right type that is not allowed."""


class NodeRangeError(NodeError, ValueError):
    """Node's ``RangeError`` (``ERR_OUT_OF_RANGE``)."""


class SSLError(NodeError):
    """An error that came out of OpenSSL, with Node's ``library``/``reason``/``code``."""

    library: str | None
    reason: str | None


class VerifyError(NodeError):
    """A certificate verification failure: ``code`` is OpenSSL's verify-code name."""


def received(value: Any) -> str:
    """The "Received ..." tail of Node's argument errors, with Python's type names and
    reprs: ``Received type int (1)``, ``Received type str ('x')``, ``Received None``,
    ``Received function print``, ``Received an instance of dict``."""
    if value is None:
        return "Received None"
    if callable(value) and hasattr(value, "__name__"):
        return f"Received function {value.__name__}"
    if isinstance(value, (bool, int, float, str)):
        shown = repr(value)
        if len(shown) > 28:
            shown = shown[:25] + "..."
        return f"Received type {type(value).__name__} ({shown})"
    return f"Received an instance of {type(value).__name__}"


class _Missing:
    """An argument that was not passed: JavaScript tells ``f()`` from ``f(undefined)`` or
    ``f(null)`` (Python's None stands for both), and some of Node's checks differ."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def js_string(value: Any, none: str = "undefined") -> str:
    """JavaScript's ``String(value)`` for the Python value standing in for a JS one, as
    Node's messages print it; ``None`` is JS's ``undefined`` or ``null`` (``none``)."""
    if value is None:
        return none
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer():
            return str(int(value))
    if isinstance(value, (list, tuple)):
        # Array.prototype.join: null and undefined items are empty
        return ",".join("" if item is None else js_string(item) for item in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


# Node's messages name JavaScript's types ("of type string or an instance of Buffer,
# TypedArray, or DataView"); nodessl's name Python's, from one table, so every message
# reads the same and callers keep passing Node's phrase (greppable against Node's source).
# The ``code`` stays Node's.  Several JS words share one Python noun (Buffer, TypedArray,
# DataView: bytes-like; null, undefined: None), said once.
BYTES_LIKE = "bytes-like (bytes, bytearray, memoryview)"
_PY_TYPE_WORDS: dict[str, str] = {
    "string": "a str",
    "number": "a number (int or float)",
    "bigint": "an int",
    "boolean": "a bool",
    "object": "a dict",
    "Object": "a dict",
    "function": "a callable",
    "Function": "a callable",
    "symbol": "a str",
    "Buffer": BYTES_LIKE,
    "TypedArray": BYTES_LIKE,
    "DataView": BYTES_LIKE,
    "Uint8Array": BYTES_LIKE,
    "ArrayBuffer": BYTES_LIKE,
    "null": "None",
    "undefined": "None",
    "Array": "a list",
}
_JS_FILLER = re.compile(r"\b(?:one|of|type|an|a|instance|or)\b|,")


def python_types(expected: str) -> str:
    """Node's type phrase in Python's words: ``"of type string or an instance of Buffer,
    TypedArray, or DataView"`` -> ``"a str or bytes-like (bytes, bytearray, memoryview)"``.

    A phrase already in Python's words (no JavaScript type in it) is returned as it is."""
    words = _JS_FILLER.sub(" ", expected).split()
    if not words or any(word not in _PY_TYPE_WORDS for word in words):
        return expected
    nouns: list[str] = []
    for word in words:
        noun = _PY_TYPE_WORDS[word]
        if noun not in nouns:
            nouns.append(noun)
    if len(nouns) == 1:
        return nouns[0]
    return ", ".join(nouns[:-1]) + " or " + nouns[-1]


def invalid_arg_type(name: str, expected: str, value: Any) -> NodeTypeError:
    """``ERR_INVALID_ARG_TYPE`` naming the option as Node does, the types as Python does.

    ``expected`` is Node's phrase (``"of type function"``); the message says it with
    :func:`python_types` (``The "callback" argument must be a callable. Received type int
    (1)``)."""
    kind = "property" if "." in name else "argument"
    return NodeTypeError(
        f'The "{name}" {kind} must be {python_types(expected)}. {received(value)}',
        "ERR_INVALID_ARG_TYPE",
    )


def invalid_arg_value(name: str, value: Any, reason: str = "is invalid") -> NodeValueError:
    """``ERR_INVALID_ARG_VALUE`` naming the option as Node does."""
    kind = "property" if "." in name else "argument"
    return NodeValueError(
        f"The {kind} '{name}' {reason}. Received {value!r}", "ERR_INVALID_ARG_VALUE"
    )


def out_of_range(name: str, rng: str, value: Any) -> NodeRangeError:
    """``ERR_OUT_OF_RANGE``: "The value of "x" is out of range. It must be ..."."""
    return NodeRangeError(
        f'The value of "{name}" is out of range. It must be {rng}. Received {value!r}',
        "ERR_OUT_OF_RANGE",
    )


# OpenSSL library names (as ERR_lib_error_string prints them) to Node's
# ERR_OSSL_<LIB>_ prefixes.  Anything from the SSL library is ERR_SSL_.
_LIB_PREFIX = {
    "SSL routines": "ERR_SSL_",
    "PEM routines": "ERR_OSSL_PEM_",
    "x509 certificate routines": "ERR_OSSL_X509_",
    "asn1 encoding routines": "ERR_OSSL_ASN1_",
    "rsa routines": "ERR_OSSL_RSA_",
    "elliptic curve routines": "ERR_OSSL_EC_",
    "digital envelope routines": "ERR_OSSL_EVP_",
    "PKCS12 routines": "ERR_OSSL_PKCS12_",
    "BIO routines": "ERR_OSSL_BIO_",
    "Diffie-Hellman routines": "ERR_OSSL_DH_",
    "DSO support routines": "ERR_OSSL_DSO_",
    "X509 V3 routines": "ERR_OSSL_X509V3_",
}


# OpenSSL 4 renamed the reasons of the alerts SSLv3 defined ("sslv3 alert handshake failure"
# became "tls alert handshake failure"); Node 20 on OpenSSL 3.0 reports the old names, in
# ``reason``, ``message`` and so ``code`` (ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE), and
# applications match on them.  The alerts TLS 1.0 and 1.3 added kept their names.
_NODE20_REASONS: dict[str, str] = {
    f"tls alert {name}": f"sslv3 alert {name}"
    for name in ("bad certificate", "bad record mac", "certificate expired",
                 "certificate revoked", "certificate unknown", "decompression failure",
                 "handshake failure", "illegal parameter", "no certificate",
                 "unexpected message", "unsupported certificate")
}


def node_reason(reason: str) -> str:
    """OpenSSL's reason string as Node 20's OpenSSL 3.0 words it (see ``_NODE20_REASONS``)."""
    return _NODE20_REASONS.get(reason, reason)


def openssl_code(library: str | None, reason: str | None) -> str | None:
    """Node's ``code`` for an OpenSSL (library, reason) pair."""
    if not reason:
        return None
    reason = node_reason(reason)
    tail = re.sub(r"\s+", "_", reason.strip()).upper()
    prefix = _LIB_PREFIX.get(library or "", "ERR_OSSL_")
    return prefix + tail


def from_openssl(exc: BaseException) -> NodeError:
    """Translate a pyOpenSSL ``Error`` (a list of (lib, func, reason)) into Node's form.

    The first entry of OpenSSL's error queue is the one Node reports.
    """
    entries = []
    if exc.args and isinstance(exc.args[0], list):
        entries = [e for e in exc.args[0] if isinstance(e, tuple) and len(e) == 3]
    if not entries:
        msg = str(exc) or type(exc).__name__
        return SSLError(msg, None, library=None, reason=None)
    entries = [(e[0], e[1], node_reason(e[2]) if isinstance(e[2], str) else e[2])
               for e in entries]
    staple = _bad_staple(entries)
    if staple is not None:
        return staple
    lib, _func, reason = entries[0]
    message = f"error:{lib}::{reason}" if lib else str(reason)
    return SSLError(
        message,
        openssl_code(lib, reason),
        library=lib,
        reason=reason,
        opensslErrorStack=[f"error:{e[0]}::{e[2]}" for e in entries[1:]],
    )


_BAD_STATUS = "tlsv1 bad certificate status response"


def _bad_staple(entries: list[tuple[Any, Any, Any]]) -> SSLError | None:
    """A client's failure on a stapled OCSP response that is not DER (see ocsp.py): OpenSSL 4
    parses the staple and queues the ASN.1 decoder's complaint first ("too long", "wrong
    tag", ... whatever the bytes were), then its own reason; Node 20 passes such bytes to
    'OCSPResponse'.  The error says that, under the SSL reason (the one the server gets as
    alert 113), with OpenSSL's entries in ``opensslErrorStack``."""
    if len(entries) < 2 or entries[0][0] != "asn1 encoding routines" \
            or (entries[-1][0], entries[-1][2]) != ("SSL routines", _BAD_STATUS):
        return None
    return SSLError(
        "The server stapled an OCSP response that is not a DER-encoded OCSPResponse "
        f"({entries[0][2]}); the OpenSSL under nodessl "
        "checks stapled responses and refuses it, where Node 20 passes the bytes to "
        "'OCSPResponse' unchecked",
        openssl_code("SSL routines", _BAD_STATUS),
        library="SSL routines", reason=_BAD_STATUS,
        opensslErrorStack=[f"error:{e[0]}::{e[2]}" for e in entries])


# -- system errors -----------------------------------------------------------------------------

# libuv's names and texts (uv_err_name / uv_strerror), as Node 20 on Linux prints them with
# ``util.getSystemErrorMap()``.  Keyed by Node's (negative) errno.
_UV_ERRORS: dict[int, tuple[str, str]] = {
    -1: ("EPERM", "operation not permitted"),
    -2: ("ENOENT", "no such file or directory"),
    -3: ("ESRCH", "no such process"),
    -4: ("EINTR", "interrupted system call"),
    -5: ("EIO", "i/o error"),
    -6: ("ENXIO", "no such device or address"),
    -7: ("E2BIG", "argument list too long"),
    -9: ("EBADF", "bad file descriptor"),
    -11: ("EAGAIN", "resource temporarily unavailable"),
    -12: ("ENOMEM", "not enough memory"),
    -13: ("EACCES", "permission denied"),
    -14: ("EFAULT", "bad address in system call argument"),
    -16: ("EBUSY", "resource busy or locked"),
    -17: ("EEXIST", "file already exists"),
    -18: ("EXDEV", "cross-device link not permitted"),
    -19: ("ENODEV", "no such device"),
    -20: ("ENOTDIR", "not a directory"),
    -21: ("EISDIR", "illegal operation on a directory"),
    -22: ("EINVAL", "invalid argument"),
    -23: ("ENFILE", "file table overflow"),
    -24: ("EMFILE", "too many open files"),
    -25: ("ENOTTY", "inappropriate ioctl for device"),
    -26: ("ETXTBSY", "text file is busy"),
    -27: ("EFBIG", "file too large"),
    -28: ("ENOSPC", "no space left on device"),
    -29: ("ESPIPE", "invalid seek"),
    -30: ("EROFS", "read-only file system"),
    -31: ("EMLINK", "too many links"),
    -32: ("EPIPE", "broken pipe"),
    -34: ("ERANGE", "result too large"),
    -36: ("ENAMETOOLONG", "name too long"),
    -38: ("ENOSYS", "function not implemented"),
    -39: ("ENOTEMPTY", "directory not empty"),
    -40: ("ELOOP", "too many symbolic links encountered"),
    -49: ("EUNATCH", "protocol driver not attached"),
    -61: ("ENODATA", "no data available"),
    -64: ("ENONET", "machine is not on the network"),
    -71: ("EPROTO", "protocol error"),
    -75: ("EOVERFLOW", "value too large for defined data type"),
    -84: ("EILSEQ", "illegal byte sequence"),
    -88: ("ENOTSOCK", "socket operation on non-socket"),
    -89: ("EDESTADDRREQ", "destination address required"),
    -90: ("EMSGSIZE", "message too long"),
    -91: ("EPROTOTYPE", "protocol wrong type for socket"),
    -92: ("ENOPROTOOPT", "protocol not available"),
    -93: ("EPROTONOSUPPORT", "protocol not supported"),
    -94: ("ESOCKTNOSUPPORT", "socket type not supported"),
    -95: ("ENOTSUP", "operation not supported on socket"),
    -97: ("EAFNOSUPPORT", "address family not supported"),
    -98: ("EADDRINUSE", "address already in use"),
    -99: ("EADDRNOTAVAIL", "address not available"),
    -100: ("ENETDOWN", "network is down"),
    -101: ("ENETUNREACH", "network is unreachable"),
    -103: ("ECONNABORTED", "software caused connection abort"),
    -104: ("ECONNRESET", "connection reset by peer"),
    -105: ("ENOBUFS", "no buffer space available"),
    -106: ("EISCONN", "socket is already connected"),
    -107: ("ENOTCONN", "socket is not connected"),
    -108: ("ESHUTDOWN", "cannot send after transport endpoint shutdown"),
    -110: ("ETIMEDOUT", "connection timed out"),
    -111: ("ECONNREFUSED", "connection refused"),
    -112: ("EHOSTDOWN", "host is down"),
    -113: ("EHOSTUNREACH", "host is unreachable"),
    -114: ("EALREADY", "connection already in progress"),
    -121: ("EREMOTEIO", "remote I/O error"),
    -125: ("ECANCELED", "operation canceled"),
    -3000: ("EAI_ADDRFAMILY", "address family not supported"),
    -3001: ("EAI_AGAIN", "temporary failure"),
    -3002: ("EAI_BADFLAGS", "bad ai_flags value"),
    -3003: ("EAI_CANCELED", "request canceled"),
    -3004: ("EAI_FAIL", "permanent failure"),
    -3005: ("EAI_FAMILY", "ai_family not supported"),
    -3006: ("EAI_MEMORY", "out of memory"),
    -3007: ("EAI_NODATA", "no address"),
    -3008: ("EAI_NONAME", "unknown node or service"),
    -3009: ("EAI_OVERFLOW", "argument buffer overflow"),
    -3010: ("EAI_SERVICE", "service not available for socket type"),
    -3011: ("EAI_SOCKTYPE", "socket type not supported"),
    -3013: ("EAI_BADHINTS", "invalid value for hints"),
    -3014: ("EAI_PROTOCOL", "resolved protocol is unknown"),
    -4028: ("EFTYPE", "inappropriate file type or format"),
    -4080: ("ECHARSET", "invalid Unicode character"),
    -4094: ("UNKNOWN", "unknown error"),
    -4095: ("EOF", "end of file"),
}
_UV_UNKNOWN = ("UNKNOWN", "unknown error")

# getaddrinfo's EAI_* numbers (glibc's, negative, as socket.gaierror.errno has them) to
# libuv's, which is what Node reports.
_GAI_TO_UV = {
    getattr(_socket, name): uv for uv, (name, _text) in _UV_ERRORS.items()
    if name.startswith("EAI_") and hasattr(_socket, name)
}


class NodeSystemError(NodeError, OSError):
    """A failed system call: Node's properties and message on Python's ``OSError``.

    ``errno`` is Node's (negative) number; see the module docstring.  The concrete class
    is also the Python exception for the errno (``ConnectionRefusedError``, ...).
    """


class NodeAggregateError(NodeError):
    """Node's ``AggregateError`` of a connect that tried several addresses: ``errors``
    holds each attempt's error and ``code`` is the first one's."""

    errors: list[BaseException]


# One NodeSystemError subclass per Python OSError subclass, named after it, defined here
# (not on the fly) so they are importable and picklable by name.
_PY_CLASSES: tuple[type[OSError], ...] = (
    BlockingIOError, ChildProcessError, ConnectionError, BrokenPipeError,
    ConnectionAbortedError, ConnectionRefusedError, ConnectionResetError, FileExistsError,
    FileNotFoundError, InterruptedError, IsADirectoryError, NotADirectoryError,
    PermissionError, ProcessLookupError, TimeoutError, _socket.gaierror,
)
_SYSTEM_CLASSES: dict[type[OSError], type[NodeSystemError]] = {OSError: NodeSystemError}
for _base in _PY_CLASSES:
    _name = "Node" + _base.__name__[0].upper() + _base.__name__[1:]
    _cls = type(_name, (NodeSystemError, _base), {
        "__module__": __name__,
        "__doc__": f"A Node system error that is also Python's ``{_base.__name__}``.",
    })
    globals()[_name] = _cls
    _SYSTEM_CLASSES[_base] = _cls
del _base, _name, _cls


def _python_class(positive: int) -> type[OSError]:
    # Python's own errno -> subclass table (PEP 3151): OSError(n, "") picks the class.
    return type(OSError(positive, ""))


def uv_error_name(errno: int) -> str:
    """libuv's name for Node's ``errno`` (``-111`` -> ``'ECONNREFUSED'``), as
    ``util.getSystemErrorName``."""
    return _UV_ERRORS.get(errno, _UV_UNKNOWN)[0]


def _node_errno(err: int | BaseException | None) -> int:
    """Node's negative errno from a Python errno (positive), an OSError or Node's own."""
    if isinstance(err, BaseException):
        if isinstance(err, NodeSystemError):
            return err.errno or -4094
        if isinstance(err, _socket.gaierror):
            return _GAI_TO_UV.get(err.errno or 0, -3008)
        err = getattr(err, "errno", None)
    if not isinstance(err, int) or err == 0:
        return -4094  # UV_UNKNOWN
    return err if err < 0 else -err


def _make(errno: int, message: str, code: str, **props: Any) -> NodeSystemError:
    if errno <= -3000 and code != "UNKNOWN" or code == "ENOTFOUND":
        cls = _SYSTEM_CLASSES[_socket.gaierror]
    elif -3000 < errno < 0:
        cls = _SYSTEM_CLASSES.get(_python_class(-errno), NodeSystemError)
    else:
        cls = NodeSystemError
    err = cls(message, code)
    err.errno = errno
    if -3000 < errno < 0:
        err.strerror = os.strerror(-errno)
    for name, value in props.items():
        if value is not None:
            setattr(err, name, value)
    return err


def system_error(err: int | BaseException | None, syscall: str, address: str | None = None,
                 port: int | None = None, *, localAddress: str | None = None,
                 localPort: int | None = None, describe: bool = False) -> NodeSystemError:
    """The error Node builds for a failed system call (``exceptionWithHostPort``,
    ``errnoException``; ``describe=True`` for ``UVExceptionWithHostPort``, whose message
    adds libuv's text, as ``listen`` errors have it).

    ``err`` is a Python errno (positive), Node's (negative) or the ``OSError`` itself;
    a :class:`NodeSystemError` is returned as it is.  The message reads
    ``connect ECONNREFUSED 127.0.0.1:1``, ``listen EADDRINUSE:
    address already in use :::8000``, ``read ECONNRESET``; ``localAddress``/``localPort``
    (a connect bound to a local port) add `` - Local (address:port)``.
    """
    if isinstance(err, NodeSystemError):
        return err
    if isinstance(err, _socket.gaierror):
        return dns_error(err, "getaddrinfo", address)
    errno = _node_errno(err)
    code, text = _UV_ERRORS.get(errno, _UV_UNKNOWN)
    message = f"{syscall} {code}: {text}" if describe else f"{syscall} {code}"
    if port is not None and port > 0:
        message += f" {address}:{port}"
    elif address:
        message += f" {address}"
    local = localAddress is not None and localPort
    if local:
        message += f" - Local ({localAddress}:{localPort})"
    return _make(errno, message, code, syscall=syscall, address=address,
                 port=port if port else None,
                 localAddress=localAddress if local else None,
                 localPort=localPort if local else None)


def dns_error(err: int | str | BaseException | None, syscall: str,
              hostname: str | None = None) -> NodeSystemError:
    """Node's ``DNSException``: ``getaddrinfo ENOTFOUND example.invalid``, a
    :class:`socket.gaierror` whose ``errno`` is libuv's (``-3008``); ``err`` is a
    ``gaierror``, Node's number or a code string."""
    if isinstance(err, NodeSystemError):
        return err
    if isinstance(err, str):
        errno = next((n for n, (name, _t) in _UV_ERRORS.items() if name == err), -3008)
        code = err
    else:
        if isinstance(err, BaseException) and not isinstance(err, _socket.gaierror):
            errno = -3008 if getattr(err, "errno", None) is None else _node_errno(err)
        else:
            errno = _node_errno(err) if err is not None else -3008
        code = uv_error_name(errno)
    if code in ("EAI_NONAME", "EAI_NODATA"):
        code = "ENOTFOUND"  # Node's fabricated name for "no such host"
    message = f"{syscall} {code}" + (f" {hostname}" if hostname else "")
    return _make(errno, message, code, syscall=syscall, hostname=hostname or None)


def conn_reset(message: str = ECONNRESET_MESSAGE, **props: Any) -> NodeSystemError:
    """Node's ``ConnResetException``: ``code`` ECONNRESET and no ``errno`` ("socket hang
    up", "Client network socket disconnected before ..."); a ``ConnectionResetError``."""
    err = _SYSTEM_CLASSES[ConnectionResetError](message, "ECONNRESET")
    for name, value in props.items():
        setattr(err, name, value)
    return err

"""Errors that carry Node's ``code``.

Node's errors are the public contract: ported code checks ``err.code``, not the
class.  Each Node error class (``Error``, ``TypeError``, ``RangeError``) maps to a
Python class that is also the natural Python exception for that case, so
``except TypeError`` and ``err.code == 'ERR_INVALID_ARG_TYPE'`` both work.

OpenSSL errors are translated at one boundary, :func:`from_openssl`, with Node's
rule: the reason string upper-cased with spaces as ``_``, prefixed ``ERR_SSL_``
for the SSL library, ``ERR_OSSL_<LIB>_`` for other libraries and ``ERR_OSSL_``
for provider/decoder errors.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "NodeError",
    "NodeTypeError",
    "NodeRangeError",
    "SSLError",
    "VerifyError",
    "invalid_arg_type",
    "invalid_arg_value",
    "out_of_range",
    "from_openssl",
    "openssl_code",
    "ECONNRESET_MESSAGE",
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


def _describe(value: Any) -> str:
    """Node's "Received ..." tail for ERR_INVALID_ARG_TYPE messages."""
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


def invalid_arg_type(name: str, expected: str, value: Any) -> NodeTypeError:
    """``ERR_INVALID_ARG_TYPE`` naming the option as Node does."""
    kind = "property" if "." in name else "argument"
    return NodeTypeError(
        f'The "{name}" {kind} must be {expected}. {_describe(value)}',
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


def openssl_code(library: str | None, reason: str | None) -> str | None:
    """Node's ``code`` for an OpenSSL (library, reason) pair."""
    if not reason:
        return None
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
    lib, _func, reason = entries[0]
    message = f"error:{lib}::{reason}" if lib else str(reason)
    return SSLError(
        message,
        openssl_code(lib, reason),
        library=lib,
        reason=reason,
        opensslErrorStack=[f"error:{e[0]}::{e[2]}" for e in entries[1:]],
    )

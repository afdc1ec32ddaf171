"""TLS-PSK: Node's ``pskCallback`` (both sides) and ``pskIdentityHint`` (servers).

Why this shape
    Node installs OpenSSL's legacy PSK callbacks only on sockets given a
    ``pskCallback``; they serve TLS 1.2 PSK suites (which the user must name in
    ``ciphers``: the defaults exclude ``PSK``) and TLS 1.3, where OpenSSL makes the
    key an external PSK for a SHA-256 suite and offers no hint.  Here the socket
    names the hook ``psk_client`` / ``psk_server`` (see :mod:`nodessl.hooks`); the C
    callbacks in :mod:`nodessl.openssl` call the socket, which calls the functions
    below with the user's callback.

How results are judged
    Exactly as Node's ``onPskClientCallback`` / ``onPskServerCallback``: ``None``
    means "no key" (the server then fails the handshake with the alert OpenSSL
    sends for an unknown identity); anything else of the wrong type raises
    ``ERR_INVALID_ARG_TYPE``, a key longer than OpenSSL's buffer
    ``ERR_INVALID_ARG_VALUE``.  Exceptions travel back through the socket's
    ``_hook_error``: a client's ``error``, a server's ``tlsClientError``.

A PSK handshake has no certificate, and Node counts it as verified (its
``VerifyPeerCertificate`` accepts a missing certificate for PSK suites and for a
TLS 1.3 handshake that resumed, which is what a TLS 1.3 PSK handshake looks like):
see :func:`authenticated_by_psk`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from OpenSSL import SSL

from . import encodings, openssl
from .errors import invalid_arg_type, invalid_arg_value

__all__ = [
    "check_server_options",
    "socket_callback",
    "client_key",
    "server_key",
    "authenticated_by_psk",
]

_BUFFER = "an instance of Buffer, TypedArray, or DataView"
_BYTES = (bytes, bytearray, memoryview)


def check_server_options(callback: Any, hint: Any) -> None:
    """``createServer``'s checks: a function ``pskCallback``, a string ``pskIdentityHint``
    (falsy values mean "not given", as in Node)."""
    if callback and not callable(callback):
        raise invalid_arg_type("options.pskCallback", "of type function", callback)
    if hint and not isinstance(hint, str):
        raise invalid_arg_type("options.pskIdentityHint", "of type string", hint)


def socket_callback(opts: Mapping[str, Any]) -> Callable[..., Any] | None:
    """The socket's ``pskCallback`` (None when not given), checked as Node's
    ``TLSSocket._init`` does; a client's bad callback throws from ``connect``."""
    callback: object = opts.get("pskCallback")
    if not callback:
        return None
    if not callable(callback):
        raise invalid_arg_type("pskCallback", "of type function", callback)
    hint = opts.get("pskIdentityHint")
    if hint and not isinstance(hint, str):
        raise invalid_arg_type("options.pskIdentityHint", "of type string", hint)
    return callback


def client_key(callback: Callable[[str | None], Any], hint: str | None, max_psk_len: int,
               max_identity_len: int) -> tuple[bytes, bytes] | None:
    """Call a client's ``pskCallback(hint)``: ``(key, identity as UTF-8)`` or None."""
    ret = callback(hint)
    if ret is None:
        return None
    if not isinstance(ret, Mapping):
        raise invalid_arg_type("ret", "of type object", ret)
    key = _checked_key(ret.get("psk"), max_psk_len)
    identity = ret.get("identity")
    if not isinstance(identity, str):
        raise invalid_arg_type("identity", "of type string", identity)
    raw = encodings.encode(identity)
    if len(raw) > max_identity_len:
        raise invalid_arg_value("identity", identity,
                                f"PSK identity exceeds {max_identity_len} bytes")
    return key, raw


def server_key(callback: Callable[[Any, str], Any], socket: Any, identity: str,
               max_psk_len: int) -> bytes | None:
    """Call a server's ``pskCallback(socket, identity)``: the key, or None (unknown).

    The callback returns bytes, or (Node 20) ``{'psk': bytes}``.
    """
    ret = callback(socket, identity)
    if ret is None:
        return None
    if isinstance(ret, _BYTES):
        return _checked_key(ret, max_psk_len)
    if not isinstance(ret, Mapping):
        raise invalid_arg_type("ret", "an instance of Buffer, TypedArray, DataView, or "
                               "Object", ret)
    return _checked_key(ret.get("psk"), max_psk_len)


def _checked_key(key: Any, max_psk_len: int) -> bytes:
    """A callback's key as bytes, refused when it is not a buffer or does not fit OpenSSL's."""
    if not isinstance(key, _BYTES):
        raise invalid_arg_type("psk", _BUFFER, key)
    psk = bytes(key)
    if len(psk) > max_psk_len:
        raise invalid_arg_value("psk", psk, f"Pre-shared key exceeds {max_psk_len} bytes")
    return psk


def authenticated_by_psk(conn: SSL.Connection) -> bool:
    """Whether a handshake without a peer certificate is still verified, by Node's rule:
    a PSK-authenticated TLS 1.2 suite, or a TLS 1.3 handshake that resumed (an external
    PSK looks like a resumption).  ``RSA-PSK-*`` suites authenticate the server by RSA."""
    name = conn.get_cipher_name() or ""
    if "PSK" in name.split("-") and not name.startswith("RSA-"):
        return True
    return conn.get_protocol_version_name() == "TLSv1.3" and openssl.session_reused(conn)

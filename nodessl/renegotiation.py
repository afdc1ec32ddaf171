"""TLS <= 1.2 renegotiation: ``renegotiate()``, ``disableRenegotiation()`` and Node's limit on
client-initiated renegotiations (``CLIENT_RENEG_LIMIT`` per ``CLIENT_RENEG_WINDOW`` seconds).

Why: renegotiation costs a server a full handshake, so Node counts the handshakes a
connection starts (``onhandshakestart`` in ``_tls_wrap.js``, fed by OpenSSL's info callback)
and fails a connection that starts more than ``tls.CLIENT_RENEG_LIMIT`` within the window
with ``ERR_TLS_SESSION_ATTACK``, or any after ``disableRenegotiation()`` with
``ERR_TLS_RENEGOTIATION_DISABLED``.  Both limits are read at each check, so assigning
``nodessl.CLIENT_RENEG_LIMIT`` affects open connections, as in Node.  Node enforces them
on server sockets only; a client's ``disableRenegotiation()`` has no effect there either.

How: OpenSSL renegotiates inside ``SSL_read`` (the engine reads on as usual; writes that
OpenSSL refuses meanwhile wait in the engine).  The info callback is per connection
(``SSL_set_info_callback``) and installed only after a TLS <= 1.2 handshake completed, so
first handshakes and TLS 1.3 connections never call into Python for it; afterwards it fires
on handshake starts/ends and alerts, not per record.  HANDSHAKE_START counts (servers);
HANDSHAKE_DONE without a pending renegotiation marks the engine ``renegotiated``, which the
socket sees as a completed handshake: the server re-checks a client certificate it asked
for, the client re-verifies the server (``secureConnect`` again, as Node), both emit
``secure`` (what ``renegotiate``'s callback waits for).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from OpenSSL import SSL

from . import openssl as _ossl
from .errors import NodeError, invalid_arg_type

__all__ = ["State", "renegotiate", "after_handshake", "on_info", "on_renegotiated"]

_LIMIT_DEFAULT = 3
_WINDOW_DEFAULT = 600


class State:
    """Per-socket counters, as Node keeps them on the TLSWrap handle."""

    __slots__ = ("handshakes", "last", "disabled", "watching")

    def __init__(self) -> None:
        self.handshakes = 0
        self.last = 0.0
        self.disabled = False
        self.watching = False


def _setting(name: str, default: int) -> float:
    value = getattr(sys.modules.get("nodessl"), name, default)
    return value if isinstance(value, (int, float)) else default


def after_handshake(sock: Any) -> None:
    """The first handshake completed: watch for renegotiations when the protocol has them."""
    state: State = sock._reneg
    engine = sock._engine
    if state.watching or engine is None:
        return
    if engine.conn.get_protocol_version() >= _ossl.TLS1_3_VERSION:  # type: ignore[attr-defined]
        return
    state.watching = True
    state.last = sock._loop.time()  # Node: the first handshake only sets lastHandshakeTime
    _ossl.set_info_callback(engine.conn)


def on_info(sock: Any, start: bool, done: bool) -> None:
    """OpenSSL's info callback (from inside an engine call; errors are stored, not raised)."""
    engine = sock._engine
    if engine is None:
        return
    if start and sock._isServer:
        error = _count(sock._reneg, sock._loop.time())
        if error is not None and sock._hook_error is None:
            sock._hook_error = error
    if done and not engine.conn.renegotiate_pending():
        engine.renegotiated = True


def _count(state: State, now: float) -> NodeError | None:
    last, state.last = state.last, now
    if now - last >= _setting("CLIENT_RENEG_WINDOW", _WINDOW_DEFAULT):
        state.handshakes = 1
    else:
        state.handshakes += 1
    if state.handshakes > _setting("CLIENT_RENEG_LIMIT", _LIMIT_DEFAULT):
        return NodeError("TLS session renegotiation attack detected", "ERR_TLS_SESSION_ATTACK")
    if state.disabled:
        return NodeError("TLS session renegotiation disabled for this socket",
                         "ERR_TLS_RENEGOTIATION_DISABLED")
    return None


def on_renegotiated(sock: Any) -> None:
    """A renegotiation completed (the engine reported a handshake after the first)."""
    if sock._isServer:
        if sock._requestCert:
            verify_error = sock._verify_error()
            if verify_error is not None:
                sock.authorizationError = verify_error.code
                if sock._rejectUnauthorized:
                    sock.destroy()
                    return
            else:
                sock.authorized = True
    else:
        sock._client_secure()  # Node's onConnectSecure listens with on(): secureConnect again
        if sock.destroyed:
            return
    sock.emit("secure")


def renegotiate(sock: Any, options: Any, callback: Callable[[Any], Any] | None) -> bool | None:
    """``tlsSocket.renegotiate(options, callback)`` (see :meth:`TLSSocket.renegotiate`)."""
    if not isinstance(options, Mapping):
        raise invalid_arg_type("options", "of type object", options)
    if callback is not None and not callable(callback):
        raise invalid_arg_type("callback", "of type function", callback)
    if sock.destroyed:
        return None
    engine = sock._engine
    if engine is None or not sock._secureEstablished:
        error = NodeError("TLS socket connection must be securely established",
                          "ERR_TLS_INVALID_STATE")
        if callback is not None:
            sock._loop.call_soon(callback, error)
        return False
    request_cert = bool(sock._requestCert)
    reject = bool(sock._rejectUnauthorized)
    if options.get("requestCert") is not None:
        request_cert = bool(options["requestCert"])
    if options.get("rejectUnauthorized") is not None:
        reject = bool(options["rejectUnauthorized"])
    if request_cert != sock._requestCert or reject != sock._rejectUnauthorized:
        sock._requestCert, sock._rejectUnauthorized = request_cert, reject
        if sock._isServer:
            mode = SSL.VERIFY_NONE
            if request_cert:
                mode = SSL.VERIFY_PEER | (SSL.VERIFY_FAIL_IF_NO_PEER_CERT if reject else 0)
            _ossl.set_verify_accept_all(engine.conn, mode)
    if sock._isServer and request_cert:
        # Unlike Node 20, where a client offering its session ticket resumes and so is
        # never asked for the certificate, make the new handshake a full one.
        _ossl.set_connection_options(engine.conn,
                                     _ossl.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION)
    try:
        _ossl.renegotiate(engine.conn)
    except NodeError as err:
        if callback is not None:
            sock._loop.call_soon(callback, err)
        return False
    if callback is not None:
        sock.once("secure", lambda *args: callback(None))
    sock._cycle()  # flush the HelloRequest/ClientHello, report what the hooks saw
    return True

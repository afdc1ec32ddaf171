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

import asyncio
import sys
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from OpenSSL import SSL

from . import openssl as _ossl
from .engine import TLSEngine
from .errors import NodeError, invalid_arg_type

__all__ = ["Host", "State", "renegotiate"]

_LIMIT_DEFAULT = 3
_WINDOW_DEFAULT = 600


@runtime_checkable
class Host(Protocol):
    """What :func:`renegotiate` needs from its TLSSocket (``socket.py`` implements it).

    It reads the socket's role and peer-verification settings, changes those only through
    ``_set_peer_verification``, and drives the engine through ``_cycle``.
    """

    _loop: asyncio.AbstractEventLoop
    _isServer: bool
    _secureEstablished: bool
    _requestCert: bool
    _rejectUnauthorized: bool

    @property
    def destroyed(self) -> bool:
        """Whether the socket was destroyed."""

    def once(self, event: str, f: Callable[..., Any]) -> Any:
        """Add a one-shot listener."""

    def _ssl_conn(self) -> SSL.Connection | None:
        """The OpenSSL connection once TLS started, else None."""

    def _set_peer_verification(self, request_cert: bool, reject_unauthorized: bool) -> None:
        """Adopt new ``requestCert`` / ``rejectUnauthorized`` settings."""

    def _cycle(self) -> None:
        """Let the engine run: flush what it has to send, deliver what it read."""


class State:
    """Per-socket counters, as Node keeps them on the TLSWrap handle."""

    __slots__ = ("handshakes", "last", "disabled", "watching")

    def __init__(self) -> None:
        self.handshakes = 0
        self.last = 0.0
        self.disabled = False
        self.watching = False

    def after_handshake(self, engine: TLSEngine, now: float) -> None:
        """The first handshake completed: watch for renegotiations when the protocol has
        them (from now on, ``now`` being the loop's time)."""
        if self.watching:
            return
        if engine.conn.get_protocol_version() >= _ossl.TLS1_3_VERSION:
            return
        self.watching = True
        self.last = now  # Node: the first handshake only sets lastHandshakeTime
        _ossl.set_info_callback(engine.conn)

    def on_info(self, engine: TLSEngine, *, server: bool, start: bool, done: bool,
                now: float) -> NodeError | None:
        """OpenSSL's info callback (from inside an engine call): marks the engine
        ``renegotiated`` when one completed; returns the error that must fail the
        connection (the caller stores it, as errors in OpenSSL callbacks are not raised)."""
        error = _count(self, now) if start and server else None
        if done and not engine.conn.renegotiate_pending():
            engine.renegotiated = True
        return error


def _setting(name: str, default: int) -> float:
    value = getattr(sys.modules.get("nodessl"), name, default)
    return value if isinstance(value, (int, float)) else default


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


def renegotiate(sock: Host, options: Any,
                callback: Callable[[Any], Any] | None) -> bool | None:
    """``tlsSocket.renegotiate(options, callback)`` (see :meth:`TLSSocket.renegotiate`)."""
    if not isinstance(options, Mapping):
        raise invalid_arg_type("options", "of type object", options)
    if callback is not None and not callable(callback):
        raise invalid_arg_type("callback", "of type function", callback)
    if sock.destroyed:
        return None
    conn = sock._ssl_conn()
    if conn is None or not sock._secureEstablished:
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
        sock._set_peer_verification(request_cert, reject)
        if sock._isServer:
            mode = SSL.VERIFY_NONE
            if request_cert:
                mode = SSL.VERIFY_PEER | (SSL.VERIFY_FAIL_IF_NO_PEER_CERT if reject else 0)
            _ossl.set_verify_accept_all(conn, mode)
    if sock._isServer and request_cert:
        # Unlike Node 20, where a client offering its session ticket resumes and so is
        # never asked for the certificate, make the new handshake a full one.
        _ossl.set_connection_options(conn, _ossl.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION)
    try:
        _ossl.renegotiate(conn)
    except NodeError as err:
        if callback is not None:
            sock._loop.call_soon(callback, err)
        return False
    if callback is not None:
        sock.once("secure", lambda *args: callback(None))
    sock._cycle()  # flush the HelloRequest/ClientHello, report what the hooks saw
    return True

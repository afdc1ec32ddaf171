"""SNI on the server: ``SNICallback``, ``server.addContext`` and the paused handshake.

Node answers SNI and OCSP inside OpenSSL's certificate callback, in this order:
``oncertcb`` → ``SNICallback(servername, cb)`` → the server's ``OCSPRequest`` event →
``certCbDone``.  Both answers may come later, from another task, so the handshake must
wait.  Here the certificate callback (``openssl.install_cert_callback``) only says "not
yet": it parks the handshake, the engine reports ``paused``, and :class:`CertPhase` runs
the user's steps once OpenSSL has returned (never inside it).  When the last answer is in
it switches the connection to the SNI context, if one was chosen, and asks the socket to
go on; a socket destroyed meanwhile is left alone.

A connection pays for this only when it needs it, as in Node: a ``SNICallback``, contexts
added with ``addContext`` (the default SNI callback looks them up), or ``OCSPRequest``
listeners on the server when the socket was made.

``addContext`` matching is Node 20's: the name becomes a regular expression with ``*``
standing for any run of characters without a dot, checked last-added first, case-sensitive.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from OpenSSL import SSL

from . import ocsp
from . import openssl as _ossl
from .context import SecureContext, createSecureContext
from .errors import NodeError, NodeTypeError, invalid_arg_type
from .features import MessageObserver

__all__ = ["CertPhase", "Host", "check_sni_callback", "add_context", "lookup"]

SNIContexts = list[tuple["re.Pattern[str]", SecureContext]]
"""A server's ``addContext`` entries, oldest first."""

# The characters Node escapes before turning ``*`` into ``[^.]*`` (not '(', ')', '|').
_ESCAPE = re.compile(r"([.^$+?\-\\\[\]{}])")


def check_sni_callback(value: Any) -> None:
    """``createServer``'s check: ``SNICallback`` must be a function when given."""
    if value is not None and not callable(value):
        raise invalid_arg_type("options.SNICallback", "of type function", value)


def add_context(contexts: SNIContexts, servername: Any,
                context: SecureContext | Mapping[str, Any] | None) -> None:
    """``server.addContext(hostname, context)``: remember ``context`` (a SecureContext or
    createSecureContext options) for names matching ``hostname``."""
    if not servername:
        raise NodeError('"servername" is required parameter for Server.addContext',
                        "ERR_TLS_REQUIRED_SERVER_NAME")
    if not isinstance(servername, str):
        # Node 20 fails on servername.replace, a TypeError without a code
        raise TypeError("servername.replace is not a function")
    pattern = re.compile(_ESCAPE.sub(r"\\\1", servername).replace("*", "[^.]*"))
    secure = context if isinstance(context, SecureContext) else createSecureContext(context)
    contexts.append((pattern, secure))


def lookup(contexts: SNIContexts, servername: str) -> SecureContext | None:
    """Node's default ``SNICallback``: the last added context whose name matches."""
    for pattern, context in reversed(contexts):
        if pattern.fullmatch(servername):
            return context
    return None


@runtime_checkable
class Host(Protocol):
    """What the certificate phase needs from its server TLSSocket (``socket.py`` implements
    it): the connection while it handshakes, a way to switch its context, to go on, to fail."""

    _loop: asyncio.AbstractEventLoop
    _secureContext: SecureContext

    @property
    def destroyed(self) -> bool:
        """Whether the socket was destroyed."""

    def _ssl_conn(self) -> SSL.Connection | None:
        """The OpenSSL connection once TLS started, else None."""

    def _handshaking(self) -> bool:
        """Whether the connection is still in its handshake."""

    def _observe_messages(self, observer: MessageObserver) -> bool:
        """Observe every protocol message; False once the connection started."""

    def _use_context(self, context: SecureContext) -> None:
        """Serve the rest of the handshake from ``context`` (the SNI context)."""

    def _resume_handshake(self) -> None:
        """Go on with the parked handshake."""

    def _tls_error(self, err: BaseException) -> None:
        """Fail the connection where Node routes a TLS failure."""


_IDLE, _STARTING, _WAITING, _DONE = range(4)

SNICallback = Callable[[str, Callable[..., None]], Any]


def _multiple_callback() -> NodeError:
    return NodeError("Callback called multiple times", "ERR_MULTIPLE_CALLBACK")


class CertPhase:
    """One server connection's certificate-callback steps (SNI, then OCSP)."""

    def __init__(self, sock: Host, sni_callback: SNICallback | None,
                 server: Any, status: ocsp.StatusWatcher | None) -> None:
        self._sock = sock
        self._sni_callback = sni_callback
        self._server = server
        self.status = status  # set when the server had OCSPRequest listeners
        self._state = _IDLE
        self.sni_context: SecureContext | None = None
        self.staple: bytes | None = None

    @classmethod
    def for_socket(cls, sock: Host, opts: Mapping[str, Any]) -> CertPhase | None:
        """The steps a new server socket needs, or None when it needs none."""
        server = opts.get("server")
        callback: SNICallback | None = opts.get("SNICallback")
        contexts: SNIContexts = getattr(server, "_contexts", None) or []
        if callback is None and contexts:
            def default_sni(name: str, cb: Callable[..., None]) -> None:
                cb(None, lookup(contexts, name))

            callback = default_sni
        status = None
        if server is not None and server.listenerCount("OCSPRequest") > 0:
            status = ocsp.StatusWatcher()
            sock._observe_messages(status.observe)
        if callback is None and status is None:
            return None
        return cls(sock, callback, server, status)

    # -- called from OpenSSL's callbacks (through the socket's _hook_* methods) -------------

    def hook(self) -> int:
        """The certificate callback's answer: go on once every step has answered."""
        if self._state == _DONE:
            return _ossl.CERT_CB_CONTINUE
        if self._state == _IDLE:
            self._state = _STARTING
        return _ossl.CERT_CB_PAUSE

    # -- the steps, run by the socket after the engine reported "paused" --------------------

    def run(self) -> None:
        """Start the user's steps (once; later pauses only mean "still waiting")."""
        if self._state != _STARTING:
            return
        self._state = _WAITING
        sock = self._sock
        conn = sock._ssl_conn()
        raw = conn.get_servername() if conn is not None else None
        servername = raw.decode("idna") if raw else None
        if servername is None or self._sni_callback is None:
            self._request_ocsp()
            return
        answered = False

        def cb(err: BaseException | None = None, context: Any = None) -> None:
            nonlocal answered
            if answered:
                self._fail(_multiple_callback())
                return
            answered = True
            if self._gone():
                return
            if err is not None:
                self._fail(err)
                return
            if context is not None and context is not False:
                if not isinstance(context, SecureContext):
                    self._fail(NodeTypeError("Invalid SNI context"))
                    return
                self.sni_context = context
            self._request_ocsp()

        try:
            self._sni_callback(servername, cb)
        except Exception as exc:  # noqa: BLE001 - a throwing SNICallback fails this socket
            self._fail(exc)

    def _request_ocsp(self) -> None:
        status, server = self.status, self._server
        if status is None or not status.requested or server is None \
                or server.listenerCount("OCSPRequest") == 0:
            self._done()
            return
        context = self.sni_context or self._sock._secureContext
        answered = False

        def callback(err: BaseException | None = None, response: Any = None) -> None:
            nonlocal answered
            if answered:
                self._fail(_multiple_callback())
                return
            answered = True
            if err is not None:
                self._fail(err)
                return
            if self._gone():
                return
            try:
                self.staple = ocsp.check_response(response)
            except NodeTypeError as exc:
                self._fail(exc)
                raise
            self._done()

        certificate, issuer = ocsp.request_arguments(context)
        try:
            server.emit("OCSPRequest", certificate, issuer, callback)
        except Exception as exc:  # noqa: BLE001 - a throwing listener fails this socket only
            self._fail(exc)

    def _done(self) -> None:
        sock = self._sock
        if self._gone():
            return
        if self.sni_context is not None:
            try:
                sock._use_context(self.sni_context)
            except Exception as exc:  # noqa: BLE001
                self._fail(exc)
                return
        self._state = _DONE
        # On the next turn, as Node's certCbDone: a callback answering twice in a row
        # destroys the socket before the handshake says anything more.
        sock._loop.call_soon(sock._resume_handshake)

    def _gone(self) -> bool:
        sock = self._sock
        return sock.destroyed or not sock._handshaking()

    def _fail(self, err: BaseException) -> None:
        self._state = _DONE
        self._sock._tls_error(err)

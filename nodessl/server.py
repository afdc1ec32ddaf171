"""``tls.Server`` / ``createServer``: a net server whose connections become TLSSockets.

As in Node, the server first sees the plain connection (``connection``), then a
server-side TLSSocket takes it over; ``secureConnection`` follows a completed
handshake and every failure before it goes to ``tlsClientError`` (the socket is
closed, the server keeps serving).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Unpack, overload

from . import accepted, alpn, backend, extensions, net, psk, sni
from .context import SecureContext, _is_buffer, _js_truthy
from .errors import NodeError, invalid_arg_type
from .events import captureRejectionSymbol
from .optionnames import check_keywords, typed_options
from .options import ServerOptions
from .socket import TLSSocket, create_secure_context

if TYPE_CHECKING:
    from typing import Self

    from typing_extensions import deprecated

    from . import results as _results
    from .events import F as _F

__all__ = ["Server", "createServer"]

# Options that belong to the server or its sockets, not to createSecureContext (nodessl.options'
# TypedDicts)
_SERVER_ONLY = typed_options("createServer") - typed_options("createSecureContext")


# Server options each connection's TLSSocket takes as its own (add a feature's names here).
_PER_SOCKET = (
    "ALPNProtocols",
    "ALPNCallback",
    "SNICallback",
    "NPNProtocols",
    "pskCallback",
    "pskIdentityHint",
    "enableTrace",
)


def _default_session_id_context() -> str:
    # Node: a 128-bit truncated SHA-1 of process.argv, so one program's servers share sessions
    return hashlib.sha1(" ".join(sys.argv).encode()).hexdigest()[:32]


class Server(net.Server):
    """Node's ``tls.Server``."""

    if TYPE_CHECKING:
        # For a type checker only (nodessl.results): the listener of each of tls.Server's
        # events, typed; at runtime these are EventEmitter's methods.  A listener that does
        # not fit its event falls to the @deprecated overload (mypy reports it under the
        # 'deprecated' error code), not to the catch-all for custom events.  Narrower
        # overloads before a catch-all break mypy's override rules (pyee's, the base
        # class's): on purpose, as in Node's own typings
        @overload  # type: ignore[override]
        def on(self, event: Literal["close"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["connection"], f: Callable[[net.Socket], object]) -> Self: ...
        @overload
        def on(self, event: Literal["drop"], f: Callable[[_results.DropInfo], object]) -> Self: ...
        @overload
        def on(self, event: Literal["error"], f: Callable[[BaseException], object]) -> Self: ...
        @overload
        def on(self, event: Literal["keylog"], f: Callable[[bytes, TLSSocket], object]) -> Self: ...
        @overload
        def on(self, event: Literal["listening"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["newSession"], f: Callable[[bytes, bytes, Callable[[], None]], object]) -> Self: ...
        @overload
        def on(self, event: Literal["OCSPRequest"], f: Callable[[bytes, bytes | None, _results.OCSPRequestCallback], object]) -> Self: ...
        @overload
        def on(self, event: Literal["resumeSession"], f: Callable[[bytes, _results.ResumeSessionCallback], object]) -> Self: ...
        @overload
        def on(self, event: Literal["secureConnection"], f: Callable[[TLSSocket], object]) -> Self: ...
        @overload
        def on(self, event: Literal["tlsClientError"], f: Callable[[BaseException, TLSSocket], object]) -> Self: ...
        @overload
        def on(self, event: str, f: None = None) -> Callable[[_F], _F]: ...
        @overload
        @deprecated("this listener does not type-check with the event's arguments (nodessl.results); "
                    "a def with annotated parameters shows why")
        def on(self, event: _results.TLSServerEvent, f: Callable[..., object]) -> Self: ...
        @overload
        def on(self, event: str, f: Callable[..., Any]) -> Self: ...
        @overload  # EventEmitter's own signature, which the overloads must keep accepting
        def on(self, event: str, f: Callable[..., Any] | None = None) -> Self: ...
        def on(self, event: str, f: Callable[..., Any] | None = None) -> Any:
            """Add ``f`` as a listener of ``event`` (EventEmitter's ``on``); ``once``,
            ``addListener``, ``prependListener`` and ``prependOnceListener`` take the same
            arguments.  The overloads type the listener of each event Node documents
            (:data:`nodessl.results.TLSServerEvent`); any other name is a custom event."""

        once = on  # type: ignore[assignment]
        addListener = on  # type: ignore[assignment]
        prependListener = on  # type: ignore[assignment]
        prependOnceListener = on  # type: ignore[assignment]

    def __init__(self,
                 options: ServerOptions | Mapping[str, Any] | Callable[..., Any] | None = None,
                 secureConnectionListener: Callable[..., Any] | None = None,
                 **kwargs: Unpack[ServerOptions]) -> None:
        if callable(options):
            options, secureConnectionListener = None, options
        check_keywords("createServer", kwargs)  # a dict keeps Node's leniency
        if options is not None and not isinstance(options, Mapping):
            raise invalid_arg_type("options", "of type object", options)
        # old forms (nodessl.legacy: NPN, 0.4's one-argument SNICallback) in their modern
        # shape, when that layer is in
        opts = extensions.adapt_server_options({**(options or {}), **kwargs})
        # Node's order: the ALPN options, the context's options (setSecureContext), then
        # handshakeTimeout, SNICallback, pskCallback, pskIdentityHint, then net.Server's own
        alpn.check_server_options(opts.get("ALPNProtocols"), opts.get("ALPNCallback"))
        secure_context = self._build_context(opts)
        # Node: `options.handshakeTimeout || 120000`, so 0 is the default, not "no timeout"
        timeout = opts.get("handshakeTimeout") or 120000
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
            raise invalid_arg_type("options.handshakeTimeout", "of type number", timeout)
        sni.check_sni_callback(opts.get("SNICallback"))
        psk.check_server_options(opts.get("pskCallback"), opts.get("pskIdentityHint"))
        super().__init__({k: opts[k] for k in ("allowHalfOpen", "pauseOnConnect",
                                                "highWaterMark", "keepAlive",
                                                "keepAliveInitialDelay")
                          if k in opts})
        self._handshakeTimeout = timeout
        self._contexts: sni.SNIContexts = []
        self._options = opts
        self._requestCert = bool(opts.get("requestCert", False))
        self._rejectUnauthorized = opts.get("rejectUnauthorized", True) is not False
        self._secure_context = secure_context
        self._socket_opts: tuple[tuple[Any, ...], dict[str, Any]] | None = None
        self.on("connection", self._tls_connection_listener)
        if secureConnectionListener is not None:
            self.on("secureConnection", secureConnectionListener)

    def _build_context(self, opts: Mapping[str, Any]) -> SecureContext:
        ctx_opts = {k: v for k, v in opts.items() if k not in _SERVER_ONLY}
        ctx_opts.setdefault("honorCipherOrder", True)
        ctx_opts.setdefault("sessionIdContext", _default_session_id_context())
        return create_secure_context(ctx_opts)

    def setSecureContext(self, options: Mapping[str, Any]) -> None:
        """Replace the server's identity for new connections; open ones keep theirs."""
        if not isinstance(options, Mapping):
            raise invalid_arg_type("options", "of type object", options)
        self._options = {**self._options, **options}
        self._secure_context = self._build_context(self._options)

    def setOptions(self, options: Mapping[str, Any]) -> None:
        """Deprecated (DEP0122), as Node's ``server.setOptions(options)``: records the options
        as properties of the server without rebuilding its context (use
        :meth:`setSecureContext` for that).  ``requestCert``, ``rejectUnauthorized``,
        ``ALPNProtocols``, ``pskCallback`` and ``pskIdentityHint`` apply to the connections
        accepted afterwards; the others (``clientCertEngine``, ``key``, ``cert``, ...) only
        become readable properties, as in Node."""
        import warnings

        warnings.warn("[DEP0122] Server.prototype.setOptions() is deprecated",
                      DeprecationWarning, stacklevel=2)
        self._requestCert = options.get("requestCert") is True
        self._rejectUnauthorized = options.get("rejectUnauthorized") is not False
        # Node copies each of these only when it is truthy (`if (options.x) this.x = ...`).
        for name in ("pfx", "key", "passphrase", "cert", "clientCertEngine", "ca",
                     "minVersion", "maxVersion", "secureProtocol", "crl", "ciphers",
                     "dhparam", "sessionTimeout", "ticketKeys"):
            if _js_truthy(options.get(name)):
                setattr(self, name, options[name])
        if options.get("ecdhCurve") is not None:
            self.ecdhCurve = options["ecdhCurve"]
        honor = options.get("honorCipherOrder")
        self.honorCipherOrder = True if honor is None else _js_truthy(honor)
        if _js_truthy(options.get("secureOptions")):
            self.secureOptions = options["secureOptions"]
        sid = options.get("sessionIdContext")
        self.sessionIdContext = sid if _js_truthy(sid) else _default_session_id_context()
        # What Node's tlsConnectionListener reads from the server for each new connection.
        for name in ("ALPNProtocols", "pskCallback", "pskIdentityHint"):
            if _js_truthy(options.get(name)):
                self._options = {**self._options, name: options[name]}

    def _add_event_handler(self, event: str, k: Callable[..., Any], v: Callable[..., Any]) -> Any:
        # 'newSession'/'resumeSession' need the session-cache callbacks only the shared
        # backend reaches: refused where the listener is added, not silently never emitted
        if event in ("newSession", "resumeSession"):
            backend.require_shared(f"tls.Server '{event}' event")
        return super()._add_event_handler(event, k, v)

    def getTicketKeys(self) -> bytes:
        """The 48 bytes of session-ticket keys of the server's context (16 name, 16 HMAC,
        16 AES), as Node's ``server.getTicketKeys()``.  Shared backend only
        (``ERR_FEATURE_UNAVAILABLE_ON_PLATFORM`` on the bundled one)."""
        return bytes(self._secure_context.context.getTicketKeys())

    def setTicketKeys(self, keys: Any) -> None:
        """Protect the tickets issued from now on with ``keys`` (48 bytes in
        :meth:`getTicketKeys`' layout); only tickets protected with them resume.  Shared
        backend only (``ERR_FEATURE_UNAVAILABLE_ON_PLATFORM`` on the bundled one, after
        Node's argument checks)."""
        if not _is_buffer(keys):
            raise invalid_arg_type("buffer", "an instance of Buffer, TypedArray, or DataView",
                                   keys)
        if len(bytes(keys)) != 48:
            # Node's assert(): an AssertionError with code ERR_ASSERTION
            raise _AssertionError("Session ticket keys must be a 48-byte buffer",
                                  "ERR_ASSERTION")
        self._secure_context.context.setTicketKeys(keys)

    def addContext(self, hostname: str, context: SecureContext | Mapping[str, Any]) -> None:
        """Serve ``context`` (a SecureContext or createSecureContext options) to clients whose
        SNI name matches ``hostname`` (``*`` stands for one label); the latest match wins."""
        sni.add_context(self._contexts, hostname, context)

    def emit(self, event: str, *args: Any, **kwargs: Any) -> bool:
        """Emit ``event``; ``tlsClientError`` is also emitted as ``clientError``, its name in
        Node 0.12 and io.js, with the same arguments."""
        handled = super().emit(event, *args, **kwargs)
        if event == "tlsClientError":
            handled = super().emit("clientError", *args, **kwargs) or handled
        return handled

    @property
    def connections(self) -> int:
        """Deprecated (DEP0020): the number of open connections; use :meth:`getConnections`."""
        import warnings

        warnings.warn("[DEP0020] Server.connections property is deprecated. Use "
                      "Server.getConnections method instead.", DeprecationWarning, stacklevel=2)
        return len(self._connections)

    def _on_connection(self, plain: net.Socket) -> None:
        # Node's tls.Server is a net.Server whose 'connection' listener wraps the socket
        self.emit("connection", plain)

    def _admit(self, wire: net._Wire) -> None:
        # Node makes a net.Socket, emits it as 'connection', and its own first listener
        # wraps it.  When that listener is the only one, nobody can see the plain socket:
        # the TLSSocket takes the connection itself, one socket object instead of two.
        listeners = self._events.get("connection")
        if self.pauseOnConnect or listeners is None or len(listeners) != 1 \
                or self._tls_connection_listener not in listeners:
            super()._admit(wire)
            return
        tls = self._tls_socket(None)
        tls._keep_alive = self._accepted_keep_alive  # as net.Server._admit
        tls._adopt_accepted(wire)
        self._track(tls)

    def _tls_connection_listener(self, socket: Any) -> None:
        """Node's tlsConnectionListener: the first 'connection' listener, so that
        ``server.emit('connection', duplex)`` serves TLS over any net.Socket or Duplex."""
        if getattr(socket, "destroyed", False):
            return
        tls = self._tls_socket(socket)
        if isinstance(socket, net.Socket) and socket._server is self:
            self._track(tls)  # only what this server accepted counts as its connection
        if self.pauseOnConnect:
            # the handshake proceeds; the cleartext side starts paused
            tls._flowing = False

    def _tls_socket(self, socket: Any) -> TLSSocket:
        if socket is None:  # a connection this server accepted: made from its prototype
            return accepted.socket_for(self, self._socket_options())
        return TLSSocket(socket, self._socket_options(), _tls_server=self)

    def _socket_options(self) -> dict[str, Any]:
        """The options of this server's TLSSockets: made again only when one of them
        changed (every socket copies them)."""
        key = (self._secure_context, self._requestCert, self._rejectUnauthorized,
               self._handshakeTimeout, self.allowHalfOpen, self.highWaterMark, self._options)
        cached = self._socket_opts
        if cached is not None and cached[0] == key:  # element identity first, then ==
            return cached[1]
        opts = {
            "isServer": True,
            "server": self,
            "secureContext": self._secure_context,
            "requestCert": self._requestCert,
            "rejectUnauthorized": self._rejectUnauthorized,
            "handshakeTimeout": self._handshakeTimeout,
            "allowHalfOpen": self.allowHalfOpen,
            "highWaterMark": self.highWaterMark,
            **{name: self._options[name] for name in _PER_SOCKET if name in self._options},
        }
        self._socket_opts = (key, opts)
        return opts


def _server_rejection(self: Server, err: BaseException, event: str, *args: Any) -> None:
    """Node's tls.Server ``[nodejs.rejection]``: a rejected async 'secureConnection' listener
    destroys that TLSSocket with the error; other events as on a net.Server."""
    if event == "secureConnection" and args:
        args[0].destroy(err)
    else:
        getattr(net.Server, captureRejectionSymbol)(self, err, event, *args)


setattr(Server, captureRejectionSymbol, _server_rejection)


class _AssertionError(NodeError, AssertionError):
    """Node's ``assert`` failure (``ERR_ASSERTION``)."""


# Node's argument forms, for a type checker; keyword arguments are ServerOptions, merged
# over the options dict.
@overload
def createServer(options: ServerOptions | Mapping[str, Any] | None = None,
                 secureConnectionListener: Callable[..., Any] | None = None,
                 **kwargs: Unpack[ServerOptions]) -> Server: ...
@overload
def createServer(options: Callable[..., Any], /, **kwargs: Unpack[ServerOptions]) -> Server: ...


def createServer(options: Mapping[str, Any] | Callable[..., Any] | None = None,
                 secureConnectionListener: Callable[..., Any] | None = None,
                 **kwargs: Any) -> Server:
    """``tls.createServer([options][, secureConnectionListener])``.

    Options (a dict, or keyword arguments merged over it; ``None`` means Node's default):

    - identity: any :func:`createSecureContext` option (``key``, ``cert``, ``pfx``,
      ``passphrase``, ``ca``, ``ciphers``, ``minVersion``, ``ticketKeys``,
      ``sessionTimeout``, …), or ``secureContext``.
    - clients: ``requestCert``, ``rejectUnauthorized`` (default True when
      ``requestCert``), ``handshakeTimeout`` (ms, default 120000).
    - per connection: ``SNICallback(servername, cb)``, ``ALPNProtocols``,
      ``ALPNCallback({servername, protocols})``, ``pskCallback(socket, identity)``,
      ``pskIdentityHint``, ``sessionIdContext``, ``enableTrace``.
    - ``net.createServer``'s: ``allowHalfOpen``, ``pauseOnConnect``, ``highWaterMark``.

    ``secureConnectionListener`` becomes a ``secureConnection`` listener. Example::

        server = nodessl.createServer({"key": key, "cert": cert}, lambda s: s.end(b"hi"))
        server.listen(8443)
    """
    return Server(options, secureConnectionListener, **kwargs)

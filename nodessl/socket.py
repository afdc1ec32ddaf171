"""``TLSSocket``: a net socket whose bytes go through the TLS engine (``tls.connect`` is in
``client.py``).

Data flow
    wire → ``_wire_data`` → engine.feed/advance → ``push(plaintext)`` → 'data'
    ``write(plaintext)`` → engine.write → ``_flush`` → wire

The wire below is either a connection this socket owns (it connected, or took
over an accepted / already connected ``net.Socket``, as Node's TLSWrap takes
the handle) or any Duplex stream, read through its ``data`` events.

Lifecycle rules from Node's ``_tls_wrap.js``: writes before the handshake are
held and sent after it; a failure before the secure connection is an
``error`` on a client and a server's ``tlsClientError``; a peer that leaves
before the handshake ends is ``ECONNRESET`` "Client network socket
disconnected before secure TLS connection was established".
"""

from __future__ import annotations

import errno as _errno
import functools
import socket as _pysocket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Unpack, cast, overload

from OpenSSL import SSL

from . import alpn, backend, extensions, facts, keylog, net, psk, renegotiation, sigalgs, sni, trace
from . import loop as _loop
from . import openssl as _ossl
from .certificate import identity_fields
from .ciphers import standard_name
from .compat import peer_cert_chain, peer_certificate
from .context import SecureContext, createSecureContext
from .deadlines import DeadlineList, deadline_list
from .engine import BROKEN, HANDSHAKING, OPEN, TLSEngine
from .errors import (
    BYTES_LIKE,
    ECONNRESET_MESSAGE,
    MISSING,
    NodeError,
    NodeTypeError,
    SSLError,
    VerifyError,
    conn_reset,
    invalid_arg_type,
)
from .features import Features, MessageObserver
from .identity import checkServerIdentity
from .optionnames import check_keywords, typed_options
from .options import TLSSocketOptions
from .session import SessionEvents, ticket_of
from .sessioncache import ServerSessions
from .x509 import X509Certificate

if TYPE_CHECKING:
    from typing import Self

    from typing_extensions import deprecated

    from . import results as _results
    from .events import F as _F

__all__ = ["TLSSocket", "create_secure_context"]

# what is not createSecureContext's among the options a TLSSocket is given (its own, and
# tls.connect's handed down): kept out of the context it makes (nodessl.options' TypedDicts)
_SOCKET_OPTIONS = ((typed_options("connect") | typed_options("TLSSocket"))
                   - typed_options("createSecureContext"))


@dataclass(eq=False, slots=True)  # one per connection: no __dict__
class UntilSecure:
    """What a TLSSocket is asked to do before its handshake completed, done once it has:
    plaintext writes (each with its callback, still counted in ``writableLength``) and
    the ``_final`` callback of an ``end()`` (the close_notify must follow that data)."""

    writes: list[tuple[bytes, Callable[..., Any]]] = field(default_factory=list)
    final: Callable[..., Any] | None = None

    def take_writes(self) -> list[tuple[bytes, Callable[..., Any]]]:
        """The held writes, in order; none are held afterwards."""
        writes, self.writes = self.writes, []
        return writes

    def take_final(self) -> Callable[..., Any] | None:
        """The held ``_final`` callback (None without one); cleared."""
        final, self.final = self.final, None
        return final




def _no_certificate() -> _results.PeerCertificate:
    # Node's {} for "no certificate": falsy, typed as the object it stands in for (as
    # Node's typings do) so that callers test `if cert:` rather than narrow a union
    return cast("_results.PeerCertificate", {})


def _conn_reset(message: str = ECONNRESET_MESSAGE) -> NodeError:
    return conn_reset(message)


def _ended_before_secure(sock: TLSSocket, exc: BaseException | None = None) -> NodeError:
    """The error for a connection gone before the handshake finished, as Node words it: a
    reset is ``read ECONNRESET``; an orderly end is "socket hang up" on a server and, on a
    client, "Client network socket disconnected before secure TLS connection was
    established" with the connect options' ``path``/``host``/``port``/``localAddress``."""
    if isinstance(exc, OSError):
        return net._errno_error(exc, net._failed_call(exc))
    if sock._isServer:
        return conn_reset("socket hang up")
    opts = sock._tlsOptions
    return conn_reset(ECONNRESET_MESSAGE, path=opts.get("path"), host=opts.get("host"),
                      port=opts.get("port"), localAddress=opts.get("localAddress"))


def _handshake_timed_out(sock: Any) -> None:
    sock._on_handshake_timeout()


class TLSSocket(net.Socket):
    """Node's ``tls.TLSSocket``: a Duplex with transparent TLS over a socket or stream."""

    if TYPE_CHECKING:
        # For a type checker only (nodessl.results): the listener of each of TLSSocket's
        # events, typed; at runtime these are EventEmitter's methods.  A listener that does
        # not fit its event falls to the @deprecated overload (mypy reports it under the
        # 'deprecated' error code), not to the catch-all for custom events.  Narrower
        # overloads before a catch-all break mypy's override rules (pyee's, the base
        # class's): on purpose, as in Node's own typings
        @overload  # type: ignore[override]
        def on(self, event: Literal["close"], f: Callable[[bool], object]) -> Self: ...
        @overload
        def on(self, event: Literal["connect"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["data"], f: Callable[[bytes], object]) -> Self: ...
        @overload
        def on(self, event: Literal["drain"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["end"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["error"], f: Callable[[BaseException], object]) -> Self: ...
        @overload
        def on(self, event: Literal["finish"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["lookup"],
               f: Callable[[BaseException | None, str | None, int | None, str], object]
               ) -> Self: ...
        @overload
        def on(self, event: Literal["pause"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["readable"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["ready"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["resume"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["timeout"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["keylog"], f: Callable[[bytes], object]) -> Self: ...
        @overload
        def on(self, event: Literal["OCSPResponse"], f: Callable[[bytes | None], object]) -> Self: ...
        @overload
        def on(self, event: Literal["secureConnect"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["session"], f: Callable[[bytes], object]) -> Self: ...
        @overload
        def on(self, event: str, f: None = None) -> Callable[[_F], _F]: ...
        @overload
        @deprecated("this listener does not type-check with the event's arguments (nodessl.results); "
                    "a def with annotated parameters shows why")
        def on(self, event: _results.TLSSocketEvent, f: Callable[..., object]) -> Self: ...
        @overload
        def on(self, event: str, f: Callable[..., Any]) -> Self: ...
        @overload  # EventEmitter's own signature, which the overloads must keep accepting
        def on(self, event: str, f: Callable[..., Any] | None = None) -> Self: ...
        def on(self, event: str, f: Callable[..., Any] | None = None) -> Any:
            """Add ``f`` as a listener of ``event`` (EventEmitter's ``on``); ``once``,
            ``addListener``, ``prependListener`` and ``prependOnceListener`` take the same
            arguments.  The overloads type the listener of each event Node documents
            (:data:`nodessl.results.TLSSocketEvent`); any other name is a custom event."""

        once = on  # type: ignore[assignment]
        addListener = on  # type: ignore[assignment]
        prependListener = on  # type: ignore[assignment]
        prependOnceListener = on  # type: ignore[assignment]

    # OpenSSL's output waits for this socket's end (see _step); a destroy() sends it
    _output_held = False

    def __init__(self, socket: Any = None,
                 options: TLSSocketOptions | Mapping[str, Any] | None = None,
                 *, _tls_server: Any = None, _from_connect: bool = False,
                 _judge: bool | None = None, **kwargs: Unpack[TLSSocketOptions]) -> None:
        """``new tls.TLSSocket(socket[, options])``: TLS over ``socket`` (a
        :class:`nodessl.net.Socket`, a Python socket or any Duplex; None: a socket of its
        own, to ``connect`` later).  Options (:class:`~nodessl.options.TLSSocketOptions`)
        as a dict or keywords merged over it; an unknown keyword is a ``TypeError``."""
        check_keywords("TLSSocket", kwargs)  # a dict keeps Node's leniency
        # old forms (nodessl.legacy's NPNProtocols) become Node 20's, when that layer is in
        opts = extensions.adapt_socket_options({**(options or {}), **kwargs})
        super().__init__(self._net_options(opts, socket))
        self._tlsOptions = opts
        self._isServer = bool(opts.get("isServer", False))
        context = opts.get("secureContext")
        if context is None:
            context = create_secure_context(
                {k: v for k, v in opts.items() if k not in _SOCKET_OPTIONS})
        elif not isinstance(context, SecureContext):
            # Node 0.4's crypto.createCredentials() object carries its context as .context
            context = getattr(context, "context", None)
            if not isinstance(context, SecureContext):
                raise NodeTypeError("context must be a SecureContext",
                                    "ERR_TLS_INVALID_CONTEXT")
        self._secureContext: SecureContext = context
        session = opts.get("session")
        if session and not self._isServer and not isinstance(
                session, (bytes, bytearray, memoryview)):
            raise NodeTypeError(f"Session must be {BYTES_LIKE}", "ERR_INVALID_ARG_TYPE")
        self.encrypted = True
        self.authorized = False
        self.authorizationError: str | None = None
        self.alpnProtocol: str | bool | None = None
        self.servername: str | bool | None = None
        self._secureEstablished = False
        self.secureConnecting = True
        # Made by tls.connect (Node's kConnectOptions): only then is a client verified, and
        # only then does it start the handshake by itself (Node's _start()); any other
        # client sends its ClientHello with its first write.
        self._from_connect = _from_connect
        # Whether each handshake's peer is judged (authorized, authorizationError, reject):
        # Node does it in tls.connect's and tls.Server's own 'secure' listeners only.
        self._judges_peer = (_judge if _judge is not None
                             else _from_connect or _tls_server is not None)
        self._engine: TLSEngine | None = None
        self._corked = False
        self._until_secure = UntilSecure()  # writes and end() that came before the handshake
        # held writes a destroy() cut off: they end when the socket closes (_cancel_writes)
        self._cancelled: list[Callable[..., Any]] = []
        self._lower: Any = None  # a Duplex below, read through its events (_use_stream)
        # ciphertext writes the Duplex below has not called back yet (Node's JSStreamSocket
        # completes a write request in the stream's write callback)
        self._lower_pending = 0
        self._parent: net.Socket | None = None  # the plain socket taken over (Node's _parent)
        # The tls.Server whose connection listener made this socket: it hears about the
        # socket's handshake (secureConnection, tlsClientError).  The ``server`` option
        # alone only lends its SNI contexts and OCSPRequest listeners, as in Node.
        self._tls_server: Any = _tls_server
        # newSession / resumeSession (shared backend; sessioncache.py)
        self._server_sessions: ServerSessions | None = None
        self.server = opts.get("server")  # Node: TLSSocket's server is options.server
        self._requestCert = bool(opts.get("requestCert", not self._isServer))
        # Node: tls.connect rejects unless told not to; new TLSSocket() only when told to
        # (tls.Server passes its own setting)
        reject = opts.get("rejectUnauthorized")
        self._rejectUnauthorized = reject is not False if _from_connect else bool(reject)
        self._handshake_timer: DeadlineList | None = None  # armed: the list it is on
        self._hook_error: BaseException | None = None
        # An OpenSSL error Node leaves queued without failing (see _use_context): the one
        # reported if the handshake then fails, as Node reports the queue's oldest entry.
        self._queued_error: SSLError | None = None
        # ALPN, PSK, SNI/OCSP, message observers, sessions, renegotiation, trace (features.py);
        # filled in the order Node's _init checks the options
        features = self._features = Features(
            server=self._isServer, alpn_wire=alpn.to_wire(opts.get("ALPNProtocols")) or None,
            alpn_callback=opts.get("ALPNCallback"))
        if not self._isServer and sigalgs.client_watches(context):
            features.cert_request = sigalgs.CertificateRequestWatch()
            self._observe_messages(features.cert_request)
        if self._isServer:
            sni.check_sni_callback(opts.get("SNICallback"))  # Node's _init checks it too
        features.cert_phase = sni.CertPhase.for_socket(self, opts) if self._isServer else None
        features.request_ocsp = not self._isServer and bool(opts.get("requestOCSP"))
        features.psk_callback = psk.socket_callback(opts)
        mindh = opts.get("minDHSize", 1024)
        if not isinstance(mindh, (int, float)) or isinstance(mindh, bool) or mindh <= 0:
            raise invalid_arg_type("options.minDHSize", "a positive number", mindh)
        if trace.wanted(opts):
            self.enableTrace()
        if socket is not None:
            self._wrap(socket)

    @staticmethod
    def _net_options(opts: Mapping[str, Any], socket: Any) -> dict[str, Any]:
        """The net.Socket options of a TLSSocket made with ``opts`` over ``socket``."""
        # as Node: a stream given brings its own half-open setting, the option is for a
        # connection of our own only (a Python socket has no setting of its own)
        half_open = (bool(getattr(socket, "allowHalfOpen", False))
                     if socket is not None and not isinstance(socket, _pysocket.socket)
                     else opts.get("allowHalfOpen", False))
        return {"allowHalfOpen": half_open,
                "highWaterMark": opts.get("highWaterMark"),
                "readableHighWaterMark": opts.get("readableHighWaterMark"),
                "writableHighWaterMark": opts.get("writableHighWaterMark"),
                # as Node: the caller's read buffer only for a socket of our own
                "onread": opts.get("onread") if socket is None else None,
                "signal": opts.get("signal")}

    @property
    def ssl(self) -> _SSLHandle | None:
        """Node's ``tlsSocket.ssl``, the TLS handle (for ``ssl.verifyError()``); None once
        the socket closed."""
        if self._closed_emitted:
            return None
        handle = self.__dict__.get("_ssl_handle")
        if handle is None:  # made when first asked: a cycle only for sockets that use it
            handle = self._ssl_handle = _SSLHandle(self)
        return handle

    @property
    def npnProtocol(self) -> str | bool | None:
        """Legacy: None unless ``NPNProtocols`` was given; then what :mod:`nodessl.legacy`
        negotiated (real NPN on the shared backend, ALPN's result on the bundled one; False
        when nothing was agreed)."""
        npn = getattr(self, "_npn", None)  # nodessl.legacy.npn.Negotiation (shared backend)
        if npn is not None:
            result: str | bool | None = npn.result(self)
            return result
        if self._tlsOptions.get("NPNProtocols") is None:
            return None
        return self.alpnProtocol

    # -- the wire below ---------------------------------------------------------------------

    def _wrap(self, socket: Any) -> None:
        # Only a plain socket's connection can be taken over; a TLSSocket below (TLS in
        # TLS) is a Duplex like any other.
        if isinstance(socket, net.Socket) and not isinstance(socket, TLSSocket) \
                and (socket._wrappable or socket.connecting
                     # not connected yet: TLS starts on its 'connect', as in Node
                     or (socket.pending and not socket.destroyed)):
            self._parent = socket
            if socket._wrappable:
                self._take_over(socket)
            else:
                # No ref of its own while it waits, as Node's JSStreamSocket: the plain
                # socket's connect (its handle) is what holds the program.
                self.connecting = True
                socket.once("connect", lambda *a: self._on_parent_connect(socket))
                socket.once("error", lambda err: self.destroy(err))
        elif isinstance(socket, _pysocket.socket):
            self.connecting = True
            self._update_ref()
            self._loop.create_task(self._adopt_pysocket(socket))
        elif hasattr(socket, "write") and hasattr(socket, "on"):
            self._use_stream(socket)
        else:
            raise invalid_arg_type("socket", "an instance of net.Socket, socket.socket or "
                                   "a Duplex stream", socket)

    def _is_active(self) -> bool:
        if self.connecting and self._transport is None and self._parent is not None:
            return False  # waiting for the plain socket below, which holds the program
        return super()._is_active()

    def _on_parent_connect(self, plain: net.Socket) -> None:
        if self.destroyed or not plain._wrappable:
            return
        self._take_over(plain)
        self.emit("connect")  # as Node's TLSSocket repeats its socket's 'connect'

    def _take_over(self, plain: net.Socket) -> None:
        """Read the plain socket's connection from now on (Node's TLSWrap takes over the
        handle's stream); the plain socket keeps writing, ending and closing it."""
        wire, leftover, was_paused = plain._hand_over(self)
        self._attach(wire)
        if was_paused:
            self._reading_paused = True
            self._update_ref()
        self._start_tls()
        if leftover:
            # What the socket had received before: Node feeds it on the next tick
            # (initRead), so whatever it causes (garbage: an 'error') comes after the
            # constructor returned and its caller added listeners.  Reading waits, so
            # nothing newer overtakes it.
            self._pause_wire()
            self._loop.call_soon(self._feed_leftover, leftover, was_paused)

    def _adopt_accepted(self, wire: net._Wire) -> None:
        """A server's connection, accepted for this socket alone (no plain socket made)."""
        self._attach(wire)
        self._start_tls()

    def _feed_leftover(self, leftover: bytes, was_paused: bool) -> None:
        if self.destroyed or self._engine is None:
            return
        self._wire_data(memoryview(leftover))
        if not was_paused and not self.destroyed \
                and self.readableLength < self.readableHighWaterMark:
            self._read()

    async def _adopt_pysocket(self, sock: _pysocket.socket) -> None:
        wire = net._Wire(self)
        sock.setblocking(False)
        try:
            if self._isServer:
                await self._loop.connect_accepted_socket(lambda: wire, sock)
            else:
                await self._loop.create_connection(lambda: wire, sock=sock)
        except OSError as exc:
            self.destroy(net._errno_error(exc, "connect"))
            return
        self._on_connected()

    def _use_stream(self, stream: Any) -> None:
        """Any Duplex below: read it through events, write ciphertext into it."""
        self._lower = stream
        self.connecting = False
        self.pending = False
        # No ref: as Node's JSStreamSocket, a TLSSocket over a Duplex keeps nothing alive
        # by itself; what feeds the Duplex (a real socket, a timer) does.
        stream.on("data", lambda chunk: self._wire_data(memoryview(_as_bytes(chunk))))
        stream.on("end", lambda *a: self._wire_eof())
        stream.on("close", lambda *a: self._wire_lost(None))
        stream.on("error", lambda err: self.destroy(err))
        self._start_tls()

    def _wire_write(self, data: bytes) -> None:
        if self._lower is None:
            net.Socket._wire_write(self, data)
            return
        self._bytes_written += len(data)
        if not getattr(self._lower, "destroyed", False):
            self._lower_pending += 1
            self._lower.write(data, self._lower_written)

    def _lower_written(self, *_err: Any) -> None:
        # an error of the stream below reaches us through its 'error' event
        self._lower_pending -= 1
        if self._lower_pending == 0:
            self._wire_drained()  # every byte written below: the write in flight is done

    # -- connecting ---------------------------------------------------------------------

    def _on_connected(self) -> None:
        # the TCP connection is up: TLS starts before anyone sees 'connect'
        self._touch()
        self._start_tls()
        self.emit("connect")

    def _start_tls(self) -> None:
        if self._engine is not None or self.destroyed:
            return
        try:
            hooks = self._features.active = self._hooks()
            context = self._secureContext.context_for(hooks)
            hint = self._tlsOptions.get("pskIdentityHint") if "psk_server" in hooks else None
            self._engine = TLSEngine(context, server=self._isServer, hooks=hooks,
                                     psk_hint=hint or None)
            server = self._tls_server
            if self._isServer and server is not None and backend.is_shared() and (
                    server.listenerCount("newSession") or server.listenerCount("resumeSession")):
                # Node's enableSessionCallbacks(): also starts the ClientHello parser
                sessions = self._server_sessions = ServerSessions(self)
                self._engine.hold_client_hello()
                # the session-cache callbacks ask only sockets that have these hooks
                self._hook_new_session = sessions.new_session
                self._hook_get_session = sessions.get_session
            if "info" in hooks:
                self._features.sessions = SessionEvents(self)
            self._configure(self._engine.conn)
        except Exception as err:  # noqa: BLE001 - whatever fails here fails this socket only
            self._tls_error(err)
            return
        # a client written to before its connection was there begins now, as Node's
        # SSL_write on a client not yet started
        if self._isServer or self._from_connect or self._until_secure.writes:
            self._begin_handshake()
        if self._isServer:
            self._arm_handshake_timeout()

    def _start(self) -> None:
        """Node's ``tlsSocket._start()``: begin a client's handshake now (``tls.connect``
        does; any other client TLSSocket begins with its first write), once connected."""
        if self.connecting:
            self.once("connect", lambda *a: self._start())
            return
        engine = self._engine
        if engine is not None and not engine.started and not self.destroyed:
            self._begin_handshake()

    def _begin_handshake(self) -> None:
        """Drive the handshake's first step (a client's ClientHello) and send it."""
        engine = self._engine
        assert engine is not None
        try:
            if not self._isServer:
                # as Node's TLSWrap: only a client starts; a server's handshake begins with
                # the ClientHello, so a server that cannot speak (no protocols) reads it and
                # answers with its alert instead of closing on the unread hello
                engine.start()
            if self._hook_error is not None:
                # a client callback failed building the ClientHello (TLS 1.3 PSK): Node
                # reports it and sends nothing
                hook_error, self._hook_error = self._hook_error, None
                raise hook_error
        except Exception as err:  # noqa: BLE001 - whatever fails here fails this socket only
            if isinstance(err, NodeError) and self._hook_error is None \
                    and self._engine is not None and self._engine.state == BROKEN:
                self._flush()  # OpenSSL's alert (a client with no protocols), as Node's EncOut
            self._tls_error(err)
            return
        self._flush()

    def _hooks(self) -> frozenset[str]:
        """The OpenSSL callbacks this connection needs (see hooks.py)."""
        return self._features.hooks(session_listeners=self.listenerCount("session") > 0,
                                    keylog=keylog.wanted(self))

    @property
    def _hooks_asked(self) -> frozenset[str]:
        """The OpenSSL callbacks this connection asked for: the others, installed on its
        context for other connections, give it OpenSSL's "nothing to do" (openssl._asked)."""
        return self._features.active

    def _ask(self, hook: str) -> None:
        self._features.active = self._features.active | {hook}

    def _add_event_handler(self, event: str, k: Any, v: Any) -> Any:
        key = super()._add_event_handler(event, k, v)
        if event in ("session", "keylog") and not self._isServer and self._engine is not None:
            self._listen_late(event)
        return key

    def _listen_late(self, event: str) -> None:
        """A client's first ``session`` or ``keylog`` listener after TLS started: as Node's
        ``newListener`` handlers, turn the callback on for the rest of the connection."""
        engine = self._engine
        assert engine is not None
        if event == "keylog" and "keylog" not in self._features.active:
            self._secureContext.context_for(frozenset({"keylog"}))
            self._ask("keylog")
        elif event == "session" and "info" not in self._features.active:
            self._ask("info")
            _ossl.set_info_callback(engine.conn)
            sessions = self._features.sessions = SessionEvents(self)
            if engine.state != HANDSHAKING:
                sessions.start_late()

    def _observe_messages(self, observer: MessageObserver) -> bool:
        """Have ``observer(sent, version, content_type, data)`` see every protocol message.

        A connection takes the message callback when it is made; later, only where the
        binding can set it on a running connection (the shared backend).  Returns False
        when that is not possible.
        """
        if self._engine is not None and "msg" not in self._features.active:
            if not _ossl.set_msg_callback(self._engine.conn):
                return False
            self._ask("msg")
        self._features.message_observers.append(observer)
        return True

    def _hook_message(self, sent: bool, version: int, content_type: int, data: bytes) -> None:
        for observer in self._features.message_observers:
            observer(sent, version, content_type, data)

    def _hook_keylog(self, line: bytes) -> None:
        keylog.deliver(self, line)

    def _hook_info(self, where: int, ret: int) -> None:
        if self._features.sessions is not None:
            self._features.sessions.on_info(where, ret)
        if where & _HANDSHAKE_START_OR_DONE and self._features.reneg.watching \
                and self._engine is not None:
            error = self._features.reneg.on_info(self._engine, server=self._isServer,
                                        start=bool(where & _ossl.SSL_CB_HANDSHAKE_START),
                                        done=bool(where & _ossl.SSL_CB_HANDSHAKE_DONE),
                                        now=self._loop.time())
            if error is not None and self._hook_error is None:
                self._hook_error = error  # raised after OpenSSL returns (see _cycle)

    def _hook_alpn_select(self, offered: list[bytes]) -> bytes | None:
        name = self._engine.conn.get_servername() if self._engine else None
        return alpn.select(offered, self._features.alpn_wire, self._features.alpn_callback,
                           name.decode("idna") if name else None)

    def _hook_cert(self) -> int:
        assert self._features.cert_phase is not None
        return self._features.cert_phase.hook()

    def _hook_ocsp_staple(self) -> bytes | None:
        phase = self._features.cert_phase
        return phase.staple if phase is not None else None

    def _hook_ocsp_response(self, response: bytes | None) -> None:
        self._features.ocsp_response = (response,)

    def _resume_handshake(self) -> None:
        """Go on with a handshake the certificate callback parked (sni.CertPhase)."""
        if not self.destroyed and self._engine is not None:
            self._cycle()

    def _hook_psk_client(self, hint: str | None, max_psk_len: int,
                         max_identity_len: int) -> tuple[bytes, bytes] | None:
        assert self._features.psk_callback is not None
        return psk.client_key(self._features.psk_callback, hint, max_psk_len, max_identity_len)

    def _hook_psk_server(self, identity: str, max_psk_len: int) -> bytes | None:
        assert self._features.psk_callback is not None
        return psk.server_key(self._features.psk_callback, self, identity, max_psk_len)

    def _configure(self, conn: SSL.Connection) -> None:
        """Per-connection settings that Node puts on the SSL object, not the context."""
        _ossl.set_owner(conn, self)
        max_fragment = self._features.max_fragment
        if max_fragment is not None:
            self._engine.set_max_send_fragment(max_fragment)  # type: ignore[union-attr]
        if self._isServer:
            mode = SSL.VERIFY_NONE
            if self._requestCert:
                mode = SSL.VERIFY_PEER
                if self._rejectUnauthorized:
                    mode |= SSL.VERIFY_FAIL_IF_NO_PEER_CERT
            _ossl.set_verify_accept_all(conn, mode)
        else:
            # Node's verify callback accepts every chain and judges it after the handshake,
            # so that rejectUnauthorized:false can still connect.
            _ossl.set_verify_accept_all(conn, SSL.VERIFY_PEER)
            servername = self._tlsOptions.get("servername")
            if servername and not net.isIP(servername):
                conn.set_tlsext_host_name(_idna(servername))
            session = self._tlsOptions.get("session")
            if session:
                self.setSession(session)
            if self._features.alpn_wire:
                _ossl.set_alpn_protos(conn, self._features.alpn_wire)
            if self._features.request_ocsp:
                _ossl.request_ocsp(conn)
        extensions.configure_connection(self, conn)  # layers above (nodessl.legacy's NPN)

    def _arm_handshake_timeout(self) -> None:
        # Node: only a handshakeTimeout option (tls.Server passes its own) arms it
        timeout = self._tlsOptions.get("handshakeTimeout")
        if isinstance(timeout, (int, float)) and timeout > 0:
            # one loop timer for every socket with this timeout (deadlines.py)
            timers = deadline_list(self._loop, timeout / 1000, _handshake_timed_out)
            timers.add(self)
            self._handshake_timer = timers

    def _cancel_handshake_timeout(self) -> None:
        timers = self._handshake_timer
        if timers is not None:
            self._handshake_timer = None
            timers.discard(self)

    def _on_handshake_timeout(self) -> None:
        self._handshake_timer = None
        if not self._secureEstablished and not self.destroyed:
            self._tls_error(NodeError("TLS handshake timeout", "ERR_TLS_HANDSHAKE_TIMEOUT"))

    # -- what the feature modules see: sni.Host, renegotiation.Host, trace.Host, keylog.Host --
    # They read the role, the settings and the connection; they change the socket only
    # through these methods (and _observe_messages, _resume_handshake, _cycle, _tls_error).

    def _ssl_conn(self) -> SSL.Connection | None:
        """The OpenSSL connection once TLS started (destroyed or not), else None."""
        return self._engine.conn if self._engine is not None else None

    def _handshaking(self) -> bool:
        """Whether TLS started and its handshake has not completed or failed."""
        return self._engine is not None and self._engine.state == "handshaking"

    def _use_context(self, context: SecureContext) -> None:
        """Go on handshaking with ``context`` (SNI), with this connection's OpenSSL hooks."""
        assert self._engine is not None
        if context._last_leaf is None:
            # Node's UseSNIContext calls SSL_use_certificate(ssl, NULL): it fails, nothing
            # of that context is used, and the handshake goes on with the server's own
            # certificate; the failure stays on OpenSSL's error queue.
            self._queued_error = SSLError(
                "error:SSL routines:SSL_use_certificate:passed a null parameter",
                "ERR_SSL_PASSED_A_NULL_PARAMETER", library="SSL routines",
                reason="passed a null parameter")
            return
        self._engine.conn.set_context(context.context_for(self._features.active))
        extensions.configure_connection(self, self._engine.conn)  # its hooks on the new context

    def _set_peer_verification(self, request_cert: bool, reject_unauthorized: bool) -> None:
        """New ``requestCert`` / ``rejectUnauthorized`` (``renegotiate(options)``); the
        caller updates the connection's verify mode."""
        self._requestCert, self._rejectUnauthorized = request_cert, reject_unauthorized

    # -- incoming -------------------------------------------------------------------------

    def _wire_data(self, data: memoryview) -> None:
        engine = self._engine
        self._bytes_read += len(data)
        if self._timeout_ms:
            self._touch()  # only a timeout reads the idle clock
        if engine is None or self._handle_gone:
            return
        engine.feed(data)
        if self._server_sessions is not None and self._server_sessions.after_feed():
            return  # the ClientHello waits (incomplete, or for 'resumeSession')
        self._cycle()

    def _cycle(self) -> None:
        """Run the engine on what arrived: the handshake, then each SSL_read's plaintext
        to the reader (or to ``onread``) before the next is decrypted, as Node's ClearOut
        emits each chunk before reading on."""
        engine = self._engine
        assert engine is not None
        # the data phase (see TLSEngine.read_record; tested inline, once per packet) of a
        # connection with nothing to watch per record
        if engine.state == OPEN and not engine.unsent and not engine.renegotiated \
                and self._features.sessions is None and not self._features.reneg.watching:
            self._read_records(engine)
            return
        while True:
            chunk, done_now, closed = self._step(engine)
            if self.destroyed:
                return
            if chunk is not None:
                if self._onread_cb is not None:
                    self._onread_deliver(chunk)
                elif not self.push(chunk):
                    self._pause_wire()
            if self._features.sessions is not None:
                self._features.sessions.flush()
            if closed:
                self._push_eof()
                break
            if self.destroyed:
                return
            if chunk is None and not done_now:
                break
            # more may be complete: data in the same flight as the Finished message, or
            # the records after this one
        if engine.paused and self._features.cert_phase is not None and not self.destroyed:
            self._features.cert_phase.run()  # user code, now that OpenSSL has returned

    def _read_records(self, engine: TLSEngine) -> None:
        """:meth:`_cycle` for an engine in its data phase (handshake done, nothing unsent,
        no renegotiation to watch, no 'session' events): SSL_read by SSL_read, each
        plaintext delivered before the next, then one flush of what the reads made
        OpenSSL say (a KeyUpdate answer, an alert).  No OpenSSL callback of this
        connection can reach user code here, so no step needs corking."""
        read = engine.read_record
        while True:
            try:
                chunk, closed = read()
            except SSLError as err:
                engine.failed()
                self._engine_failed(err)
                return
            if self._hook_error is not None:
                # a message observer failed inside SSL_read (as _step: nothing more is sent)
                hook_error, self._hook_error = self._hook_error, None
                self._tls_error(hook_error)
                return
            if chunk is None:
                break
            if self._onread_cb is not None:
                self._onread_deliver(chunk)
            elif not (self.push(chunk) if self._reading_paused  # as net.Socket._push_data
                      else self._push_reading(chunk)):
                self._pause_wire()
            if self._writableState.destroyed:  # self.destroyed, once per record
                return
            if engine.state != OPEN or engine.unsent or engine.renegotiated \
                    or self._features.sessions is not None:
                # a listener changed what this loop may skip (a 'session' listener added
                # now, the engine driven by a nested cycle; a write refused or a
                # renegotiation cannot happen under TLS 1.3, where this path runs): the
                # general loop goes on
                self._cycle()
                return
        if closed:
            engine.peer_closed()
        self._flush()
        if closed and not self.destroyed:
            self._push_eof()

    def _engine_failed(self, err: NodeError) -> None:
        """The engine raised: an exception from one of our OpenSSL callbacks is the real
        cause (and then, as in Node, the peer gets no alert: it sees the connection
        reset); else OpenSSL's alert goes out and the error is reported."""
        self._corked = False
        hook_error, self._hook_error = self._hook_error, None
        if hook_error is None:
            self._flush()
        queued = None if self._secureEstablished else self._queued_error
        self._tls_error(hook_error or queued or err)

    def _step(self, engine: TLSEngine) -> tuple[bytes | None, bool, bool]:
        """One engine step; a handshake that completed is reported (secureConnect ...)."""
        # Corked: whatever this step makes the engine say (handshake flight, session
        # tickets, the listeners' first writes, close_notify) leaves in one send.
        self._corked = True
        chunk, done_now, closed = None, False, False
        try:
            chunk, done_now, closed = engine.advance()
            if done_now:
                self._on_handshake_done()
        except NodeError as err:
            self._engine_failed(err)
            return None, False, False
        finally:
            if self._corked:
                self._corked = False
                # A step that only decrypted a record seldom has anything to say (a TLS 1.3
                # KeyUpdate answer): that goes with the next flush, a write of the 'data'
                # listener or the cycle's last step, which never holds plaintext.
                if self._hook_error is None and (chunk is None or done_now):
                    if closed and self._ends_on_eof():
                        # The peer's close_notify came with its last flight (a client that
                        # closes right after its Finished) and the 'end' it causes ends this
                        # socket: what OpenSSL said (the session tickets) leaves with our
                        # close_notify in one send, as in Node, whose one EncOut follows its
                        # ClearOut and the ticks that ran inside it.
                        self._output_held = True
                    else:
                        self._flush()
                # else: the connection fails below; what OpenSSL said after the failing
                # hook (e.g. a ServerHello to a renegotiation attack) is not sent, as Node
                # destroys the socket from inside that callback
        if self._hook_error is not None:
            # a callback that cannot fail the handshake itself (message observers, the
            # renegotiation limits) failed
            hook_error, self._hook_error = self._hook_error, None
            self._tls_error(hook_error)
            return None, False, False
        return chunk, done_now, closed

    def _ends_on_eof(self) -> bool:
        """Whether an end of the stream now is sure to end this socket soon: 'end' is
        emitted on the coming ticks (not paused, nothing unread: as in Node, a server
        socket nobody reads ends too) and ends the writable side (no half-open)."""
        state = self._readableState
        return not self.allowHalfOpen and state.flowing is not False and not state.length

    def _wire_eof(self) -> None:
        self._eof_received = True
        self._update_ref()
        if self._handle_gone:
            return
        if not self._secureEstablished:
            self._tls_error(_ended_before_secure(self))
            return
        self._push_eof()

    def _wire_lost(self, exc: Exception | None) -> None:
        if self._parent is not None:
            self._parent._wrapped_lost(exc)  # the plain socket shares the connection's fate
        if not self._secureEstablished and not self._handle_gone:
            self._tls_error(_ended_before_secure(self, exc))
        if self._lower is not None:
            self._set_ref(False)
            if not self._handle_gone:
                if not self._readableState.ended:
                    self.push(None)
                self.destroy()
            return
        super()._wire_lost(exc)

    # -- handshake completion -----------------------------------------------------------------

    def _on_handshake_done(self) -> None:
        self._queued_error = None
        self._cancel_handshake_timeout()
        if self._secureEstablished:
            self._on_renegotiated()
            return
        self._secureEstablished = True
        engine = self._engine
        assert engine is not None
        self._features.reneg.after_handshake(engine, self._loop.time())
        self.secureConnecting = False
        conn = engine.conn
        name = conn.get_servername()
        self.servername = _idna_decode(name) if name else False
        features = self._features
        # OpenSSL negotiates ALPN only for a connection that offers (client) or selects
        # (server, the "alpn" hook) protocols: the others need not ask it
        proto = (conn.get_alpn_proto_negotiated()
                 if features.alpn_wire or "alpn" in features.active else None)
        self.alpnProtocol = proto.decode("latin-1") if proto else False
        if self._isServer:
            self._server_secure()
        else:
            if features.ocsp_response is not None:
                (response,), features.ocsp_response = features.ocsp_response, None
                self.emit("OCSPResponse", response)
                if self.destroyed:
                    return
            # Node's _finishInit emits 'secure' on every client; tls.connect's own listener
            # (onConnectSecure: verification, secureConnect) is the first of them, so a
            # 'secure' listener added meanwhile (renegotiate's callback) waits for the next
            # one, and the others run even if it destroyed the socket
            handlers = self._events.get("secure")
            listeners = list(handlers.values()) if handlers else []
            self._client_secure()
            if listeners:
                self._emit_to("secure", listeners)
        if self.destroyed:
            return
        held = self._until_secure
        if held.writes:
            for data, cb in held.take_writes():
                self._write(data, "buffer", cb)
        if held.final is not None:
            self._final(held.take_final())  # type: ignore[arg-type]

    def _verify_error(self) -> VerifyError | None:
        """Node's ``ssl.verifyError()``: the chain verification result as an error, or None."""
        engine = self._engine
        assert engine is not None
        conn = engine.conn
        if not _ossl.has_peer_certificate(conn):
            code = 0 if psk.authenticated_by_psk(conn) else _UNABLE_TO_GET_ISSUER_CERT
        else:
            code = _ossl.verify_result(conn)
        if code == 0:
            return None
        name = _ossl.VERIFY_CODES.get(code, "UNSPECIFIED")
        return VerifyError(_ossl.verify_error_string(code), name)

    def _client_secure(self) -> None:
        """Node's ``onConnectSecure``: what a socket made by ``tls.connect`` does on each
        completed handshake (checks, verification, ``secureConnect``).  Other client sockets
        (``new TLSSocket(...)``) are not verified: ``ssl.verifyError()`` tells the result."""
        if not self._judges_peer:
            if self._features.sessions is not None:
                self._features.sessions.on_secure()
            return
        opts = self._tlsOptions
        engine = self._engine
        assert engine is not None
        group = _ossl.negotiated_group(engine.conn)
        if not group or group[:5].lower() == "ffdhe":  # else an (EC)DH group, not DH
            min_dh = opts.get("minDHSize", 1024)
            info = self.getEphemeralKeyInfo() or {}
            if info.get("type") == "DH" and info.get("size", 0) < min_dh:
                self.destroy(NodeError(f"DH parameter size {info['size']} is less than "
                                       f"{min_dh}", "ERR_TLS_DH_PARAM_SIZE"))
                return
        verify_error: NodeError | None = self._verify_error()
        if verify_error is None and not self.isSessionReused():
            hostname = opts.get("servername") or opts.get("host") or "localhost"
            check = opts.get("checkServerIdentity") or _default_check_server_identity()
            # Node's own check passes on the two members it reads: the whole certificate
            # object (parsed chain, fingerprints, keys) is built only for a check of the
            # caller's, or for the error that carries it
            if check is not checkServerIdentity or not _identity_holds(engine.conn, hostname):
                result = check(hostname, self.getPeerCertificate(True))
                if isinstance(result, BaseException):
                    verify_error = result  # type: ignore[assignment]
        if verify_error is not None:
            self.authorized = False
            self.authorizationError = getattr(verify_error, "code", None) or str(verify_error)
            if self._rejectUnauthorized:
                self.destroy(verify_error)
                return
        else:
            self.authorized = True
        self.emit("secureConnect")
        if self._features.sessions is not None:
            self._features.sessions.on_secure()

    def _server_secure(self) -> None:
        sessions = self._server_sessions
        if sessions is not None and sessions.holding():
            sessions.defer(self._server_secure)  # Node: _finishInit waits for newSession
            return
        # Node's onSocketSecure is tls.Server's listener: a server TLSSocket made otherwise
        # is not judged (ssl.verifyError() tells), as a client not made by tls.connect
        if self._requestCert and self._judges_peer:
            verify_error = self._verify_error()
            if verify_error is not None:
                self.authorizationError = verify_error.code
                if self._rejectUnauthorized:
                    # Node: destroyed before it released control, so its close is the
                    # server's tlsClientError ECONNRESET "socket hang up"
                    server = self._tls_server
                    if server is not None:
                        self.once("close", lambda *a: server.emit(
                            "tlsClientError", _conn_reset("socket hang up"), self))
                    self.destroy()
                    return
            else:
                self.authorized = True
        self.emit("secure")
        server = self._tls_server
        if server is not None:
            server.emit("secureConnection", self)

    def _on_renegotiated(self) -> None:
        """A renegotiation completed (the engine reported a handshake after the first)."""
        if self._isServer:
            if self._requestCert and self._judges_peer:  # as _server_secure: tls.Server's
                verify_error = self._verify_error()
                if verify_error is not None:
                    self.authorizationError = verify_error.code
                    if self._rejectUnauthorized:
                        self.destroy()
                        return
                else:
                    self.authorized = True
        else:
            self._client_secure()  # Node's onConnectSecure listens with on(): secureConnect again
            if self.destroyed:
                return
        self.emit("secure")

    def _tls_error(self, err: BaseException) -> None:
        """A failure of the TLS layer: route it where Node routes it, then close."""
        if self.destroyed:
            return
        server = self._tls_server
        if self._isServer and not self._secureEstablished and server is not None:
            self.destroy()
            server.emit("tlsClientError", err, self)
            return
        self.destroy(err)

    # -- outgoing ----------------------------------------------------------------------------

    def _flush(self, force: bool = False) -> None:
        engine = self._engine
        if engine is None or self._corked and not force:
            return
        if self._server_sessions is not None and self._server_sessions.holding():
            return  # Node's EncOut waits for newSession's done()
        out = engine.take_output()
        if out:
            self._wire_write(out)

    # writableLength is the Writable's: plaintext written whose callback has not run.  A
    # write completes once its ciphertext was handed to the kernel (or to the stream
    # below without it asking for 'drain'); plaintext held for the handshake counts too.

    def _write(self, chunk: bytes, encoding: str, cb: Any) -> None:
        if not self._secureEstablished:
            self._until_secure.writes.append((chunk, cb))
            engine = self._engine
            if engine is not None and not engine.started and not self._isServer:
                self._begin_handshake()  # as Node's SSL_write on a client not yet started
            return
        engine = self._engine
        assert engine is not None
        try:
            engine.write(chunk)
        except NodeError as err:
            self.destroy(err)
            cb()
            return
        self._flush()
        self._after_write_out(cb)

    def _after_write_out(self, cb: Any) -> None:
        lower = self._lower
        if lower is None:
            transport = self._transport
            if transport is None or transport.get_write_buffer_size() == 0 \
                    or transport.is_closing():
                # Node's TLSWrap completes a write only once its ciphertext was written
                # below, never synchronously: bufferSize/writableLength count it until then
                _loop.next_tick(self._loop, cb)
            else:
                self._write_cb = cb
        elif self._lower_pending > 0:
            self._write_cb = cb  # completed by the stream below's callback (_lower_written)
        else:
            _loop.next_tick(self._loop, cb)  # never synchronously, as Node's TLSWrap

    def _final(self, done: Callable[..., Any]) -> None:
        if not self._secureEstablished:
            if self._engine is None and not self.connecting and self._lower is None \
                    and self._transport is None:
                done(None)
                return
            if self._engine is not None and not self._engine.started \
                    and not self._isServer:
                # a client that never wrote: no handshake, only the end of the stream below
                self._end_below(done)
                return
            self._until_secure.final = done
            return
        engine = self._engine
        assert engine is not None
        engine.close()
        self._flush(force=True)  # everything, close_notify last, before the TCP FIN
        self._end_below(done)

    def _end_below(self, done: Callable[..., Any]) -> None:
        if self._lower is not None:
            self._lower.end()
            _loop.next_tick(self._loop, done, None)
            return
        super()._final(done)

    def _destroy(self, error: BaseException | None, cb: Callable[..., Any]) -> None:
        if self._output_held and not self._handle_gone:
            self._output_held = False
            self._flush(force=True)  # the tickets held for our close_notify still go
        self._closed_emitted = False  # see net.Socket._destroy
        self._handle_gone = True
        self._cancel_handshake_timeout()
        self._until_secure.take_final()  # never called: the socket is gone
        held = self._until_secure.take_writes()
        parent = self._parent
        if parent is not None:
            # Node closes a TLSSocket by destroying the socket below it and emits 'close'
            # after that socket's ('error', if any, on the next tick as usual); the
            # connection closes gracefully, so an alert already queued still reaches the peer.
            self.connecting = False
            self._cancel_timer()
            self._set_ref(False)
            cb(error)
            if parent._closed_emitted:
                _loop.next_tick(self._loop, self._emit_close)
            else:
                parent.once("close", lambda *a: self._emit_close())
                parent.destroy()
        elif self._lower is not None:
            self._set_ref(False)
            if not getattr(self._lower, "destroyed", True):
                self._lower.destroy()
            _loop.next_tick(self._loop, self._emit_close)
            cb(error)
            self._wire_drained()
        else:
            super()._destroy(error, cb)
        self._cancelled.extend(write_cb for _data, write_cb in held)

    def _cancel_writes(self) -> None:
        # Node's TLSWrap cancels its queued writes as its handle closes, after 'error': on a
        # socket still destroyed they complete without an error, on one _undestroy()ed
        # they fail with ECANCELED
        cancelled, self._cancelled = self._cancelled, []
        for write_cb in cancelled:
            if self.destroyed:
                write_cb()
            else:
                write_cb(net._errno_error(_errno.ECANCELED, "write"))

    def _emit_error(self, err: BaseException) -> None:
        # Node's tls.Server keeps its own 'error' listener on every connection, so a
        # client resetting an established connection never crashes a server program.
        if self._isServer and self.listenerCount("error") == 0:
            return
        super()._emit_error(err)

    # -- TLS facts ---------------------------------------------------------------------------

    def _conn(self) -> SSL.Connection | None:
        if self._engine is None or self.destroyed:
            return None
        return self._engine.conn

    @overload
    def getPeerCertificate(self, detailed: Literal[True]) -> _results.DetailedPeerCertificate | None:
        ...

    @overload
    def getPeerCertificate(self, detailed: bool = False) -> _results.PeerCertificate | None: ...

    def getPeerCertificate(self, detailed: bool = False) -> _results.PeerCertificate | None:
        """The peer's certificate object (``{}`` before the handshake or without one, None
        once destroyed); ``detailed`` links each to its issuer's (``issuerCertificate``)."""
        if self.destroyed:
            return None
        conn, engine = self._conn(), self._engine  # a conn means an engine
        if conn is None or engine is None or not self._secureEstablished \
                and engine.state != "open":
            return _no_certificate()
        from .certificate import peer_certificate_object

        chain = _peer_chain(conn)
        if not chain:
            return _no_certificate()
        trusted = self._secureContext.trusted_certificates() if detailed else ()
        return cast("_results.PeerCertificate",
                    peer_certificate_object(chain, detailed, trusted=trusted))

    def getPeerX509Certificate(self) -> X509Certificate | None:
        """The peer's certificate as Node's ``X509Certificate`` (None before/without one);
        its ``issuerCertificate`` links run through the chain the peer sent, in order."""
        conn = self._conn()
        if conn is None:
            return None
        return X509Certificate._chain(_peer_chain(conn))

    def getCertificate(self) -> _results.PeerCertificate | None:
        """This side's own certificate object (``{}`` when it has none)."""
        conn = self._conn()
        if conn is None:
            return None
        cert = conn.get_certificate()
        if cert is None:
            return _no_certificate()
        from .certificate import certificate_object

        return cast("_results.PeerCertificate", certificate_object(cert.to_cryptography()))

    def getX509Certificate(self) -> X509Certificate | None:
        """This side's own certificate as Node's ``X509Certificate`` (None without one)."""
        conn = self._conn()
        cert = conn.get_certificate() if conn is not None else None
        return X509Certificate(cert.to_cryptography()) if cert is not None else None

    def getCipher(self) -> _results.CipherInfo | None:
        """``{name, standardName, version}`` of the negotiated cipher."""
        conn = self._conn()
        if conn is None:
            return None
        name = conn.get_cipher_name()
        if name is None:
            return None
        return {"name": name, "standardName": standard_name(name) or name,
                "version": conn.get_cipher_version() or ""}

    def getProtocol(self) -> str | None:
        """``'TLSv1.3'``, ``'TLSv1.2'`` …; None before the handshake or once closed."""
        conn = self._conn()
        if conn is None or not self._secureEstablished:
            return None
        return conn.get_protocol_version_name()

    def setSession(self, session: bytes) -> None:
        """Offer ``session`` (from :meth:`getSession` or a ``session`` event) for resumption;
        bytes that are not a session are ignored and a full handshake follows, as in Node."""
        if not isinstance(session, (bytes, bytearray, memoryview)):
            raise NodeTypeError(f"Session must be {BYTES_LIKE}", "ERR_INVALID_ARG_TYPE")
        if self._engine is None:
            self._tlsOptions["session"] = bytes(session)
            return
        if self._engine.state == "handshaking":
            _ossl.set_session_der(self._engine.conn, bytes(session))

    def getSession(self) -> bytes | None:
        """The TLS session as bytes (usable as ``session``), None before/without one."""
        if self._engine is None or self.destroyed:
            return None
        return self._current_session(self._engine.conn)

    def _current_session(self, conn: SSL.Connection) -> bytes | None:
        # inside a 'session' listener: that event's session, as SSL_get_session() is in Node
        sessions = self._features.sessions
        announcing = sessions.announcing if sessions is not None else None
        return announcing or _ossl.session_to_der(conn)

    def getTLSTicket(self) -> bytes | None:
        """The session ticket the server sent (TLS 1.2 with tickets; under TLS 1.3 only once
        a ticket arrived after the handshake), None without one or once closed."""
        if self._engine is None or self.destroyed:
            return None
        return ticket_of(self._current_session(self._engine.conn))

    def exportKeyingMaterial(self, length: int, label: str,
                             context: bytes | None = None) -> bytes:
        """Keying material from the TLS exporter (RFC 5705 / RFC 8446 section 7.5)."""
        size, label_bytes, context_bytes = facts.validate_keying_args(length, label, context)
        if not self._secureEstablished or self._engine is None or self.destroyed:
            raise facts.not_secure()
        return _ossl.export_keying_material(self._engine.conn, size, label_bytes,
                                            context_bytes)

    def getFinished(self) -> bytes | None:
        """The Finished message this side sent (None before the handshake or once closed)."""
        conn = self._conn()
        return conn.get_finished() if conn is not None and self._secureEstablished else None

    def getPeerFinished(self) -> bytes | None:
        """The Finished message the peer sent (None before the handshake or once closed)."""
        conn = self._conn()
        if conn is None or not self._secureEstablished:
            return None
        return conn.get_peer_finished()

    def setMaxSendFragment(self, size: int = MISSING) -> bool:
        """Limit application-data records to ``size`` bytes; False outside 512..16384."""
        size = facts.validate_fragment_size(None if size is MISSING else size)
        if not facts.MIN_FRAGMENT <= size <= facts.MAX_FRAGMENT or self.destroyed:
            return False
        self._features.max_fragment = size
        if self._engine is not None:
            return self._engine.set_max_send_fragment(size)
        return True

    def getSharedSigalgs(self) -> list[str]:
        """The signature algorithms both ends allow (``ALG+HASH`` names); a client has them
        only when the server asked for its certificate.  ``[]`` before the handshake."""
        engine = self._engine
        if engine is None or not self._secureEstablished or self.destroyed:
            return []
        if sigalgs.NATIVE:  # OpenSSL's own list (SSL_get_shared_sigalgs), as Node reads it
            return _ossl.shared_sigalgs(engine.conn)
        peer = engine.peer_sigalgs()
        tls13 = engine.conn.get_protocol_version_name() == "TLSv1.3"
        if tls13 and not self._isServer:
            watch = self._features.cert_request
            peer = watch.signature_algorithms if watch is not None else None
        if not peer:
            return []
        try:
            own = sigalgs.own_sigalgs(self._secureContext)
        except Exception:  # noqa: BLE001 - a context that cannot be rebuilt shares nothing
            return []
        prefer_own = bool(_ossl.get_options(engine.conn.get_context())
                          & _ossl.SSL_OP_CIPHER_SERVER_PREFERENCE)
        return sigalgs.shared_sigalgs(own, peer, own_preference=prefer_own, tls13=tls13,
                                      client=not self._isServer)

    def getEphemeralKeyInfo(self) -> _results.EphemeralKeyInfo | None:
        """The key exchange's ephemeral key: ``{type, name, size}`` on a client, ``{}`` when
        the exchange was not ephemeral or before the handshake, None on a server (as Node)."""
        if self._isServer:
            return None
        if self._engine is None or not self._secureEstablished or self.destroyed:
            return {}
        return cast("_results.EphemeralKeyInfo", self._engine.ephemeral_key_info())

    def isSessionReused(self) -> bool:
        """Whether the handshake resumed an earlier session."""
        return bool(self._engine is not None and _ossl.session_reused(self._engine.conn))

    def address(self) -> net.AddressInfo:
        """The local address of the socket below (``["port"]`` or ``.port``)."""
        if self._lower is not None and hasattr(self._lower, "address"):
            found = self._lower.address()
            return net.AddressInfo(found) if isinstance(found, dict) else found
        return super().address()

    def renegotiate(self, options: Mapping[str, Any] | None = None,
                    callback: Callable[[BaseException | None], Any] | None = MISSING,
                    ) -> bool | None:
        """Start a TLS <= 1.2 renegotiation; ``options`` may set ``requestCert`` and
        ``rejectUnauthorized`` (a server asking for a client certificate afterwards).

        Returns True when it started (``callback(None)`` once it completed, at the next
        ``secure``), False when it could not (``callback(err)`` soon after, e.g.
        ``ERR_SSL_WRONG_SSL_VERSION`` under TLS 1.3), None on a destroyed socket.
        A callback passed as None is refused (Node's ``null``), as Node does.
        """
        if callback is None:
            raise invalid_arg_type("callback", "of type function", None)
        return renegotiation.renegotiate(self, options,
                                         None if callback is MISSING else callback)

    def disableRenegotiation(self) -> None:
        """Fail this (server) connection with ``ERR_TLS_RENEGOTIATION_DISABLED`` when the
        peer renegotiates from now on."""
        self._features.reneg.disabled = True

    def enableTrace(self) -> None:
        """Write a trace of every TLS record and message to stderr (see nodessl.trace).
        Effective only before the handshake starts, or on a connection that already has
        the message callback; otherwise it warns that it cannot trace."""
        if self._features.tracer is None:
            self._features.tracer = trace.enable(self)

    def setServername(self, name: str) -> None:
        """Set the SNI name to send (client sockets, before the handshake)."""
        if not isinstance(name, str):
            raise invalid_arg_type("name", "of type string", name)
        if self._isServer:
            raise NodeError("Cannot issue SNI from a TLS server-side socket",
                            "ERR_TLS_SNI_FROM_SERVER")
        self._tlsOptions["servername"] = name
        if self._engine is not None and self._engine.state == "handshaking":
            self._engine.conn.set_tlsext_host_name(name.encode("idna"))


class _SSLHandle:
    """What ``tlsSocket.ssl`` offers of Node's native TLSWrap handle."""

    __slots__ = ("_socket",)

    def __init__(self, sock: TLSSocket) -> None:
        self._socket = sock

    def verifyError(self) -> VerifyError | None:
        """The peer's chain verification as an error (``code`` is OpenSSL's name), None when
        it verified; None too before the handshake started."""
        sock = self._socket
        if sock._engine is None:
            return None
        return sock._verify_error()


_HANDSHAKE_START_OR_DONE = _ossl.SSL_CB_HANDSHAKE_START | _ossl.SSL_CB_HANDSHAKE_DONE

_UNABLE_TO_GET_ISSUER_CERT = next(
    (code for code, name in _ossl.VERIFY_CODES.items() if name == "UNABLE_TO_GET_ISSUER_CERT"), 2)


def _peer_chain(conn: SSL.Connection) -> list[Any]:
    """What Node starts from: the peer's certificate, then the chain it sent (a server's
    SSL_get_peer_cert_chain leaves the client's own certificate out, a client's has it)."""
    peer = peer_certificate(conn)
    if peer is None:
        return []
    sent = peer_cert_chain(conn) or []
    return [peer, *(cert for cert in sent if cert != peer)]


@functools.lru_cache(maxsize=64)
def _idna(name: str) -> bytes:
    """``name.encode("idna")`` (the codec is Python code), remembered for the names a
    program connects to again and again."""
    return name.encode("idna")


@functools.lru_cache(maxsize=64)
def _idna_decode(name: bytes) -> str:
    """``name.decode("idna")`` (the codec is Python code with a regular expression),
    remembered for the SNI names a program sees again and again."""
    return name.decode("idna")


def _identity_holds(conn: SSL.Connection, hostname: str) -> bool:
    """Whether Node's default ``checkServerIdentity`` accepts the peer's certificate for
    ``hostname``, judged on the members it reads (``subject``, ``subjectaltname``) taken
    straight from the DER.  False when it does not, or the certificate cannot be read so:
    the caller then runs the check on the full certificate object."""
    der = _ossl.peer_certificate_der(conn)
    if der is None or type(hostname) is not str:
        return False
    return _identity_ok(der, hostname)


@functools.lru_cache(maxsize=64)
def _identity_ok(der: bytes, hostname: str) -> bool:
    # A pure function of the two, remembered: a program's connections mostly go to the
    # same few servers, which show the same certificate every time.
    try:
        fields = cast("_results.CertificateIdentity", identity_fields(der))
        return checkServerIdentity(hostname, fields) is None
    except Exception:  # noqa: BLE001 - the full check decides (and raises) then
        return False


def _as_bytes(chunk: Any) -> bytes:
    if isinstance(chunk, str):
        return chunk.encode("latin-1")
    return bytes(chunk)


def _default_check_server_identity() -> Callable[[str, Any], Any]:
    fn = getattr(sys.modules.get("nodessl"), "checkServerIdentity", None)
    return checkServerIdentity if fn is None else fn


def create_secure_context(options: Mapping[str, Any]) -> SecureContext:
    """``tls.createSecureContext(options)`` as looked up on the ``nodessl`` module now, as
    Node's tls code calls ``tls.createSecureContext``: a program (or a test) that replaces
    ``nodessl.createSecureContext`` sees every context nodessl makes go through it."""
    module = sys.modules.get("nodessl")
    factory = getattr(module, "createSecureContext", None) or createSecureContext
    return factory(options)

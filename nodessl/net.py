"""Node's ``net`` layer on asyncio: the plain TCP/Unix ``Socket`` and ``Server`` tls stands on.

A :class:`Socket` is a :class:`~nodessl.stream.Duplex` over an asyncio transport.
The transport talks to a small :class:`_Wire` protocol that reads into one
preallocated buffer (``BufferedProtocol``: no allocation per packet) and
forwards to whichever socket currently *owns* the connection.  Ownership can
move: that is how a TLSSocket takes over an accepted or already connected
plain socket, as Node's TLSWrap takes over the socket's handle.
"""

from __future__ import annotations

import asyncio
import asyncio.selector_events
import contextlib
import errno
import functools
import ipaddress
import os
import select
import socket as _pysocket
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, Unpack, overload

from . import cluster as _cluster
from . import encodings as _encodings
from . import loop as _loop
from .deadlines import DeadlineList, deadline_list
from .errors import (
    NodeAggregateError,
    NodeError,
    NodeRangeError,
    NodeSystemError,
    NodeTypeError,
    NodeValueError,
    dns_error,
    invalid_arg_type,
    invalid_arg_value,
    js_string,
    received,
    system_error,
)
from .events import EventEmitter, captureRejectionSymbol
from .optionnames import check_keywords
from .options import NetConnectOptions, NetServerOptions, NetSocketOptions
from .stream import Duplex

if TYPE_CHECKING:
    from typing import Self

    from typing_extensions import deprecated

    from . import results as _results
    from .events import F as _F

__all__ = ["AddressInfo", "Socket", "Server", "connect", "connectAsync", "createConnection",
           "createServer",
           "isIP", "isIPv4", "isIPv6",
           "NetConnectOptions", "NetServerOptions", "NetSocketOptions"]

READ_BUFFER_SIZE = 256 * 1024

# One receive buffer for every connection: asyncio calls get_buffer, recv_into and
# buffer_updated back to back on the loop thread, and every owner consumes (copies or
# feeds to OpenSSL) the bytes before returning, so no two connections ever hold it at
# once.  A buffer per connection would cost 256 KiB per idle socket.
_SHARED_VIEW = memoryview(bytearray(READ_BUFFER_SIZE))


def isIP(value: str) -> int:
    """4 or 6 for an IP address string, else 0 (Node's ``net.isIP``)."""
    return _ip_version(value if type(value) is str else str(value))


@functools.lru_cache(maxsize=256)
def _ip_version(text: str) -> int:
    # a connect asks about its host and servername several times (checks, SNI, connect)
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).version
    except ValueError:
        return 0


def isIPv4(value: str) -> bool:
    """Whether ``value`` is an IPv4 address."""
    return isIP(value) == 4


def isIPv6(value: str) -> bool:
    """Whether ``value`` is an IPv6 address."""
    return isIP(value) == 6


def _errno_error(exc: OSError | int, syscall: str, address: str | None = None,
                 port: int | None = None, **local: Any) -> NodeSystemError:
    """A failed ``syscall`` as Node reports it (see :func:`nodessl.errors.system_error`)."""
    return system_error(exc, syscall, address, port, **local)


def _listen_error(exc: OSError, address: str, port: int | None) -> NodeSystemError:
    """Node's listen error: ``listen EADDRINUSE: address already in use 127.0.0.1:8000``.

    As libuv, a Unix path that cannot be bound for want of its directory is EACCES, and
    a pipe's port is -1."""
    if port is None:
        if exc.errno == errno.ENOENT:
            exc = PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        port = -1
    return system_error(exc, "listen", address, port, describe=True)


def _bind_socket(path: str | None, host: str | None, port: int | None) -> _pysocket.socket:
    """A bound, not yet listening, non-blocking socket (asyncio's create_server listens).

    No host means Node's dual-stack ``::`` (one port for IPv4 and IPv6), or
    ``0.0.0.0`` where there is no IPv6.  asyncio's own ``create_server(None, 0)``
    would bind each family separately, on two different random ports.
    """
    if path is not None:
        candidates = [(_pysocket.AF_UNIX, path)]
    elif host is None:
        candidates = [(_pysocket.AF_INET6, "::"), (_pysocket.AF_INET, "0.0.0.0")]
    else:
        candidates = [(_pysocket.AF_INET6 if isIP(host) == 6 else _pysocket.AF_INET, host)]
    for i, (family, address) in enumerate(candidates):
        last = i == len(candidates) - 1
        try:
            sock = _pysocket.socket(family, _pysocket.SOCK_STREAM)
        except OSError:
            if last:
                raise
            continue  # no IPv6 on this host
        try:
            if family == _pysocket.AF_UNIX:
                sock.bind(address)
            else:
                sock.setsockopt(_pysocket.SOL_SOCKET, _pysocket.SO_REUSEADDR, 1)  # as libuv
                if host is None and family == _pysocket.AF_INET6:
                    sock.setsockopt(_pysocket.IPPROTO_IPV6, _pysocket.IPV6_V6ONLY, 0)
                sock.bind((address, port))
            sock.setblocking(False)
        except OSError as exc:
            sock.close()
            if last or exc.errno == errno.EADDRINUSE:
                exc.filename = address  # which address failed, for the error message
                raise
            continue
        return sock
    raise OSError(errno.EAFNOSUPPORT, "no address family to listen on")  # pragma: no cover


class WireOwner(Protocol):
    """Whoever reads a connection: its :class:`Socket`, or what took it over (a TLSSocket)."""

    def _wire_connected(self, wire: _Wire) -> None: ...
    def _wire_data(self, data: memoryview) -> None: ...
    def _wire_eof(self) -> None: ...
    def _wire_lost(self, exc: Exception | None) -> None: ...
    def _wire_drained(self) -> None: ...


class HandOver(NamedTuple):
    """What :meth:`Socket._hand_over` gives the taker: all it needs to read on."""

    wire: _Wire
    leftover: bytes  # received by the socket and not read by anyone yet
    paused: bool  # the socket's reading was paused: the taker starts paused too


class _Wire(asyncio.BufferedProtocol):
    """The asyncio side of one connection; forwards everything to its current owner."""

    __slots__ = ("owner", "transport", "eof_sent", "no_delay")

    def __init__(self, owner: WireOwner | None = None) -> None:
        self.owner = owner
        self.transport: asyncio.Transport | None = None
        # our FIN went out: shared by every socket writing this connection (a wrapped
        # socket and its TLSSocket), since asyncio refuses writes after write_eof()
        self.eof_sent = False
        # TCP_NODELAY as a socket of ours last set it on this fd (None: not yet; asyncio
        # sets it only for sockets made with proto=IPPROTO_TCP), so that a TLSSocket taking
        # the connection over makes no second setsockopt for the same setting
        self.no_delay: bool | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        # The selector transport starts reading with a callback it queued before this one,
        # and asyncio before 3.11.4 (gh-103607, Debian 12's 3.11.2) starts it even when
        # pause_reading() was called in here (a server's pauseOnConnect): the reader is
        # registered while the transport says it is paused, and the connection is read.
        # Once that start has run, a pause is applied again (only where there is one:
        # most connections are not paused, and pay no loop callback for it).
        if self.owner is not None:
            self.owner._wire_connected(self)
        if not transport.is_reading():  # type: ignore[attr-defined]
            asyncio.get_running_loop().call_soon(self._settle_pause)

    def _settle_pause(self) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing() and not transport.is_reading():
            # resume then pause: the only way to remove the reader asyncio registered
            # behind the pause (a no-op pair where the pause already held)
            transport.resume_reading()
            transport.pause_reading()

    def get_buffer(self, sizehint: int) -> memoryview:
        return _SHARED_VIEW

    def buffer_updated(self, nbytes: int) -> None:
        owner = self.owner
        if owner is not None:
            owner._wire_data(_SHARED_VIEW[:nbytes])

    def eof_received(self) -> bool:
        if self.owner is not None:
            self.owner._wire_eof()
        return True  # keep the write side: half-open is the owner's decision

    def connection_lost(self, exc: Exception | None) -> None:
        owner, self.owner = self.owner, None  # nothing more comes: no cycle owner <-> wire
        if owner is not None:
            owner._wire_lost(exc)

    def pause_writing(self) -> None:
        pass

    def resume_writing(self) -> None:
        if self.owner is not None:
            self.owner._wire_drained()


def _close_overdue(sock: Any) -> None:
    sock._emit_close()


class Socket(Duplex):
    """Node's ``net.Socket``: a TCP or Unix stream connection."""

    if TYPE_CHECKING:
        # For a type checker only (nodessl.results): the listener of each of net.Socket's
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
        def on(self, event: str, f: None = None) -> Callable[[_F], _F]: ...
        @overload
        @deprecated("this listener does not type-check with the event's arguments (nodessl.results); "
                    "a def with annotated parameters shows why")
        def on(self, event: _results.SocketEvent, f: Callable[..., object]) -> Self: ...
        @overload
        def on(self, event: str, f: Callable[..., Any]) -> Self: ...
        @overload  # EventEmitter's own signature, which the overloads must keep accepting
        def on(self, event: str, f: Callable[..., Any] | None = None) -> Self: ...
        def on(self, event: str, f: Callable[..., Any] | None = None) -> Any:
            """Add ``f`` as a listener of ``event`` (EventEmitter's ``on``); ``once``,
            ``addListener``, ``prependListener`` and ``prependOnceListener`` take the same
            arguments.  The overloads type the listener of each event Node documents
            (:data:`nodessl.results.SocketEvent`); any other name is a custom event."""

        once = on  # type: ignore[assignment]
        addListener = on
        prependListener = on
        prependOnceListener = on

    _counted_by: Server | None = None  # the server counting this connection (Server._track)
    _close_deadline: DeadlineList | None = None  # the safety net of a close under way

    def __init__(self, options: NetSocketOptions | Mapping[str, Any] | None = None,
                 **kwargs: Unpack[NetSocketOptions]) -> None:
        check_keywords("net.Socket", kwargs, "Socket")  # a dict keeps Node's leniency
        opts = {**(options or {}), **kwargs}
        super().__init__(self._stream_options(opts))
        self._wire: _Wire | None = None
        self._transport: asyncio.Transport | None = None
        self.connecting = False
        self.pending = True
        self._closed_emitted = False
        # destroy() closed the handle: an _undestroy()ed socket still has none, and what the
        # old connection reports afterwards (its loss) only ends the closing
        self._handle_gone = False
        self._forgotten_error: BaseException | None = None  # see _undestroy
        # The write in flight: held while connecting, or its callback waiting for the
        # transport to hand everything to the kernel (Node calls it when libuv is done).
        self._pending_write: tuple[bytes, Callable[..., Any]] | None = None
        self._write_cb: Callable[..., Any] | None = None
        self._final_cb: Callable[..., Any] | None = None
        self._bytes_read = 0
        self._bytes_written = 0
        self._timeout_ms: float | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._last_active = 0.0
        self._server: Server | None = None
        # Node's socket.server: the net.Server that accepted this socket (else None)
        self.server: Any = None
        self._reading_paused = False
        self._eof_received = False  # the peer's FIN: reading stopped for good
        self._refed = False
        self._want_ref = True  # ref()/unref() by the user, applied whenever we are active
        self._looking_up = False  # waiting for the user's lookup: nothing holds a ref
        self._host: str | None = None
        self._eof_sent = False
        self._flushing = False
        self._no_delay = True
        # Node's net.Socket options keepAlive/keepAliveInitialDelay (ms), applied once
        # connected, as setKeepAlive() before a connection is (tls.connect's TLSSocket
        # does not pass them on: Node's neither)
        self._keep_alive = _keep_alive_option(opts)
        self._wrapped_by: WireOwner | None = None  # see _hand_over
        self._onread_setup(opts.get("onread"))
        if opts.get("fd") is not None or opts.get("handle") is not None:
            raise invalid_arg_value("options", "fd/handle", "is not supported by nodessl")
        if opts.get("signal") is not None:
            from .abort import add_client_abort_signal

            add_client_abort_signal(self, opts["signal"])

    @staticmethod
    def _stream_options(opts: Mapping[str, Any]) -> dict[str, Any]:
        """The Duplex options of a socket made with ``opts``."""
        # Node's net.Socket: no half-open unless asked, destroyed once both sides are done,
        # and 'close' (with hadError) emitted by the socket itself once the fd is gone.
        return {"allowHalfOpen": bool(opts.get("allowHalfOpen", False)),
                "highWaterMark": opts.get("highWaterMark"),
                "readableHighWaterMark": opts.get("readableHighWaterMark"),
                "writableHighWaterMark": opts.get("writableHighWaterMark"),
                "captureRejections": opts.get("captureRejections"),
                "emitClose": False, "autoDestroy": True}

    # -- attaching to a connection ---------------------------------------------------

    def _attach(self, wire: _Wire) -> None:
        """Take ownership of a connected wire (accepted, connected, or handed over)."""
        wire.owner = self
        self._wire = wire
        self._transport = wire.transport
        self.connecting = False
        self.pending = False
        self._update_ref()
        transport = self._transport
        if transport is not None:
            # A write completes (its callback runs) once the kernel took all of it, as with
            # libuv: asyncio then reports resume_writing, which it only does after a
            # pause_writing, i.e. for anything buffered at all (high=0).
            transport.set_write_buffer_limits(high=0, low=0)
            # options set before the connection existed, as Node applies them on connect
            try:
                if self._no_delay != wire.no_delay:
                    self.setNoDelay(self._no_delay)
                if self._keep_alive is not None:
                    self.setKeepAlive(*self._keep_alive)
            except OSError:
                pass

    def _wire_connected(self, wire: _Wire) -> None:
        self._attach(wire)

    # -- being wrapped (a TLSSocket over this socket) --------------------------------
    #
    # Node's TLSWrap takes over the reading side of the socket's handle and leaves the
    # rest to the socket: its own writes and end() still go to the wire as they are (raw
    # bytes), destroy() closes the connection under the TLSSocket too, addresses and
    # options still work, and it emits 'close' when the connection is gone.
    #
    # The taker's side of this: _wrappable (may it take over now; while the socket is
    # still ``pending`` it waits for 'connect'), _hand_over (the one step that moves the
    # reading side), _wrapped_lost (the connection went, seen by the taker) and
    # _closed_emitted (has this socket's 'close' happened).

    @property
    def _wrappable(self) -> bool:
        """Connected and not yet taken over: :meth:`_hand_over` may be called."""
        return self._wire is not None and self._wrapped_by is None and not self.destroyed

    def _hand_over(self, taker: WireOwner) -> HandOver:
        """From now on ``taker`` reads this connection; returns the wire (for ``taker``
        to attach), the bytes this socket had received but nobody had read yet, and
        whether its reading was paused."""
        wire = self._wire
        assert wire is not None and self._wrapped_by is None
        self._wrapped_by = taker  # first: reading below must not resume the transport
        # what was received and not read, taken from the buffer without emitting 'data'
        rstate = self._readableState
        enc = rstate.encoding or "latin1"
        leftover = [_encodings.encode(c, enc) if isinstance(c, str) else bytes(c)
                    for c in rstate.buffer]
        rstate.buffer.clear()
        rstate.length = 0
        wire.owner = taker
        self._update_ref()  # the taker reads now: only our own writes still count
        return HandOver(wire, b"".join(leftover), self._reading_paused)

    def _wrapped_lost(self, exc: Exception | None) -> None:
        """The taker saw the connection go: this socket is closed too (no 'end': it was
        not reading)."""
        if not self.destroyed:
            self.destroy()  # the transport is closing: 'close' follows on the next turn
        else:
            self._set_ref(False)
            self._cancel_timer()
            self._emit_close()

    # Node's process lifetime is libuv's: a socket's handle keeps the loop alive only
    # while it is *active*: connecting, reading (readStart; stopped when push() says the
    # buffer is full and at EOF, started again by _read) or with writes or a shutdown
    # in flight.  An open socket nobody reads from and nothing is written to does not
    # hold the program, nor does one waiting for the user's lookup.  ref()/unref() only
    # decide whether an active socket counts.

    def _is_active(self) -> bool:
        """libuv's ``uv_is_active`` (plus pending requests) for this socket's handle."""
        if self.destroyed:
            return False
        if self.connecting:
            return not self._looking_up
        transport = self._transport
        if transport is None:
            return False
        if self._wrapped_by is None and not self._reading_paused and not self._eof_received:
            return True
        return (self._write_cb is not None or self._flushing
                or transport.get_write_buffer_size() > 0)

    def _update_ref(self) -> None:
        self._set_ref(self._is_active())

    def _set_ref(self, on: bool) -> None:
        if on and not self._refed and self._want_ref:
            self._refed = True
            _loop.ref(self, self._loop)
        elif not on and self._refed:
            self._refed = False
            _loop.unref(self, self._loop)

    def ref(self) -> Socket:
        """Keep ``nodessl.run`` alive while this socket is active (the default): connecting,
        reading, or writing."""
        self._want_ref = True
        self._update_ref()
        return self

    def unref(self) -> Socket:
        """Let ``nodessl.run`` finish even though this socket is active.

        Sticky, as in Node: an unref before connecting still holds once connected.
        """
        self._want_ref = False
        self._set_ref(False)
        return self

    # -- connecting -------------------------------------------------------------------

    @overload
    def connect(self, options: NetConnectOptions | dict[str, Any],
                connectListener: Callable[..., Any] | None = None, /) -> Socket: ...
    @overload
    def connect(self, port: int | str, host: str | None = None,
                connectListener: Callable[..., Any] | None = None, /) -> Socket: ...
    @overload
    def connect(self, port: int | str, connectListener: Callable[..., Any], /) -> Socket: ...

    def connect(self, *args: Any) -> Socket:
        """``connect(options[, cb])``, ``connect(port[, host][, cb])`` or ``connect(path[, cb])``."""
        options, cb = _normalize_connect_args(args)
        return self._connect_with(options, cb)

    def _connect_with(self, options: dict[str, Any], cb: Callable[..., Any] | None) -> Socket:
        """:meth:`connect` with its arguments normalized (``options`` is the caller's own
        copy: the checks below may rewrite ``port`` and ``family`` in it)."""
        _check_connect_options(options)
        self._loop  # noqa: B018 - made before a loop ran: bound now, before any state changes
        lookup = options.get("lookup")
        if cb is not None:
            self.once("connect", cb)
        self.connecting = True
        host = options.get("host") or "localhost"
        if options.get("path") is None and lookup is not None and not isIP(host):
            # Node calls the user's lookup at once and holds the program open only
            # from the connect on: a lookup that never answers lets the program end.
            self._lookup(lookup, host, options)
            return self
        self._update_ref()
        if not _Connecting.start(self, options):
            _loop.spawn(self._loop, self._connect(options))
        return self

    async def _connect(self, options: dict[str, Any]) -> None:
        path = options.get("path")
        try:
            if path is not None:
                sock = await self._connect_unix(path)
            else:
                sock = await self._connect_tcp(options)
            wire = _Wire(self)
            if path is not None:
                await self._loop.create_unix_connection(lambda: wire, sock=sock)
            else:
                await self._loop.create_connection(lambda: wire, sock=sock)
        except (NodeError, OSError) as err:
            self.destroy(err if isinstance(err, NodeError) else _errno_error(err, "connect"))
            return
        except asyncio.CancelledError:
            self.destroy()
            raise
        if self.destroyed:
            if wire.transport is not None:
                wire.transport.close()
            return
        self._on_connected()

    async def _connect_unix(self, path: str) -> _pysocket.socket:
        sock = _pysocket.socket(_pysocket.AF_UNIX, _pysocket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            await self._loop.sock_connect(sock, path)
        except BaseException as exc:
            sock.close()
            if isinstance(exc, OSError):
                raise _errno_error(exc, "connect", path) from None
            raise
        return sock

    async def _connect_tcp(self, options: dict[str, Any]) -> _pysocket.socket:
        """Resolve, then try each address in turn, as Node's connect (one address when a
        ``family`` or ``localAddress`` is given); errors name the address that failed."""
        host = options.get("host") or "localhost"
        port = options["port"]
        local = options.get("localAddress")
        local_port = options.get("localPort") or 0
        self._host = options.get("_looked_up") or host  # the name, not the IP
        family = {4: _pysocket.AF_INET, 6: _pysocket.AF_INET6}.get(
            options.get("family") or 0, 0)
        looked_up = options.get("_addresses")
        if looked_up:
            addresses = [(_pysocket.AF_INET6 if fam == 6 else _pysocket.AF_INET, ip)
                         for fam, ip in looked_up]
            if local:
                addresses = addresses[:1]
        elif isIP(host):
            addresses = [(_pysocket.AF_INET6 if isIP(host) == 6 else _pysocket.AF_INET, host)]
        else:
            try:
                infos = await self._loop.getaddrinfo(host, port, family=family,
                                                     type=_pysocket.SOCK_STREAM)
            except OSError as exc:
                raise dns_error(exc, "getaddrinfo", host) from None
            addresses = []
            for fam, _t, _p, _c, sockaddr in infos:
                if (fam, sockaddr[0]) not in addresses:
                    addresses.append((fam, sockaddr[0]))
            if not addresses:
                raise dns_error("ENOTFOUND", "getaddrinfo", host)
            if family or local:
                addresses = addresses[:1]
        errors: list[BaseException] = []
        for fam, address in addresses:
            sock = _pysocket.socket(fam, _pysocket.SOCK_STREAM)
            sock.setblocking(False)
            bound = None
            try:
                if local or local_port:
                    bound = local or ("::" if fam == _pysocket.AF_INET6 else "0.0.0.0")
                    try:
                        sock.bind((bound, local_port))
                    except OSError as exc:
                        raise _errno_error(exc, "bind", bound, local_port) from None
                try:
                    await self._loop.sock_connect(sock, (address, port))
                except OSError as exc:
                    raise _errno_error(exc, "connect", address, port, localAddress=bound,
                                       localPort=local_port or None) from None
            except NodeSystemError as err:
                sock.close()
                errors.append(err)
                continue
            except BaseException:
                sock.close()
                raise
            return sock
        if len(errors) == 1:
            raise errors[0]
        raise NodeAggregateError("", getattr(errors[0], "code", None), errors=errors)

    def _lookup(self, lookup: Callable[..., Any], host: str, options: dict[str, Any]) -> None:
        """Resolve ``host`` with the user's ``lookup(hostname, options, cb)``, as Node 20 does.

        The options are Node's: ``family`` as given (None when absent, ``'IPv4'``/``'IPv6'``
        as 4/6), ``hints`` (getaddrinfo's ``AI_ADDRCONFIG`` when neither hints nor a family
        is given) and, when Node would auto-select the family (no family 4/6, no
        ``localAddress``, ``autoSelectFamily`` not False), ``all: True``.  The answer is
        ``cb(err, [{address, family}, ...])`` then (each address is tried in turn, the
        families interleaved as Node's happy eyeballs do), else ``cb(err, address, family)``;
        either form is accepted in both cases.

        Called synchronously from ``connect`` (so is a callback answered at once, and
        its ``lookup`` event); no ref is held until it answers, as in Node, whose
        socket handle is idle meanwhile."""
        self._host = host
        self._looking_up = True
        family = options.get("family")
        family = {"IPv4": 4, "IPv6": 6}.get(family, family) if isinstance(family, str) else family
        dnsopts: dict[str, Any] = {"family": family, "hints": options.get("hints") or 0}
        if family not in (4, 6):
            if not dnsopts["hints"]:
                dnsopts["hints"] = _pysocket.AI_ADDRCONFIG
            if options.get("autoSelectFamily", True) is not False \
                    and not options.get("localAddress"):
                dnsopts["all"] = True

        def fail(error: BaseException) -> None:
            if self.connecting and not self.destroyed:
                # as Node: on the next tick, when the caller had a chance to listen
                self._loop.call_soon(self._lookup_failed, error)

        def callback(err: Any = None, address: Any = None, family: Any = None) -> None:
            if not self._looking_up:
                return  # answered twice
            self._looking_up = False
            if err:
                error = err if isinstance(err, BaseException) else dns_error("ENOTFOUND", "getaddrinfo", host)
                self.emit("lookup", error, None, None, host)
                fail(error)
                return
            if isinstance(address, list):
                answers = [(a.get("address"), a.get("family")) if isinstance(a, dict)
                           else (None, None) for a in address]
            else:
                answers = [(address, family or (isIP(address) if isinstance(address, str)
                                                else None))]
            if not answers:
                error = dns_error("ENOTFOUND", "getaddrinfo", host)
                self.emit("lookup", error, None, None, host)
                fail(error)
                return
            valid: dict[int, list[str]] = {4: [], 6: []}
            for ip, fam in answers:
                self.emit("lookup", None, ip, fam, host)
                if not self.connecting or self.destroyed:
                    return  # destroyed while looking up
                if isinstance(ip, str) and isIP(ip) and fam in (4, 6):
                    valid[fam].append(ip)
            if not valid[4] and not valid[6]:
                ip, fam = answers[0]
                if not isinstance(ip, str) or not isIP(ip):
                    fail(NodeError(f"Invalid IP address: {js_string(ip)}",
                                   "ERR_INVALID_IP_ADDRESS"))
                else:
                    fail(NodeRangeError(f"Invalid address family: {js_string(fam)} "
                                        f"{host}:{options.get('port')}",
                                        "ERR_INVALID_ADDRESS_FAMILY"))
                return
            # Node's order: alternate the families, starting with the first answer's
            first = answers[0][1] if answers[0][1] in (4, 6) else (4 if valid[4] else 6)
            order = [valid[first], valid[10 - first]]
            addresses = [(f, ip) for i in range(max(map(len, order)))
                         for f, ips in ((first, order[0]), (10 - first, order[1]))
                         if i < len(ips) for ip in (ips[i],)]
            found, address = addresses[0]
            self._update_ref()
            _loop.spawn(self._loop, self._connect(
                {**options, "host": address, "family": found, "lookup": None,
                 "_looked_up": host, "_addresses": addresses}))

        lookup(host, dnsopts, callback)

    def _connected_now(self) -> None:
        # the end of a _Connecting connect: as _connect after create_connection returned
        if self.destroyed:
            if self._transport is not None:
                self._transport.close()
            return
        self._on_connected()

    def _lookup_failed(self, error: BaseException) -> None:
        if not self.destroyed:
            self.destroy(error)

    def _on_connected(self) -> None:
        """The TCP connection is up: flush queued writes, emit ``connect`` and ``ready``."""
        self._touch()
        pending, self._pending_write = self._pending_write, None
        if pending is not None:
            self._wire_write(pending[0])
            self._after_write_out(pending[1])
        self.emit("connect")
        self.emit("ready")
        if self.isPaused() and not self._readableState.reading:
            # Node starts reading after 'connect' only if the socket is not paused then
            # (nor a read() was asked for meanwhile): a socket paused before it connected
            # does not read, so it does not keep the program alive either.
            self._pause_wire()
        final_cb, self._final_cb = self._final_cb, None
        if final_cb is not None and not self.destroyed:
            self._final(final_cb)

    # -- onread: reading into the caller's buffer ------------------------------------
    #
    # Node's ``onread: {buffer, callback}`` option: received bytes are not pushed (no
    # 'data'); each read fills ``buffer`` (a bytearray or memoryview, or a function
    # returning one, called once up front and again after every read) and calls
    # ``callback(nread, buffer)``.  A callback returning False stops reading, as does
    # pause(); resume() starts it again.  Bytes we already took from the kernel (or the
    # TLS engine) beyond the buffer wait for the next read; EOF comes after them.

    def _onread_setup(self, onread: Any) -> None:
        self._onread_cb: Callable[[int, Any], Any] | None = None
        self._onread_gen: Callable[[], Any] | None = None
        self._onread_buffer: Any = None
        self._onread_pending = bytearray()
        self._onread_stopped = False
        self._onread_eof = False
        if not isinstance(onread, dict) or not callable(onread.get("callback")):
            return
        buffer = onread.get("buffer")
        if callable(buffer):
            self._onread_gen = buffer
            buffer = buffer()
        if not isinstance(buffer, (bytearray, memoryview)) or len(buffer) == 0:
            return  # as Node, an unusable onread is ignored
        self._onread_buffer = buffer
        self._onread_cb = onread["callback"]

    def _onread_deliver(self, data: Any = b"") -> None:
        pending = self._onread_pending
        if data:
            pending += data
        cb = self._onread_cb
        assert cb is not None
        while pending and not self._onread_stopped and not self.destroyed:
            buf = self._onread_buffer
            n = min(len(buf), len(pending))
            buf[:n] = pending[:n]
            del pending[:n]
            ret = cb(n, buf)
            if self._onread_gen is not None:
                fresh = self._onread_gen()
                if isinstance(fresh, (bytearray, memoryview)) and len(fresh):
                    self._onread_buffer = fresh
            if ret is False:
                self._onread_stopped = True
        if self._onread_stopped:
            self._pause_wire()
        elif not pending and self._onread_eof and not self.destroyed:
            self._onread_eof = False
            self.push(None)
            self.read(0)

    def _onread_resume(self) -> None:
        if not self._onread_stopped:
            return
        self._onread_stopped = False
        self._onread_deliver()
        if not self._onread_stopped and self._transport is not None and self._reading_paused:
            self._reading_paused = False
            self._transport.resume_reading()
            self._update_ref()

    def pause(self) -> Any:
        """Stop emitting ``data`` (with ``onread``: stop reading, as Node's readStop)."""
        if self._onread_cb is not None and not self.connecting and self._transport is not None:
            self._onread_stopped = True
            self._pause_wire()
        return super().pause()

    def resume(self) -> Any:
        """Switch to flowing mode (with ``onread``: start reading again)."""
        if self._onread_cb is not None and not self.connecting and self._transport is not None:
            self._onread_resume()
        return super().resume()

    # -- wire events (overridden by TLSSocket) ---------------------------------------

    def _wire_data(self, data: memoryview) -> None:
        self._bytes_read += len(data)
        if self._timeout_ms:
            self._touch()  # only a timeout reads the idle clock
        if self._onread_cb is not None:
            self._onread_deliver(data)
        elif not self._push_data(bytes(data)):
            self._pause_wire()

    def _push_data(self, chunk: bytes) -> bool:
        """``push`` of received bytes while the connection is being read: the read(0)
        Node's maybeReadMore schedules after a chunk would only reach :meth:`_read`,
        a no-op then (see Readable._push_reading)."""
        if self._reading_paused:
            return self.push(chunk)
        return self._push_reading(chunk)

    def _push_eof(self) -> None:
        if self._onread_cb is not None and (self._onread_pending or self._onread_stopped):
            self._onread_eof = True  # after the bytes still waiting for the caller's buffer
            if not self._onread_stopped:
                self._onread_deliver()
            return
        # Node's onStreamRead at EOF: push(null), then read(0), so that 'end' comes even
        # when nobody reads (as long as nothing is left buffered).
        self.push(None)
        self.read(0)

    def _wire_eof(self) -> None:
        self._eof_received = True
        self._update_ref()
        self._push_eof()

    def _wire_lost(self, exc: Exception | None) -> None:
        self._set_ref(False)
        self._cancel_timer()
        if self._handle_gone:
            _loop.next_tick(self._loop, self._emit_close)  # as libuv's close callback
            return
        if exc is not None and not self.destroyed:
            err = _errno_error(exc, _failed_call(exc)) if isinstance(exc, OSError) else exc
            self.destroy(err)
            return
        if not self.destroyed:
            # the peer closed without an orderly half-close we could finish
            if not self._readableState.ended:
                self.push(None)
            self.destroy()
        else:
            # as libuv's close callback: after what the destroy scheduled (its callbacks)
            _loop.next_tick(self._loop, self._emit_close)

    def _wire_drained(self) -> None:
        cb, self._write_cb = self._write_cb, None
        if cb is not None:
            cb()
        if self._refed:
            self._update_ref()  # the kernel took everything: the write requests are done

    def _pause_wire(self) -> None:
        if self._wrapped_by is not None:
            return  # reading belongs to the taker
        if self._transport is not None and not self._reading_paused:
            self._reading_paused = True
            self._transport.pause_reading()
            self._update_ref()

    def _read(self, size: int | None = None) -> None:
        if self._wrapped_by is not None:
            return  # reading belongs to the taker
        if self._onread_stopped:
            self._onread_resume()  # Node's _read starts reading again (tryReadStart)
            return
        if self._transport is not None and self._reading_paused:
            self._reading_paused = False
            self._transport.resume_reading()
            self._update_ref()

    # -- writing ---------------------------------------------------------------------
    # writableLength is the Writable's: bytes written whose callback has not run, and a
    # write's callback runs once the transport handed all of it to the kernel.  So
    # write() says False while what the kernel has not taken reaches the mark.

    def _write(self, chunk: bytes, encoding: str, cb: Callable[..., Any]) -> None:
        if self._transport is None:
            if self.connecting:
                self._pending_write = (chunk, cb)  # sent on connect
                return
            cb(NodeError("Socket is closed", "ERR_SOCKET_CLOSED"))
            return
        self._wire_write(chunk)
        self._after_write_out(cb)

    def _writev(self, chunks: list[dict[str, Any]], cb: Callable[..., Any]) -> None:
        self._write(b"".join([c["chunk"] for c in chunks]), "buffer", cb)

    def _after_write_out(self, cb: Callable[..., Any]) -> None:
        """Complete a write now if the kernel took it all, else once the transport drains."""
        transport = self._transport
        if transport is None or transport.get_write_buffer_size() == 0 or transport.is_closing():
            cb()
        else:
            self._write_cb = cb

    def _wire_write(self, data: bytes) -> None:
        """Bytes to the connection (for TLSSocket: ciphertext).

        After our FIN nothing more can be sent; a TLS engine may still answer what the peer
        sends meanwhile (an alert, a handshake message), and that answer has nowhere to go."""
        if self._transport is None or self._transport.is_closing() or self._eof_sent \
                or self._wire is not None and self._wire.eof_sent:
            return
        self._bytes_written += len(data)
        if self._timeout_ms:
            self._touch()  # only a timeout reads the idle clock
        self._transport.write(data)
        if not self._refed and self._want_ref:
            self._update_ref()  # a write request in flight keeps the program alive

    def _final(self, done: Callable[..., Any]) -> None:
        if self._transport is None:
            if self.connecting or (self.pending and not self.destroyed):
                self._final_cb = done  # _on_connected finishes the job
                return
            done(None)
            return
        self._eof_sent = True
        if self._wire is not None:
            if self._wire.eof_sent:
                self._after_flush(done)
                return
            self._wire.eof_sent = True
        if self._transport.can_write_eof():
            try:
                self._transport.write_eof()
            except (OSError, RuntimeError):
                pass
        self._after_flush(done)

    def _after_flush(self, done: Callable[[BaseException | None], None]) -> None:
        transport = self._transport
        if transport is None or transport.get_write_buffer_size() == 0 or transport.is_closing():
            self._flushing = False
            _loop.next_tick(self._loop, done, None)
            self._update_ref()
        else:
            self._flushing = True  # a shutdown request in flight, as libuv's
            self._update_ref()
            self._loop.call_later(0.001, self._after_flush, done)

    def _destroy(self, error: BaseException | None, cb: Callable[..., Any]) -> None:
        # a socket closed before and brought back by _undestroy() closes (and says so) again
        self._closed_emitted = False
        self._handle_gone = True
        self.connecting = False  # Node: a destroyed socket is 'closed', not 'opening'
        self._cancel_timer()
        self._set_ref(False)
        self._pending_write = None
        self._final_cb = None
        transport = self._transport
        if transport is not None and not transport.is_closing():
            # Error or not, Node closes the fd; an error aborts without flushing, and so
            # does a write the kernel has not taken yet: closing the handle cancels
            # libuv's queued write requests (what the kernel holds still goes out).
            if error is not None or transport.get_write_buffer_size() > 0:
                transport.abort()
            else:
                transport.close()
            # connection_lost will call _wire_lost -> _emit_close; this deadline is only
            # the safety net (one loop timer for all sockets: deadlines.py)
            self._close_deadline = deadline_list(self._loop, 0.5, _close_overdue)
            self._close_deadline.add(self)
        else:
            _loop.next_tick(self._loop, self._emit_close)
        cb(error)
        # Node completes a destroyed socket's write in flight without an error; the writes
        # still buffered get the stream's error (or ERR_STREAM_DESTROYED).
        self._wire_drained()

    def _emit_close(self) -> None:
        """The connection is gone: ``error`` (if any, once) then ``close(hadError)``."""
        if self._closed_emitted:
            return
        self._closed_emitted = True
        if self._close_deadline is not None:
            self._close_deadline.discard(self)
            self._close_deadline = None
        err = self.errored
        if err is not None:
            self._emit_error_nt(err)
        self._cancel_writes()
        server = self._counted_by
        if server is not None:
            self._counted_by = None
            server._untrack(self)
        self.emit("close", err is not None)

    def _emit_error_nt(self, err: BaseException) -> None:
        # the error a destroy() scheduled, unless _undestroy() forgot it meanwhile (this
        # socket says its error from _emit_close too, so both may be queued)
        if err is not self._forgotten_error:
            super()._emit_error_nt(err)

    def _undestroy(self) -> None:
        self._forgotten_error = self.errored
        super()._undestroy()

    def _cancel_writes(self) -> None:
        """The handle closed: writes still queued on it end now (Node's ``ECANCELED``)."""

    async def __aenter__(self) -> Socket:
        """``async with socket``: entered once connected (a TLSSocket: once secure); the
        connection's error is raised here (:mod:`nodessl.aio`)."""
        from .aio import socket_ready

        await socket_ready(self)
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        """``end()`` and wait for ``'close'``; an exception (or a cancelled wait) destroys."""
        from .aio import socket_exit

        await socket_exit(self, exc is not None)

    def destroySoon(self) -> None:
        """End the writable side, then destroy once flushed."""
        self.end()
        self.once("finish", lambda *a: self.destroy())

    def resetAndDestroy(self) -> Socket:
        """Close the connection with a TCP RST."""
        sock = self._transport.get_extra_info("socket") if self._transport else None
        if sock is not None:
            try:
                import struct

                sock.setsockopt(_pysocket.SOL_SOCKET, _pysocket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        if self._transport is not None:
            self._transport.abort()
        result: Socket = self.destroy()
        return result

    @property
    def bufferSize(self) -> int | None:
        """Node's (deprecated) ``socket.bufferSize``: ``writableLength`` (what was written
        and not yet handed to the kernel, including what waits for the connection) while
        the socket has a handle, None before it connects and once it is destroyed."""
        if self.destroyed or not (self.connecting or self._transport is not None
                                  or getattr(self, "_lower", None) is not None):
            return None
        return self.writableLength

    # -- timeouts ----------------------------------------------------------------------

    def setTimeout(self, timeout: float, callback: Callable[..., Any] | None = None) -> Socket:
        """Emit ``timeout`` after ``timeout`` ms of inactivity (0 disables)."""
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
            raise invalid_arg_type("msecs", "of type number", timeout)
        if timeout < 0:
            raise NodeError(
                f'The value of "msecs" is out of range. It must be a non-negative finite '
                f"number. Received {timeout}", "ERR_OUT_OF_RANGE")
        self._timeout_ms = timeout
        self._cancel_timer()
        if callback is not None:
            if timeout == 0:
                self.removeListener("timeout", callback)
            else:
                self.once("timeout", callback)
        if timeout:
            self._touch()
        return self

    @property
    def timeout(self) -> float | None:
        """The idle timeout in ms (0 once disabled), or None when never set."""
        return self._timeout_ms

    def _touch(self) -> None:
        """Activity: the idle clock restarts (and a timer that already fired is re-armed)."""
        if not self._timeout_ms:
            return  # no idle timeout: nothing reads the clock (setTimeout touches when set)
        self._last_active = self._loop.time()
        if self._timer is None and not self.destroyed:
            self._timer = self._loop.call_later(self._timeout_ms / 1000, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if self.destroyed or not self._timeout_ms:
            return
        idle = self._loop.time() - self._last_active
        left = self._timeout_ms / 1000 - idle
        if left > 0.001:
            self._timer = self._loop.call_later(left, self._on_timer)
            return
        # One 'timeout' per idle period, as Node's timer: not re-armed until activity.
        self.emit("timeout")

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    # -- socket options and addresses ------------------------------------------------------

    def _sock(self) -> _pysocket.socket | None:
        return self._transport.get_extra_info("socket") if self._transport else None

    def setNoDelay(self, noDelay: bool = True) -> Socket:
        """Turn Nagle's algorithm off (True, the default) or on."""
        self._no_delay = bool(noDelay)
        sock = self._sock()
        wire = self._wire
        # (a wire that knows its TCP_NODELAY is TCP: no family lookup, an enum conversion)
        if sock is not None and (wire is not None and wire.no_delay is not None
                                 or sock.family in (_pysocket.AF_INET, _pysocket.AF_INET6)):
            sock.setsockopt(_pysocket.IPPROTO_TCP, _pysocket.TCP_NODELAY, int(self._no_delay))
            if self._wire is not None:
                self._wire.no_delay = self._no_delay
        return self

    def setKeepAlive(self, enable: bool = False, initialDelay: int = 0) -> Socket:
        """Enable TCP keep-alive; ``initialDelay`` in ms before the first probe."""
        self._keep_alive = (bool(enable), initialDelay)
        sock = self._sock()
        if sock is not None and sock.family in (_pysocket.AF_INET, _pysocket.AF_INET6):
            sock.setsockopt(_pysocket.SOL_SOCKET, _pysocket.SO_KEEPALIVE, int(bool(enable)))
            if enable and initialDelay and hasattr(_pysocket, "TCP_KEEPIDLE"):
                sock.setsockopt(_pysocket.IPPROTO_TCP, _pysocket.TCP_KEEPIDLE,
                                max(1, int(initialDelay // 1000)))
        return self

    def _peer(self) -> Any:
        return self._transport.get_extra_info("peername") if self._transport else None

    def _local(self) -> Any:
        return self._transport.get_extra_info("sockname") if self._transport else None

    def address(self) -> AddressInfo:
        """``{port, family, address}`` of the local end ({} for a Unix socket); the keys
        read as attributes too (``sock.address().port``)."""
        return _address_info(self._local())

    @property
    def remoteAddress(self) -> str | None:
        """The peer's IP address."""
        return _address_info(self._peer()).get("address")

    @property
    def remotePort(self) -> int | None:
        """The peer's port."""
        return _address_info(self._peer()).get("port")

    @property
    def remoteFamily(self) -> str | None:
        """``'IPv4'`` or ``'IPv6'``."""
        return _address_info(self._peer()).get("family")

    @property
    def localAddress(self) -> str | None:
        """The local IP address."""
        return _address_info(self._local()).get("address")

    @property
    def localPort(self) -> int | None:
        """The local port."""
        return _address_info(self._local()).get("port")

    @property
    def localFamily(self) -> str | None:
        """``'IPv4'`` or ``'IPv6'`` of the local end."""
        return _address_info(self._local()).get("family")

    @property
    def bytesRead(self) -> int:
        """Bytes received from the connection."""
        return self._bytes_read

    @property
    def bytesWritten(self) -> int:
        """Bytes sent, including those still queued."""
        pending = len(self._pending_write[0]) if self._pending_write is not None else 0
        return self._bytes_written + pending + sum(len(c) for c in self.writableBuffer)

    @property
    def readyState(self) -> str:
        """``opening``, ``open``, ``readOnly``, ``writeOnly`` or ``closed``."""
        if self.connecting:
            return "opening"
        if self.destroyed or self._transport is None:
            return "closed"
        if self.readable and self.writable:
            return "open"
        return "readOnly" if self.readable else "writeOnly"


class AddressInfo(dict):  # type: ignore[type-arg]
    """What ``address()`` returns: ``{address, family, port}``, read as Node's object both
    ways, ``info["port"]`` and ``info.port``."""

    __slots__ = ()

    # the keys, typed both ways for a type checker (annotations only: at runtime the
    # attributes are __getattr__'s and the items the dict's)
    address: str
    family: str  # 'IPv4' or 'IPv6'
    port: int

    if TYPE_CHECKING:
        @overload
        def __getitem__(self, key: Literal["address", "family"]) -> str: ...
        @overload
        def __getitem__(self, key: Literal["port"]) -> int: ...
        def __getitem__(self, key: str) -> Any: ...

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]  # type: ignore[call-overload]  # any name: typed only the keys
        except KeyError:
            raise AttributeError(name) from None


def close_at_exit(loop: asyncio.AbstractEventLoop) -> None:
    """The program is over (:func:`nodessl.run`): close the connections still open, as a
    process's exit closes its descriptors, without an event (no callback runs after the
    program).  asyncio closes each socket in a callback the loop runs next."""
    _Connecting.close_all(loop)
    transports = getattr(loop, "_transports", None)  # selector loops: fd -> transport
    if not transports:
        return
    for transport in list(transports.values()):
        protocol = transport.get_protocol()
        if isinstance(protocol, _Wire) and not transport.is_closing():
            protocol.owner = None
            transport.abort()


def _address_info(addr: Any) -> AddressInfo:
    if isinstance(addr, tuple) and len(addr) >= 2:
        family = "IPv6" if len(addr) == 4 or ":" in str(addr[0]) else "IPv4"
        return AddressInfo(address=addr[0], family=family, port=addr[1])
    return AddressInfo()


def _failed_call(exc: OSError) -> str:
    """asyncio does not say whether reading or writing failed; a broken pipe is a write."""
    return "write" if exc.errno in (errno.EPIPE, errno.ESHUTDOWN) else "read"


def _keep_alive_option(opts: Mapping[str, Any]) -> tuple[bool, int] | None:
    """The ``keepAlive``/``keepAliveInitialDelay`` (ms) options as ``setKeepAlive``'s
    arguments, or None without ``keepAlive``."""
    if not opts.get("keepAlive"):
        return None
    return True, int(opts.get("keepAliveInitialDelay") or 0)


def _validate_port(port: Any, name: str = "Port") -> int:
    """Node's validatePort: an integer 0..65535, as a number or a numeric string."""
    if type(port) is int and 0 <= port < 65536:
        return port
    value: int | None = None
    if isinstance(port, str):
        text = port.strip()
        if text.isdigit():
            value = int(text)
    elif isinstance(port, (int, float)) and not isinstance(port, bool):
        if port == port and port not in (float("inf"), float("-inf")) and float(port).is_integer():
            value = int(port)
    if value is None or not 0 <= value < 65536:
        raise NodeRangeError(f"{name} should be >= 0 and < 65536. {received(port)}.",
                             "ERR_SOCKET_BAD_PORT")
    return value


def _check_connect_options(options: dict[str, Any]) -> None:
    """Node's synchronous checks of ``socket.connect`` (``lookupAndConnect``), in its order:
    they throw, they are not 'error' events.  ``None`` is JavaScript's ``undefined``."""
    path = options.get("path")
    if options.get("port") is None and path is None:
        raise NodeTypeError('The "options" or "port" or "path" argument must be specified',
                            "ERR_MISSING_ARGS")
    if path is not None and path != "":
        if not isinstance(path, str):
            raise invalid_arg_type("options.path", "of type string", path)
        return
    local = options.get("localAddress")
    if local and not isIP(local):
        raise NodeTypeError(f"Invalid IP address: {local}", "ERR_INVALID_IP_ADDRESS")
    local_port = options.get("localPort")
    if local_port and (isinstance(local_port, bool) or not isinstance(local_port, (int, float))):
        raise invalid_arg_type("options.localPort", "of type number", local_port)
    port = options.get("port")
    if isinstance(port, bool) or not isinstance(port, (int, float, str)):
        raise invalid_arg_type("options.port", "one of type number or string", port)
    options["port"] = _validate_port(port)
    if isIP(options.get("host") or "localhost"):
        return  # an address: Node looks nothing up, so checks nothing more
    lookup = options.get("lookup")
    if lookup is not None and not callable(lookup):
        raise invalid_arg_type("options.lookup", "of type function", lookup)
    family = options.get("family")
    family = {"IPv4": 4, "IPv6": 6}.get(family, family) if isinstance(family, str) else family
    if lookup is None and family is not None and (isinstance(family, bool)
                                                  or family not in (0, 4, 6)):
        # dns.lookup's own check
        shown = f"'{family}'" if isinstance(family, str) else js_string(family)
        raise NodeValueError("The property 'options.family' must be one of: 0, 4, 6. "
                             f"Received {shown}", "ERR_INVALID_ARG_VALUE")
    if family is not None:
        options["family"] = family




def _normalize_connect_args(args: tuple[Any, ...]) -> tuple[dict[str, Any], Any]:
    """Node's normalizeArgs: (options|port|path)[, host][, options][, cb]."""
    args_list = list(args)
    cb = args_list.pop() if args_list and callable(args_list[-1]) else None
    options: dict[str, Any] = {}
    if not args_list:
        return options, cb
    first = args_list.pop(0)
    if isinstance(first, dict):
        options = dict(first)
    elif isinstance(first, str) and not first.strip().isdigit():
        options["path"] = first
    else:
        options["port"] = first
        if args_list and isinstance(args_list[0], str):
            options["host"] = args_list.pop(0)
    for extra in args_list:
        if isinstance(extra, dict):
            options = {**extra, **options}
    return options, cb


# Node's argument forms, for a type checker (the implementation takes them all); keyword
# arguments are NetConnectOptions, merged over the options dict.
_Listener = Callable[..., Any]
_ConnectOpts = NetConnectOptions | dict[str, Any]


@overload
def connect(options: _ConnectOpts, connectListener: _Listener | None = None, /,
            **kwargs: Unpack[NetConnectOptions]) -> Socket: ...
@overload
def connect(port: int | str, host: str | None = None, connectListener: _Listener | None = None,
            /, **kwargs: Unpack[NetConnectOptions]) -> Socket: ...
@overload
def connect(port: int | str, connectListener: _Listener, /,
            **kwargs: Unpack[NetConnectOptions]) -> Socket: ...
@overload
def connect(**kwargs: Unpack[NetConnectOptions]) -> Socket: ...


def connect(*args: Any, **kwargs: Any) -> Socket:
    """``net.connect(options[, connectListener])``, ``net.connect(port[, host][, connectListener])``,
    ``net.connect(path[, connectListener])``: a new :class:`Socket` connecting in the
    background (``createConnection`` is the same function).

    Options (a dict, or keyword arguments merged over it; see
    :class:`~nodessl.options.NetConnectOptions`): ``host``, ``port``, ``path``,
    ``localAddress``, ``localPort``, ``family``, ``hints``, ``lookup``,
    ``autoSelectFamily``, ``timeout``, ``allowHalfOpen``, ``highWaterMark``, ``onread``,
    ``signal`` ….  A keyword Node does not know is a ``TypeError``; a dict keeps Node's
    leniency.
    """
    check_keywords("net.connect", kwargs, "connect")  # a dict keeps Node's leniency
    options, cb = _normalize_connect_args(args)
    options.update(kwargs)
    sock = Socket(options)
    sock.connect(options, *([cb] if cb else []))
    if options.get("timeout"):
        sock.setTimeout(options["timeout"])
    return sock


createConnection = connect


@overload
async def connectAsync(options: _ConnectOpts, connectListener: _Listener | None = None, /,
                       **kwargs: Unpack[NetConnectOptions]) -> Socket: ...
@overload
async def connectAsync(port: int | str, host: str | None = None,
                       connectListener: _Listener | None = None, /,
                       **kwargs: Unpack[NetConnectOptions]) -> Socket: ...
@overload
async def connectAsync(port: int | str, connectListener: _Listener, /,
                       **kwargs: Unpack[NetConnectOptions]) -> Socket: ...
@overload
async def connectAsync(**kwargs: Unpack[NetConnectOptions]) -> Socket: ...


async def connectAsync(*args: Any, **kwargs: Any) -> Socket:
    """``net.connect(...)`` awaited (beyond Node, :mod:`nodessl.aio`): the socket once
    ``'connect'`` was emitted, or the connection's error (``ECONNREFUSED`` …) raised with
    the socket destroyed."""
    from .aio import socket_ready

    sock = connect(*args, **kwargs)
    await socket_ready(sock)
    return sock


class Server(EventEmitter):
    """Node's ``net.Server``: listens for TCP or Unix connections."""

    if TYPE_CHECKING:
        # For a type checker only (nodessl.results): the listener of each of net.Server's
        # events, typed; at runtime these are EventEmitter's methods.  A listener that does
        # not fit its event falls to the @deprecated overload (mypy reports it under the
        # 'deprecated' error code), not to the catch-all for custom events.  Narrower
        # overloads before a catch-all break mypy's override rules (pyee's, the base
        # class's): on purpose, as in Node's own typings
        @overload  # type: ignore[override]
        def on(self, event: Literal["close"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: Literal["connection"], f: Callable[[Socket], object]) -> Self: ...
        @overload
        def on(self, event: Literal["drop"], f: Callable[[_results.DropInfo], object]) -> Self: ...
        @overload
        def on(self, event: Literal["error"], f: Callable[[BaseException], object]) -> Self: ...
        @overload
        def on(self, event: Literal["listening"], f: Callable[[], object]) -> Self: ...
        @overload
        def on(self, event: str, f: None = None) -> Callable[[_F], _F]: ...
        @overload
        @deprecated("this listener does not type-check with the event's arguments (nodessl.results); "
                    "a def with annotated parameters shows why")
        def on(self, event: _results.ServerEvent, f: Callable[..., object]) -> Self: ...
        @overload
        def on(self, event: str, f: Callable[..., Any]) -> Self: ...
        @overload  # EventEmitter's own signature, which the overloads must keep accepting
        def on(self, event: str, f: Callable[..., Any] | None = None) -> Self: ...
        def on(self, event: str, f: Callable[..., Any] | None = None) -> Any:
            """Add ``f`` as a listener of ``event`` (EventEmitter's ``on``); ``once``,
            ``addListener``, ``prependListener`` and ``prependOnceListener`` take the same
            arguments.  The overloads type the listener of each event Node documents
            (:data:`nodessl.results.ServerEvent`); any other name is a custom event."""

        once = on
        addListener = on
        prependListener = on
        prependOnceListener = on

    # made before a loop: bound by listen (an AbstractEventLoop on instances, the
    # descriptor's __get__ says so)
    _loop = _loop.LazyLoop()

    def __init__(self,
                 options: NetServerOptions | Mapping[str, Any] | Callable[..., Any] | None = None,
                 connectionListener: Callable[..., Any] | None = None,
                 **kwargs: Unpack[NetServerOptions]) -> None:
        super().__init__()
        if callable(options):
            options, connectionListener = None, options
        check_keywords("net.createServer", kwargs, "createServer")  # a dict stays lenient
        opts = {**(options or {}), **kwargs}
        for name in ("keepAliveInitialDelay", "highWaterMark"):  # Node's checks, in order
            value = opts.get(name)
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, (int, float))):
                raise invalid_arg_type(f"options.{name}", "of type number", value)
        loop = _loop.running_loop()  # else bound by the first use (listen): _loop.LazyLoop
        if loop is not None:
            self._loop = loop
        self.allowHalfOpen = bool(opts.get("allowHalfOpen", False))
        self.pauseOnConnect = bool(opts.get("pauseOnConnect", False))
        # keepAlive/keepAliveInitialDelay (ms) for every accepted connection, as Node's
        # onconnection sets them on the new handle
        self._accepted_keep_alive = _keep_alive_option(opts)
        hwm = opts.get("highWaterMark")
        self.highWaterMark = None if hwm is not None and hwm < 0 else hwm  # < 0: the default
        self.maxConnections: int | None = None
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[Socket] = set()
        self._closing = False
        self._refed = True
        self._unix_path: str | None = None
        self._sock: _pysocket.socket | None = None  # bound (and listening once serving)
        self._binding = False  # listen() called, the host name not yet looked up
        self._generation = 0  # bumped by listen() and close(): stale bind/serve tasks stop
        self.listening = False
        if connectionListener is not None:
            self.on("connection", connectionListener)

    def listen(self, *args: Any, **kwargs: Any) -> Server:
        """``listen([port[, host[, backlog]]][, cb])``, ``listen(path[, cb])``, ``listen(options[, cb])``.

        As in Node, a port or path without a host name to look up is bound at once
        (``address()`` works right after ``listen``); ``listening`` follows on a
        later tick, and a bind failure is an ``error`` event, not an exception.
        """
        args_list = list(args)
        cb = args_list.pop() if args_list and callable(args_list[-1]) else None
        opts: dict[str, Any] = dict(kwargs)
        if args_list and isinstance(args_list[0], dict):
            opts = {**args_list.pop(0), **opts}
        elif args_list and isinstance(args_list[0], str) and not args_list[0].isdigit():
            opts["path"] = args_list.pop(0)
        elif args_list:
            opts["port"] = args_list.pop(0)
            if args_list and isinstance(args_list[0], str):
                opts["host"] = args_list.pop(0)
            if args_list and isinstance(args_list[0], int):
                opts["backlog"] = args_list.pop(0)
        if self.listening or self._binding:
            raise NodeError("Listen method has been called more than once without closing.",
                            "ERR_SERVER_ALREADY_LISTEN")
        path = opts.get("path")
        host = opts.get("host")
        port = None if path is not None else _validate_port(opts.get("port", 0) or 0,
                                                            "options.port")
        backlog = int(opts.get("backlog") or 511)
        self._loop  # noqa: B018 - made before a loop ran: bound now, before any state changes
        if cb is not None:
            self.once("listening", cb)
        self._closing = False
        self._generation += 1
        self._binding = True
        if self._refed:
            _loop.ref(self, self._loop)
        if _cluster.isWorker and path is None and not opts.get("exclusive"):
            # a cluster worker: the port is shared with the other workers (nodessl.cluster)
            _cluster.listen_in_worker(self, host, port, backlog)
        elif path is None and host is not None and not isIP(host):
            _loop.spawn(self._loop, self._lookup_and_listen(host, port, backlog,
                                                            self._generation))
        else:
            self._bind(path, host, port, backlog)
        return self

    async def _lookup_and_listen(self, host: str, port: int | None, backlog: int,
                                 generation: int) -> None:
        try:
            infos = await self._loop.getaddrinfo(host, port, type=_pysocket.SOCK_STREAM,
                                                 flags=_pysocket.AI_PASSIVE)
        except OSError as exc:
            err = dns_error(exc, "getaddrinfo", host)
            if generation == self._generation:
                self._listen_failed(err)
            return
        if generation != self._generation:
            return  # closed meanwhile
        # an IPv4/IPv6 sockaddr's host is a str (typeshed's union also covers other families)
        self._bind(None, str(infos[0][4][0]), port, backlog)

    def _bind(self, path: str | None, host: str | None, port: int | None, backlog: int) -> None:
        try:
            sock = _bind_socket(path, host, port)
        except OSError as exc:
            self._listen_failed(_listen_error(exc, exc.filename or host or path or "", port))
            return
        self._listen_on(sock, path, backlog)

    def _listen_on(self, sock: _pysocket.socket, path: str | None, backlog: int) -> None:
        """Listen on ``sock``, bound already (by :meth:`_bind`, or by nodessl.cluster)."""
        try:
            # listen(2) now, as Node's listen() has when it returns: a client connecting
            # before asyncio's create_server (a task) runs waits in the backlog instead of
            # being refused
            sock.listen(backlog)
        except OSError as exc:
            where = sock.getsockname()
            sock.close()
            self._listen_failed(_listen_error(exc, path or where[0], None if path else where[1]))
            return
        self._sock = sock
        self._unix_path = path
        self._binding = False
        self.listening = True
        _loop.spawn(self._loop, self._serve(sock, backlog, self._generation))

    def _listen_failed(self, err: NodeError) -> None:
        self._binding = False
        _loop.unref(self, self._loop)
        # Node emits listen errors on the next tick; unhandled, they end the program
        self._loop.call_soon(self.emit, "error", err)

    async def _serve(self, sock: _pysocket.socket, backlog: int, generation: int) -> None:
        if generation != self._generation:
            sock.close()  # closed before accepting began: never listen at all
            return
        self._tcp = sock.family in (_pysocket.AF_INET, _pysocket.AF_INET6)
        server = await self._loop.create_server(self._make_wire, sock=sock, backlog=backlog)
        if generation != self._generation:
            server.close()  # closed while asyncio set up accepting
            return
        self._server = server
        self.emit("listening")

    _tcp = False  # listening on TCP (set by _serve)

    def _make_wire(self) -> _Wire:
        wire = _Wire()
        wire.owner = _Accepting(self)
        if self._tcp:
            wire.no_delay = False  # an accepted TCP socket starts with Nagle's algorithm on
        return wire

    def _accept(self, wire: _Wire) -> None:
        if self._closing or (self.maxConnections is not None
                             and len(self._connections) >= self.maxConnections):
            self._drop(wire)
            return
        self._admit(wire)

    def _admit(self, wire: _Wire) -> None:
        """An accepted connection within the limits: its socket (tls.Server overrides)."""
        sock = Socket(allowHalfOpen=self.allowHalfOpen, highWaterMark=self.highWaterMark)
        sock._server = self
        sock.server = self
        sock._keep_alive = self._accepted_keep_alive
        sock._attach(wire)
        self._on_connection(sock)

    def _drop(self, wire: _Wire) -> None:
        """Close a connection over ``maxConnections``; ``drop`` tells who it was, as in Node."""
        transport = wire.transport
        info: dict[str, Any] = {}
        if transport is not None:
            local = _address_info(transport.get_extra_info("sockname"))
            remote = _address_info(transport.get_extra_info("peername"))
            info = {"localAddress": local.get("address"), "localPort": local.get("port"),
                    "localFamily": local.get("family"), "remoteAddress": remote.get("address"),
                    "remotePort": remote.get("port"), "remoteFamily": remote.get("family")}
            transport.close()
        if not self._closing:
            self.emit("drop", info)

    def _track(self, sock: Socket) -> None:
        # untracked by the socket itself as it closes (Node's socket._server), before its
        # 'close' listeners run: no listener, no closure holding the socket
        self._connections.add(sock)
        sock._counted_by = self

    def _untrack(self, sock: Socket) -> None:
        self._connections.discard(sock)
        self._maybe_closed()

    def _on_connection(self, sock: Socket) -> None:
        """A new plain connection was admitted (tls.Server overrides: TLS takes it over)."""
        self._track(sock)
        if self.pauseOnConnect:
            sock._pause_wire()
            sock.readableFlowing = False
        self.emit("connection", sock)

    def close(self, callback: Callable[..., Any] | None = None) -> Server:
        """Stop accepting; ``close`` is emitted once every connection has ended.

        As in Node, closing a server that is not listening still emits ``close``, and
        ``callback`` then receives ``ERR_SERVER_NOT_RUNNING``.
        """
        running = self.listening or self._binding
        if callback is not None:
            if running:
                self.once("close", lambda *a: callback(None))
            else:
                err = NodeError("Server is not running.", "ERR_SERVER_NOT_RUNNING")
                self.once("close", lambda *a: callback(err))
        if running:
            self._generation += 1  # a bind or serve still under way gives up
            if self._server is not None:
                self._server.close()
                self._server = None
            self._sock = None
            if self._unix_path:
                try:
                    os.unlink(self._unix_path)
                except OSError:
                    pass
                self._unix_path = None
        self._closing = True
        self.listening = False
        self._binding = False
        _loop.unref(self, self._loop)
        self._maybe_closed()
        return self

    def _maybe_closed(self) -> None:
        # Node's _emitCloseIfDrained: no handle and no connection left (no once-only
        # guard: a second close() emits 'close' again, as in Node).
        if self._closing and not self._connections and not self.listening:
            self._loop.call_soon(self.emit, "close")

    def address(self) -> AddressInfo | str | None:
        """``{port, family, address}`` (also as attributes: ``server.address().port``), the
        path of a Unix server, or None when not listening."""
        if self._unix_path:
            return self._unix_path
        if self._sock is None or not self.listening:
            return None
        return _address_info(self._sock.getsockname())

    def getConnections(self, cb: Callable[[Any, int], Any]) -> Server:
        """Call ``cb(None, count)`` with the number of open connections."""
        self._loop.call_soon(cb, None, len(self._connections))
        return self

    def ref(self) -> Server:
        """Keep ``nodessl.run`` alive while listening (the default)."""
        self._refed = True
        if self.listening or self._binding:
            _loop.ref(self, self._loop)
        return self

    def unref(self) -> Server:
        """Let ``nodessl.run`` finish while this server listens."""
        self._refed = False
        _loop.unref(self, self._loop)
        return self

    # -- awaitable forms (beyond Node; nodessl.aio) ---------------------------------------

    async def listenAsync(self, *args: Any, **kwargs: Any) -> AddressInfo | str | None:
        """``listen(...)`` (the same arguments) awaited: returns :meth:`address` once
        ``'listening'`` was emitted; the bind error (``EADDRINUSE``, ...) is raised instead."""
        from .aio import listen_async

        return await listen_async(self, *args, **kwargs)

    async def closeAsync(self) -> None:
        """``close()`` awaited: returns at ``'close'``, once the connections still open have
        ended (as Node's callback); raises ``ERR_SERVER_NOT_RUNNING`` when not listening."""
        from .aio import close_async

        await close_async(self)

    async def __aenter__(self) -> Server:
        """``async with server``: entered once listening (when ``listen`` was called)."""
        from .aio import server_enter

        return await server_enter(self)

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        """Close the server and wait for ``'close'``; an exception first destroys the
        connections still open."""
        from .aio import server_exit

        await server_exit(self, exc is not None)


def _server_rejection(self: Server, err: BaseException, event: str, *args: Any) -> None:
    """Node's net.Server ``[nodejs.rejection]``: a rejected async 'connection' listener
    destroys that socket with the error; any other event's becomes the server's 'error'."""
    if event == "connection" and args:
        args[0].destroy(err)
    else:
        self.emit("error", err)


setattr(Server, captureRejectionSymbol, _server_rejection)


class _Connecting:
    """A TCP connect to an IP address in flight, driven by loop callbacks (libuv's connect
    request): no task, no future, no resolver.  Like the request, it holds ``run`` until
    it completes, whatever the socket's ref.  Used where the loop is asyncio's selector
    loop (it makes the transport the way ``create_connection`` does, minus the awaiting);
    anything else (names to look up, a local address, Unix paths, other loops) takes
    :meth:`Socket._connect`."""

    __slots__ = ("socket", "sock", "address", "port", "loop")

    def __init__(self, socket: Socket, sock: _pysocket.socket, address: str, port: int) -> None:
        self.socket = socket
        self.sock = sock
        self.address = address
        self.port = port
        self.loop = socket._loop

    @staticmethod
    def start(socket: Socket, options: dict[str, Any]) -> bool:
        """Start the connect of ``options`` if it is one of ours; False when it is not."""
        loop = socket._loop
        if (options.get("path") is not None or options.get("localAddress")
                or options.get("localPort") or options.get("_addresses")
                or not isinstance(loop, asyncio.selector_events.BaseSelectorEventLoop)):
            return False
        host = options.get("host") or "localhost"
        version = isIP(host)
        if not version or "%" in host:  # a scoped IPv6 address wants getaddrinfo
            return False
        port = options["port"]
        socket._host = options.get("_looked_up") or host
        # IPPROTO_TCP named: asyncio's transport then sets TCP_NODELAY itself (_Wire.no_delay)
        sock = _pysocket.socket(_pysocket.AF_INET6 if version == 6 else _pysocket.AF_INET,
                                _pysocket.SOCK_STREAM, _pysocket.IPPROTO_TCP)
        sock.setblocking(False)
        self = _Connecting(socket, sock, host, port)
        try:
            sock.connect((host, port))
        except (BlockingIOError, InterruptedError):
            self._hold()
            fd = sock.fileno()
            if _poll is not None:
                # A loopback connect is complete when connect() returns: one poll says so
                # and spares registering the fd with the selector and removing it again.
                # A turn later, as the selector would have reported it.
                poller = _poll()
                poller.register(fd, _POLLOUT)
                if poller.poll(0):
                    loop.call_soon(self._writable, False)
                    return True
            loop.add_writer(fd, self._writable, True)
            return True
        except OSError as exc:
            self._hold()
            loop.call_soon(self._fail, exc)  # reported a turn later, as from the task
            return True
        except BaseException:
            sock.close()
            raise
        self._hold()
        loop.call_soon(self._connected)  # at once
        return True

    def _hold(self) -> None:
        _PENDING.add(self)
        _loop.ref(self, self.loop)

    def _done(self) -> None:
        _PENDING.discard(self)
        _loop.unref(self, self.loop)

    def _writable(self, registered: bool) -> None:
        sock = self.sock
        if registered:
            self.loop.remove_writer(sock.fileno())
        err = sock.getsockopt(_pysocket.SOL_SOCKET, _pysocket.SO_ERROR)
        if err:
            self._fail(OSError(err, os.strerror(err)))
            return
        # the transport on the next turn, as sock_connect's future wakes its task: the
        # same turns as the coroutine path, so that a server in this process sees its
        # side of the connection when it did before ('connection' before 'connect')
        self.loop.call_soon(self._connected)

    def _fail(self, exc: OSError) -> None:
        self._done()
        self.sock.close()
        socket = self.socket
        if not socket.destroyed:
            socket.destroy(_errno_error(exc, "connect", self.address, self.port))

    def _connected(self) -> None:
        self._done()
        socket = self.socket
        if socket.destroyed:
            self.sock.close()
            return
        # connection_made (then reading) on the loop's next turn, as create_connection does
        wire = _Wire(_Connected(socket))
        self.loop._make_socket_transport(self.sock, wire)
        # the selector transport set TCP_NODELAY on this IPPROTO_TCP socket (_set_nodelay),
        # so attaching makes no second setsockopt for Node's default
        wire.no_delay = hasattr(_pysocket, "TCP_NODELAY") or None

    @staticmethod
    def close_all(loop: asyncio.AbstractEventLoop) -> None:
        """The program is over: connects still in flight are dropped."""
        for pending in [p for p in _PENDING if p.loop is loop]:
            _PENDING.discard(pending)
            with contextlib.suppress(Exception):
                loop.remove_writer(pending.sock.fileno())
            pending.sock.close()


_PENDING: set[_Connecting] = set()
_poll = getattr(select, "poll", None)
_POLLOUT = getattr(select, "POLLOUT", 4)


class _Placeholder:
    """Owner of a wire until its socket takes it over, which happens in connection_made:
    nothing else can reach it before."""

    __slots__ = ()

    def _wire_data(self, data: memoryview) -> None:  # pragma: no cover - never before
        pass

    def _wire_eof(self) -> None:  # pragma: no cover
        pass

    def _wire_lost(self, exc: Exception | None) -> None:  # pragma: no cover
        pass

    def _wire_drained(self) -> None:  # pragma: no cover
        pass


class _Connected(_Placeholder):
    """Owner of a connected wire until its socket takes it (in ``connection_made``)."""

    __slots__ = ("socket",)

    def __init__(self, socket: Socket) -> None:
        self.socket = socket

    def _wire_connected(self, wire: _Wire) -> None:
        socket = self.socket
        if socket.destroyed:
            wire.owner = None
            assert wire.transport is not None
            wire.transport.close()
            return
        socket._attach(wire)
        # 'connect' on the next turn, as create_connection's waiter wakes its task; reading
        # (registered after this) cannot deliver anything before then
        self.socket._loop.call_soon(socket._connected_now)



class _Accepting(_Placeholder):
    """Placeholder owner of a wire between accept and the server creating the socket."""

    __slots__ = ("_server",)

    def __init__(self, server: Server) -> None:
        self._server = server

    def _wire_connected(self, wire: _Wire) -> None:
        self._server._accept(wire)


@overload
def createServer(options: NetServerOptions | Mapping[str, Any] | None = None,
                 connectionListener: Callable[..., Any] | None = None,
                 **kwargs: Unpack[NetServerOptions]) -> Server: ...
@overload
def createServer(connectionListener: Callable[..., Any], /,
                 **kwargs: Unpack[NetServerOptions]) -> Server: ...


def createServer(options: Mapping[str, Any] | Callable[..., Any] | None = None,
                 connectionListener: Callable[..., Any] | None = None, **kwargs: Any) -> Server:
    """``net.createServer([options][, connectionListener])``: options as a dict or keywords
    (:class:`~nodessl.options.NetServerOptions`: ``allowHalfOpen``, ``pauseOnConnect``,
    ``highWaterMark``, ``noDelay``, ``keepAlive``, ``keepAliveInitialDelay``); a keyword
    Node does not know is a ``TypeError``."""
    return Server(options, connectionListener, **kwargs)

"""``createSecurePair``: a TLS endpoint as two streams, for wiring TLS by hand (STARTTLS).

As in Node >= 0.11 the pair is no TLS implementation of its own: ``cleartext`` is a real
:class:`~nodessl.TLSSocket` whose "wire" is one end of an in-memory channel, and
``encrypted`` is the other end.  Whatever is written into ``encrypted`` (ciphertext from
the peer) reaches the TLSSocket; whatever the TLSSocket sends (its handshake flights,
records, close_notify) comes out of ``encrypted`` to be piped to the network::

    pair = legacy.createSecurePair(context, isServer)
    pair.encrypted.pipe(socket)
    socket.pipe(pair.encrypted)
    pair.on("secure", lambda: ...)      # pair.cleartext is the socket from now on

The channel keeps stream semantics: ``write`` into one end returns False while the other
end's reader has not taken its data (and ``drain`` follows when it has); ending one end is
the other end's EOF; destroying one end (the TLSSocket destroys its wire when it closes)
ends the other, as a closed connection would.

``secure`` is emitted once the handshake is done: for a server pair after the client was
checked (``requestCert``/``rejectUnauthorized``), for a client pair after the server was
(``authorized``/``authorizationError`` are set; the host name checked is ``servername``,
``'localhost'`` without it).  Errors of the cleartext socket are re-emitted as the pair's
``error`` when the pair has listeners.
"""

from __future__ import annotations

from abc import ABCMeta
from collections.abc import Callable, Mapping
from typing import Any

from ..context import SecureContext, createSecureContext
from ..errors import NodeTypeError
from ..events import EventEmitter
from ..socket import TLSSocket
from ..stream import Duplex, WriteCallback
from .credentials import as_secure_context
from .options import modernize

__all__ = ["CleartextStream", "CryptoStream", "SecurePair", "createSecurePair"]


class CryptoStream(Duplex, metaclass=ABCMeta):
    """Node 0.10's ``CryptoStream`` (deprecated there): one side of a TLS pair.

    ``bytesWritten`` is every byte sent toward the network, TLS overhead included.  The
    ``encrypted`` stream of a :class:`SecurePair` is one; the cleartext side (a TLSSocket,
    whose own ``bytesWritten`` counts the ciphertext it wrote) counts as one too.
    """

    @property
    def bytesWritten(self) -> int:
        """Bytes this stream passed on toward the network, TLS records included."""
        return 0


CryptoStream.register(TLSSocket)

CleartextStream = TLSSocket
"""Node 0.4's name for the cleartext side of a pair (and of ``connect`` / a server's
connections): in Node >= 0.11, and here, it is a TLSSocket."""


class _ChannelEnd(CryptoStream):
    """One end of an in-memory byte channel; its twin reads what it writes."""

    def __init__(self) -> None:
        # Half-open: TLS decides when a direction ends (close_notify), not the channel.
        super().__init__(allowHalfOpen=True)
        self._twin: _ChannelEnd | None = None
        self._sent = 0
        self._write_cb: WriteCallback = None

    @property
    def bytesWritten(self) -> int:
        """Bytes that came out of this end (for ``encrypted``: the TLS socket's wire bytes)."""
        return self._twin._sent if self._twin is not None else 0

    def _write(self, chunk: bytes, encoding: str, cb: Callable[..., Any]) -> None:
        twin = self._twin
        if twin is not None and not twin.destroyed and not twin._readableState.ended:
            self._sent += len(chunk)
            if not twin.push(chunk):
                # the twin's reader has enough: this write completes when it wants more
                self._write_cb = cb
                return
        cb()

    @property
    def writableLength(self) -> int:
        """What the twin's reader has not taken yet (the channel's buffer), plus writes
        still queued on this side."""
        queued = sum(len(c) for c in self.writableBuffer)
        return (self._twin.readableLength if self._twin is not None else 0) + queued

    def _read(self, size: int) -> None:
        # Our reader wants more: the twin's writer may go on.
        twin = self._twin
        if twin is not None and twin._write_cb is not None:
            cb, twin._write_cb = twin._write_cb, None
            cb()

    def _final(self, done: Callable[..., Any]) -> None:
        if self._twin is not None:
            self._twin.push(None)
        done()

    def _destroy(self, error: BaseException | None, cb: Callable[..., Any]) -> None:
        twin = self._twin
        if twin is not None and not twin.destroyed and not twin._readableState.ended:
            twin.push(None)
        cb(error)
        pending, self._write_cb = self._write_cb, None
        if pending is not None:
            pending()


def _channel() -> tuple[_ChannelEnd, _ChannelEnd]:
    a, b = _ChannelEnd(), _ChannelEnd()
    a._twin, b._twin = b, a
    return a, b


class SecurePair(EventEmitter):
    """Node's ``SecurePair`` (DEP0043): ``cleartext`` (a TLSSocket) and ``encrypted`` streams.

    Also ``credentials`` (the SecureContext used) and ``server`` (``options['server']``).
    Events: ``secure`` once the handshake completed, ``error`` (the cleartext socket's).
    """

    def __init__(self, context: Any = None, isServer: bool = False,
                 requestCert: bool | None = None, rejectUnauthorized: bool = False,
                 options: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        opts = modernize(options or {})
        context = as_secure_context(context)
        if context is None:
            context = createSecureContext()
        elif not isinstance(context, SecureContext):
            raise NodeTypeError("context must be a SecureContext", "ERR_TLS_INVALID_CONTEXT")
        isServer = bool(isServer)
        if requestCert is None:
            requestCert = not isServer
        self.server = opts.get("server")
        self.credentials: SecureContext = context
        encrypted, wire = _channel()
        self.encrypted: CryptoStream = encrypted
        settings = {"secureContext": context, "isServer": isServer,
                    "requestCert": bool(requestCert),
                    "rejectUnauthorized": bool(rejectUnauthorized), **opts}
        settings["secureContext"] = as_secure_context(settings["secureContext"])
        # The pair verifies its peer (authorized, authorizationError) and its client shakes
        # hands at once, as the SecurePair of old Node versions did (Node 20's only
        # starts with the first cleartext write and leaves verification to the caller).
        self.cleartext: TLSSocket = TLSSocket(None, settings, _from_connect=True, _judge=True)
        self.cleartext.once("secure", lambda *a: self.emit("secure"))
        self.cleartext.on("error", self._on_error)
        # The wire comes last: a client's ClientHello is written as it is attached.
        self.cleartext._wrap(wire)

    def _on_error(self, err: BaseException) -> None:
        if self.listenerCount("error"):
            self.emit("error", err)
        elif self.cleartext.listenerCount("error") <= 1:
            raise err  # nobody listens anywhere: unhandled, as without the pair

    def destroy(self) -> None:
        """Close both streams (Node 0.10's ``pair.destroy()``)."""
        self.cleartext.destroy()
        self.encrypted.destroy()


def createSecurePair(context: Any = None, isServer: bool = False,
                     requestCert: bool | None = None, rejectUnauthorized: bool = False,
                     options: Mapping[str, Any] | None = None) -> SecurePair:
    """``tls.createSecurePair([context][, isServer][, requestCert][, rejectUnauthorized]
    [, options])``.

    ``context`` is a SecureContext or ``createCredentials`` result (default: a fresh
    ``createSecureContext()``); ``requestCert`` defaults to ``not isServer``,
    ``rejectUnauthorized`` to False.  ``options`` are TLSSocket options (``secureContext``,
    ``isServer``, ``server``, ``requestCert``, ``rejectUnauthorized``, ``ALPNProtocols``,
    ``NPNProtocols``, ``SNICallback``, ``session``, ``requestOCSP``, ``enableTrace``,
    ``servername`` …) and win over the positional arguments, as in Node.  A first argument
    that is no context raises ``ERR_TLS_INVALID_CONTEXT``.
    """
    return SecurePair(context, isServer, requestCert, rejectUnauthorized, options)

"""Awaitable forms of Node's callback APIs (beyond Node: Python's ``await`` and ``async with``).

Node offers callbacks and events; Python code awaits.  The objects stay the same (no second
implementation): these are thin waits on their events.

* :func:`once` is Node's ``events.once`` (``await once(socket, "secureConnect")``).
* :func:`connectAsync` is ``tls.connect`` resolved at ``'secureConnect'``: it returns the
  TLSSocket, or raises the connection's error (Node's ``code``; the socket is destroyed).
  ``nodessl.net.connectAsync`` is ``net.connect`` resolved at ``'connect'``.
* ``await server.listenAsync(port, host)`` listens and returns ``server.address()`` once
  ``'listening'`` (or raises the bind error, ``EADDRINUSE`` …); ``await server.closeAsync()``
  closes and returns at ``'close'`` (after the connections still open have ended).
* ``async with`` on a server: enters once it listens (when ``listen`` was called), closes it
  and waits for ``'close'`` on exit; an exit by an exception destroys the connections still
  open first, so that the wait cannot hang on them.
* ``async with`` on a socket: enters once it is connected (a TLSSocket: once secure; the
  connection's error is raised there).  A normal exit ``end()``s it (the TLS close_notify and
  the FIN go out after what was written) and waits for ``'close'``, which comes when the
  peer has ended too, as in Node; unread input is discarded meanwhile so that the peer's end
  is seen.  An exit by an exception, or a cancelled wait (``asyncio.timeout``), destroys it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Unpack, overload

from .errors import NodeError
from .events import once

if TYPE_CHECKING:
    from .net import AddressInfo, Server, Socket
    from .options import ConnectOptions
    from .socket import TLSSocket

__all__ = ["connectAsync", "once"]


async def until(emitter: Any, event: str, *, closed_error: str | None = None) -> list[Any]:
    """Wait for ``event`` on ``emitter``; its ``'error'`` first raises that error.  With
    ``closed_error``, a ``'close'`` first raises ``ERR_SOCKET_CLOSED`` with that message
    (a socket destroyed without an error never emits what is awaited)."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[list[Any]] = loop.create_future()

    def on_event(*args: Any) -> None:
        if not fut.done():
            fut.set_result(list(args))

    def on_error(err: Any) -> None:
        if not fut.done():
            fut.set_exception(err if isinstance(err, BaseException) else NodeError(str(err)))

    def on_close(*_: Any) -> None:
        if not fut.done():
            fut.set_exception(NodeError(closed_error or "closed", "ERR_SOCKET_CLOSED"))

    emitter.once(event, on_event)
    emitter.once("error", on_error)
    if closed_error is not None:
        emitter.once("close", on_close)
    try:
        return await fut
    finally:
        emitter.removeListener(event, on_event)
        emitter.removeListener("error", on_error)
        if closed_error is not None:
            emitter.removeListener("close", on_close)


def _ready_event(sock: Socket) -> str | None:
    """The event after which ``sock`` can carry data, or None when it can already (or
    never will)."""
    if sock.destroyed:
        return None
    if getattr(sock, "encrypted", False):
        if getattr(sock, "_secureEstablished", True):
            return None
        return "secure" if getattr(sock, "_isServer", False) else "secureConnect"
    return "connect" if sock.connecting else None


async def socket_ready(sock: Socket) -> None:
    """Return once ``sock`` is connected (a TLSSocket: secure); raise its error otherwise,
    destroying it when the wait is cancelled or fails."""
    event = _ready_event(sock)
    if event is None:
        return
    try:
        await until(sock, event, closed_error="The socket closed before it was "
                    + ("secure" if event != "connect" else "connected"))
    except BaseException:
        sock.destroy()
        raise


def _close_emitted(sock: Socket) -> bool:
    if getattr(sock, "_closed_emitted", False):
        return True
    state = sock._readableState
    return state is not None and state.closeEmitted


async def socket_exit(sock: Socket, failed: bool) -> None:
    """``async with`` a socket, on exit: see the module docstring."""
    if _close_emitted(sock):
        return
    if failed or sock.destroyed:
        sock.destroy()
    else:
        sock.end()
        sock.resume()  # unread input must not hide the peer's end
    try:
        await until(sock, "close")
    except BaseException as exc:
        sock.destroy()
        if failed and isinstance(exc, Exception):
            return  # the block's own exception goes on, not what closing it said
        raise


# tls.connect's argument forms (nodessl.client.connect), for a type checker
_Callback = Callable[..., Any]


@overload
async def connectAsync(options: ConnectOptions | dict[str, Any],
                       callback: _Callback | None = None, /,
                       **kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...
@overload
async def connectAsync(port: int | str, host: str | None = None,
                       options: ConnectOptions | dict[str, Any] | None = None,
                       callback: _Callback | None = None, /,
                       **kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...
@overload
async def connectAsync(port: int | str, host: str | None, callback: _Callback, /,
                       **kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...
@overload
async def connectAsync(port: int | str, options: ConnectOptions | dict[str, Any],
                       callback: _Callback | None = None, /,
                       **kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...
@overload
async def connectAsync(port: int | str, callback: _Callback, /,
                       **kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...
@overload
async def connectAsync(**kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...


async def connectAsync(*args: Any, **kwargs: Any) -> TLSSocket:
    """``tls.connect(...)`` with the same arguments, awaited: the TLSSocket once
    ``'secureConnect'`` was emitted.  The connection's error (``ECONNREFUSED``, a
    certificate that does not verify, with Node's ``code``) is raised instead and the socket
    destroyed; so is a cancellation.  A callback among the arguments is added as the
    ``'secureConnect'`` listener, as with ``connect``."""
    from .client import connect

    sock = connect(*args, **kwargs)
    await socket_ready(sock)
    return sock


async def listen_async(server: Server, *args: Any, **kwargs: Any) -> AddressInfo | str | None:
    """``server.listen(...)`` awaited: see :meth:`nodessl.net.Server.listenAsync`."""
    server.listen(*args, **kwargs)
    # ('listening' and a bind error come on a later tick: the listeners are in time)
    await until(server, "listening")
    return server.address()


def settle(fut: asyncio.Future[None], err: BaseException | None = None) -> None:
    """Resolve ``fut`` with None, or reject it with ``err``: the first settling counts, as
    a Node callback's first call (a later one finds the future done and changes nothing)."""
    if fut.done():
        return
    if err is None:
        fut.set_result(None)
    else:
        fut.set_exception(err)


async def close_async(server: Server) -> None:
    """``server.close()`` awaited: see :meth:`nodessl.net.Server.closeAsync`."""
    fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    server.close(lambda err=None: settle(fut, err))
    await fut


async def server_enter(server: Server) -> Server:
    """``async with`` a server, on entry: once it listens when ``listen`` was called."""
    # (bound is not yet accepting: 'listening' says when it is)
    if (server._binding or server.listening) and getattr(server, "_server", None) is None:
        await until(server, "listening")
    return server


async def server_exit(server: Server, failed: bool) -> None:
    """``async with`` a server, on exit: close it and wait for ``'close'``."""
    if not (server.listening or server._binding or server._connections):
        return
    if failed:
        for conn in list(server._connections):
            conn.destroy()
    server.close()
    await until(server, "close")

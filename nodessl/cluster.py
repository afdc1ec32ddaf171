"""Node's ``cluster`` module for servers: worker processes that share one listening port.

A Node program ports line by line, with Node's names::

    import nodessl as tls
    from nodessl import cluster, net

    context = tls.createSecureContext({"key": KEY, "cert": CERT})  # before fork: shared

    def serve(raw):
        sock = tls.TLSSocket(raw, {"isServer": True, "secureContext": context})
        sock.on("secure", lambda: sock.end(b"x"))

    def main():
        if cluster.isPrimary:
            for _ in range(2):
                cluster.fork()
            cluster.on("exit", lambda worker, code, signal: cluster.fork())
        else:
            net.createServer(serve).listen(8443)

    tls.run(main)

How a worker starts
-------------------
``cluster.fork()`` is a real ``os.fork()`` of the primary, not a new interpreter running
the script again (Node's way).  That is what lets workers share a SecureContext's ticket
keys on *either* backend: the bundled one cannot set ticket keys, but a forked child holds
the very ``SSL_CTX`` (and its keys) its primary built, so a ticket one worker issued is
accepted by every other worker and by the primary.  Build the context before forking
(at module level, or in ``main`` before ``fork()``) and serve on it as above, with
Node's ``new tls.TLSSocket(socket, {isServer: true, secureContext})``.  A
``tls.Server`` builds its own context from its options in each worker (as Node's does,
whatever ``secureContext`` it is given); as in Node, the primary then gives every worker
listening on an address the first one's ticket keys (``_getServerData`` /
``_setServerData``), which only the shared backend can set: on the bundled one, share
tickets through a context built before the fork, as above.

The program must run under :func:`nodessl.run`: ``fork()`` takes the ``main`` that
``run`` is running and, in the child, runs it again from the start as Node runs a
worker's script again, under a fresh asyncio loop, with ``isPrimary`` False and
``isWorker`` True.  The child never touches the primary's loop and never returns into
the primary's call stack: it starts its own ``run`` from inside ``fork()`` and leaves
with ``os._exit`` (exit code 0 when ``run`` returns, ``SystemExit``'s code, 1 after an
uncaught exception, whose traceback goes to stderr).  In the child every inherited
socket and every anonymous inode (the primary's epoll, its listening and connected
sockets, its channels to the other workers) is replaced by ``/dev/null`` before the
worker runs, so connections the primary closes really close and the primary's sockets
are not shared by accident; regular files and pipes (stdout) stay.  Other state made
before ``fork()`` is inherited as with any fork (open files, module globals; other
threads do not survive it); ``sys.stdout``/``sys.stderr`` are flushed before forking so
no buffered output is written twice, and ``atexit`` handlers do not run in a worker.  Read
``cluster.isPrimary`` as ``cluster.isPrimary`` (not ``from nodessl.cluster import
isPrimary``): it changes in the child.

Sharing a port: ``SO_REUSEPORT``
--------------------------------
In a worker, ``server.listen(port)`` (``net.Server`` and ``tls.Server``, TCP) asks the
primary for the port over the IPC channel, then binds *its own* socket to it with
``SO_REUSEPORT`` and listens; Linux spreads new connections over the listening sockets
of the group by a hash of the connection's addresses.  Chosen over the primary's shared
socket (Node's ``SCHED_NONE``) because that spreads badly: every worker's loop wakes on
each connection, and asyncio accepts up to a whole backlog at once, so one worker takes
most of a burst; the kernel's hash spreads evenly, with no wake-up of idle workers.
Chosen over Node's default round robin (the primary accepts and passes each connection
on) because that puts a Python process in the path of every connection.

The primary keeps the port: on a worker's first request for an address it binds a
socket there with ``SO_REUSEPORT`` and never listens on it (so it receives no
connections).  That is where a port already taken fails (the worker's server gets
Node's ``bind EADDRINUSE`` error), what makes ``listen(0)`` give every worker the same
port (the n-th ``listen(0)`` of each worker is one port, as in Node), and what keeps
the port reserved while workers die and are replaced.  The primary lets it go when no
worker uses it any more.

A worker that dies takes its socket out of the group: new connections go to the
others at once, connections it had accepted die with it, and connections the kernel
had queued for it but it had not accepted yet are reset (Linux moves them to another
listener only with ``net.ipv4.tcp_migrate_req = 1``).  No connection to another worker
is affected.  ``SO_REUSEPORT`` joins only sockets of the same user.  Unix-socket
servers and ``listen({"exclusive": True})`` bind in the worker itself, unshared.

``cluster.schedulingPolicy`` is ``SCHED_NONE`` (the operating system spreads the
connections) and cannot be changed.

The channel
-----------
Primary and worker talk over a ``socketpair`` inherited across the fork: one JSON
object a line, read by each side's loop.  ``worker.send(message)`` /
``cluster.worker.send(message)`` / ``cluster.process.send(message)`` carry anything
``json`` can encode, as Node's default ``'json'`` serialization; the other side's
``'message'`` listeners get the decoded value.  (No handles: a Python listener gets
``(message)`` on a Worker or ``process``, ``(worker, message)`` on the cluster.)
The channel keeps a worker alive, as in Node, and its end is ``'disconnect'``.  When it
ends without ``worker.disconnect()`` / ``worker.kill()`` (the primary died), the worker
exits at once with code 0, as Node's do; on Linux a worker is also sent ``SIGTERM``
when its primary dies (``PR_SET_PDEATHSIG``, strictly: when the thread running the
primary's ``run`` ends, which a live worker never lets happen), so no worker outlives
its primary even with its loop blocked.  ``send`` on a closed channel is Node's
``ERR_IPC_CHANNEL_CLOSED``: given to the callback, else an 'error' event, next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import inspect
import json
import os
import signal as _signal
import socket as _pysocket
import stat
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from . import loop as _loop
from .errors import NodeError, NodeTypeError, invalid_arg_type, system_error
from .events import EventEmitter

__all__ = [
    "SCHED_NONE", "SCHED_RR", "Worker", "disconnect", "fork", "isMaster", "isPrimary",
    "isWorker", "process", "schedulingPolicy", "settings", "setupPrimary", "worker",
    "workers",
]

SCHED_NONE = 1
SCHED_RR = 2
schedulingPolicy = SCHED_NONE

isPrimary = True
isMaster = True  # Node's deprecated alias of isPrimary
isWorker = False
settings: dict[str, Any] = {}

_emitter = EventEmitter()
_ids = 0


def _delegate(name: str) -> Callable[..., Any]:
    method = getattr(EventEmitter, name)

    def call(*args: Any) -> Any:
        result = method(_emitter, *args)
        return sys.modules[__name__] if result is _emitter else result

    call.__name__ = name
    call.__doc__ = f"``cluster.{name}``: the cluster's EventEmitter (Node's cluster is one)."
    return call


on = _delegate("on")
once = _delegate("once")
off = _delegate("off")
addListener = _delegate("addListener")
prependListener = _delegate("prependListener")
prependOnceListener = _delegate("prependOnceListener")
removeListener = _delegate("removeListener")
removeAllListeners = _delegate("removeAllListeners")
emit = _delegate("emit")
listeners = _delegate("listeners")
listenerCount = _delegate("listenerCount")


def _signal_number(sig: str | int | None) -> int:
    """Node's signal argument: a name (``'SIGTERM'``) or a number; else ERR_UNKNOWN_SIGNAL."""
    if sig is None:
        return int(_signal.SIGTERM)
    if isinstance(sig, bool):
        raise invalid_arg_type("signal", "one of type string or number", sig)
    if isinstance(sig, int):
        return sig
    if isinstance(sig, str):
        try:
            return int(_signal.Signals[sig])
        except KeyError:
            pass
        raise _unknown_signal(sig)
    raise invalid_arg_type("signal", "one of type string or number", sig)


def _unknown_signal(sig: Any) -> NodeTypeError:
    return NodeTypeError(f"Unknown signal: {sig}", "ERR_UNKNOWN_SIGNAL")


def _encode(message: Any) -> dict[str, Any]:
    """Node's ``send(message)`` checks, then the value as it travels (``json``)."""
    if message is _MISSING:
        raise NodeTypeError('The "message" argument must be specified', "ERR_MISSING_ARGS")
    if not (message is None or isinstance(message, (str, int, float, bool, dict, list, tuple))):
        raise invalid_arg_type("message", "one of type string, object, number, or boolean",
                               message)
    try:
        json.dumps(message)
    except (TypeError, ValueError) as exc:
        raise NodeTypeError(f"The message cannot be serialized: {exc}",
                            "ERR_INVALID_ARG_TYPE") from None
    return {"u": message}


class _Missing:
    def __repr__(self) -> str:
        return "undefined"


_MISSING: Any = _Missing()


def _channel_closed(callback: Callable[..., Any] | None,
                    emit_error: Callable[[NodeError], Any]) -> bool:
    """``send`` on a closed channel, as Node: ``callback(err)``, else an 'error' event, on
    the next tick; False."""
    err = NodeError("Channel closed", "ERR_IPC_CHANNEL_CLOSED")
    loop = _loop.get_loop()
    if callback is not None:
        loop.call_soon(callback, err)
    else:
        loop.call_soon(emit_error, err)
    return False


# -- the IPC channel -------------------------------------------------------------------------

class _Channel:
    """One end of the primary/worker socketpair: JSON lines, read and written by the loop."""

    def __init__(self, sock: _pysocket.socket, loop: asyncio.AbstractEventLoop,
                 on_message: Callable[[dict[str, Any]], None],
                 on_close: Callable[[], None]) -> None:
        sock.setblocking(False)
        self.sock: _pysocket.socket | None = sock
        self.loop = loop
        self.on_message = on_message
        self.on_close = on_close
        self.inbuf = b""
        self.outbuf = bytearray()
        self.callbacks: list[tuple[int, Callable[..., Any]]] = []  # (bytes queued, cb)
        self.sent = 0
        self.writing = False
        loop.add_reader(sock.fileno(), self._readable)

    @property
    def open(self) -> bool:
        return self.sock is not None

    def send(self, obj: dict[str, Any], callback: Callable[..., Any] | None = None) -> None:
        if self.sock is None:
            raise NodeError("Channel closed", "ERR_IPC_CHANNEL_CLOSED")
        self.outbuf += json.dumps(obj, separators=(",", ":")).encode() + b"\n"
        if callback is not None:
            self.callbacks.append((self.sent + len(self.outbuf), callback))
        self._flush()

    def _flush(self) -> None:
        sock = self.sock
        if sock is None:
            return
        while self.outbuf:
            try:
                n = sock.send(self.outbuf)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                self.outbuf.clear()
                self.close()
                return
            del self.outbuf[:n]
            self.sent += n
        while self.callbacks and self.callbacks[0][0] <= self.sent:
            self.loop.call_soon(self.callbacks.pop(0)[1], None)
        if self.outbuf and not self.writing:
            self.writing = True
            self.loop.add_writer(sock.fileno(), self._flush)
        elif not self.outbuf and self.writing:
            self.writing = False
            self.loop.remove_writer(sock.fileno())

    def _readable(self) -> None:
        self.drain()

    def drain(self) -> None:
        """Read what the peer has sent; at its end, close."""
        while self.sock is not None:
            try:
                data = self.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:
                self.close()
                return
            self.inbuf += data
            *lines, self.inbuf = self.inbuf.split(b"\n")
            for line in lines:
                if line and self.sock is not None:
                    self.on_message(json.loads(line))

    def close(self) -> None:
        """Close the channel (what is queued is written first); ``on_close`` once."""
        sock = self.sock
        if sock is None:
            return
        self.sock = None
        with contextlib.suppress(Exception):
            self.loop.remove_reader(sock.fileno())
            if self.writing:
                self.loop.remove_writer(sock.fileno())
        if self.outbuf:
            # the last messages (exitedAfterDisconnect, say) go out before the end
            with contextlib.suppress(OSError):
                sock.settimeout(1.0)
                sock.sendall(self.outbuf)
            self.outbuf.clear()
        sock.close()
        self.loop.call_soon(self.on_close)


# -- Worker ----------------------------------------------------------------------------------

class _ChildProcess(EventEmitter):
    """``worker.process`` in the primary: the forked process (Node's ChildProcess)."""

    def __init__(self, pid: int, worker: Worker) -> None:
        super().__init__()
        self.pid = pid
        self.exitCode: int | None = None
        self.signalCode: str | None = None
        self._worker = worker

    @property
    def connected(self) -> bool:
        """Whether the IPC channel to the worker is open."""
        channel = self._worker._channel
        return channel is not None and channel.open

    def kill(self, signal: str | int | None = "SIGTERM") -> bool:
        """Send ``signal`` to the worker's process; False when it has exited."""
        signo = _signal_number(signal)
        if self.exitCode is not None or self.signalCode is not None:
            return False  # reaped already: the pid may belong to someone else now
        try:
            os.kill(self.pid, signo)
        except ProcessLookupError:
            return False
        except (OSError, ValueError, OverflowError):
            raise _unknown_signal(signal) from None
        return True

    def send(self, message: Any = _MISSING, callback: Callable[..., Any] | None = None) -> bool:
        """``worker.send``."""
        return self._worker.send(message, callback)

    def disconnect(self) -> None:
        """Close the IPC channel ('disconnect' follows)."""
        if self._worker._channel is not None:
            self._worker._channel.close()


class _Process(EventEmitter):
    """``cluster.process``: what Node's ``process`` is to cluster code (``send``,
    ``connected``, ``disconnect()``, ``pid``, ``kill``; 'message' and 'disconnect' events).
    In the primary it has no channel: ``send`` raises ERR_IPC_CHANNEL_CLOSED."""

    def __init__(self) -> None:
        super().__init__()
        self._channel: _Channel | None = None

    @property
    def pid(self) -> int:
        """This process's id."""
        return os.getpid()

    @property
    def connected(self) -> bool:
        """Whether the IPC channel to the primary is open."""
        return self._channel is not None and self._channel.open

    def send(self, message: Any = _MISSING, callback: Callable[..., Any] | None = None) -> bool:
        """Send ``message`` to the primary (its 'message' events); ``callback(None)`` once
        written."""
        payload = _encode(message)
        if self._channel is None or not self._channel.open:
            if worker is None:  # the primary: Node's has no process.send at all
                raise NodeError("Channel closed", "ERR_IPC_CHANNEL_CLOSED")
            return _channel_closed(callback, self._emit_error)
        self._channel.send(payload, callback)
        return True

    def _emit_error(self, err: NodeError) -> None:
        # Node's worker.process is process: its 'error' is also the worker's, which throws
        # when nobody listens
        self.emit("error", err)
        if worker is not None:
            worker.emit("error", err)

    def disconnect(self) -> None:
        """Close the channel to the primary."""
        if self._channel is not None:
            self._channel.close()

    def kill(self, pid: int, signal: str | int | None = "SIGTERM") -> bool:
        """``process.kill(pid[, signal])``."""
        os.kill(pid, _signal_number(signal))
        return True


process = _Process()


class Worker(EventEmitter):
    """Node's ``cluster.Worker``: in the primary one per forked worker (``cluster.workers``),
    in a worker the worker itself (``cluster.worker``).

    Events: 'online', 'listening' (address), 'message' (message), 'disconnect',
    'exit' (code, signal), 'error'.
    """

    def __init__(self, id: int, proc: Any, state: str = "none") -> None:
        super().__init__()
        self.id = id
        self.process = proc
        self.state = state
        self.exitedAfterDisconnect: bool | None = None
        self._channel: _Channel | None = None
        self._pidfd: int | None = None
        self._disconnected = False  # 'disconnect' emitted (the primary's side)

    def send(self, message: Any = _MISSING, callback: Callable[..., Any] | None = None) -> bool:
        """Send ``message`` (anything ``json`` encodes) to the other side's 'message'
        listeners; ``callback(err)`` once it is written."""
        if isWorker:
            return process.send(message, callback)
        payload = _encode(message)
        if self._channel is None or not self._channel.open:
            return _channel_closed(callback, lambda err: self.emit("error", err))
        self._channel.send(payload, callback)
        return True

    def isDead(self) -> bool:
        """Whether the worker's process has exited."""
        if isWorker:
            return False
        return self.process.exitCode is not None or self.process.signalCode is not None

    def isConnected(self) -> bool:
        """Whether the IPC channel between primary and worker is open."""
        return bool(self.process.connected)

    def kill(self, signal: str | int | None = "SIGTERM") -> None:
        """In the primary: send ``signal`` to the worker's process (as Node 20 does:
        ``exitedAfterDisconnect`` stays False).  In a worker: tell the primary the exit
        is intended, then exit with code 0."""
        _signal_number(signal)
        if isWorker:
            _worker_destroy(self)
            return
        self.process.kill(signal)

    destroy = kill

    def disconnect(self) -> Worker:
        """Close the worker's servers (no new connections), then the channel: the worker
        ends once its open connections have.  ``exitedAfterDisconnect`` becomes True."""
        if isWorker:
            if self.state not in ("disconnecting", "destroying"):
                self.state = "disconnecting"
                _worker_disconnect(self, primary_initiated=False)
            return self
        self.exitedAfterDisconnect = True
        if self._channel is not None and self._channel.open:
            self._channel.send({"i": {"act": "disconnect"}})
        _remove_handles_for(self)
        _remove_worker(self)
        return self


worker: Worker | None = None
workers: dict[int, Worker] | None = {}


# -- the primary -----------------------------------------------------------------------------

class _PortHandle:
    """The primary's hold on one shared address: a bound, never listening socket."""

    def __init__(self, key: str, address: str | None, port: int, address_type: int) -> None:
        self.key = key
        self.workers: set[int] = set()
        self.errno: int | None = None
        self.data: Any = None  # Node's handle.data: what _getServerData gave first
        self.port = port
        self.sock: _pysocket.socket | None = None
        try:
            self.sock = _bind_reuseport(address, port, address_type)
            self.port = self.sock.getsockname()[1]
        except OSError as exc:
            self.errno = exc.errno or 1

    def remove(self, worker_id: int) -> bool:
        """Forget a worker; True (and the port let go) when none is left."""
        self.workers.discard(worker_id)
        if self.workers:
            return False
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        return True


_handles: dict[str, _PortHandle] = {}
_disconnect_callbacks: list[Callable[..., Any]] = []


def _bind_reuseport(address: str | None, port: int, address_type: int) -> _pysocket.socket:
    """A socket bound to ``address:port`` with SO_REUSEPORT (not listening); no address:
    Node's dual-stack ``::``, else ``0.0.0.0``."""
    if address is None:
        candidates = [(_pysocket.AF_INET6, "::"), (_pysocket.AF_INET, "0.0.0.0")]
    else:
        candidates = [(_pysocket.AF_INET6 if address_type == 6 else _pysocket.AF_INET, address)]
    last_error: OSError | None = None
    for family, host in candidates:
        try:
            sock = _pysocket.socket(family, _pysocket.SOCK_STREAM)
        except OSError as exc:
            last_error = exc
            continue
        try:
            sock.setsockopt(_pysocket.SOL_SOCKET, _pysocket.SO_REUSEADDR, 1)
            sock.setsockopt(_pysocket.SOL_SOCKET, _pysocket.SO_REUSEPORT, 1)
            if address is None and family == _pysocket.AF_INET6:
                sock.setsockopt(_pysocket.IPPROTO_IPV6, _pysocket.IPV6_V6ONLY, 0)
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE:
                raise  # taken: no other family to try (as net's own bind)
            last_error = exc
            continue
        return sock
    assert last_error is not None
    raise last_error


def setupPrimary(options: Mapping[str, Any] | None = None) -> None:
    """Node's ``cluster.setupPrimary``: merges ``options`` into ``cluster.settings`` and
    emits 'setup'.  Workers are forks of the primary, so ``exec``/``args``/``silent``
    are recorded but change nothing."""
    global settings
    if options is not None and not isinstance(options, Mapping):
        raise invalid_arg_type("options", "of type object", options)
    settings = {**settings, **(options or {})}
    _loop.get_loop().call_soon(_emitter.emit, "setup", settings)


setupMaster = setupPrimary


def fork(env: Mapping[str, Any] | None = None) -> Worker:
    """Fork a worker process that runs the program (``nodessl.run``'s ``main``) again as
    a worker, with ``env`` added to its environment; returns its :class:`Worker`."""
    global _ids
    if not isPrimary:
        raise NodeError("cluster.fork() is only available in the primary", "ERR_INVALID_STATE")
    if env is not None and not isinstance(env, Mapping):
        raise invalid_arg_type("env", "of type object", env)
    loop = _loop.get_loop()
    program = _loop._state(loop).program
    if program is None:
        raise NodeError("cluster.fork() forks a program run by nodessl.run(main): call it "
                        "from code that run() is running", "ERR_INVALID_STATE")
    extra = {str(k): str(v) for k, v in (env or {}).items() if v is not None}
    _ids += 1
    wid = _ids
    ours, theirs = _pysocket.socketpair(_pysocket.AF_UNIX, _pysocket.SOCK_STREAM)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()  # else the child would write the primary's buffered output again
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            ours.close()
            code = _become_worker(wid, theirs, extra, parent, program, loop)
        except BaseException:  # noqa: BLE001 - never back into the primary's stack
            with contextlib.suppress(Exception):
                traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            os._exit(code)
    theirs.close()
    w = Worker(wid, None)
    w.process = _ChildProcess(pid, w)
    w._channel = _Channel(ours, loop, lambda m: _primary_message(w, m),
                          lambda: _primary_disconnected(w))
    _loop.ref(w, loop)  # a live worker keeps the primary running, as a child process does
    _watch_exit(w, loop)
    assert workers is not None
    workers[wid] = w
    loop.call_soon(_emitter.emit, "fork", w)
    return w


def _watch_exit(w: Worker, loop: asyncio.AbstractEventLoop) -> None:
    try:
        fd = os.pidfd_open(w.process.pid)
    except (AttributeError, OSError):
        def poll() -> None:
            if not _reap(w, loop):
                loop.call_later(0.05, poll)
        loop.call_later(0.05, poll)
        return
    w._pidfd = fd
    loop.add_reader(fd, _reap, w, loop)


def _reap(w: Worker, loop: asyncio.AbstractEventLoop) -> bool:
    try:
        pid, status = os.waitpid(w.process.pid, os.WNOHANG)
    except ChildProcessError:
        pid, status = w.process.pid, 0  # reaped by someone else: no status to report
    if pid == 0:
        return False
    if w._pidfd is not None:
        loop.remove_reader(w._pidfd)
        os.close(w._pidfd)
        w._pidfd = None
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        try:
            w.process.signalCode = _signal.Signals(-code).name
        except ValueError:
            w.process.signalCode = str(-code)
    else:
        w.process.exitCode = code
    if w._channel is not None:
        # what the worker wrote before it died is read first, and 'disconnect' comes
        # before 'exit' (the order Node reports them in)
        w._channel.drain()
        w._channel.close()
        _primary_disconnected(w)
    if not w.isConnected():
        _remove_handles_for(w)
        _remove_worker(w)
    w.exitedAfterDisconnect = bool(w.exitedAfterDisconnect)
    w.state = "dead"
    w.emit("exit", w.process.exitCode, w.process.signalCode)
    _emitter.emit("exit", w, w.process.exitCode, w.process.signalCode)
    _loop.unref(w, loop)
    return True


def _primary_disconnected(w: Worker) -> None:
    if w._disconnected:
        return
    w._disconnected = True
    _remove_handles_for(w)
    if w.isDead():
        _remove_worker(w)
    w.exitedAfterDisconnect = bool(w.exitedAfterDisconnect)
    w.state = "disconnected"
    w.emit("disconnect")
    _emitter.emit("disconnect", w)


def _remove_worker(w: Worker) -> None:
    if workers is None or workers.pop(w.id, None) is None:
        return
    if not workers:
        callbacks = list(_disconnect_callbacks)
        _disconnect_callbacks.clear()
        for cb in callbacks:
            cb()


def _remove_handles_for(w: Worker) -> None:
    for key, handle in list(_handles.items()):
        if w.id in handle.workers and handle.remove(w.id):
            del _handles[key]


def disconnect(callback: Callable[[], Any] | None = None) -> None:
    """``cluster.disconnect([callback])``: disconnect every worker; ``callback()`` once
    all are gone."""
    if not isPrimary:
        raise NodeError("cluster.disconnect() is only available in the primary",
                        "ERR_INVALID_STATE")
    if callback is not None and not callable(callback):
        raise invalid_arg_type("callback", "of type function", callback)
    loop = _loop.get_loop()
    if callback is not None:
        if workers:
            _disconnect_callbacks.append(callback)
        else:
            loop.call_soon(callback)
    for w in list((workers or {}).values()):
        if w.isConnected():
            w.disconnect()


def _primary_message(w: Worker, message: dict[str, Any]) -> None:
    if "u" in message:
        w.emit("message", message["u"])
        _emitter.emit("message", w, message["u"])
        return
    internal = message.get("i") or {}
    act = internal.get("act")
    if act == "online":
        w.state = "online"
        w.emit("online")
        _emitter.emit("online", w)
    elif act == "queryServer":
        _query_server(w, internal)
    elif act == "listening":
        info = {"addressType": internal.get("addressType"), "address": internal.get("address"),
                "port": internal.get("port")}
        w.state = "listening"
        w.emit("listening", info)
        _emitter.emit("listening", w, info)
    elif act == "close":
        handle = _handles.get(internal.get("key", ""))
        if handle is not None and w.id in handle.workers and handle.remove(w.id):
            del _handles[handle.key]
    elif act == "exitedAfterDisconnect":
        w.exitedAfterDisconnect = True


def _query_server(w: Worker, query: dict[str, Any]) -> None:
    if w.exitedAfterDisconnect:
        return  # disconnecting: it will not listen any more
    address, port, address_type = query.get("address"), query.get("port"), query.get("addressType")
    key = f"{address}:{port}:{address_type}:{query.get('index')}"
    handle = _handles.get(key)
    if handle is None:
        handle = _handles[key] = _PortHandle(key, address, int(port or 0), int(address_type or 4))
    if handle.data is None:
        handle.data = query.get("data")  # the first worker's ticket keys, for all
    if handle.errno:
        del _handles[key]  # the next worker tries again
    else:
        handle.workers.add(w.id)
    if w._channel is not None and w._channel.open:
        w._channel.send({"i": {"ack": query.get("seq"), "errno": handle.errno, "key": key,
                               "port": handle.port, "data": handle.data}})


# -- in a worker -----------------------------------------------------------------------------

_abandoned: list[Any] = []  # the primary's loop and stack, kept: nothing of it may run or close
_indexes: dict[str, set[int]] = {}
_next_index: dict[str, int] = {}
_pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
_seq = 0
_servers: set[Any] = set()


def _become_worker(wid: int, sock: _pysocket.socket, env: dict[str, str], parent: int,
                   program: tuple[Callable[..., Any], tuple[Any, ...]],
                   old: asyncio.AbstractEventLoop) -> int:
    """In the child of ``fork()``: turn into worker ``wid`` and run the program; the exit
    code."""
    global isPrimary, isMaster, isWorker, workers, worker, _seq
    _die_with(parent)
    os.environ.update(env)
    os.environ["NODE_UNIQUE_ID"] = str(wid)
    _abandoned.append(old)
    for signo in list(getattr(old, "_signal_handlers", {})):
        with contextlib.suppress(Exception):
            _signal.signal(signo, _signal.SIG_DFL)
    with contextlib.suppress(Exception):
        _signal.set_wakeup_fd(-1)
    _neutralize({sock.fileno()})
    isPrimary = isMaster = False
    isWorker = True
    workers = None
    _handles.clear()
    _disconnect_callbacks.clear()
    _pending.clear()
    _indexes.clear()
    _next_index.clear()
    _servers.clear()
    _seq = 0
    _emitter.removeAllListeners()
    process.removeAllListeners()
    worker = Worker(wid, process, state="online")
    # The primary's loop is "running" further down this stack; asyncio's own at-fork hook
    # has made the child forget it, and it stays exactly as it is: never run nor closed.
    main, args = program

    async def worker_main() -> Any:
        loop = asyncio.get_running_loop()
        channel = _Channel(sock, loop, _worker_message, _worker_disconnected)
        process._channel = channel
        _loop.ref(channel, loop)  # the channel keeps a worker alive, as in Node
        channel.send({"i": {"act": "online"}})
        result = main(*args)
        if inspect.isawaitable(result):
            result = await result
        return result

    try:
        _loop.run(worker_main)
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001 - an uncaught exception ends the worker
        traceback.print_exc()
        return 1
    return 0


def _die_with(parent: int) -> None:
    """SIGTERM when the primary dies (Linux); already dead: exit now."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(_signal.SIGTERM))  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def _neutralize(keep: set[int]) -> None:
    """Put /dev/null in place of every inherited socket and anonymous inode but ``keep``
    (the primary's connections, listeners, epoll, channels): the fd numbers stay taken,
    so a stale object closing one later closes /dev/null, not a socket of the worker's."""
    fd_dir = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    try:
        fds = [int(name) for name in os.listdir(fd_dir)]
    except OSError:
        return
    null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    try:
        for fd in fds:
            if fd <= 2 or fd in keep or fd == null:
                continue
            try:
                mode = os.fstat(fd).st_mode
            except OSError:
                continue  # the directory listing's own fd, closed by now
            target = ""
            with contextlib.suppress(OSError):
                target = os.readlink(f"{fd_dir}/{fd}")
            if stat.S_ISSOCK(mode) or target.startswith("anon_inode:"):
                os.dup2(null, fd, inheritable=False)
    finally:
        os.close(null)


def _worker_message(message: dict[str, Any]) -> None:
    if "u" in message:
        process.emit("message", message["u"])
        if worker is not None:
            worker.emit("message", message["u"])
        return
    internal = message.get("i") or {}
    ack = internal.get("ack")
    if ack is not None:
        fut = _pending.pop(ack, None)
        if fut is not None and not fut.done():
            fut.set_result(internal)
    elif internal.get("act") == "disconnect" and worker is not None:
        _worker_disconnect(worker, primary_initiated=True)


def _worker_disconnected() -> None:
    loop = _loop.get_loop()
    channel = process._channel
    if channel is not None:
        _loop.unref(channel, loop)
    for fut in _pending.values():
        if not fut.done():
            fut.set_exception(NodeError("Channel closed", "ERR_IPC_CHANNEL_CLOSED"))
    _pending.clear()
    process.emit("disconnect")
    if worker is not None:
        worker.emit("disconnect")
        if not worker.exitedAfterDisconnect:
            # the primary is gone (or closed the channel unasked): exit now, as Node does
            raise SystemExit(0)


def _worker_disconnect(w: Worker, primary_initiated: bool) -> None:
    w.exitedAfterDisconnect = True
    waiting = [len(_servers) + 1]

    def check(*_: Any) -> None:
        waiting[0] -= 1
        if waiting[0] == 0:
            if not primary_initiated and process.connected:
                process._channel.send({"i": {"act": "exitedAfterDisconnect"}})  # type: ignore[union-attr]
            process.disconnect()

    for server in list(_servers):
        server.close(check)
    _servers.clear()
    check()


def _worker_destroy(w: Worker) -> None:
    if w.state == "destroying":
        return
    w.exitedAfterDisconnect = True
    w.state = "destroying"
    if process.connected:
        process._channel.send({"i": {"act": "exitedAfterDisconnect"}})  # type: ignore[union-attr]
        process.disconnect()

    def leave() -> None:
        raise SystemExit(0)

    _loop.get_loop().call_soon(leave)


async def _request(query: dict[str, Any]) -> dict[str, Any]:
    global _seq
    _seq += 1
    fut: asyncio.Future[dict[str, Any]] = _loop.get_loop().create_future()
    _pending[_seq] = fut
    process._channel.send({"i": {**query, "seq": _seq}})  # type: ignore[union-attr]
    return await fut


class _SharedPortSocket(_pysocket.socket):
    """A worker's listening socket on a shared port: closing it tells the primary."""

    _cluster_key: str | None = None
    _cluster_release: Callable[[], None] | None = None

    def close(self) -> None:
        release, self._cluster_release = self._cluster_release, None
        if release is not None:
            release()
        super().close()


def listen_in_worker(server: Any, host: str | None, port: int | None, backlog: int) -> None:
    """``net.Server.listen``'s hook in a worker: take the port from the primary, then
    listen on it with SO_REUSEPORT (see the module docstring).  As in Node, ``listening``
    (or the error) follows once the primary has answered."""
    loop = server._loop
    _loop.spawn(loop, _listen(server, host, port or 0, backlog, server._generation))


def _get_server_data(server: Any) -> dict[str, str] | None:
    """Node's ``server._getServerData()``: a tls.Server's ticket keys, which the primary
    keeps from the first worker listening on an address and gives every other one."""
    get = getattr(server, "getTicketKeys", None)
    if get is None:
        return None  # a net.Server
    try:
        return {"ticketKeys": get().hex()}
    except NodeError:
        return None  # the bundled backend: no ticket keys to read (or set)


def _set_server_data(server: Any, data: Any) -> None:
    """Node's ``server._setServerData(data)``: take the first worker's ticket keys."""
    keys = data.get("ticketKeys") if isinstance(data, dict) else None
    if keys and hasattr(server, "setTicketKeys"):
        with contextlib.suppress(NodeError):
            server.setTicketKeys(bytes.fromhex(keys))


async def _listen(server: Any, host: str | None, port: int, backlog: int,
                  generation: int) -> None:
    from . import net
    from .errors import dns_error

    loop = server._loop
    address = host
    if host is not None and not net.isIP(host):
        try:
            infos = await loop.getaddrinfo(host, port, type=_pysocket.SOCK_STREAM,
                                           flags=_pysocket.AI_PASSIVE)
        except OSError as exc:
            if generation == server._generation:
                server._listen_failed(dns_error(exc, "getaddrinfo", host))
            return
        address = infos[0][4][0]
    address_type = 6 if address is not None and net.isIP(address) == 6 else 4
    index_key = f"{address}:{port}:{address_type}"
    index = _next_index.get(index_key, 0)
    _next_index[index_key] = index + 1
    _indexes.setdefault(index_key, set()).add(index)

    def forget_index() -> None:
        used = _indexes.get(index_key)
        if used is not None:
            used.discard(index)
            if not used:
                del _indexes[index_key]
                _next_index.pop(index_key, None)

    try:
        reply = await _request({"act": "queryServer", "address": address, "port": port,
                                "addressType": address_type, "index": index,
                                "data": _get_server_data(server)})
    except NodeError as exc:
        forget_index()
        if generation == server._generation:
            server._listen_failed(exc)
        return
    key = reply.get("key")

    def release() -> None:
        forget_index()
        _servers.discard(server)
        if process.connected:
            process._channel.send({"i": {"act": "close", "key": key}})  # type: ignore[union-attr]

    if reply.get("errno"):
        forget_index()
        if generation == server._generation:
            server._listen_failed(system_error(OSError(reply["errno"], os.strerror(reply["errno"])),
                                               "bind", address, port))
        return
    if generation != server._generation:
        release()  # closed while the primary answered
        return
    _set_server_data(server, reply.get("data"))
    shared_port = int(reply["port"])
    try:
        plain = _bind_reuseport(address, shared_port, address_type)
    except OSError as exc:
        release()
        server._listen_failed(system_error(exc, "bind", address, shared_port))
        return
    sock = _SharedPortSocket(plain.family, plain.type, plain.proto, plain.detach())
    sock._cluster_key = key
    sock._cluster_release = release
    sock.setblocking(False)
    _servers.add(server)

    def report() -> None:
        if process.connected:
            process._channel.send({"i": {"act": "listening", "address": address,  # type: ignore[union-attr]
                                         "port": shared_port, "addressType": address_type}})

    server.once("listening", report)
    server._listen_on(sock, None, backlog)

"""Node 20's streams (``require('stream')``): Readable, Writable, Duplex, Transform, PassThrough.

The state machines follow Node's ``lib/internal/streams/*.js`` rule for rule, so
event orders match Node's: ``process.nextTick`` is ``loop.call_soon`` here.

Making a stream, as in Node, either way:

* options, as a dict and/or keyword arguments: ``Duplex({"read": ..., "write": ...},
  highWaterMark=4)``.  Node calls ``read``/``write``/``writev``/``final``/``destroy``/
  ``construct``/``transform``/``flush`` with ``this`` bound to the stream; here a
  function that takes one positional parameter more than Node passes (or ``*args``)
  gets the stream as its first argument (``lambda self, size: self.push(b"x")``), one
  that does not is called with Node's arguments only (``lambda size: ...``; fewer
  parameters than Node passes are fine too, as in JS).
* subclassing: override ``_read(size)``, ``_write(chunk, encoding, callback)``,
  ``_writev(chunks, callback)`` (``chunks`` is a list of ``{"chunk", "encoding"}``),
  ``_final(callback)``, ``_destroy(err, callback)``, ``_construct(callback)``,
  ``_transform(chunk, encoding, callback)``, ``_flush(callback)``.

Options: ``highWaterMark``, ``readableHighWaterMark``, ``writableHighWaterMark``,
``objectMode``, ``readableObjectMode``, ``writableObjectMode``, ``encoding``,
``defaultEncoding``, ``decodeStrings``, ``emitClose``, ``autoDestroy``,
``allowHalfOpen``, ``readable``, ``writable``.  Encodings are Node's (see
:mod:`nodessl.encodings`); ``bytes`` is ``Buffer``.

Also :func:`finished` and :func:`pipeline` with Node's error codes.
"""

from __future__ import annotations

import inspect
import types
from collections import deque
from collections.abc import Callable
from typing import Any

from . import encodings as _enc
from .errors import NodeError, NodeRangeError, NodeTypeError, invalid_arg_type, invalid_arg_value
from .events import EventEmitter
from .loop import get_loop

__all__ = ["Duplex", "PassThrough", "Readable", "Stream", "Transform", "Writable", "finished",
           "pipeline", "getDefaultHighWaterMark"]

DEFAULT_HIGH_WATER_MARK = 16 * 1024
DEFAULT_OBJECT_HIGH_WATER_MARK = 16
MAX_HWM = 0x40000000

WriteCallback = Callable[..., Any] | None


def getDefaultHighWaterMark(objectMode: bool = False) -> int:
    """Node 20's defaults: 16 KiB, or 16 objects."""
    return DEFAULT_OBJECT_HIGH_WATER_MARK if objectMode else DEFAULT_HIGH_WATER_MARK


def _nop(*_: Any) -> None:
    pass


# -- Node's error codes ------------------------------------------------------------------------

def _premature_close() -> NodeError:
    return NodeError("Premature close", "ERR_STREAM_PREMATURE_CLOSE")


def _destroyed(method: str) -> NodeError:
    return NodeError(f"Cannot call {method} after a stream was destroyed", "ERR_STREAM_DESTROYED")


def _multiple_callback() -> NodeError:
    return NodeError("Callback called multiple times", "ERR_MULTIPLE_CALLBACK")


def _not_implemented(method: str) -> NodeError:
    return NodeError(f"The {method} method is not implemented", "ERR_METHOD_NOT_IMPLEMENTED")


def _chunk_type(chunk: Any) -> NodeTypeError:
    return invalid_arg_type("chunk", "of type string or an instance of Buffer or Uint8Array",
                            chunk)


def _high_water_mark(opts: dict[str, Any], duplex_key: str, is_duplex: bool,
                     object_mode: bool) -> int:
    hwm = opts.get("highWaterMark")
    name = "highWaterMark"
    if hwm is None and is_duplex:
        hwm, name = opts.get(duplex_key), duplex_key
    if hwm is None:
        return getDefaultHighWaterMark(object_mode)
    if isinstance(hwm, bool) or not isinstance(hwm, (int, float)) or hwm != hwm or hwm < 0:
        raise invalid_arg_value(f"options.{name}", hwm)
    return int(hwm)


def _bind(stream: Any, fn: Any, arity: int, name: str) -> Callable[..., Any]:
    """An option callable as a method: the stream first when it takes one more parameter."""
    if not callable(fn):
        raise invalid_arg_type(f"options.{name}", "of type function", fn)
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return fn  # a builtin: called with Node's arguments
    count = 0
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            return types.MethodType(fn, stream)
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            count += 1
    if count > arity:
        return types.MethodType(fn, stream)
    if count == arity:
        return fn
    return lambda *args: fn(*args[:count])  # JS ignores extra arguments


def _options(options: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    if options is None:
        return dict(kwargs)
    if not isinstance(options, dict):
        raise invalid_arg_type("options", "of type object", options)
    return {**options, **kwargs} if kwargs else options


def _to_buffer(chunk: Any) -> bytes | None:
    """bytes for a Buffer-like chunk, None otherwise."""
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, (bytearray, memoryview)):
        return bytes(chunk)
    return None


class ReadableState:
    """Node's ``_readableState``."""

    __slots__ = ("objectMode", "highWaterMark", "buffer", "length", "pipes", "flowing", "ended",
                 "endEmitted", "reading", "constructed", "sync", "needReadable",
                 "emittedReadable", "readableListening", "resumeScheduled", "errorEmitted",
                 "emitClose", "autoDestroy", "destroyed", "errored", "closed", "closeEmitted",
                 "defaultEncoding", "awaitDrainWriters", "multiAwaitDrain", "readingMore",
                 "dataEmitted", "decoder", "encoding", "paused", "readable")

    def __init__(self, opts: dict[str, Any], is_duplex: bool) -> None:
        self.objectMode = bool(opts.get("objectMode") or
                               (is_duplex and opts.get("readableObjectMode")))
        self.highWaterMark = _high_water_mark(opts, "readableHighWaterMark", is_duplex,
                                              self.objectMode)
        self.buffer: deque[Any] = deque()
        self.length = 0
        self.pipes: list[Any] = []
        self.flowing: bool | None = None
        self.ended = False
        self.endEmitted = False
        self.reading = False
        self.constructed = True
        self.sync = True  # Node: until the first _read returned
        self.needReadable = False
        self.emittedReadable = False
        self.readableListening = False
        self.resumeScheduled = False
        self.errorEmitted = False
        self.emitClose = opts.get("emitClose", True) is not False
        self.autoDestroy = opts.get("autoDestroy", True) is not False
        self.destroyed = False
        self.errored: BaseException | None = None
        self.closed = False
        self.closeEmitted = False
        self.defaultEncoding = opts.get("defaultEncoding") or "utf8"
        self.awaitDrainWriters: Any = None
        self.multiAwaitDrain = False
        self.readingMore = False
        self.dataEmitted = False
        self.decoder: _enc.StringDecoder | None = None
        self.encoding: str | None = None
        self.paused: bool | None = None
        self.readable = True
        if opts.get("encoding"):
            self.decoder = _enc.StringDecoder(opts["encoding"])
            self.encoding = self.decoder.encoding


class WritableState:
    """Node's ``_writableState``."""

    __slots__ = ("objectMode", "highWaterMark", "finalCalled", "needDrain", "ending", "ended",
                 "finished", "destroyed", "decodeStrings", "defaultEncoding", "length",
                 "writing", "corked", "sync", "bufferProcessing", "writecb", "writelen",
                 "afterWriteTickInfo", "buffered", "bufferedIndex", "allNoop", "pendingcb",
                 "constructed", "prefinished", "errorEmitted", "emitClose", "autoDestroy",
                 "errored", "closed", "closeEmitted", "onFinished", "writable")

    def __init__(self, opts: dict[str, Any], is_duplex: bool) -> None:
        self.objectMode = bool(opts.get("objectMode") or
                               (is_duplex and opts.get("writableObjectMode")))
        self.highWaterMark = _high_water_mark(opts, "writableHighWaterMark", is_duplex,
                                              self.objectMode)
        self.finalCalled = False
        self.needDrain = False
        self.ending = False
        self.ended = False
        self.finished = False
        self.destroyed = False
        self.decodeStrings = opts.get("decodeStrings", True) is not False
        enc = opts.get("defaultEncoding") or "utf8"
        self.defaultEncoding = "buffer" if enc == "buffer" else _enc.canonical(enc)
        self.length = 0
        self.writing = False
        self.corked = 0
        self.sync = True
        self.bufferProcessing = False
        self.writecb: Any = None
        self.writelen = 0
        self.afterWriteTickInfo: list[Any] | None = None
        self.buffered: list[Any] = []  # [chunk, encoding, callback] entries
        self.bufferedIndex = 0
        self.allNoop = True
        self.pendingcb = 0
        self.constructed = True
        self.prefinished = False
        self.errorEmitted = False
        self.emitClose = opts.get("emitClose", True) is not False
        self.autoDestroy = opts.get("autoDestroy", True) is not False
        self.errored: BaseException | None = None
        self.closed = False
        self.closeEmitted = False
        self.onFinished: list[Callable[..., Any]] = []
        self.writable = True


class Stream(EventEmitter):
    """Node's legacy ``Stream``: the base of every stream (an EventEmitter)."""

    _readableState: ReadableState | None = None
    _writableState: WritableState | None = None

    def __init__(self) -> None:
        super().__init__()
        self._loop = get_loop()

    # -- destroy (lib/internal/streams/destroy.js) ------------------------------------------

    def destroy(self, err: BaseException | None = None,
                cb: Callable[..., Any] | None = None) -> Any:
        """Destroy the stream: ``error`` (if ``err``) then ``close`` on a later tick."""
        r, w = self._readableState, self._writableState
        if (w is not None and w.destroyed) or (r is not None and r.destroyed):
            if callable(cb):
                cb()
            return self
        _check_error(err, w, r)
        if w is not None:
            w.destroyed = True
        if r is not None:
            r.destroyed = True
        s = w or r
        if s is not None and not s.constructed:
            def after_construct(er: Any = None) -> None:
                self._destroy_now(er or err, cb)

            self.once("__construct_done", after_construct)
        else:
            self._destroy_now(err, cb)
        return self

    def _destroy_now(self, err: BaseException | None, cb: Callable[..., Any] | None) -> None:
        called = False

        def on_destroy(error: BaseException | None = None) -> None:
            nonlocal called
            if called:
                return
            called = True
            r, w = self._readableState, self._writableState
            _check_error(error, w, r)
            if w is not None:
                w.closed = True
            if r is not None:
                r.closed = True
            if callable(cb):
                cb(error)
            if error is not None:
                self._loop.call_soon(self._emit_error_close_nt, error)
            else:
                self._loop.call_soon(self._emit_close_nt)

        try:
            self._destroy(err, on_destroy)
        except Exception as exc:  # noqa: BLE001 - a throwing _destroy is its callback's error
            on_destroy(exc)

    def _destroy(self, err: BaseException | None, callback: Callable[..., Any]) -> None:
        """Release resources, then ``callback(err)``."""
        callback(err)

    def _undestroy(self) -> None:
        """Node's ``_undestroy()``: the stream is as if never destroyed, errored or ended
        (a side that is not readable / writable stays ended)."""
        r, w = self._readableState, self._writableState
        if r is not None:
            r.constructed = True
            r.closed = r.closeEmitted = r.destroyed = False
            r.errored = None
            r.errorEmitted = r.reading = False
            r.ended = r.endEmitted = r.readable is False
        if w is not None:
            w.constructed = True
            w.destroyed = w.closed = w.closeEmitted = False
            w.errored = None
            w.errorEmitted = w.finalCalled = w.prefinished = False
            w.ended = w.ending = w.finished = w.writable is False

    def _emit_error_close_nt(self, err: BaseException) -> None:
        self._emit_error_nt(err)
        self._emit_close_nt()

    def _emit_close_nt(self) -> None:
        r, w = self._readableState, self._writableState
        if w is not None:
            w.closeEmitted = True
        if r is not None:
            r.closeEmitted = True
        if (w is not None and w.emitClose) or (r is not None and r.emitClose):
            self.emit("close")

    def _emit_error_nt(self, err: BaseException) -> None:
        r, w = self._readableState, self._writableState
        if (w is not None and w.errorEmitted) or (r is not None and r.errorEmitted):
            return
        if w is not None:
            w.errorEmitted = True
        if r is not None:
            r.errorEmitted = True
        self._emit_error(err)

    def _emit_error(self, err: BaseException) -> None:
        """Emit ``error`` (a subclass may route it elsewhere)."""
        self.emit("error", err)

    def _error_or_destroy(self, err: BaseException, sync: bool = False) -> None:
        r, w = self._readableState, self._writableState
        if (w is not None and w.destroyed) or (r is not None and r.destroyed):
            return
        if (r is not None and r.autoDestroy) or (w is not None and w.autoDestroy):
            self.destroy(err)
        elif err is not None:
            if w is not None and w.errored is None:
                w.errored = err
            if r is not None and r.errored is None:
                r.errored = err
            if sync:
                self._loop.call_soon(self._emit_error_nt, err)
            else:
                self._emit_error_nt(err)

    def _construct_now(self) -> None:
        """Run ``_construct(cb)`` on the next tick; the stream waits for it (Node's construct)."""
        r, w = self._readableState, self._writableState
        if r is not None:
            r.constructed = False
        if w is not None:
            w.constructed = False
        self._loop.call_soon(self._construct_nt)

    def _construct_nt(self) -> None:
        called = False

        def on_construct(err: BaseException | None = None) -> None:
            nonlocal called
            if called:
                self._error_or_destroy(err or _multiple_callback())
                return
            called = True
            r, w = self._readableState, self._writableState
            if r is not None:
                r.constructed = True
            if w is not None:
                w.constructed = True
            if err is not None:
                self._error_or_destroy(err, True)
            else:
                self._loop.call_soon(self._constructed)

        try:
            self._construct(lambda err=None: self._loop.call_soon(on_construct, err))
        except Exception as exc:  # noqa: BLE001
            self._loop.call_soon(on_construct, exc)

    def _construct(self, callback: Callable[..., Any]) -> None:
        callback()

    def _constructed(self) -> None:
        self.emit("__construct_done")
        r, w = self._readableState, self._writableState
        if w is not None:
            if not w.writing:
                _clear_buffer(self, w)
            _finish_maybe(self, w)
        if r is not None and r.needReadable:
            _maybe_read_more(self, r)

    @property
    def destroyed(self) -> bool:
        """Whether :meth:`destroy` was called."""
        s = self._writableState or self._readableState
        return bool(s is not None and s.destroyed)

    @destroyed.setter
    def destroyed(self, value: bool) -> None:
        for s in (self._readableState, self._writableState):
            if s is not None:
                s.destroyed = bool(value)

    @property
    def errored(self) -> BaseException | None:
        """The error the stream was destroyed with (Node's ``errored``)."""
        w, r = self._writableState, self._readableState
        return (w.errored if w is not None else None) or (r.errored if r is not None else None)

    @property
    def closed(self) -> bool:
        """Whether the stream was closed (its ``_destroy`` called back)."""
        s = self._writableState or self._readableState
        return bool(s is not None and s.closed)

    # compatibility names used inside nodessl
    @property
    def _errored(self) -> BaseException | None:
        return self.errored


def _check_error(err: BaseException | None, w: WritableState | None,
                 r: ReadableState | None) -> None:
    if err is not None:
        if w is not None and w.errored is None:
            w.errored = err
        if r is not None and r.errored is None:
            r.errored = err


# -- Readable ----------------------------------------------------------------------------------


class Readable(Stream):
    """Node's ``stream.Readable``: flowing and paused modes, ``read(n)``, ``readable``, pipe."""

    def __init__(self, options: dict[str, Any] | None = None, **kwargs: Any) -> None:
        opts = _options(options, kwargs)
        super().__init__()
        self._init_readable(opts, False)
        self._init_callables(opts)
        if type(self)._construct is not Stream._construct or "_construct" in self.__dict__:
            self._construct_now()

    def _init_readable(self, opts: dict[str, Any], is_duplex: bool) -> None:
        self._readableState = ReadableState(opts, is_duplex)

    def _init_callables(self, opts: dict[str, Any]) -> None:
        for name, attr, arity in _OPTION_METHODS:
            fn = opts.get(name)
            if fn is not None and self._accepts(attr):
                setattr(self, attr, _bind(self, fn, arity, name))

    def _accepts(self, attr: str) -> bool:
        return attr in ("_read", "_destroy", "_construct")

    # -- listener hooks --------------------------------------------------------------------

    def on(self, event: str, f: Callable[..., Any] | None = None) -> Any:  # type: ignore[override]
        """Add a listener; ``data`` starts the flow (unless paused), ``readable`` pauses it."""
        res = super().on(event, f)
        if f is not None and self._readableState is not None:
            self._listener_added(event)
        return res

    def once(self, event: str, f: Callable[..., Any] | None = None) -> Any:  # type: ignore[override]
        """Add a one-shot listener; ``data`` and ``readable`` act as with :meth:`on`."""
        res = super().once(event, f)
        if f is not None and self._readableState is not None:
            self._listener_added(event)
        return res

    def _listener_added(self, event: str) -> None:
        state = self._readableState
        assert state is not None
        if event == "data":
            state.readableListening = self.listenerCount("readable") > 0
            if state.flowing is not False:
                self.resume()
        elif event == "readable":
            if not state.endEmitted and not state.readableListening:
                state.readableListening = state.needReadable = True
                state.flowing = False
                state.emittedReadable = False
                if state.length:
                    _emit_readable(self)
                elif not state.reading:
                    self._loop.call_soon(self.read, 0)

    def removeListener(self, event: str, f: Callable[..., Any]) -> Any:
        """Remove a listener; removing the last ``readable`` one may restart the flow."""
        res = super().removeListener(event, f)
        if event == "readable" and self._readableState is not None:
            self._loop.call_soon(_update_readable_listening, self)
        return res

    def off(self, event: str, f: Callable[..., Any]) -> Any:
        """Node's alias of :meth:`removeListener`."""
        return self.removeListener(event, f)

    def removeAllListeners(self, event: str | None = None) -> Any:
        """Remove listeners; as in Node, the flow is re-evaluated for ``readable``."""
        res = super().removeAllListeners(event)
        if (event == "readable" or event is None) and self._readableState is not None:
            self._loop.call_soon(_update_readable_listening, self)
        return res

    # -- properties ------------------------------------------------------------------------

    @property
    def readable(self) -> bool:
        """Whether reading may still produce data."""
        r = self._readableState
        return bool(r is not None and r.readable and not r.destroyed and not r.errorEmitted
                    and not r.endEmitted)

    @readable.setter
    def readable(self, value: bool) -> None:
        if self._readableState is not None:
            self._readableState.readable = bool(value)

    @property
    def readableLength(self) -> int:
        """Bytes (or objects, or characters once decoding) buffered on the readable side."""
        return self._readableState.length if self._readableState is not None else 0

    @property
    def readableHighWaterMark(self) -> int:
        """The readable side's high-water mark."""
        return self._readableState.highWaterMark if self._readableState is not None else 0

    @property
    def readableFlowing(self) -> bool | None:
        """None before anyone read, True while flowing, False when paused."""
        return self._readableState.flowing if self._readableState is not None else None

    @readableFlowing.setter
    def readableFlowing(self, value: bool | None) -> None:
        if self._readableState is not None:
            self._readableState.flowing = value

    # the name the rest of nodessl used before streams were public
    _flowing = readableFlowing

    @property
    def readableEnded(self) -> bool:
        """Whether ``end`` was emitted."""
        return bool(self._readableState is not None and self._readableState.endEmitted)

    @property
    def readableEncoding(self) -> str | None:
        """The encoding set with :meth:`setEncoding` (Node's canonical name)."""
        return self._readableState.encoding if self._readableState is not None else None

    @property
    def readableObjectMode(self) -> bool:
        """Whether the readable side is in object mode."""
        return bool(self._readableState is not None and self._readableState.objectMode)

    @property
    def readableAborted(self) -> bool:
        """Destroyed or errored before ``end``."""
        r = self._readableState
        return bool(r is not None and (r.destroyed or r.errored is not None)
                    and not r.endEmitted)

    @property
    def readableDidRead(self) -> bool:
        """Whether ``data`` was ever emitted."""
        return bool(self._readableState is not None and self._readableState.dataEmitted)

    # -- push / unshift (readableAddChunk) -------------------------------------------------

    def push(self, chunk: Any, encoding: str | None = None) -> bool:
        """Owner side: add a chunk (None for EOF); False means stop producing for now."""
        state = self._readableState
        assert state is not None
        if chunk is not None and not state.objectMode:
            if type(chunk) is bytes:
                if not chunk:
                    state.reading = False
                    _maybe_read_more(self, state)
                    return not state.ended and (
                        state.length < state.highWaterMark or state.length == 0)
                if state.ended:
                    self._error_or_destroy(NodeError("stream.push() after EOF",
                                                     "ERR_STREAM_PUSH_AFTER_EOF"))
                elif state.destroyed or state.errored is not None:
                    return False
                else:
                    # the common case (a socket's received bytes): Node's addChunk inline
                    state.reading = False
                    decoder = state.decoder
                    if (decoder is None and state.flowing and not state.length
                            and not state.sync and self._events.get("data")):
                        # flowing with nothing buffered: straight out as 'data'
                        if state.multiAwaitDrain:
                            state.awaitDrainWriters.clear()
                        else:
                            state.awaitDrainWriters = None
                        state.dataEmitted = True
                        self.emit("data", chunk)
                        if not state.readingMore:
                            _maybe_read_more(self, state)
                    elif decoder is not None:
                        text = decoder.write(chunk)
                        if text:
                            _add_chunk(self, state, text, False)
                        else:
                            _maybe_read_more(self, state)
                    else:
                        _add_chunk(self, state, chunk, False)
                return not state.ended and (
                    state.length < state.highWaterMark or state.length == 0)
        return _readable_add_chunk(self, chunk, encoding, False)

    def unshift(self, chunk: Any, encoding: str | None = None) -> bool:
        """Put ``chunk`` back at the front of the buffer (it is read next)."""
        return _readable_add_chunk(self, chunk, encoding, True)

    # -- read ------------------------------------------------------------------------------

    def read(self, n: int | None = None) -> Any:
        """Paused mode: take ``n`` bytes (all that is buffered without ``n``), or None.

        Node's rules: ``read(n)`` returns None while fewer than ``n`` are buffered and the
        stream has not ended; at the end it returns what is left.  ``read(0)`` consumes
        nothing but asks ``_read`` for more (or ends an exhausted stream).
        """
        state = self._readableState
        assert state is not None
        if n is not None:
            if isinstance(n, bool) or not isinstance(n, (int, float)):
                try:
                    n = int(n)  # type: ignore[arg-type]
                except (TypeError, ValueError):
                    n = None
            elif isinstance(n, float):
                n = None if n != n else int(n)
        n_orig = n
        if n is not None and n > state.highWaterMark:
            state.highWaterMark = _compute_new_hwm(n)
        if n != 0:
            state.emittedReadable = False
        if n == 0 and state.needReadable and (
                (state.length >= state.highWaterMark if state.highWaterMark != 0
                 else state.length > 0) or state.ended):
            if state.length == 0 and state.ended:
                _end_readable(self)
            else:
                _emit_readable(self)
            return None
        n = _how_much_to_read(n, state)
        if n == 0 and state.ended:
            if state.length == 0:
                _end_readable(self)
            return None
        do_read = state.needReadable
        if state.length == 0 or state.length - n < state.highWaterMark:
            do_read = True
        if (state.ended or state.reading or state.destroyed or state.errored is not None
                or not state.constructed):
            do_read = False
        elif do_read:
            state.reading = True
            state.sync = True
            if state.length == 0:
                state.needReadable = True
            try:
                self._read(state.highWaterMark)
            except Exception as exc:  # noqa: BLE001 - Node: errorOrDestroy
                self._error_or_destroy(exc)
            state.sync = False
            if not state.reading:
                n = _how_much_to_read(n_orig, state)
        ret = _from_list(n, state) if n > 0 else None
        if ret is None:
            state.needReadable = state.length <= state.highWaterMark
            n = 0
        else:
            state.length -= n
            if state.multiAwaitDrain:
                state.awaitDrainWriters.clear()
            else:
                state.awaitDrainWriters = None
        if state.length == 0:
            if not state.ended:
                state.needReadable = True
            if n_orig != n and state.ended:
                _end_readable(self)
        if ret is not None and not state.errorEmitted and not state.closeEmitted:
            state.dataEmitted = True
            self.emit("data", ret)
        return ret

    def _read(self, size: int) -> None:
        """Produce data with :meth:`push` (override, or pass ``read``)."""
        raise _not_implemented("_read()")

    # -- modes -----------------------------------------------------------------------------

    def resume(self) -> Any:
        """Switch to flowing mode: buffered and future data comes as ``data``."""
        state = self._readableState
        assert state is not None
        if not state.flowing:
            state.flowing = not state.readableListening
            if not state.resumeScheduled:
                state.resumeScheduled = True
                self._loop.call_soon(_resume_nt, self, state)
        state.paused = False
        return self

    def pause(self) -> Any:
        """Stop emitting ``data``; incoming data is buffered up to the high-water mark."""
        state = self._readableState
        assert state is not None
        if state.flowing is not False:
            state.flowing = False
            self.emit("pause")
        state.paused = True
        return self

    def isPaused(self) -> bool:
        """True after :meth:`pause` (until :meth:`resume`)."""
        state = self._readableState
        return bool(state is not None and (state.paused is True or state.flowing is False))

    def setEncoding(self, encoding: str | None = "utf8") -> Any:
        """Emit ``str`` decoded with ``encoding`` (Node's names) instead of ``bytes``."""
        state = self._readableState
        assert state is not None
        if encoding is not None and not isinstance(encoding, str):
            raise invalid_arg_type("encoding", "of type string", encoding)
        decoder = _enc.StringDecoder(encoding)
        state.decoder = decoder
        state.encoding = decoder.encoding
        content = "".join(decoder.write(c) if not isinstance(c, str) else c
                          for c in state.buffer)
        state.buffer.clear()
        if content:
            state.buffer.append(content)
        state.length = len(content)
        return self

    # -- pipe ------------------------------------------------------------------------------

    def pipe(self, dest: Any, options: dict[str, Any] | None = None, **kw: Any) -> Any:
        """Pipe into ``dest`` with backpressure (pausing while ``dest.write`` says False)."""
        src = self
        state = self._readableState
        assert state is not None
        opts = {**(options or {}), **kw}
        if len(state.pipes) == 1 and not state.multiAwaitDrain:
            state.multiAwaitDrain = True
            state.awaitDrainWriters = set([state.awaitDrainWriters]
                                          if state.awaitDrainWriters is not None else [])
        state.pipes.append(dest)
        do_end = opts.get("end", True) is not False
        ondrain: list[Callable[..., Any]] = []
        cleaned_up = False

        def onend(*_: Any) -> None:
            dest.end()

        def unpipe(*_: Any) -> None:
            src.unpipe(dest)

        end_fn = onend if do_end else unpipe
        if state.endEmitted:
            self._loop.call_soon(end_fn)
        else:
            src.once("end", end_fn)

        def onunpipe(readable: Any, info: dict[str, Any] | None = None) -> None:
            if readable is src and info is not None and info.get("hasUnpiped") is False:
                info["hasUnpiped"] = True
                cleanup()

        def cleanup() -> None:
            nonlocal cleaned_up
            dest.removeListener("close", onclose)
            dest.removeListener("finish", onfinish)
            if ondrain:
                dest.removeListener("drain", ondrain[0])
            dest.removeListener("error", onerror)
            dest.removeListener("unpipe", onunpipe)
            src.removeListener("end", onend)
            src.removeListener("end", unpipe)
            src.removeListener("data", ondata)
            cleaned_up = True
            ws = getattr(dest, "_writableState", None)
            if ondrain and state.awaitDrainWriters and (ws is None or ws.needDrain):
                ondrain[0]()

        def pause() -> None:
            if not cleaned_up:
                if len(state.pipes) == 1 and state.pipes[0] is dest:
                    state.awaitDrainWriters = dest
                    state.multiAwaitDrain = False
                elif len(state.pipes) > 1 and dest in state.pipes:
                    state.awaitDrainWriters.add(dest)
                src.pause()
            if not ondrain:
                ondrain.append(_pipe_on_drain(src, dest))
                dest.on("drain", ondrain[0])

        def ondata(chunk: Any) -> None:
            if dest.write(chunk) is False:
                pause()

        src.on("data", ondata)

        def onerror(err: BaseException) -> None:
            unpipe()
            dest.removeListener("error", onerror)
            if dest.listenerCount("error") == 0:
                s = getattr(dest, "_writableState", None) or getattr(dest, "_readableState", None)
                if s is not None and not s.errorEmitted and hasattr(dest, "_error_or_destroy"):
                    dest._error_or_destroy(err)
                else:
                    dest.emit("error", err)

        dest.prependListener("error", onerror)

        def onclose(*_: Any) -> None:
            dest.removeListener("finish", onfinish)
            unpipe()

        def onfinish(*_: Any) -> None:
            dest.removeListener("close", onclose)
            unpipe()

        dest.once("close", onclose)
        dest.once("finish", onfinish)
        dest.emit("pipe", src)
        if getattr(dest, "writableNeedDrain", False) is True:
            pause()
        elif not state.flowing:
            src.resume()
        return dest

    def unpipe(self, dest: Any = None) -> Any:
        """Undo :meth:`pipe` for ``dest`` (every destination when None)."""
        state = self._readableState
        assert state is not None
        if not state.pipes:
            return self
        if dest is None:
            dests, state.pipes = state.pipes, []
            self.pause()
            for d in dests:
                d.emit("unpipe", self, {"hasUnpiped": False})
            return self
        if dest not in state.pipes:
            return self
        state.pipes.remove(dest)
        if not state.pipes:
            self.pause()
        dest.emit("unpipe", self, {"hasUnpiped": False})
        return self

    def __aiter__(self) -> Any:
        return _async_iterate(self)


_OPTION_METHODS = (
    ("read", "_read", 1), ("write", "_write", 3), ("writev", "_writev", 2),
    ("final", "_final", 1), ("destroy", "_destroy", 2), ("construct", "_construct", 1),
    ("transform", "_transform", 3), ("flush", "_flush", 1),
)


async def _async_iterate(stream: Readable) -> Any:
    """``for await (const chunk of stream)``: chunks until ``end``; an error raises."""
    import asyncio

    loop = asyncio.get_running_loop()
    wake: list[asyncio.Future[None]] = []
    failure: list[BaseException] = []
    done = [False]

    def poke(*_: Any) -> None:
        if wake and not wake[0].done():
            wake[0].set_result(None)

    def on_error(err: BaseException) -> None:
        failure.append(err)
        poke()

    def on_end(*_: Any) -> None:
        done[0] = True
        poke()

    stream.on("readable", poke)
    stream.on("end", on_end)
    stream.on("error", on_error)
    stream.on("close", on_end)
    try:
        while True:
            chunk = stream.read()
            if chunk is not None:
                yield chunk
                continue
            if failure:
                raise failure[0]
            if done[0] or stream.readableEnded:
                return
            wake[:] = [loop.create_future()]
            await wake[0]
    finally:
        stream.removeListener("readable", poke)
        stream.removeListener("end", on_end)
        stream.removeListener("error", on_error)
        stream.removeListener("close", on_end)
        if not stream.readableEnded:
            stream.destroy()


def _readable_add_chunk(stream: Readable, chunk: Any, encoding: str | None,
                        add_to_front: bool) -> bool:
    state = stream._readableState
    assert state is not None
    err: BaseException | None = None
    if not state.objectMode:
        if isinstance(chunk, str):
            encoding = encoding or state.defaultEncoding
            if state.encoding != _enc.normalize(encoding):
                if add_to_front and state.encoding:
                    chunk = _enc.decode(_enc.encode(chunk, encoding), state.encoding)
                else:
                    chunk = _enc.encode(chunk, encoding)
                    encoding = ""
        elif chunk is not None:
            buf = _to_buffer(chunk)
            if buf is None:
                err = _chunk_type(chunk)
            else:
                chunk = buf
                encoding = ""
    if err is not None:
        stream._error_or_destroy(err)
    elif chunk is None:
        state.reading = False
        _on_eof_chunk(stream, state)
    elif state.objectMode or len(chunk) > 0:
        if add_to_front:
            if state.endEmitted:
                stream._error_or_destroy(NodeError("stream.unshift() after end event",
                                                   "ERR_STREAM_UNSHIFT_AFTER_END_EVENT"))
            elif state.destroyed or state.errored is not None:
                return False
            else:
                _add_chunk(stream, state, chunk, True)
        elif state.ended:
            stream._error_or_destroy(NodeError("stream.push() after EOF",
                                               "ERR_STREAM_PUSH_AFTER_EOF"))
        elif state.destroyed or state.errored is not None:
            return False
        else:
            state.reading = False
            if state.decoder is not None and not encoding:
                chunk = state.decoder.write(chunk)
                if state.objectMode or len(chunk) != 0:
                    _add_chunk(stream, state, chunk, False)
                else:
                    _maybe_read_more(stream, state)
            else:
                _add_chunk(stream, state, chunk, False)
    elif not add_to_front:
        state.reading = False
        _maybe_read_more(stream, state)
    return not state.ended and (state.length < state.highWaterMark or state.length == 0)


def _add_chunk(stream: Readable, state: ReadableState, chunk: Any, add_to_front: bool) -> None:
    if (state.flowing and state.length == 0 and not state.sync
            and stream.listenerCount("data") > 0):
        if state.multiAwaitDrain:
            state.awaitDrainWriters.clear()
        else:
            state.awaitDrainWriters = None
        state.dataEmitted = True
        stream.emit("data", chunk)
    else:
        state.length += 1 if state.objectMode else len(chunk)
        if add_to_front:
            state.buffer.appendleft(chunk)
        else:
            state.buffer.append(chunk)
        if state.needReadable:
            _emit_readable(stream)
    _maybe_read_more(stream, state)


def _compute_new_hwm(n: int) -> int:
    if n > MAX_HWM:
        raise NodeRangeError(f'The value of "size" is out of range. It must be <= 1GiB. '
                             f"Received {n}", "ERR_OUT_OF_RANGE")
    n -= 1
    n |= n >> 1
    n |= n >> 2
    n |= n >> 4
    n |= n >> 8
    n |= n >> 16
    return n + 1


def _how_much_to_read(n: int | None, state: ReadableState) -> int:
    if (n is not None and n <= 0) or (state.length == 0 and state.ended):
        return 0
    if state.objectMode:
        return 1
    if n is None:
        if state.flowing and state.length:
            return len(state.buffer[0])  # one chunk at a time while flowing
        return state.length
    if n <= state.length:
        return n
    return state.length if state.ended else 0


def _from_list(n: int, state: ReadableState) -> Any:
    if state.length == 0:
        return None
    buffer = state.buffer
    if state.objectMode:
        return buffer.popleft()
    if n >= state.length:
        if len(buffer) == 1:
            ret = buffer[0]
        elif state.decoder is not None:
            ret = "".join(buffer)
        else:
            ret = b"".join(buffer)
        buffer.clear()
        return ret
    first = buffer[0]
    if n < len(first):
        buffer[0] = first[n:]
        return first[:n]
    if n == len(first):
        return buffer.popleft()
    parts = []
    need = n
    while need > 0:
        chunk = buffer[0]
        if len(chunk) <= need:
            parts.append(buffer.popleft())
            need -= len(chunk)
        else:
            parts.append(chunk[:need])
            buffer[0] = chunk[need:]
            need = 0
    return ("" if state.decoder is not None else b"").join(parts)


def _on_eof_chunk(stream: Readable, state: ReadableState) -> None:
    if state.ended:
        return
    if state.decoder is not None:
        tail = state.decoder.end()
        if tail:
            state.buffer.append(tail)
            state.length += 1 if state.objectMode else len(tail)
    state.ended = True
    if state.sync:
        _emit_readable(stream)
    else:
        state.needReadable = False
        state.emittedReadable = True
        _emit_readable_nt(stream)


def _emit_readable(stream: Readable) -> None:
    state = stream._readableState
    assert state is not None
    state.needReadable = False
    if not state.emittedReadable:
        state.emittedReadable = True
        stream._loop.call_soon(_emit_readable_nt, stream)


def _emit_readable_nt(stream: Readable) -> None:
    state = stream._readableState
    assert state is not None
    if not state.destroyed and state.errored is None and (state.length or state.ended):
        stream.emit("readable")
        state.emittedReadable = False
    state.needReadable = (not state.flowing and not state.ended
                          and state.length <= state.highWaterMark)
    _flow(stream)


def _maybe_read_more(stream: Readable, state: ReadableState) -> None:
    if not state.readingMore and state.constructed:
        state.readingMore = True
        stream._loop.call_soon(_maybe_read_more_nt, stream, state)


def _maybe_read_more_nt(stream: Readable, state: ReadableState) -> None:
    # Pull-style streams: keep asking _read until the buffer reaches the mark.
    while (not state.reading and not state.ended and
           (state.length < state.highWaterMark or (state.flowing and state.length == 0))):
        length = state.length
        stream.read(0)
        if length == state.length:
            break
    state.readingMore = False


def _update_readable_listening(stream: Readable) -> None:
    state = stream._readableState
    assert state is not None
    state.readableListening = stream.listenerCount("readable") > 0
    if state.resumeScheduled and state.paused is False:
        state.flowing = True
    elif stream.listenerCount("data") > 0:
        stream.resume()
    elif not state.readableListening:
        state.flowing = None


def _resume_nt(stream: Readable, state: ReadableState) -> None:
    if not state.reading:
        stream.read(0)
    state.resumeScheduled = False
    stream.emit("resume")
    _flow(stream)
    if state.flowing and not state.reading:
        stream.read(0)


def _flow(stream: Readable) -> None:
    state = stream._readableState
    assert state is not None
    read = stream.read
    while state.flowing and read() is not None:
        pass


def _pipe_on_drain(src: Readable, dest: Any) -> Callable[..., Any]:
    def on_drain(*_: Any) -> None:
        state = src._readableState
        assert state is not None
        if state.awaitDrainWriters is dest:
            state.awaitDrainWriters = None
        elif state.multiAwaitDrain:
            state.awaitDrainWriters.discard(dest)
        if (not state.awaitDrainWriters) and src.listenerCount("data"):
            src.resume()

    return on_drain


def _end_readable(stream: Readable) -> None:
    state = stream._readableState
    assert state is not None
    if not state.endEmitted:
        state.ended = True
        stream._loop.call_soon(_end_readable_nt, state, stream)


def _end_readable_nt(state: ReadableState, stream: Readable) -> None:
    if (state.errored is None and not state.closeEmitted and not state.endEmitted
            and state.length == 0):
        state.endEmitted = True
        stream.emit("end")
        stream._on_readable_end()


# -- Writable ----------------------------------------------------------------------------------


class Writable(Stream):
    """Node's ``stream.Writable``: ``write`` with backpressure, ``cork``, ``end``, ``finish``."""

    _writev: Callable[..., Any] | None = None

    def __init__(self, options: dict[str, Any] | None = None, **kwargs: Any) -> None:
        opts = _options(options, kwargs)
        super().__init__()
        self._init_writable(opts, False)
        self._init_callables(opts)
        if type(self)._construct is not Stream._construct or "_construct" in self.__dict__:
            self._construct_now()

    def _init_writable(self, opts: dict[str, Any], is_duplex: bool) -> None:
        self._writableState = WritableState(opts, is_duplex)

    def _init_callables(self, opts: dict[str, Any]) -> None:
        for name, attr, arity in _OPTION_METHODS:
            fn = opts.get(name)
            if fn is not None and attr in ("_write", "_writev", "_final", "_destroy",
                                           "_construct"):
                setattr(self, attr, _bind(self, fn, arity, name))

    # -- write -----------------------------------------------------------------------------

    def write(self, chunk: Any, encoding: Any = None, cb: WriteCallback = None) -> bool:
        """Write ``chunk``; False once ``writableHighWaterMark`` is reached (wait for drain)."""
        return _write(self, chunk, encoding, cb) is True

    def _write(self, chunk: Any, encoding: str, callback: Callable[..., Any]) -> None:
        """Consume one chunk, then ``callback(err)`` (override, or pass ``write``)."""
        if self._writev is not None:
            self._writev([{"chunk": chunk, "encoding": encoding}], callback)
        else:
            raise _not_implemented("_write()")

    def cork(self) -> None:
        """Buffer writes until :meth:`uncork` (then they go out together, via ``_writev``)."""
        self._writableState.corked += 1  # type: ignore[union-attr]

    def uncork(self) -> None:
        """Undo one :meth:`cork`; the last one flushes the buffered writes."""
        state = self._writableState
        assert state is not None
        if state.corked:
            state.corked -= 1
            if not state.writing:
                _clear_buffer(self, state)

    def setDefaultEncoding(self, encoding: str) -> Any:
        """The encoding of ``str`` chunks written without one."""
        state = self._writableState
        assert state is not None
        if not isinstance(encoding, str):
            raise invalid_arg_type("encoding", "of type string", encoding)
        state.defaultEncoding = "buffer" if encoding == "buffer" else _enc.canonical(encoding)
        return self

    def end(self, chunk: Any = None, encoding: Any = None,
            cb: Callable[..., Any] | None = None) -> Any:
        """Write ``chunk`` if given, then end (``finish`` follows once everything is flushed)."""
        state = self._writableState
        assert state is not None
        if callable(chunk):
            cb, chunk, encoding = chunk, None, None
        elif callable(encoding):
            cb, encoding = encoding, None
        err: BaseException | None = None
        if chunk is not None:
            ret = _write(self, chunk, encoding, None)
            if isinstance(ret, BaseException):
                err = ret
        if state.corked:
            state.corked = 1
            self.uncork()
        if err is not None:
            pass
        elif state.errored is None and not state.ending:
            state.ending = True
            _finish_maybe(self, state, True)
            state.ended = True
        elif state.finished:
            err = NodeError("Cannot call end after a stream was finished",
                            "ERR_STREAM_ALREADY_FINISHED")
        elif state.destroyed:
            err = _destroyed("end")
        if callable(cb):
            if err is not None or state.finished:
                self._loop.call_soon(cb, err)
            else:
                state.onFinished.append(cb)
        return self

    def _final(self, callback: Callable[..., Any]) -> None:
        """Flush before ``finish``; call ``callback(err)`` (override, or pass ``final``)."""
        callback()

    def destroy(self, err: BaseException | None = None,
                cb: Callable[..., Any] | None = None) -> Any:
        """Destroy; buffered writes' callbacks get the error (or ERR_STREAM_DESTROYED)."""
        state = self._writableState
        assert state is not None
        if not state.destroyed and (state.bufferedIndex < len(state.buffered)
                                    or state.onFinished):
            self._loop.call_soon(_error_buffer, state)
        return super().destroy(err, cb)

    # -- properties ------------------------------------------------------------------------

    @property
    def writable(self) -> bool:
        """Whether :meth:`write` is still allowed."""
        w = self._writableState
        return bool(w is not None and w.writable and not w.destroyed and w.errored is None
                    and not w.ending and not w.ended)

    @writable.setter
    def writable(self, value: bool) -> None:
        if self._writableState is not None:
            self._writableState.writable = bool(value)

    @property
    def writableLength(self) -> int:
        """Bytes (or objects) written whose callback has not run yet."""
        return self._writableState.length if self._writableState is not None else 0

    @property
    def writableHighWaterMark(self) -> int:
        """The writable side's high-water mark."""
        return self._writableState.highWaterMark if self._writableState is not None else 0

    @property
    def writableNeedDrain(self) -> bool:
        """True after a write returned False, until ``drain``."""
        w = self._writableState
        return bool(w is not None and not w.destroyed and not w.ending and w.needDrain)

    @property
    def writableEnded(self) -> bool:
        """Whether :meth:`end` was called."""
        return bool(self._writableState is not None and self._writableState.ending)

    @property
    def writableFinished(self) -> bool:
        """Whether ``finish`` was emitted."""
        return bool(self._writableState is not None and self._writableState.finished)

    @property
    def writableCorked(self) -> int:
        """How many :meth:`cork` calls are pending."""
        return self._writableState.corked if self._writableState is not None else 0

    @property
    def writableObjectMode(self) -> bool:
        """Whether the writable side is in object mode."""
        return bool(self._writableState is not None and self._writableState.objectMode)

    @property
    def writableAborted(self) -> bool:
        """Destroyed or errored before ``finish``."""
        w = self._writableState
        return bool(w is not None and (w.destroyed or w.errored is not None)
                    and not w.finished)

    @property
    def writableBuffer(self) -> list[Any]:
        """The chunks waiting to be written."""
        w = self._writableState
        return [] if w is None else [e[0] for e in w.buffered[w.bufferedIndex:]]


def _write(stream: Writable, chunk: Any, encoding: Any, cb: Any) -> bool | BaseException:
    state = stream._writableState
    assert state is not None
    if callable(encoding):
        cb, encoding = encoding, state.defaultEncoding
    else:
        if not encoding:
            encoding = state.defaultEncoding
        elif encoding != "buffer":
            if not isinstance(encoding, str) or _enc.normalize(encoding) is None:
                raise _enc.unknown_encoding(encoding)
        if not callable(cb):
            cb = _nop
    if chunk is None:
        raise NodeTypeError("May not write null values to stream", "ERR_STREAM_NULL_VALUES")
    if not state.objectMode:
        if type(chunk) is bytes:
            encoding = "buffer"
        elif isinstance(chunk, str):
            if state.decodeStrings:
                chunk = _enc.encode(chunk, encoding)
                encoding = "buffer"
        else:
            buf = _to_buffer(chunk)
            if buf is None:
                raise _chunk_type(chunk)
            chunk, encoding = buf, "buffer"
    err: BaseException | None = None
    if state.ending:
        err = NodeError("write after end", "ERR_STREAM_WRITE_AFTER_END")
    elif state.destroyed:
        err = _destroyed("write")
    if err is not None:
        stream._loop.call_soon(cb, err)
        stream._error_or_destroy(err, True)
        return err
    state.pendingcb += 1
    # writeOrBuffer
    length = 1 if state.objectMode else len(chunk)
    state.length += length
    ret = state.length < state.highWaterMark
    if not ret:
        state.needDrain = True
    if state.writing or state.corked or state.errored is not None or not state.constructed:
        state.buffered.append((chunk, encoding, cb))
        if cb is not _nop:
            state.allNoop = False
    else:
        state.writelen = length
        state.writecb = cb
        state.writing = True
        state.sync = True
        stream._write(chunk, encoding, _OnWrite(stream))
        state.sync = False
    return ret and state.errored is None and not state.destroyed


class _OnWrite:
    """The callback ``_write`` gets (Node's ``state.onwrite``); a second call is an error."""

    __slots__ = ("stream", "called")

    def __init__(self, stream: Writable) -> None:
        self.stream = stream
        self.called = False

    def __call__(self, err: BaseException | None = None, *_: Any) -> None:
        stream = self.stream
        if self.called:
            stream._error_or_destroy(_multiple_callback())
            return
        self.called = True
        _onwrite(stream, err)


def _onwrite(stream: Writable, err: BaseException | None) -> None:
    state = stream._writableState
    assert state is not None
    sync = state.sync
    cb = state.writecb
    if not callable(cb):
        stream._error_or_destroy(_multiple_callback())
        return
    state.writing = False
    state.writecb = None
    state.length -= state.writelen
    state.writelen = 0
    if err is not None:
        if state.errored is None:
            state.errored = err
        r = stream._readableState
        if r is not None and r.errored is None:
            r.errored = err
        if sync:
            stream._loop.call_soon(_onwrite_error, stream, state, err, cb)
        else:
            _onwrite_error(stream, state, err, cb)
        return
    if len(state.buffered) > state.bufferedIndex:
        _clear_buffer(stream, state)
    if sync:
        info = state.afterWriteTickInfo
        if info is not None and info[1] is cb:
            info[0] += 1
        elif cb is _nop and not state.needDrain and not state.ending:
            # Node schedules a tick that would only count this nop callback down; do it now
            # (nothing observable differs, and a per-record allocation is saved).
            state.pendingcb -= 1
        else:
            info = state.afterWriteTickInfo = [1, cb]
            stream._loop.call_soon(_after_write_tick, stream, state, info)
    else:
        _after_write(stream, state, 1, cb)


def _onwrite_error(stream: Writable, state: WritableState, err: BaseException,
                   cb: Callable[..., Any]) -> None:
    state.pendingcb -= 1
    cb(err)
    _error_buffer(state)
    stream._error_or_destroy(err)


def _after_write_tick(stream: Writable, state: WritableState, info: list[Any]) -> None:
    if state.afterWriteTickInfo is info:
        state.afterWriteTickInfo = None
    _after_write(stream, state, info[0], info[1])


def _after_write(stream: Writable, state: WritableState, count: int,
                 cb: Callable[..., Any]) -> None:
    if not state.ending and not state.destroyed and state.length == 0 and state.needDrain:
        state.needDrain = False
        stream.emit("drain")
    while count > 0:
        count -= 1
        state.pendingcb -= 1
        if cb is not _nop:
            cb(None)
    if state.destroyed:
        _error_buffer(state)
    _finish_maybe(stream, state)


def _error_buffer(state: WritableState) -> None:
    if state.writing:
        return
    for chunk, _enc_name, callback in state.buffered[state.bufferedIndex:]:
        state.length -= 1 if state.objectMode else len(chunk)
        callback(state.errored or _destroyed("write"))
    callbacks, state.onFinished = state.onFinished, []
    for callback in callbacks:
        callback(state.errored or _destroyed("end"))
    state.buffered = []
    state.bufferedIndex = 0
    state.allNoop = True


def _clear_buffer(stream: Writable, state: WritableState) -> None:
    if state.corked or state.bufferProcessing or state.destroyed or not state.constructed:
        return
    buffered = state.buffered
    i = state.bufferedIndex
    count = len(buffered) - i
    if not count:
        return
    state.bufferProcessing = True
    if count > 1 and stream._writev is not None:
        state.pendingcb -= count - 1
        entries = buffered[i:]
        if state.allNoop:
            callback: Callable[..., Any] = _nop
        else:
            def callback(err: BaseException | None = None) -> None:
                for entry in entries:
                    entry[2](err)
        chunks = [{"chunk": c, "encoding": e} for c, e, _ in entries]
        _do_write(stream, state, True, state.length, chunks, "", callback)
        state.buffered = []
        state.bufferedIndex = 0
        state.allNoop = True
    else:
        while True:
            chunk, encoding, callback = buffered[i]
            buffered[i] = None
            i += 1
            length = 1 if state.objectMode else len(chunk)
            _do_write(stream, state, False, length, chunk, encoding, callback)
            if i >= len(buffered) or state.writing:
                break
        if i == len(buffered):
            state.buffered = []
            state.bufferedIndex = 0
            state.allNoop = True
        elif i > 256:
            del buffered[:i]
            state.bufferedIndex = 0
        else:
            state.bufferedIndex = i
    state.bufferProcessing = False


def _do_write(stream: Writable, state: WritableState, writev: bool, length: int, chunk: Any,
              encoding: str, cb: Callable[..., Any]) -> None:
    state.writelen = length
    state.writecb = cb
    state.writing = True
    state.sync = True
    onwrite = _OnWrite(stream)
    if state.destroyed:
        onwrite(_destroyed("write"))
    elif writev:
        assert stream._writev is not None
        stream._writev(chunk, onwrite)
    else:
        stream._write(chunk, encoding, onwrite)
    state.sync = False


def _need_finish(state: WritableState) -> bool:
    return (state.ending and not state.destroyed and state.constructed and state.length == 0
            and state.errored is None and len(state.buffered) == 0 and not state.finished
            and not state.writing and not state.errorEmitted and not state.closeEmitted)


def _call_final(stream: Writable, state: WritableState) -> None:
    called = False

    def on_finish(err: BaseException | None = None) -> None:
        nonlocal called
        if called:
            stream._error_or_destroy(err or _multiple_callback())
            return
        called = True
        state.pendingcb -= 1
        if err is not None:
            callbacks, state.onFinished = state.onFinished, []
            for callback in callbacks:
                callback(err)
            stream._error_or_destroy(err, state.sync)
        elif _need_finish(state):
            state.prefinished = True
            stream.emit("prefinish")
            state.pendingcb += 1
            stream._loop.call_soon(_finish, stream, state)

    state.sync = True
    state.pendingcb += 1
    try:
        stream._final(on_finish)
    except Exception as exc:  # noqa: BLE001 - a throwing _final is its callback's error
        on_finish(exc)
    state.sync = False


def _prefinish(stream: Writable, state: WritableState) -> None:
    if not state.prefinished and not state.finalCalled:
        if not state.destroyed:
            state.finalCalled = True
            _call_final(stream, state)
        else:
            state.prefinished = True
            stream.emit("prefinish")


def _finish_maybe(stream: Writable, state: WritableState, sync: bool = False) -> None:
    if _need_finish(state):
        _prefinish(stream, state)
        if state.pendingcb == 0:
            if sync:
                state.pendingcb += 1
                stream._loop.call_soon(_finish_if_needed, stream, state)
            elif _need_finish(state):
                state.pendingcb += 1
                _finish(stream, state)


def _finish_if_needed(stream: Writable, state: WritableState) -> None:
    if _need_finish(state):
        _finish(stream, state)
    else:
        state.pendingcb -= 1


def _finish(stream: Writable, state: WritableState) -> None:
    state.pendingcb -= 1
    state.finished = True
    callbacks, state.onFinished = state.onFinished, []
    for callback in callbacks:
        callback(None)
    stream.emit("finish")
    stream._on_writable_finish()


# -- Duplex, Transform, PassThrough ------------------------------------------------------------


class Duplex(Readable, Writable):
    """Node's ``stream.Duplex``: a Readable and a Writable in one (``allowHalfOpen`` True)."""

    def __init__(self, options: dict[str, Any] | None = None, **kwargs: Any) -> None:
        opts = _options(options, kwargs)
        Stream.__init__(self)
        self._init_readable(opts, True)
        self._init_writable(opts, True)
        self.allowHalfOpen = opts.get("allowHalfOpen", True) is not False
        if opts.get("readable") is False:
            r = self._readableState
            r.readable = False
            r.ended = True
            r.endEmitted = True
        if opts.get("writable") is False:
            w = self._writableState
            w.writable = False
            w.ending = w.ended = w.finished = True
        self._init_callables(opts)
        if type(self)._construct is not Stream._construct or "_construct" in self.__dict__:
            self._construct_now()

    def _accepts(self, attr: str) -> bool:
        return attr in ("_read", "_write", "_writev", "_final", "_destroy", "_construct")

    destroy = Readable.destroy  # as in Node: a Duplex takes Readable's destroy

    def _on_readable_end(self) -> None:
        if self.writable and self.allowHalfOpen is False:
            self._loop.call_soon(_end_writable_nt, self)
        else:
            _readable_auto_destroy(self)

    def _on_writable_finish(self) -> None:
        _writable_auto_destroy(self)


def _end_writable_nt(stream: Duplex) -> None:
    if stream.writable and not stream.writableEnded and not stream.destroyed:
        stream.end()


def _readable_auto_destroy(stream: Stream) -> None:
    r, w = stream._readableState, stream._writableState
    if r is not None and r.autoDestroy:
        if w is None or (w.autoDestroy and (w.finished or w.writable is False)):
            stream.destroy()


def _writable_auto_destroy(stream: Stream) -> None:
    r, w = stream._readableState, stream._writableState
    if w is not None and w.autoDestroy:
        if r is None or (r.autoDestroy and (r.endEmitted or r.readable is False)):
            stream.destroy()


Readable._on_readable_end = _readable_auto_destroy  # type: ignore[attr-defined]
Writable._on_writable_finish = _writable_auto_destroy  # type: ignore[attr-defined]


class Transform(Duplex):
    """Node's ``stream.Transform``: what is written is ``_transform``-ed and read out."""

    def __init__(self, options: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(options, **kwargs)
        self._readableState.sync = False  # type: ignore[union-attr]
        self._transform_cb: Callable[..., Any] | None = None
        self.on("prefinish", self._transform_prefinish)

    def _accepts(self, attr: str) -> bool:
        return attr in ("_read", "_write", "_writev", "_final", "_destroy", "_construct",
                        "_transform", "_flush")

    def _transform(self, chunk: Any, encoding: str, callback: Callable[..., Any]) -> None:
        """Turn ``chunk`` into output: ``callback(err, data)`` or :meth:`push` then callback."""
        raise _not_implemented("_transform()")

    _flush: Callable[..., Any] | None = None

    def _final(self, cb: Callable[..., Any] | None = None) -> None:
        flush = self._flush
        if flush is not None and not self.destroyed:
            def done(err: BaseException | None = None, data: Any = None) -> None:
                if err is not None:
                    if cb is not None:
                        cb(err)
                    else:
                        self.destroy(err)
                    return
                if data is not None:
                    self.push(data)
                self.push(None)
                if cb is not None:
                    cb()

            flush(done)
        else:
            self.push(None)
            if cb is not None:
                cb()

    def _transform_prefinish(self, *_: Any) -> None:
        if type(self)._final is not Transform._final or "_final" in self.__dict__:
            Transform._final(self)

    def _write(self, chunk: Any, encoding: str, callback: Callable[..., Any]) -> None:
        r, w = self._readableState, self._writableState
        assert r is not None and w is not None
        length = r.length

        def done(err: BaseException | None = None, val: Any = None) -> None:
            if err is not None:
                callback(err)
                return
            if val is not None:
                self.push(val)
            if w.ended or length == r.length or r.length < r.highWaterMark:
                callback()
            else:
                self._transform_cb = callback

        self._transform(chunk, encoding, done)

    def _read(self, size: int) -> None:
        callback, self._transform_cb = self._transform_cb, None
        if callback is not None:
            callback()


class PassThrough(Transform):
    """Node's ``stream.PassThrough``: what is written is read out unchanged."""

    def _transform(self, chunk: Any, encoding: str, callback: Callable[..., Any]) -> None:
        callback(None, chunk)


# -- finished / pipeline (lib/internal/streams/end-of-stream.js, pipeline.js) -------------------


def _is_node_stream(obj: Any) -> bool:
    return isinstance(obj, Stream) or (hasattr(obj, "on") and hasattr(obj, "pipe")) or (
        hasattr(obj, "on") and hasattr(obj, "write"))


def _is_readable_node_stream(obj: Any) -> bool:
    return isinstance(obj, Readable) or (
        not isinstance(obj, Stream) and hasattr(obj, "pipe") and hasattr(obj, "on"))


def _is_writable_node_stream(obj: Any) -> bool:
    return isinstance(obj, Writable) or (
        not isinstance(obj, Stream) and hasattr(obj, "write") and hasattr(obj, "on"))


def _readable_finished(stream: Any, strict: bool = True) -> bool:
    r = getattr(stream, "_readableState", None)
    if r is None:
        return False
    return r.endEmitted or (not strict and r.ended and r.length == 0)


def _writable_finished(stream: Any, strict: bool = True) -> bool:
    w = getattr(stream, "_writableState", None)
    if w is None:
        return False
    return w.finished or (not strict and w.ended and w.length == 0)


def _will_emit_close(stream: Any) -> bool:
    state = getattr(stream, "_writableState", None) or getattr(stream, "_readableState", None)
    return bool(state is not None and state.autoDestroy and state.emitClose
                and state.closed is False)


def finished(stream: Any, options: Any = None,
             callback: Callable[..., Any] | None = None) -> Callable[[], None]:
    """``stream.finished(stream[, options], callback)``: ``callback(err)`` once the stream
    is done (ended, finished, errored or closed); ``ERR_STREAM_PREMATURE_CLOSE`` for a
    close before the end.  Returns a function that removes the listeners."""
    if callback is None and callable(options):
        callback, options = options, None
    opts = options or {}
    if not callable(callback):
        raise invalid_arg_type("callback", "of type function", callback)
    if not _is_node_stream(stream):
        raise invalid_arg_type("stream", "an instance of ReadableStream, WritableStream, or "
                               "Stream", stream)
    done = [False]
    user_cb = callback

    def call(err: BaseException | None = None) -> None:
        if not done[0]:
            done[0] = True
            user_cb(err)

    readable = opts.get("readable")
    if readable is None:
        readable = _is_readable_node_stream(stream)
    writable = opts.get("writable")
    if writable is None:
        writable = _is_writable_node_stream(stream)
    w_state = getattr(stream, "_writableState", None)
    r_state = getattr(stream, "_readableState", None)
    will_emit_close = (_will_emit_close(stream)
                       and _is_readable_node_stream(stream) == readable
                       and _is_writable_node_stream(stream) == writable)
    state = {"wf": _writable_finished(stream, False), "rf": _readable_finished(stream, False),
             "wec": will_emit_close}

    def onfinish(*_: Any) -> None:
        state["wf"] = True
        if getattr(stream, "destroyed", False):
            state["wec"] = False
        if state["wec"] and (not getattr(stream, "readable", False) or readable):
            return
        if not readable or state["rf"]:
            call()

    def onend(*_: Any) -> None:
        state["rf"] = True
        if getattr(stream, "destroyed", False):
            state["wec"] = False
        if state["wec"] and (not getattr(stream, "writable", False) or writable):
            return
        if not writable or state["wf"]:
            call()

    def onerror(err: BaseException) -> None:
        call(err)

    def errored() -> BaseException | None:
        return getattr(stream, "errored", None) if isinstance(stream, Stream) else None

    def onclose(*_: Any) -> None:
        err = errored()
        if err is not None:
            call(err)
            return
        if readable and not state["rf"] and _is_readable_node_stream(stream):
            if not _readable_finished(stream, False):
                call(_premature_close())
                return
        if writable and not state["wf"]:
            if not _writable_finished(stream, False):
                call(_premature_close())
                return
        call()

    def onclosed() -> None:
        call(errored())

    legacy_writable = writable and w_state is None

    def onlegacyfinish(*_: Any) -> None:
        if not getattr(stream, "writable", False):
            onfinish()

    if legacy_writable:
        stream.on("end", onlegacyfinish)
        stream.on("close", onlegacyfinish)
    stream.on("end", onend)
    stream.on("finish", onfinish)
    if opts.get("error") is not False:
        stream.on("error", onerror)
    stream.on("close", onclose)
    loop = get_loop()
    closed = getattr(stream, "closed", False) if isinstance(stream, Stream) else False
    if closed:
        loop.call_soon(onclose)
    elif (w_state is not None and w_state.errorEmitted) or (
            r_state is not None and r_state.errorEmitted):
        if not will_emit_close:
            loop.call_soon(onclosed)
    elif not readable and (not will_emit_close or getattr(stream, "readable", False)) and (
            state["wf"] or getattr(stream, "writable", None) is False):
        loop.call_soon(onclosed)
    elif not writable and (not will_emit_close or getattr(stream, "writable", False)) and (
            state["rf"] or getattr(stream, "readable", None) is False):
        loop.call_soon(onclosed)

    def cleanup() -> None:
        done[0] = True
        for event, fn in (("end", onlegacyfinish), ("close", onlegacyfinish), ("end", onend),
                          ("finish", onfinish), ("error", onerror), ("close", onclose)):
            stream.removeListener(event, fn)

    return cleanup


def pipeline(*streams: Any) -> Any:
    """``stream.pipeline(source, ...transforms, destination, callback)``: pipe them all;
    the first error destroys every stream and reaches ``callback(err)``, which otherwise
    runs once the destination finished.  Returns the destination."""
    items = list(streams)
    if len(items) == 1 and isinstance(items[0], (list, tuple)):
        items = list(items[0])
    if not items or not callable(items[-1]) or _is_node_stream(items[-1]):
        raise invalid_arg_type("streams[stream.length - 1]", "of type function",
                               items[-1] if items else None)
    callback = items.pop()
    if len(items) == 1 and isinstance(items[0], (list, tuple)):
        items = list(items[0])
    if len(items) < 2:
        raise NodeTypeError('The "streams" argument must be specified', "ERR_MISSING_ARGS")
    for s in items:
        if not _is_node_stream(s):
            raise invalid_arg_type("streams", "an instance of Stream", s)
    loop = get_loop()
    error: list[BaseException | None] = [None]
    destroys: list[Callable[[BaseException | None], None]] = []
    count = [0]
    called = [False]

    def finish_impl(err: BaseException | None, final: bool) -> None:
        if err is not None and (error[0] is None or
                                getattr(error[0], "code", None) == "ERR_STREAM_PREMATURE_CLOSE"):
            error[0] = err
        if error[0] is None and not final:
            return
        while destroys:
            destroys.pop(0)(error[0])
        if final and not called[0]:
            called[0] = True
            loop.call_soon(callback, error[0])

    def finish(err: BaseException | None = None) -> None:
        count[0] -= 1
        finish_impl(err, count[0] == 0)

    last = len(items) - 1
    prev: Any = None
    for i, s in enumerate(items):
        reading = i < last
        writing = i > 0
        destroys.append(_destroyer(s, reading, writing))

        def on_error(err: BaseException) -> None:
            if err is not None and getattr(err, "code", None) != "ERR_STREAM_PREMATURE_CLOSE":
                finish(err)

        s.on("error", on_error)
        if i > 0:
            count[0] += 2
            _pipe_into(prev, s, finish)
        prev = s
    return prev


def _destroyer(stream: Any, reading: bool, writing: bool) -> Callable[..., None]:
    done = [False]

    def on_close(*_: Any) -> None:
        done[0] = True

    stream.on("close", on_close)

    def on_finished(err: BaseException | None = None) -> None:
        done[0] = err is None

    finished(stream, {"readable": reading, "writable": writing}, on_finished)

    def destroy(err: BaseException | None) -> None:
        if done[0]:
            return
        done[0] = True
        stream.destroy(err or _destroyed("pipe"))

    return destroy


def _pipe_into(src: Any, dst: Any, finish: Callable[..., None]) -> None:
    ended = [False]

    def on_dst_close(*_: Any) -> None:
        if not ended[0]:
            finish(_premature_close())

    dst.on("close", on_dst_close)
    src.pipe(dst, {"end": False})

    def end_fn(*_: Any) -> None:
        ended[0] = True
        dst.end()

    if _readable_finished(src):
        get_loop().call_soon(end_fn)
    else:
        src.once("end", end_fn)

    def on_src_done(err: BaseException | None = None) -> None:
        r = getattr(src, "_readableState", None)
        if (err is not None and getattr(err, "code", None) == "ERR_STREAM_PREMATURE_CLOSE"
                and r is not None and r.ended and r.errored is None and not r.errorEmitted):
            src.once("end", end_fn)
            src.once("error", finish)
        else:
            finish(err)

    finished(src, {"readable": True, "writable": False}, on_src_done)
    finished(dst, {"readable": False, "writable": True}, finish)

"""Node's ``stream.Writable`` (``lib/internal/streams/writable.js``).

``write`` with backpressure, ``cork``/``uncork``, ``_writev``, ``end``, ``final`` and
``finish``; the module functions are Node's ``writable.js`` helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import encodings as _enc
from ..errors import NodeError, NodeTypeError, invalid_arg_type
from ..events import captureRejectionSymbol
from ..loop import next_tick
from .base import Stream, _destroy_on_rejection
from .state import (
    _OPTION_METHODS,
    WritableState,
    WriteCallback,
    _bind,
    _chunk_type,
    _destroyed,
    _multiple_callback,
    _nop,
    _not_implemented,
    _options,
    _to_buffer,
)


class Writable(Stream):
    """Node's ``stream.Writable``: ``write`` with backpressure, ``cork``, ``end``, ``finish``."""

    _writev: Callable[..., Any] | None = None
    # set by __init__ (None only while Stream.__init__ runs)
    _writableState: WritableState

    def __init__(self, options: dict[str, Any] | None = None, **kwargs: Any) -> None:
        opts = _options(options, kwargs)
        super().__init__(opts)
        self._init_writable(opts, False)
        self._init_callables(opts)
        if type(self)._construct is not Stream._construct or "_construct" in self.__dict__:
            self._construct_now()

    def _init_writable(self, opts: dict[str, Any], is_duplex: bool) -> None:
        self._writableState = WritableState(opts, is_duplex)

    def _on_writable_finish(self) -> None:
        # after 'finish': autoDestroy
        _writable_auto_destroy(self)

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
        self._writableState.corked += 1

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
                next_tick(self._loop, cb, err)
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
            next_tick(self._loop, _error_buffer, state)
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
        next_tick(stream._loop, cb, err)
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
        # Node's onwrite, here rather than in a function of its own: once per write
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
                next_tick(stream._loop, _onwrite_error, stream, state, err, cb)
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
                # Node schedules a tick that would only count this nop callback down; do
                # it now (nothing observable differs, and a per-record allocation is saved).
                state.pendingcb -= 1
            else:
                info = state.afterWriteTickInfo = [1, cb]
                next_tick(stream._loop, _after_write_tick, stream, state, info)
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
    if state.ending:  # _need_finish's first condition, checked here: once per write
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
            next_tick(stream._loop, _finish, stream, state)

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
                next_tick(stream._loop, _finish_if_needed, stream, state)
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



def _writable_auto_destroy(stream: Stream) -> None:
    r, w = stream._readableState, stream._writableState
    if w is not None and w.autoDestroy:
        if r is None or (r.autoDestroy and (r.endEmitted or r.readable is False)):
            stream.destroy()




setattr(Writable, captureRejectionSymbol, _destroy_on_rejection)

"""Node's legacy ``Stream`` (the base of every stream) and ``destroy`` (``destroy.js``).

``_constructed`` finishes a ``construct`` for either side; it reaches the readable and
writable helpers through a late import because those modules build on this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..events import EventEmitter
from ..loop import LazyLoop, next_tick, running_loop
from .state import ReadableState, WritableState, _multiple_callback


class Stream(EventEmitter):
    """Node's legacy ``Stream``: the base of every stream (an EventEmitter)."""

    _readableState: ReadableState | None = None
    _writableState: WritableState | None = None
    # made before a loop runs, a stream binds the loop when it first needs one
    _loop: Any = LazyLoop()

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)  # captureRejections, as Node's streams pass it on
        loop = running_loop()
        if loop is not None:
            self._loop = loop

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
                next_tick(self._loop, self._emit_error_close_nt, error)
            else:
                next_tick(self._loop, self._emit_close_nt)

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
                next_tick(self._loop, self._emit_error_nt, err)
            else:
                self._emit_error_nt(err)

    def _construct_now(self) -> None:
        """Run ``_construct(cb)`` on the next tick; the stream waits for it (Node's construct)."""
        r, w = self._readableState, self._writableState
        if r is not None:
            r.constructed = False
        if w is not None:
            w.constructed = False
        next_tick(self._loop, self._construct_nt)

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
                next_tick(self._loop, self._constructed)

        try:
            self._construct(lambda err=None: next_tick(self._loop, on_construct, err))
        except Exception as exc:  # noqa: BLE001
            next_tick(self._loop, on_construct, exc)

    def _construct(self, callback: Callable[..., Any]) -> None:
        callback()

    def _constructed(self) -> None:
        # late: readable.py and writable.py subclass Stream, so they cannot be imported above
        from .readable import _maybe_read_more
        from .writable import _clear_buffer, _finish_maybe

        self.emit("__construct_done")
        r, w = self._readableState, self._writableState
        # a Writable when it has a writable state, a Readable when it has a readable one
        stream: Any = self
        if w is not None:
            if not w.writing:
                _clear_buffer(stream, w)
            _finish_maybe(stream, w)
        if r is not None and r.needReadable:
            _maybe_read_more(stream, r)

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


def _destroy_on_rejection(self: Stream, err: BaseException, *_event_and_args: Any) -> None:
    """Node's Readable/Writable ``[nodejs.rejection]``: a captured rejection destroys."""
    self.destroy(err)

"""Node's ``stream.Transform`` and ``stream.PassThrough`` (``transform.js``,
``passthrough.js``): what is written comes out of the readable side, transformed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .duplex import Duplex
from .state import _not_implemented


class Transform(Duplex):
    """Node's ``stream.Transform``: what is written is ``_transform``-ed and read out."""

    def __init__(self, options: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(options, **kwargs)
        self._readableState.sync = False
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

"""What every stream shares: high-water marks, option parsing, chunk conversion, the per-side
state objects (Node's ``_readableState`` / ``_writableState``) and the stream error codes.

Node spreads these over ``lib/internal/streams/state.js``, ``readable.js`` and ``writable.js``;
here they sit below every stream class so that none of them imports another for its state.
"""

from __future__ import annotations

import inspect
import types
from collections import deque
from collections.abc import Callable
from typing import Any

from .. import encodings as _enc
from ..errors import NodeError, NodeTypeError, invalid_arg_type, invalid_arg_value

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


def _bind(stream: Any, fn: object, arity: int, name: str) -> Callable[..., Any]:
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



_OPTION_METHODS = (
    ("read", "_read", 1), ("write", "_write", 3), ("writev", "_writev", 2),
    ("final", "_final", 1), ("destroy", "_destroy", 2), ("construct", "_construct", 1),
    ("transform", "_transform", 3), ("flush", "_flush", 1),
)



class ReadableState:
    """Node's ``_readableState``."""

    __slots__ = ("objectMode", "highWaterMark", "_buffer", "length", "pipes", "flowing", "ended",
                 "endEmitted", "reading", "constructed", "sync", "needReadable",
                 "emittedReadable", "readableListening", "resumeScheduled", "errorEmitted",
                 "emitClose", "autoDestroy", "destroyed", "errored", "closed", "closeEmitted",
                 "defaultEncoding", "awaitDrainWriters", "multiAwaitDrain", "readingMore",
                 "dataEmitted", "decoder", "encoding", "paused", "readable", "endPending")

    def __init__(self, opts: dict[str, Any], is_duplex: bool) -> None:
        self.objectMode = bool(opts.get("objectMode") or
                               (is_duplex and opts.get("readableObjectMode")))
        self.highWaterMark = _high_water_mark(opts, "readableHighWaterMark", is_duplex,
                                              self.objectMode)
        # made on first use (see buffer): an empty deque is 600 bytes, and a socket read
        # in flowing mode never buffers
        self._buffer: deque[Any] | None = None
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
        # an endReadableNT tick is queued and has not run (not Node's: see _end_readable)
        self.endPending = False
        if opts.get("encoding"):
            self.decoder = _enc.StringDecoder(opts["encoding"])
            self.encoding = self.decoder.encoding

    @property
    def buffer(self) -> deque[Any]:
        """The chunks pushed and not read yet (Node's ``state.buffer``)."""
        buffer = self._buffer
        if buffer is None:
            buffer = self._buffer = deque()
        return buffer


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

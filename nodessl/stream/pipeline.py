"""``stream.pipeline`` (``lib/internal/streams/pipeline.js``): pipe streams in a row; the
first error destroys them all and reaches the callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import NodeTypeError, invalid_arg_type
from ..loop import get_loop
from .finished import finished
from .state import _destroyed, _premature_close
from .utils import _is_node_stream, _readable_finished


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

"""``stream.finished`` (``lib/internal/streams/end-of-stream.js``): one callback when a stream
is done, with ``ERR_STREAM_PREMATURE_CLOSE`` for a close before the end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import invalid_arg_type
from ..loop import get_loop
from .base import Stream
from .state import _premature_close
from .utils import (
    _is_node_stream,
    _is_readable_node_stream,
    _is_writable_node_stream,
    _readable_finished,
    _will_emit_close,
    _writable_finished,
)


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

"""What kind of stream an object is, and how far it got (``lib/internal/streams/utils.js``).

Duck-typed as in Node, so ``finished`` and ``pipeline`` accept any object with ``on`` and
``pipe``/``write``, not only this package's streams.
"""

from __future__ import annotations

from typing import Any

from .base import Stream
from .readable import Readable
from .writable import Writable


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

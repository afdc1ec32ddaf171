"""Node's ``stream.Duplex`` (``lib/internal/streams/duplex.js``): a Readable and a Writable
in one; ``allowHalfOpen`` decides whether the end of reading ends writing.
"""

from __future__ import annotations

from typing import Any

from ..loop import next_tick
from .base import Stream
from .readable import Readable, _readable_auto_destroy
from .state import _options
from .writable import Writable, _writable_auto_destroy


class Duplex(Readable, Writable):
    """Node's ``stream.Duplex``: a Readable and a Writable in one (``allowHalfOpen`` True)."""

    def __init__(self, options: dict[str, Any] | None = None, **kwargs: Any) -> None:
        opts = _options(options, kwargs)
        Stream.__init__(self, opts)
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
            next_tick(self._loop, _end_writable_nt, self)
        else:
            _readable_auto_destroy(self)

    def _on_writable_finish(self) -> None:
        _writable_auto_destroy(self)


def _end_writable_nt(stream: Duplex) -> None:
    if stream.writable and not stream.writableEnded and not stream.destroyed:
        stream.end()

"""Node's ``test/common/duplexpair.js``: two in-memory Duplex streams wired to each other.

What one side writes the other side reads; a write completes once the other side's
reader asked for more (its ``_read``), and ``end()`` on one side ends the other.
Written against Node's stream contract (``_read(size)``, ``_write(chunk, encoding,
callback)``, ``_final(callback)``) as ``nodessl.stream`` implements it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import nodessl
from nodessl import stream


class DuplexSocket(stream.Duplex):
    """One end of a pair: pushes its writes into the other end."""

    def __init__(self) -> None:
        super().__init__()
        self._callback: Callable[..., Any] | None = None
        self._other_side: DuplexSocket | None = None

    def _read(self, *_size: Any) -> None:
        callback = self._callback
        if callback is not None:
            self._callback = None
            callback()

    def _write(self, chunk: bytes, encoding: Any, callback: Callable[..., Any]) -> None:
        assert self._other_side is not None
        assert self._other_side._callback is None
        if len(chunk) == 0:
            nodessl.nextTick(callback)
        else:
            self._other_side.push(chunk)
            self._other_side._callback = callback

    def _final(self, callback: Callable[..., Any]) -> None:
        assert self._other_side is not None
        self._other_side.on("end", callback)
        self._other_side.push(None)


def makeDuplexPair() -> dict[str, DuplexSocket]:
    """``{clientSide, serverSide}``: a connected pair of :class:`DuplexSocket`."""
    client_side = DuplexSocket()
    server_side = DuplexSocket()
    client_side._other_side = server_side
    server_side._other_side = client_side
    return {"clientSide": client_side, "serverSide": server_side}

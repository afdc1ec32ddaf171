"""TEMPORARY: Node's timer functions on nodessl until ``nodessl.timers`` lands (issue 8).

Installed on the ``nodessl`` module only when it lacks them; delete with the merge.
"""

from __future__ import annotations

import asyncio
from typing import Any

import nodessl
from nodessl import loop as _loop


class _Timer:
    def __init__(self, cb: Any, ms: float, args: tuple[Any, ...], repeat: bool) -> None:
        self._cb, self._args, self._repeat = cb, args, repeat
        self._ms = max(1.0, float(ms or 1))
        self._loop = asyncio.get_running_loop()
        self._handle: asyncio.TimerHandle | None = None
        self._ref = True
        self.refresh()

    def refresh(self) -> _Timer:
        if self._handle is not None:
            self._handle.cancel()
        self._handle = self._loop.call_later(self._ms / 1000, self._fire)
        if self._ref:
            _loop.ref(self, self._loop)
        return self

    def _fire(self) -> None:
        if self._repeat:
            self.refresh()
        else:
            self._handle = None
            _loop.unref(self, self._loop)
        self._cb(*self._args)

    def ref(self) -> _Timer:
        self._ref = True
        if self._handle is not None:
            _loop.ref(self, self._loop)
        return self

    def unref(self) -> _Timer:
        self._ref = False
        _loop.unref(self, self._loop)
        return self

    def hasRef(self) -> bool:
        return self._ref

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        _loop.unref(self, self._loop)


def install() -> None:
    if hasattr(nodessl, "setTimeout"):
        return

    def setTimeout(cb: Any, ms: float = 1, *args: Any) -> _Timer:
        return _Timer(cb, ms, args, False)

    def setInterval(cb: Any, ms: float = 1, *args: Any) -> _Timer:
        return _Timer(cb, ms, args, True)

    def setImmediate(cb: Any, *args: Any) -> _Timer:
        t = _Timer(cb, 0, args, False)
        t._handle.cancel()  # type: ignore[union-attr]
        t._handle = t._loop.call_soon(t._fire)  # type: ignore[assignment]
        return t

    def clear(t: Any) -> None:
        if t is not None:
            t.close()

    def nextTick(cb: Any, *args: Any) -> None:
        asyncio.get_running_loop().call_soon(cb, *args)

    for name, fn in (("setTimeout", setTimeout), ("setInterval", setInterval),
                     ("setImmediate", setImmediate), ("clearTimeout", clear),
                     ("clearInterval", clear), ("clearImmediate", clear),
                     ("nextTick", nextTick)):
        setattr(nodessl, name, fn)

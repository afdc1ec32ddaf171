"""Node's EventEmitter semantics on top of pyee.

pyee already is a port of Node's EventEmitter (listener order, ``once``, an
``error`` event with no listener raises).  Two things are adjusted so Node code
ports line by line: the camelCase names exist, and ``on``/``once`` with a
listener return the emitter (Node chains ``socket.on(...).on(...)``), while
``on(event)`` alone stays pyee's decorator form.  A listener that returns a
coroutine is scheduled on the running loop, so ``async def`` listeners work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from pyee.base import EventEmitter as _PyeeEmitter

__all__ = ["EventEmitter"]

F = TypeVar("F", bound=Callable[..., Any])


class EventEmitter(_PyeeEmitter):
    """Node's ``EventEmitter``: ``on``, ``once``, ``emit``, ``off``, ``listenerCount`` …"""

    def __init__(self) -> None:
        super().__init__()
        self._tasks: set[asyncio.Task[Any]] = set()

    def _emit_run(self, f: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        result = f(*args, **kwargs)
        if asyncio.iscoroutine(result):
            # Keep a reference: a task nobody holds can be collected mid-flight.
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def on(self, event: str, f: Callable[..., Any] | None = None) -> Any:  # type: ignore[override]
        """Add a listener; with ``f`` returns the emitter (chainable), without it a decorator."""
        if f is None:
            return super().on(event)
        super().on(event, f)
        return self

    def once(self, event: str, f: Callable[..., Any] | None = None) -> Any:  # type: ignore[override]
        """Add a one-shot listener; chainable like :meth:`on`."""
        if f is None:
            return super().once(event)
        super().once(event, f)
        return self

    def addListener(self, event: str, f: Callable[..., Any]) -> EventEmitter:
        """Node's alias of :meth:`on`."""
        return self.on(event, f)

    def prependListener(self, event: str, f: Callable[..., Any]) -> EventEmitter:
        """Add ``f`` before the other listeners of ``event``."""
        self.on(event, f)
        handlers = self._events[event]
        handlers.move_to_end(f, last=False)
        return self

    def removeListener(self, event: str, f: Callable[..., Any]) -> EventEmitter:
        """Remove ``f`` (a plain or ``once`` listener); unknown listeners are ignored, as in Node."""
        handlers = self._events.get(event)
        if handlers is not None and f in handlers:
            self.remove_listener(event, f)
        return self

    off = removeListener

    def removeAllListeners(self, event: str | None = None) -> EventEmitter:
        """Remove every listener, or those of one event."""
        self.remove_all_listeners(event)
        return self

    def listenerCount(self, event: str) -> int:
        """How many listeners ``event`` has."""
        return len(self._events.get(event, ()))

    def eventNames(self) -> list[str]:
        """The events that have listeners."""
        return [name for name, handlers in self._events.items() if handlers]

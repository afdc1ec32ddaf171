"""Node's EventEmitter semantics on top of pyee.

pyee already is a port of Node's EventEmitter (listener order, ``once``, an
``error`` event with no listener raises).  A few things are adjusted so Node code
ports line by line: the camelCase names exist, and ``on``/``once`` with a
listener return the emitter (Node chains ``socket.on(...).on(...)``), while
``on(event)`` alone stays pyee's decorator form.  A listener that returns a
coroutine is scheduled on the running loop, so ``async def`` listeners work.

pyee keys listeners by function, so adding one twice would keep one; Node keeps
both (and ``once(f)`` after ``on(f)`` must not turn the ``on`` listener into a
one-shot).  A listener added again is therefore stored under an :class:`_Again`
key, and removal takes the most recently added copy, as Node does.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from pyee.base import EventEmitter as _PyeeEmitter

from .errors import NodeError

__all__ = ["AbortController", "AbortError", "AbortSignal", "EventEmitter", "getEventListeners",
           "once"]

F = TypeVar("F", bound=Callable[..., Any])


class _Again:
    """The key of a listener added once more (identity-hashed, unlike the function)."""

    __slots__ = ("f",)

    def __init__(self, f: Callable[..., Any]) -> None:
        self.f = f


def _is(key: Any, f: Callable[..., Any]) -> bool:
    # == rather than `is`: bound methods are new objects on every attribute access
    return (key.f if isinstance(key, _Again) else key) == f


class EventEmitter(_PyeeEmitter):
    """Node's ``EventEmitter``: ``on``, ``once``, ``emit``, ``off``, ``listenerCount`` …"""

    def __init__(self) -> None:
        super().__init__()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._max_listeners = 10

    def _emit_run(self, f: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        result = f(*args, **kwargs)
        if asyncio.iscoroutine(result):
            # Keep a reference: a task nobody holds can be collected mid-flight.
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _emit_handle_potential_error(self, event: str, error: Any) -> None:
        if event == "error":
            if isinstance(error, BaseException):
                raise error
            # Node wraps anything that is not an Error
            raise NodeError(f"Unhandled error. ({error!r})", "ERR_UNHANDLED_ERROR")

    def _add_event_handler(self, event: str, k: Callable[..., Any], v: Callable[..., Any]) -> Any:
        """Store ``v`` for listener ``k``; returns the key it is stored under."""
        if "newListener" in self._events:
            # Node's name for pyee's 'new_listener'; emitted before the listener is added
            self.emit("newListener", event, k)
        with self._lock:
            handlers = self._events.setdefault(event, OrderedDict())
            key: Any = _Again(k) if k in handlers else k
            handlers[key] = v
        return key

    def on(self, event: str, f: Callable[..., Any] | None = None) -> Any:  # type: ignore[override]
        """Add a listener; with ``f`` returns the emitter (chainable), without it a decorator."""
        if f is None:
            # Through self.on, so subclasses' hooks (a Duplex starting to flow) see it.
            def decorator(fn: F) -> F:
                self.on(event, fn)
                return fn

            return decorator
        self._add_event_handler(event, f, f)
        return self

    def once(self, event: str, f: Callable[..., Any] | None = None) -> Any:  # type: ignore[override]
        """Add a one-shot listener; chainable like :meth:`on`."""
        if f is None:
            def decorator(fn: F) -> F:
                self.once(event, fn)
                return fn

            return decorator
        key: Any = None
        listener = f

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            handlers = self._events.get(event)
            if handlers is None or handlers.get(key) is not wrapper:
                return None  # removed meanwhile
            self._remove_listener(event, key)
            return listener(*args, **kwargs)

        key = self._add_event_handler(event, f, wrapper)
        return self

    def addListener(self, event: str, f: Callable[..., Any]) -> EventEmitter:
        """Node's alias of :meth:`on`."""
        return self.on(event, f)

    def _move_last_to_front(self, event: str) -> None:
        handlers = self._events.get(event)
        if handlers:
            handlers.move_to_end(next(reversed(handlers)), last=False)

    def prependListener(self, event: str, f: Callable[..., Any]) -> EventEmitter:
        """Add ``f`` before the other listeners of ``event``."""
        self.on(event, f)
        self._move_last_to_front(event)
        return self

    def prependOnceListener(self, event: str, f: Callable[..., Any]) -> EventEmitter:
        """Add a one-shot ``f`` before the other listeners of ``event``."""
        self.once(event, f)
        self._move_last_to_front(event)
        return self

    def removeListener(self, event: str, f: Callable[..., Any]) -> EventEmitter:
        """Remove ``f`` (a plain or ``once`` listener); unknown listeners are ignored, as in Node."""
        handlers = self._events.get(event)
        if handlers:
            for key in reversed(handlers):  # the most recently added copy, as in Node
                if _is(key, f):
                    self.remove_listener(event, key)
                    break
        return self

    def off(self, event: str, f: Callable[..., Any]) -> EventEmitter:
        """Node's alias of :meth:`removeListener`."""
        return self.removeListener(event, f)

    def removeAllListeners(self, event: str | None = None) -> EventEmitter:
        """Remove every listener, or those of one event."""
        self.remove_all_listeners(event)
        return self

    def listeners(self, event: str) -> list[Callable[..., Any]]:
        """The listeners of ``event`` (the functions given, a ``once`` one unwrapped)."""
        return [k.f if isinstance(k, _Again) else k for k in self._events.get(event, ())]

    def listenerCount(self, event: str) -> int:
        """How many listeners ``event`` has."""
        return len(self._events.get(event, ()))

    def eventNames(self) -> list[str]:
        """The events that have listeners."""
        return [name for name, handlers in self._events.items() if handlers]

    def setMaxListeners(self, n: int) -> EventEmitter:
        """Accepted for Node compatibility (no leak warning is printed)."""
        self._max_listeners = n
        return self

    def getMaxListeners(self) -> int:
        """The value given to :meth:`setMaxListeners` (10 by default)."""
        return self._max_listeners


# -- AbortController, and the events module's helpers around it ------------------------------


class AbortError(NodeError):
    """Node's ``AbortError``: what an aborted operation fails with (``cause`` is the reason)."""

    name = "AbortError"

    def __init__(self, message: str = "The operation was aborted", cause: Any = None) -> None:
        super().__init__(message, "ABORT_ERR")
        self.cause = cause
        self.__cause__ = cause if isinstance(cause, BaseException) else None


class AbortSignal:
    """Node's (and the web's) ``AbortSignal``: ``aborted``, ``reason``, 'abort' listeners."""

    def __init__(self) -> None:
        self.aborted = False
        self.reason: Any = None
        self._listeners: list[Callable[..., Any]] = []
        self.onabort: Callable[..., Any] | None = None

    def addEventListener(self, type: str, listener: Callable[..., Any],
                         options: Any = None) -> None:
        """Call ``listener`` on 'abort' (once: a signal aborts only once)."""
        if type == "abort" and listener not in self._listeners:
            self._listeners.append(listener)

    def removeEventListener(self, type: str, listener: Callable[..., Any],
                            options: Any = None) -> None:
        """Undo :meth:`addEventListener`."""
        if type == "abort" and listener in self._listeners:
            self._listeners.remove(listener)

    def throwIfAborted(self) -> None:
        """Raise the abort reason once aborted."""
        if self.aborted:
            raise self.reason

    def _abort(self, reason: Any) -> None:
        if self.aborted:
            return
        self.aborted = True
        self.reason = reason if reason is not None else NodeError(
            "This operation was aborted", "ABORT_ERR", name="AbortError")
        listeners, self._listeners = self._listeners, []
        if self.onabort is not None:
            self.onabort({"type": "abort"})
        for listener in listeners:
            listener({"type": "abort"})

    @staticmethod
    def abort(reason: Any = None) -> AbortSignal:
        """A signal aborted already."""
        signal = AbortSignal()
        signal._abort(reason)
        return signal


class AbortController:
    """Node's global ``AbortController``: ``signal`` and ``abort(reason)``."""

    def __init__(self) -> None:
        self.signal = AbortSignal()

    def abort(self, reason: Any = None) -> None:
        """Abort ``signal``: its 'abort' listeners run now."""
        self.signal._abort(reason)


def getEventListeners(emitter: Any, name: str) -> list[Callable[..., Any]]:
    """``events.getEventListeners``: an emitter's (or an AbortSignal's) listeners of ``name``."""
    if isinstance(emitter, AbortSignal):
        return list(emitter._listeners) if name == "abort" else []
    return list(emitter.listeners(name))


async def once(emitter: Any, name: str) -> list[Any]:
    """``events.once``: the arguments of the next ``name`` event; an 'error' first raises it."""
    loop = asyncio.get_running_loop()
    result: asyncio.Future[list[Any]] = loop.create_future()

    def on_event(*args: Any) -> None:
        if name != "error":
            emitter.removeListener("error", on_error)
        if not result.done():
            result.set_result(list(args))

    def on_error(err: Any) -> None:
        emitter.removeListener(name, on_event)
        if not result.done():
            result.set_exception(err if isinstance(err, BaseException)
                                 else NodeError(str(err)))

    emitter.once(name, on_event)
    if name != "error":
        emitter.once("error", on_error)
    return await result


def validate_abort_signal(signal: Any, name: str) -> None:
    """Node's ``validateAbortSignal``: None, or an :class:`AbortSignal`."""
    if signal is not None and not isinstance(signal, AbortSignal):
        from .errors import invalid_arg_type

        raise invalid_arg_type(name, "an instance of AbortSignal", signal)

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

``captureRejections`` (the module attribute, Node's ``events.captureRejections``,
or the ``{captureRejections: True}`` option of an emitter) routes a listener's
failed coroutine or future to the emitter: its ``[nodejs.rejection]`` method
(:data:`captureRejectionSymbol`, Node's ``Symbol.for('nodejs.rejection')``) gets
``(err, event, *args)``, else the error is emitted as ``error``.  Without it the
failure is an unhandled rejection, which ends ``nodessl.run`` as it ends a Node
process.
"""

from __future__ import annotations

import asyncio
import sys
import types
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pyee.base import EventEmitter as _PyeeEmitter

from .errors import NodeError, invalid_arg_type

__all__ = ["EventEmitter", "captureRejectionSymbol", "getEventListeners", "once"]

# Node's Symbol.for('nodejs.rejection'): the attribute name of an emitter's handler of its
# listeners' rejections (set it with setattr; classes define it as Node's prototypes do).
captureRejectionSymbol = "[nodejs.rejection]"
# Node's EventEmitter.prototype[kCapture]: what a new emitter takes (see _EventsModule).
_capture_default = False

F = TypeVar("F", bound=Callable[..., Any])


class _Again:
    """The key of a listener added once more (identity-hashed, unlike the function)."""

    __slots__ = ("f",)

    def __init__(self, f: Callable[..., Any]) -> None:
        self.f = f


class _Once:
    """A ``once`` listener as stored: removes itself, then calls the listener.  An object,
    not a closure: a closure naming itself is a reference cycle, which would hold its
    emitter (a socket and all it owns) for the cycle collector after it fired."""

    __slots__ = ("emitter", "event", "listener", "key")

    def __init__(self, emitter: EventEmitter, event: str, listener: Callable[..., Any]) -> None:
        self.emitter: EventEmitter | None = emitter
        self.event = event
        self.listener = listener
        self.key: Any = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        emitter = self.emitter
        if emitter is None:
            return None  # fired already
        handlers = emitter._events.get(self.event)
        if handlers is None or handlers.get(self.key) is not self:
            return None  # removed meanwhile
        emitter._remove_listener(self.event, self.key)
        self.emitter = None
        return self.listener(*args, **kwargs)


def _is(key: Any, f: Callable[..., Any]) -> bool:
    # == rather than `is`: bound methods are new objects on every attribute access
    return (key.f if isinstance(key, _Again) else key) == f


class EventEmitter(_PyeeEmitter):
    """Node's ``EventEmitter``: ``on``, ``once``, ``emit``, ``off``, ``listenerCount`` …"""

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        # listeners' coroutines still running (made on the first: an empty set is 216 bytes)
        self._tasks: set[asyncio.Future[Any]] | None = None
        self._max_listeners = 10
        capture = (options or {}).get("captureRejections")
        if capture:  # Node checks only a truthy value
            if not isinstance(capture, bool):
                raise invalid_arg_type("options.captureRejections", "of type boolean", capture)
            self._capture_rejections = True
        else:
            # Node copies the default at construction: changing it later leaves this one
            self._capture_rejections = _capture_default

    def emit(self, event: str, *args: Any, **kwargs: Any) -> bool:
        """Call every listener of ``event`` with ``args``, in order; True when there was
        one.  An ``error`` nobody listens to is raised, as Node throws it."""
        # pyee's emit with _call_handlers' loop inlined: a received chunk's 'data' and a
        # write's 'drain' go through here, one Python frame fewer
        handlers = self._events.get(event)
        if not handlers:  # most events of a connection have no listener
            if event == "error":
                self._emit_handle_potential_error(event, args[0] if args else None)
            return False
        for f in list(handlers.values()):
            result = f(*args, **kwargs)
            # (a listener returning write()'s bool, the common case, is not awaitable)
            if result is not None and result.__class__ is not bool \
                    and (asyncio.iscoroutine(result) or asyncio.isfuture(result)):
                self._watch(result, event, args)
        return True

    def _emit_to(self, event: str, funcs: list[Callable[..., Any]], *args: Any) -> None:
        """Call ``funcs`` (listeners of ``event`` taken earlier) as :meth:`emit` calls them:
        for an emit whose listener list was fixed before some work of the emitter's own."""
        for f in funcs:
            result = f(*args)
            if result is not None and result.__class__ is not bool \
                    and (asyncio.iscoroutine(result) or asyncio.isfuture(result)):
                self._watch(result, event, args)

    def _watch(self, awaitable: Any, event: str, args: tuple[Any, ...]) -> None:
        # Keep a reference: a task nobody holds can be collected mid-flight.
        fut = asyncio.ensure_future(awaitable)
        if self._tasks is None:
            self._tasks = set()
        self._tasks.add(fut)

        def done(fut: asyncio.Future[Any]) -> None:
            self._tasks.discard(fut)  # type: ignore[union-attr]
            if fut.cancelled():
                return
            err = fut.exception()  # retrieved: asyncio reports it no more
            if err is None:
                return
            loop = fut.get_loop()
            if self._capture_rejections:
                # Node: on the next tick, so the rejection handler runs outside the promise
                loop.call_soon(self._emit_rejection, err, event, args)
            else:
                # an unhandled rejection: uncaught, as it ends a Node process
                loop.call_exception_handler({
                    "message": f"Unhandled rejection in a {event!r} listener",
                    "exception": err, "future": fut})

        fut.add_done_callback(done)

    def _emit_rejection(self, err: BaseException, event: str, args: tuple[Any, ...]) -> None:
        """Node's emitUnhandledRejectionOrErr."""
        handler = getattr(self, captureRejectionSymbol, None)
        if callable(handler):
            handler(err, event, *args)
            return
        # capture off while emitting, so a failing async 'error' listener cannot loop
        previous = self._capture_rejections
        try:
            self._capture_rejections = False
            self.emit("error", err)
        finally:
            self._capture_rejections = previous

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

    def on(self, event: str, f: Callable[..., Any] | None = None) -> Any:
        """Add a listener; with ``f`` returns the emitter (chainable), without it a decorator."""
        if f is None:
            # Through self.on, so subclasses' hooks (a Duplex starting to flow) see it.
            def decorator(fn: F) -> F:
                self.on(event, fn)
                return fn

            return decorator
        self._add_event_handler(event, f, f)
        return self

    def once(self, event: str, f: Callable[..., Any] | None = None) -> Any:
        """Add a one-shot listener; chainable like :meth:`on`."""
        if f is None:
            def decorator(fn: F) -> F:
                self.once(event, fn)
                return fn

            return decorator
        wrapper = _Once(self, event, f)
        wrapper.key = self._add_event_handler(event, f, wrapper)
        return self

    def addListener(self, event: str, f: Callable[..., Any]) -> EventEmitter:
        """Node's alias of :meth:`on`."""
        result: EventEmitter = self.on(event, f)
        return result

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


def getEventListeners(emitterOrTarget: Any, name: str) -> list[Callable[..., Any]]:
    """Node's ``events.getEventListeners``: the listeners of an EventEmitter's event or of an
    EventTarget's (an ``AbortSignal``'s) event type."""
    listeners_of = getattr(emitterOrTarget, "_listeners_of", None)
    if listeners_of is not None:
        result: list[Callable[..., Any]] = listeners_of(name)
        return result
    return list(emitterOrTarget.listeners(name))


async def once(emitter: Any, name: str, options: dict[str, Any] | None = None) -> list[Any]:
    """Node's ``events.once(emitter, name)``: wait for the next ``name`` event and return its
    arguments as a list; an ``'error'`` event first raises that error (unless ``name`` is
    ``'error'``).  ``options.signal`` (an AbortSignal) aborts the wait with an AbortError."""
    from .abort import AbortError

    loop = asyncio.get_running_loop()
    fut: asyncio.Future[list[Any]] = loop.create_future()
    signal = (options or {}).get("signal")
    if signal is not None and signal.aborted:
        raise AbortError(options={"cause": signal.reason})

    def on_event(*args: Any) -> None:
        cleanup()
        if not fut.done():
            fut.set_result(list(args))

    def on_error(err: Any) -> None:
        cleanup()
        if not fut.done():
            fut.set_exception(err if isinstance(err, BaseException) else NodeError(str(err)))

    def on_abort(_event: Any = None) -> None:
        assert signal is not None  # registered only with a signal
        cleanup()
        if not fut.done():
            fut.set_exception(AbortError(options={"cause": signal.reason}))

    def cleanup() -> None:
        if hasattr(emitter, "removeEventListener"):
            emitter.removeEventListener(name, on_event)
        else:
            emitter.removeListener(name, on_event)
            if name != "error":
                emitter.removeListener("error", on_error)
        if signal is not None:
            signal.removeEventListener("abort", on_abort)

    if hasattr(emitter, "addEventListener"):  # an EventTarget: its listener gets the event
        emitter.addEventListener(name, on_event, {"once": True})
    else:
        emitter.once(name, on_event)
        if name != "error":
            emitter.once("error", on_error)
    if signal is not None:
        signal.addEventListener("abort", on_abort, {"once": True})
    return await fut


class _EventsModule(types.ModuleType):
    """This module, with Node's checked ``events.captureRejections`` property."""

    @property
    def captureRejections(self) -> bool:
        """Whether emitters made from now on capture their listeners' rejections."""
        return _capture_default

    @captureRejections.setter
    def captureRejections(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise invalid_arg_type("EventEmitter.captureRejections", "of type boolean", value)
        global _capture_default
        _capture_default = value


sys.modules[__name__].__class__ = _EventsModule

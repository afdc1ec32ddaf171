"""Node's ``AbortController`` / ``AbortSignal`` and the ``signal`` option of sockets.

``AbortSignal`` is an ``EventTarget`` in Node: listeners are added with
``addEventListener('abort', fn)`` and receive an event object; ``getEventListeners(signal,
'abort')`` (:mod:`nodessl.events`) lists them.  ``net.connect({signal})``,
``tls.connect({signal})`` and ``new TLSSocket(socket, {signal})`` destroy the socket with an
:class:`AbortError` (``code: 'ABORT_ERR'``) when the signal aborts, on the next tick when it had
already aborted (``addClientAbortSignalOption`` in Node 20's ``lib/net.js``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import timers
from .errors import NodeError, invalid_arg_type

__all__ = ["AbortController", "AbortError", "AbortSignal", "DOMException"]


class DOMException(Exception):
    """The web platform's ``DOMException`` (an abort's default reason is one named
    ``'AbortError'``, with legacy code 20)."""

    _CODES = {"AbortError": 20, "TimeoutError": 23}

    def __init__(self, message: str = "", name: str = "Error") -> None:
        super().__init__(message)
        self.message = message
        self.name = name
        self.code = self._CODES.get(name, 0)


class AbortError(NodeError):
    """Node's ``AbortError``: ``name`` 'AbortError', ``code`` 'ABORT_ERR'; ``cause`` is the
    signal's reason."""

    name = "AbortError"

    def __init__(self, message: str = "The operation was aborted",
                 options: dict[str, Any] | None = None) -> None:
        super().__init__(message, "ABORT_ERR")
        if options and "cause" in options:
            self.cause = options["cause"]
            self.__cause__ = options["cause"] if isinstance(options["cause"],
                                                            BaseException) else None


class _Event:
    """The event object an ``abort`` listener receives."""

    def __init__(self, type_: str, target: AbortSignal) -> None:
        self.type = type_
        self.target = target


class AbortSignal:
    """Node's ``AbortSignal``: ``aborted``, ``reason``, ``throwIfAborted()``, and the
    ``EventTarget`` methods for its ``'abort'`` event (plus ``onabort``)."""

    def __init__(self) -> None:
        self.aborted = False
        self.reason: Any = None
        self.onabort: Callable[[_Event], Any] | None = None
        # (listener, once) in the order added
        self._listeners: dict[str, list[tuple[Callable[..., Any], bool]]] = {}

    @staticmethod
    def abort(reason: Any = None) -> AbortSignal:
        """A signal that has already aborted with ``reason``."""
        signal = AbortSignal()
        signal._abort(reason)
        return signal

    @staticmethod
    def timeout(delay: float) -> AbortSignal:
        """A signal that aborts with a TimeoutError ``DOMException`` after ``delay`` ms (the
        timer does not keep the program alive, as in Node)."""
        signal = AbortSignal()
        timer = timers.setTimeout(lambda: signal._abort(DOMException(
            "The operation was aborted due to timeout", "TimeoutError")), delay)
        timer.unref()
        return signal

    def throwIfAborted(self) -> None:
        """Raise the reason when the signal has aborted."""
        if self.aborted:
            reason = self.reason
            raise reason if isinstance(reason, BaseException) else AbortError(
                options={"cause": reason})

    def addEventListener(self, type_: str, listener: Callable[..., Any] | None,
                         options: Any = None) -> None:
        """Add ``listener`` for ``type_`` (once only: a second add of the same is ignored)."""
        if listener is None:
            return
        once = bool(options.get("once")) if isinstance(options, dict) else False
        entries = self._listeners.setdefault(type_, [])
        if any(fn is listener for fn, _ in entries):
            return
        entries.append((listener, once))

    def removeEventListener(self, type_: str, listener: Callable[..., Any]) -> None:
        """Remove ``listener`` for ``type_`` if present."""
        entries = self._listeners.get(type_, [])
        self._listeners[type_] = [e for e in entries if e[0] is not listener]

    def dispatchEvent(self, event: Any) -> bool:
        """Call the listeners of ``event.type`` (and ``on<type>``) with ``event``."""
        type_ = event.type
        handler = getattr(self, f"on{type_}", None)
        if callable(handler):
            handler(event)
        for listener, once in list(self._listeners.get(type_, [])):
            if once:
                self.removeEventListener(type_, listener)
            listener(event)
        return True

    def _listeners_of(self, type_: str) -> list[Callable[..., Any]]:
        return [fn for fn, _ in self._listeners.get(type_, [])]

    def _abort(self, reason: Any) -> None:
        if self.aborted:
            return
        self.aborted = True
        self.reason = (reason if reason is not None
                       else DOMException("This operation was aborted", "AbortError"))
        self.dispatchEvent(_Event("abort", self))


class AbortController:
    """Node's ``AbortController``: ``signal`` and ``abort(reason)``."""

    def __init__(self) -> None:
        self.signal = AbortSignal()

    def abort(self, reason: Any = None) -> None:
        """Abort ``signal`` (once), with ``reason`` or a DOMException 'AbortError'."""
        self.signal._abort(reason)


def validate_signal(signal: Any, name: str) -> None:
    """Node's validateAbortSignal: None or an AbortSignal."""
    if signal is not None and not isinstance(signal, AbortSignal):
        raise invalid_arg_type(name, "an instance of AbortSignal", signal)


def add_client_abort_signal(sock: Any, signal: AbortSignal) -> None:
    """Node's addClientAbortSignalOption: an abort destroys ``sock`` with an AbortError (on
    the next tick when already aborted); the listener goes when the socket closes."""
    validate_signal(signal, "signal")  # Node 20 names it so

    def on_abort(_event: Any = None) -> None:
        signal.removeEventListener("abort", on_abort)
        sock.destroy(AbortError(options={"cause": signal.reason}))

    if signal.aborted:
        timers.nextTick(on_abort)
    else:
        signal.addEventListener("abort", on_abort)
        sock.once("close", lambda *_: signal.removeEventListener("abort", on_abort))

"""Node's timers on asyncio: ``setTimeout``, ``setInterval``, ``setImmediate``, ``nextTick``.

The functions behave as Node's globals of the same names (``require('timers')``):

- ``setTimeout(cb, ms, *args)`` and ``setInterval`` return a :class:`Timeout` with
  ``ref()``, ``unref()``, ``hasRef()``, ``refresh()`` and ``close()``; ``int(timeout)``
  is Node's ``+timeout`` (its primitive id), which ``clearTimeout`` also accepts.
- A delay is coerced as Node does: a number of ms, truncated to whole ms when
  scheduled; below 1, not a number, or above ``2**31 - 1`` (with a
  :class:`TimeoutOverflowWarning`) it becomes 1.
- Timers due at the same time fire in the order they were set; an interval is
  re-armed after its callback returns (from the time the callback started);
  ``refresh()`` restarts a timer with its delay, even one that already fired.
- ``setImmediate`` callbacks run in FIFO order after the I/O of the current loop
  turn; those set while immediates run wait for the next turn.
- ``nextTick(cb, *args)`` and then ``queueMicrotask(cb)`` callbacks run right after
  the timer or immediate callback that queued them, before the next one, as in Node;
  queued from elsewhere (an event), they run on the loop's next ``call_soon`` turn.

Refed timers and pending refed immediates keep :func:`nodessl.run` alive, as
Node's keep a process alive; ``unref()`` ones do not (a program whose only
thing left is an unref'ed timer ends without firing it).  ``clearTimeout``
ignores values that are no timer (``None``, an Immediate); ``clearImmediate``
on a Timeout cancels it, as Node's does.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import warnings
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

from . import loop as _loop
from .errors import invalid_arg_type

__all__ = [
    "Immediate",
    "Timeout",
    "TimeoutOverflowWarning",
    "clearImmediate",
    "clearInterval",
    "clearTimeout",
    "nextTick",
    "queueMicrotask",
    "setImmediate",
    "setInterval",
    "setTimeout",
]

TIMEOUT_MAX = 2**31 - 1

# asyncio may call a handle a hair before its time (clock resolution); a timer that
# close is due, or the dispatcher would re-arm for a few nanoseconds, over and over.
_EPSILON_MS = 0.01

# Node's async ids: what ``+timeout`` returns; shared by every loop, like Node's counter
_ids = itertools.count(2)
# Timers whose primitive was asked for, by that id as a string (a JS object key).
_known: dict[str, Timeout] = {}


class TimeoutOverflowWarning(RuntimeWarning):
    """Node's ``TimeoutOverflowWarning``: a delay above ``2**31 - 1`` ms was set to 1."""


def _coerce_delay(after: Any) -> float:
    """Node's ``after *= 1`` and range check: 1 unless a number in ``[1, 2**31 - 1]``."""
    if isinstance(after, bool):
        value = float(after)
    elif isinstance(after, (int, float)):
        value = float(after)
    elif isinstance(after, str):
        text = after.strip()
        try:
            value = float(text) if text else 0.0
        except ValueError:
            value = math.nan
    elif after is None:
        value = math.nan
    else:
        try:
            value = float(after)
        except (TypeError, ValueError):
            value = math.nan
    if not 1 <= value <= TIMEOUT_MAX:  # NaN fails too
        if value > TIMEOUT_MAX:
            shown = int(value) if value.is_integer() else value
            warnings.warn(TimeoutOverflowWarning(
                f"{shown} does not fit into a 32-bit signed integer.\n"
                "Timeout duration was set to 1."), stacklevel=4)
        value = 1.0
    return int(value) if value.is_integer() else value


def _check_callback(callback: Any) -> None:
    if not callable(callback):
        raise invalid_arg_type("callback", "of type function", callback)


class _Timers:
    """The timer heap, the immediate queue and the tick queue of one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.heap: list[tuple[int, int, Timeout]] = []
        self.live = 0  # heap entries that are current (others were rescheduled or cleared)
        self.seq = itertools.count(1)
        self.handle: asyncio.TimerHandle | None = None
        self.handle_due = math.inf
        self.refs = 0  # refed live timeouts and refed pending immediates
        self.immediates: deque[Immediate] = deque()
        self.immediate_handle: asyncio.TimerHandle | None = None
        self.ticks: deque[tuple[Callable[..., Any], tuple[Any, ...]]] = deque()
        self.microtasks: deque[Callable[[], Any]] = deque()
        self.tick_handle: asyncio.Handle | None = None
        # Node's clock (uv_now) is whole ms, cached for one loop turn: timers set while
        # a batch of timers or immediates runs all start at the batch's time.
        self.batch_now: int | None = None

    def now(self) -> int:
        if self.batch_now is not None:
            return self.batch_now
        return math.floor(self.loop.time() * 1000.0)

    # -- what keeps nodessl.run alive ------------------------------------------------

    def inc(self) -> None:
        self.refs += 1
        if self.refs == 1:
            _loop.ref(self, self.loop)

    def dec(self) -> None:
        self.refs -= 1
        if self.refs == 0:
            _loop.unref(self, self.loop)

    # -- timeouts --------------------------------------------------------------------

    def insert(self, timer: Timeout, start: int | None = None) -> None:
        """(Re)schedule ``timer`` ``_idleTimeout`` ms after ``start`` (now by default)."""
        start = self.now() if start is None else start
        timer._idleStart = start
        seq = next(self.seq)
        if not timer._scheduled:
            self.live += 1
        timer._scheduled = True
        timer._seq = seq
        due = start + math.trunc(timer._idleTimeout)  # whole ms, as Node
        heapq.heappush(self.heap, (due, seq, timer))
        if len(self.heap) > 64 and len(self.heap) > 4 * self.live:
            # refresh() in a hot path leaves stale entries behind: drop them
            self.heap = [e for e in self.heap if e[2]._scheduled and e[2]._seq == e[1]]
            heapq.heapify(self.heap)
        self.arm()

    def remove(self, timer: Timeout) -> None:
        if timer._scheduled:
            timer._scheduled = False
            self.live -= 1
            self.arm()

    def insert_guarded(self, timer: Timeout, refed: bool) -> None:
        """Node's ``insertGuarded``: refresh, reviving a timer that already fired."""
        if timer._idleTimeout < 0:
            return  # cleared: never again
        self.insert(timer)
        was_destroyed = timer._destroyed
        timer._destroyed = False
        if was_destroyed:
            if refed:
                self.inc()
        elif refed != timer._refed:
            self.inc() if refed else self.dec()
        timer._refed = refed

    def unenroll(self, timer: Timeout) -> None:
        """Node's ``unenroll``: the timer is gone for good (``refresh`` does nothing)."""
        if timer._destroyed:
            return
        timer._destroyed = True
        _known.pop(str(timer._id), None)
        self.remove(timer)
        timer._idleTimeout = -1
        if timer._refed:
            self.dec()

    def _head(self) -> tuple[int, int, Timeout] | None:
        heap = self.heap
        while heap:
            entry = heap[0]
            if entry[2]._scheduled and entry[2]._seq == entry[1]:
                return entry
            heapq.heappop(heap)
        return None

    def arm(self) -> None:
        """One asyncio timer, for the earliest due timeout."""
        head = self._head()
        due = head[0] if head is not None else math.inf
        if self.handle is not None:
            if self.handle_due <= due:
                return  # fires early enough; it re-arms for the rest
            self.handle.cancel()
            self.handle = None
        if head is not None:
            self.handle_due = due
            self.handle = self.loop.call_at(due / 1000.0, self.on_due)

    def on_due(self) -> None:
        self.handle = None
        self.handle_due = math.inf
        outer = self.batch_now
        now = self.batch_now = math.floor(self.loop.time() * 1000.0 + _EPSILON_MS)
        try:
            while True:
                head = self._head()
                if head is None or head[0] > now:
                    break
                heapq.heappop(self.heap)
                timer = head[2]
                timer._scheduled = False
                self.live -= 1
                self.fire(timer)
                self.drain_ticks()
        finally:
            # an exception escaped a callback: it is uncaught (run ends with it); the
            # timers still due fire on the next turn, as Node goes on after it
            self.batch_now = outer
            self.arm()

    def fire(self, timer: Timeout) -> None:
        callback = timer._onTimeout
        if callback is None:  # cleared by clearTimeout(id) after being revived
            if not timer._destroyed:
                timer._destroyed = True
                if timer._refed:
                    self.dec()
            return
        start = self.now() if timer._repeat is not None else None
        try:
            callback(*timer._timerArgs)
        finally:
            if timer._repeat is not None and timer._idleTimeout != -1:
                timer._idleTimeout = timer._repeat
                self.insert(timer, start)
            elif not timer._scheduled and not timer._destroyed:
                # fired and not refreshed from its own callback
                timer._destroyed = True
                _known.pop(str(timer._id), None)
                if timer._refed:
                    self.dec()

    # -- immediates ------------------------------------------------------------------

    def add_immediate(self, immediate: Immediate) -> None:
        self.immediates.append(immediate)
        self.inc()
        self.schedule_immediates()

    def schedule_immediates(self) -> None:
        if self.immediate_handle is None and self.immediates:
            # A due asyncio timer runs after the I/O callbacks of the loop turn that
            # finds it due: Node's check phase comes after its poll phase.  Due at time 0,
            # it sorts before every timeout, also one whose (whole-ms) due time is already
            # past when a loaded machine reaches this line: the check phase comes before
            # the next timers phase.
            self.immediate_handle = self.loop.call_at(0.0, self.run_immediates)

    def run_immediates(self) -> None:
        self.immediate_handle = None
        # Immediates set from here on wait for the next turn, as in Node.
        queue, self.immediates = self.immediates, deque()
        outer = self.batch_now
        self.batch_now = self.now()
        try:
            while queue:
                immediate = queue.popleft()
                if immediate._destroyed:
                    continue
                immediate._destroyed = True
                if immediate._refed:
                    self.dec()
                immediate._refed = None
                callback, args = immediate._onImmediate, immediate._argv
                immediate._onImmediate = None
                if callback is not None:
                    callback(*args)
                self.drain_ticks()
        finally:
            self.batch_now = outer
            if queue:  # a callback raised: the rest run first on the next turn
                queue.extend(self.immediates)
                self.immediates = queue
            self.schedule_immediates()

    def clear_immediate(self, immediate: Immediate) -> None:
        immediate._destroyed = True
        if immediate._refed:
            self.dec()
        immediate._refed = None
        immediate._onImmediate = None
        # it stays in the deque, skipped when its turn comes

    # -- nextTick and microtasks -----------------------------------------------------

    def add_tick(self, callback: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.ticks.append((callback, args))
        self.schedule_ticks()

    def add_microtask(self, callback: Callable[[], Any]) -> None:
        self.microtasks.append(callback)
        self.schedule_ticks()

    def schedule_ticks(self) -> None:
        if self.tick_handle is None:
            self.tick_handle = self.loop.call_soon(self.on_ticks)

    def on_ticks(self) -> None:
        self.tick_handle = None
        self.drain_ticks()

    def drain_ticks(self) -> None:
        """Node's processTicksAndRejections: every tick, then every microtask, until none."""
        try:
            while self.ticks or self.microtasks:
                while self.ticks:
                    callback, args = self.ticks.popleft()
                    callback(*args)
                while self.microtasks:
                    self.microtasks.popleft()()
        finally:
            if self.ticks or self.microtasks:  # one raised: the others still run
                self.schedule_ticks()


_states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Timers] = (
    weakref.WeakKeyDictionary())


def _timers() -> _Timers:
    loop = _loop.get_loop()
    state = _states.get(loop)
    if state is None:
        state = _states[loop] = _Timers(loop)
    return state


class Timeout:
    """What ``setTimeout`` and ``setInterval`` return (Node's ``Timeout``)."""

    def __init__(self, timers: _Timers, callback: Callable[..., Any], after: Any,
                 args: tuple[Any, ...], repeat: bool) -> None:
        delay = _coerce_delay(after)
        self._timers = timers
        self._idleTimeout: float = delay
        self._idleStart: int | None = None
        self._onTimeout: Callable[..., Any] | None = callback
        self._timerArgs = args
        self._repeat: float | None = delay if repeat else None
        self._destroyed = False
        self._refed = True
        self._scheduled = False
        self._seq = 0
        self._id = next(_ids)
        timers.inc()
        timers.insert(self)

    def refresh(self) -> Timeout:
        """Restart the timer with its delay from now (also one that already fired)."""
        self._timers.insert_guarded(self, self._refed)
        return self

    def unref(self) -> Timeout:
        """Let ``nodessl.run`` end even though this timer is pending."""
        if self._refed:
            self._refed = False
            if not self._destroyed:
                self._timers.dec()
        return self

    def ref(self) -> Timeout:
        """Keep ``nodessl.run`` alive while this timer is pending (the default)."""
        if not self._refed:
            self._refed = True
            if not self._destroyed:
                self._timers.inc()
        return self

    def hasRef(self) -> bool:
        """Whether the timer keeps ``nodessl.run`` alive (once pending)."""
        return self._refed

    def close(self) -> Timeout:
        """Cancel the timer (``clearTimeout(this)``)."""
        clearTimeout(self)
        return self

    def __int__(self) -> int:
        """Node's ``[Symbol.toPrimitive]()``: an id that ``clearTimeout`` accepts too."""
        if not self._destroyed:
            _known[str(self._id)] = self
        return self._id

    def __repr__(self) -> str:
        kind = "interval" if self._repeat is not None else "timeout"
        state = "destroyed" if self._destroyed else ("refed" if self._refed else "unrefed")
        return f"<Timeout {kind} {self._idleTimeout}ms {state}>"


class Immediate:
    """What ``setImmediate`` returns (Node's ``Immediate``)."""

    def __init__(self, timers: _Timers, callback: Callable[..., Any],
                 args: tuple[Any, ...]) -> None:
        self._timers = timers
        self._onImmediate: Callable[..., Any] | None = callback
        self._argv = args
        self._destroyed = False
        self._refed: bool | None = True  # None once it ran or was cleared
        timers.add_immediate(self)

    def ref(self) -> Immediate:
        """Keep ``nodessl.run`` alive until this immediate ran (the default)."""
        if self._refed is False:
            self._refed = True
            self._timers.inc()
        return self

    def unref(self) -> Immediate:
        """Let ``nodessl.run`` end before this immediate ran."""
        if self._refed is True:
            self._refed = False
            self._timers.dec()
        return self

    def hasRef(self) -> bool:
        """Whether this immediate keeps ``nodessl.run`` alive."""
        return bool(self._refed)

    def __repr__(self) -> str:
        return f"<Immediate {'done' if self._destroyed else 'pending'}>"


def setTimeout(callback: Callable[..., Any], delay: Any = None, *args: Any) -> Timeout:
    """Call ``callback(*args)`` once, after ``delay`` ms."""
    _check_callback(callback)
    return Timeout(_timers(), callback, delay, args, repeat=False)


def setInterval(callback: Callable[..., Any], delay: Any = None, *args: Any) -> Timeout:
    """Call ``callback(*args)`` every ``delay`` ms until cleared."""
    _check_callback(callback)
    return Timeout(_timers(), callback, delay, args, repeat=True)


def setImmediate(callback: Callable[..., Any], *args: Any) -> Immediate:
    """Call ``callback(*args)`` after the I/O of this loop turn."""
    _check_callback(callback)
    return Immediate(_timers(), callback, args)


def clearTimeout(timer: Any) -> None:
    """Cancel a Timeout (or the timer whose ``int()`` id is given); anything else is ignored."""
    if isinstance(timer, Timeout):
        if timer._onTimeout is not None:
            timer._onTimeout = None
            timer._timers.unenroll(timer)
        return
    if isinstance(timer, float) and timer.is_integer():
        timer = int(timer)
    if isinstance(timer, (int, str)) and not isinstance(timer, bool):
        found = _known.get(str(timer))
        if found is not None:
            found._idleTimeout = -1
            found._timers.unenroll(found)


clearInterval = clearTimeout


def clearImmediate(immediate: Any) -> None:
    """Cancel an Immediate; ``None`` or one that already ran is ignored."""
    if isinstance(immediate, Immediate):
        if not immediate._destroyed:
            immediate._timers.clear_immediate(immediate)
    elif isinstance(immediate, Timeout) and not immediate._destroyed:
        # Node's clearImmediate unlinks whatever it gets from its list: a Timeout too,
        # which never fires then (and, as there, keeps its delay: refresh revives it).
        timers = immediate._timers
        immediate._destroyed = True
        _known.pop(str(immediate._id), None)
        timers.remove(immediate)
        if immediate._refed:
            timers.dec()


def nextTick(callback: Callable[..., Any], *args: Any) -> None:
    """``process.nextTick``: ``callback(*args)`` soon, before the next timer or immediate."""
    _check_callback(callback)
    _timers().add_tick(callback, args)


def queueMicrotask(callback: Callable[[], Any]) -> None:
    """``queueMicrotask``: ``callback()`` once the ticks queued so far ran."""
    _check_callback(callback)
    _timers().add_microtask(callback)

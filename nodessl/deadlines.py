"""Many deadlines of one duration behind one loop timer (Node's timer lists).

Node keeps one list of timers per duration: every timer of a list expires in the
order it was armed, so only the list's head needs a timer of the loop.  A TLS
server arms a ``handshakeTimeout`` for every connection it accepts and cancels it
a few milliseconds later; with one asyncio ``TimerHandle`` each, that is a heap
push and a cancelled handle left in the heap per connection.  Here arming is an
insertion into an ordered dict and cancelling a deletion, both O(1), and the one
loop timer follows the head.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable

__all__ = ["DeadlineList", "deadline_list"]


class DeadlineList:
    """Deadlines ``delay`` seconds after :meth:`add`, each calling ``expire(key)`` once."""

    __slots__ = ("_loop", "_delay", "_expire", "_due", "_timer")

    def __init__(self, loop: asyncio.AbstractEventLoop, delay: float,
                 expire: Callable[[Hashable], object]) -> None:
        self._loop = loop
        self._delay = delay
        self._expire = expire
        self._due: OrderedDict[Hashable, float] = OrderedDict()
        self._timer: asyncio.TimerHandle | None = None

    def __len__(self) -> int:
        return len(self._due)

    def add(self, key: Hashable) -> None:
        """Arm ``key``'s deadline (re-arming moves it to the end, with a new deadline)."""
        when = self._loop.time() + self._delay
        due = self._due
        due[key] = when
        due.move_to_end(key)
        if self._timer is None:
            self._arm(when)

    def discard(self, key: Hashable) -> None:
        """Cancel ``key``'s deadline, if armed.  The loop timer stays: when it fires it
        finds the next live deadline (or none) and follows it."""
        self._due.pop(key, None)

    def _arm(self, when: float) -> None:
        self._timer = self._loop.call_at(when, self._fire)

    def _fire(self) -> None:
        self._timer = None
        due = self._due
        now = self._loop.time()
        while due:
            key, when = next(iter(due.items()))
            if when > now:
                self._arm(when)
                return
            del due[key]
            self._expire(key)  # may add or discard others: the loop reads ``due`` afresh


def deadline_list(loop: asyncio.AbstractEventLoop, delay: float,
                  expire: Callable[[Hashable], object]) -> DeadlineList:
    """The loop's list for ``delay`` seconds and ``expire`` (made on first use; kept on the
    loop itself, so it goes with the loop)."""
    per_loop: dict[tuple[float, Callable[[Hashable], object]], DeadlineList] | None = \
        getattr(loop, "_nodessl_deadlines", None)
    if per_loop is None:
        per_loop = {}
        loop._nodessl_deadlines = per_loop  # type: ignore[attr-defined]
    found = per_loop.get((delay, expire))
    if found is None:
        found = per_loop[(delay, expire)] = DeadlineList(loop, delay, expire)
    return found

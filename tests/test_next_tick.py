"""loop.next_tick: call_soon's order, one loop callback for ticks queued back to back."""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import run_loop

from nodessl.loop import next_tick


def _ready(loop: asyncio.AbstractEventLoop) -> int:
    return len(loop._ready)  # type: ignore[attr-defined]


def test_ticks_run_where_their_call_soon_would_have() -> None:
    async def main() -> list[str]:
        loop = asyncio.get_running_loop()
        order: list[str] = []
        before = _ready(loop)
        next_tick(loop, order.append, "a")
        next_tick(loop, order.append, "b")  # joins a's loop callback
        assert _ready(loop) == before + 1
        loop.call_soon(order.append, "plain")
        next_tick(loop, order.append, "c")  # after the plain one: a new batch
        assert _ready(loop) == before + 3

        def nested() -> None:
            order.append("d")
            next_tick(loop, order.append, "f")  # queued while ticks run: the next turn
            loop.call_soon(order.append, "g")

        next_tick(loop, nested)
        next_tick(loop, order.append, "e")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return order

    assert run_loop(main) == ["a", "b", "plain", "c", "d", "e", "f", "g"]


def test_a_failing_tick_is_reported_and_the_next_ones_run() -> None:
    async def main() -> tuple[list[str], list[Any]]:
        loop = asyncio.get_running_loop()
        reported: list[Any] = []
        loop.set_exception_handler(lambda loop, context: reported.append(context["exception"]))
        order: list[str] = []

        def fail() -> None:
            raise ValueError("tick")

        next_tick(loop, order.append, "a")
        next_tick(loop, fail)
        next_tick(loop, order.append, "b")
        await asyncio.sleep(0)
        return order, reported

    order, reported = run_loop(main)
    assert order == ["a", "b"]
    assert [type(err) for err in reported] == [ValueError]


def test_two_loops_never_share_a_batch() -> None:
    import threading

    results: dict[str, list[int]] = {}

    def in_thread(name: str) -> None:
        async def main() -> list[int]:
            loop = asyncio.get_running_loop()
            got: list[int] = []
            for i in range(200):
                next_tick(loop, got.append, i)
                if i % 7 == 0:
                    await asyncio.sleep(0)
            await asyncio.sleep(0.01)
            return got

        results[name] = asyncio.run(main())

    threads = [threading.Thread(target=in_thread, args=(n,)) for n in ("x", "y")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == {"x": list(range(200)), "y": list(range(200))}

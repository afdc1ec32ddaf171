"""EventEmitter: Node's listener semantics (order, once, removal, error, chaining, async)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import run_loop

from nodessl import NodeError
from nodessl.events import EventEmitter


def test_on_emit_order_and_emit_returns_whether_anyone_listened() -> None:
    ee = EventEmitter()
    calls: list[tuple[str, tuple[Any, ...]]] = []
    ee.on("x", lambda *a: calls.append(("first", a)))
    ee.on("x", lambda *a: calls.append(("second", a)))
    assert ee.emit("x", 1, "two") is True
    assert calls == [("first", (1, "two")), ("second", (1, "two"))]
    assert ee.emit("nobody") is False


def test_on_and_once_with_a_listener_chain() -> None:
    ee = EventEmitter()
    seen: list[str] = []
    result = ee.on("a", lambda: seen.append("a")).once("b", lambda: seen.append("b"))
    assert result is ee
    assert ee.addListener("c", lambda: seen.append("c")) is ee
    assert ee.prependListener("a", lambda: seen.append("a0")) is ee
    ee.emit("a")
    ee.emit("b")
    ee.emit("b")
    ee.emit("c")
    assert seen == ["a0", "a", "b", "c"]


def test_on_without_listener_is_a_decorator() -> None:
    ee = EventEmitter()
    seen: list[int] = []

    @ee.on("n")
    def handler(n: int) -> None:
        seen.append(n)

    @ee.once("n")
    def first_only(n: int) -> None:
        seen.append(-n)

    assert callable(handler) and callable(first_only)  # the decorator returns the function
    ee.emit("n", 1)
    ee.emit("n", 2)
    assert seen == [1, -1, 2]
    ee.removeListener("n", handler)
    assert ee.listenerCount("n") == 0


def test_once_fires_once_and_can_be_removed_before_firing() -> None:
    ee = EventEmitter()
    seen: list[int] = []

    def listener(n: int) -> None:
        seen.append(n)

    ee.once("x", listener)
    assert ee.listenerCount("x") == 1
    ee.emit("x", 1)
    ee.emit("x", 2)
    assert seen == [1]
    assert ee.listenerCount("x") == 0

    ee.once("y", listener)
    ee.off("y", listener)  # removed by the original function, as in Node
    assert ee.emit("y", 3) is False
    assert seen == [1]


def test_remove_listener_off_and_unknown_listeners() -> None:
    ee = EventEmitter()
    seen: list[str] = []

    def a() -> None:
        seen.append("a")

    def b() -> None:
        seen.append("b")

    ee.on("x", a).on("x", b)
    assert ee.removeListener("x", a) is ee
    ee.emit("x")
    assert seen == ["b"]
    assert ee.off("x", b) is ee
    assert ee.off("x", b) is ee  # unknown: ignored
    assert ee.off("never", a) is ee
    assert ee.emit("x") is False
    assert ee.eventNames() == []


def test_listener_removing_itself_during_emit_does_not_skip_others() -> None:
    ee = EventEmitter()
    seen: list[str] = []

    def a() -> None:
        seen.append("a")
        ee.off("x", a)

    ee.on("x", a).on("x", lambda: seen.append("b"))
    ee.emit("x")
    ee.emit("x")
    assert seen == ["a", "b", "b"]


def test_prepend_listener_and_prepend_once_listener() -> None:
    ee = EventEmitter()
    seen: list[str] = []
    ee.on("x", lambda: seen.append("on"))
    ee.prependListener("x", lambda: seen.append("prepended"))
    ee.prependOnceListener("x", lambda: seen.append("prepended-once"))
    ee.emit("x")
    ee.emit("x")
    assert seen == ["prepended-once", "prepended", "on", "prepended", "on"]


def test_the_same_listener_twice_runs_twice_like_node() -> None:
    ee = EventEmitter()
    seen: list[int] = []

    def f() -> None:
        seen.append(1)

    ee.on("x", f).on("x", f)
    assert ee.listenerCount("x") == 2
    ee.emit("x")
    assert len(seen) == 2
    ee.off("x", f)  # removes one of the two
    assert ee.listenerCount("x") == 1
    ee.emit("x")
    assert len(seen) == 3

    # once after on keeps both: the on listener is not turned into a once listener
    ee.once("x", f)
    ee.emit("x")
    ee.emit("x")
    assert len(seen) == 3 + 2 + 1
    assert ee.listeners("x") == [f]


def test_listener_count_and_event_names() -> None:
    ee = EventEmitter()
    ee.on("a", print).on("a", repr).once("b", print)
    assert ee.listenerCount("a") == 2
    assert ee.listenerCount("b") == 1
    assert ee.listenerCount("c") == 0
    assert ee.eventNames() == ["a", "b"]
    ee.removeAllListeners("a")
    assert ee.eventNames() == ["b"]
    assert ee.listenerCount("a") == 0
    ee.removeAllListeners()
    assert ee.eventNames() == []


def test_new_listener_event_uses_nodes_name() -> None:
    ee = EventEmitter()
    added: list[str] = []
    ee.on("newListener", lambda event, listener: added.append(event))
    ee.on("data", print)
    ee.once("end", print)
    assert added == ["data", "end"]


def test_error_without_listener_raises_the_error() -> None:
    ee = EventEmitter()
    boom = ValueError("boom")
    with pytest.raises(ValueError) as info:
        ee.emit("error", boom)
    assert info.value is boom

    caught: list[BaseException] = []
    ee.on("error", caught.append)
    assert ee.emit("error", boom) is True
    assert caught == [boom]


def test_error_event_with_a_non_error_value_is_err_unhandled_error() -> None:
    ee = EventEmitter()
    with pytest.raises(NodeError) as info:
        ee.emit("error", "str")
    assert info.value.code == "ERR_UNHANDLED_ERROR"
    assert info.value.message == "Unhandled error. ('str')"


def test_async_listener_is_scheduled_on_the_running_loop() -> None:
    async def main() -> None:
        ee = EventEmitter()
        done = asyncio.get_running_loop().create_future()

        async def listener(value: int) -> None:
            await asyncio.sleep(0)
            done.set_result((value, asyncio.get_running_loop()))

        assert ee.emit("x", 7) is False
        ee.on("x", listener)
        assert ee.emit("x", 7) is True
        assert not done.done()  # scheduled, not run inline
        value, loop = await done
        assert value == 7 and loop is asyncio.get_running_loop()

    run_loop(main, timeout=5)


def test_async_listener_failure_reaches_the_loop_exception_handler() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        reported = loop.create_future()
        loop.set_exception_handler(
            lambda _loop, ctx: reported.done() or reported.set_result(ctx.get("exception")))
        ee = EventEmitter()
        boom = RuntimeError("async boom")

        async def listener() -> None:
            raise boom

        ee.on("x", listener)
        ee.emit("x")
        assert await reported is boom

    run_loop(main, timeout=5)

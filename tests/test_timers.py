"""nodessl.timers: Node's setTimeout/setInterval/setImmediate, their clear* functions, nextTick.

Each program runs under ``nodessl.run`` (bounded in a thread): that the run returns at all
is part of what is checked, since refed timers keep it alive and unref'ed ones do not.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from conftest import run_bounded

import nodessl
from nodessl import NodeError, net, timers
from nodessl.timers import (
    Immediate,
    Timeout,
    TimeoutOverflowWarning,
    clearImmediate,
    clearInterval,
    clearTimeout,
    nextTick,
    queueMicrotask,
    setImmediate,
    setInterval,
    setTimeout,
)


def test_exported_from_nodessl_and_nodessl_timers() -> None:
    for name in ("setTimeout", "setInterval", "setImmediate", "clearTimeout",
                 "clearInterval", "clearImmediate", "nextTick", "queueMicrotask"):
        assert getattr(nodessl, name) is getattr(timers, name)
    assert nodessl.timers is timers


def test_set_timeout_passes_its_arguments_and_fires_by_due_time() -> None:
    log: list[Any] = []

    def main() -> None:
        setTimeout(log.append, 30, "late")
        setTimeout(lambda a, b: log.append((a, b)), 1, "x", "y")
        setTimeout(log.append, 8, "middle")
        setTimeout(lambda: log.append("no args"), 1)

    run_bounded(main)
    assert log == [("x", "y"), "no args", "middle", "late"]


def test_timers_with_the_same_delay_fire_in_the_order_they_were_set() -> None:
    log: list[int] = []

    def main() -> None:
        for i in range(200):
            setTimeout(log.append, 3, i)

    run_bounded(main)
    assert log == list(range(200))


def test_delay_is_coerced_as_node_does() -> None:
    seen: dict[str, Any] = {}
    fired: list[str] = []

    def main() -> None:
        cases = {"string": "5", "negative": -5, "nan string": "abc", "none": None,
                 "fraction": 2.7, "zero": 0, "object": object(), "max": 2**31 - 1}
        for name, delay in cases.items():
            t = setTimeout(fired.append, delay, name)
            seen[name] = t._idleTimeout
            if name == "max":
                t.unref()  # 24 days: not waited for
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            big = setTimeout(fired.append, 2**31, "overflow")
        seen["overflow"] = big._idleTimeout
        seen["warnings"] = [(type(w.message), str(w.message)) for w in caught]

    run_bounded(main)
    assert seen == {"string": 5, "negative": 1, "nan string": 1, "none": 1, "fraction": 2.7,
                    "zero": 1, "object": 1, "max": 2**31 - 1, "overflow": 1,
                    "warnings": [(TimeoutOverflowWarning,
                                  "2147483648 does not fit into a 32-bit signed integer.\n"
                                  "Timeout duration was set to 1.")]}
    # a fraction is truncated to whole ms when scheduled: 2.7 fires before 5 ms
    assert fired.index("fraction") < fired.index("string")
    assert sorted(fired) == sorted(["string", "negative", "nan string", "none", "fraction",
                                    "zero", "object", "overflow"])


@pytest.mark.parametrize("fn", [setTimeout, setInterval, setImmediate, nextTick,
                                queueMicrotask])
@pytest.mark.parametrize("value", ["x", None, 5, {}])
def test_a_callback_that_is_no_function_is_err_invalid_arg_type(fn: Any, value: Any) -> None:
    def main() -> str:
        with pytest.raises(NodeError) as info:
            fn(value)
        assert isinstance(info.value, TypeError)
        return info.value.code, info.value.message

    code, message = run_bounded(main)
    assert code == "ERR_INVALID_ARG_TYPE"
    assert message.startswith('The "callback" argument must be a callable.')


def test_outside_a_loop_a_timer_is_a_clear_node_error() -> None:
    with pytest.raises(NodeError) as info:
        setTimeout(lambda: None, 1)
    assert info.value.code == "ERR_NO_EVENT_LOOP"


def test_interval_rearms_after_its_callback_until_cleared() -> None:
    log: list[Any] = []

    def main() -> None:
        def tick(tag: str) -> None:
            log.append((tag, iv._destroyed))
            if len(log) == 1:
                # set during the callback: due at the same time as the re-armed interval,
                # and set before the interval re-arms, so it fires first (as in Node)
                setTimeout(log.append, 10, "timeout")
            if len(log) == 4:
                clearInterval(iv)

        iv = setInterval(tick, 10, "iv")

    run_bounded(main)  # ends: a cleared interval holds nothing
    assert log == [("iv", False), "timeout", ("iv", False), ("iv", False)]


def test_clear_timeout_clears_an_interval_and_clear_interval_a_timeout() -> None:
    log: list[str] = []

    def main() -> None:
        iv = setInterval(log.append, 1, "interval")
        clearTimeout(iv)
        t = setTimeout(log.append, 1, "timeout")
        clearInterval(t)
        setTimeout(log.append, 5, "witness")

    run_bounded(main)
    assert log == ["witness"]


def test_refresh_restarts_the_timer_with_its_delay() -> None:
    log: list[str] = []

    def main() -> None:
        a = setTimeout(log.append, 20, "a")

        def at_10() -> None:
            log.append("c")
            a.refresh()  # a now due 20 ms from here: after b
            setTimeout(log.append, 15, "b")

        setTimeout(at_10, 10)

    run_bounded(main)
    assert log == ["c", "b", "a"]


def test_refresh_revives_a_timer_that_fired_but_not_one_that_was_cleared() -> None:
    log: list[Any] = []

    def main() -> None:
        def fired() -> None:
            log.append(("fired", t.hasRef(), t._destroyed))
            if len(log) == 1:
                setImmediate(lambda: log.append(("refreshed", t.refresh() is t, t._destroyed)))

        t = setTimeout(fired, 5)

        cleared = setTimeout(log.append, 1, "cleared fired")
        clearTimeout(cleared)
        assert cleared.refresh() is cleared
        assert cleared._destroyed and cleared._idleTimeout == -1

    run_bounded(main)  # the revived timer kept the run alive until it fired again
    assert log == [("fired", True, False), ("refreshed", True, False), ("fired", True, False)]


def test_refresh_from_its_own_callback_fires_it_again() -> None:
    count = [0]

    def main() -> None:
        def fired() -> None:
            count[0] += 1
            if count[0] < 3:
                t.refresh()

        t = setTimeout(fired, 2)

    run_bounded(main)
    assert count == [3]


def test_unref_ref_and_has_ref() -> None:
    log: list[Any] = []

    def main() -> None:
        never = setTimeout(log.append, 60_000, "never")
        assert never.hasRef() is True
        assert never.unref() is never and never.hasRef() is False
        later = setTimeout(log.append, 5, "refed again").unref()
        assert later.ref() is later and later.hasRef() is True
        # an unref'ed timer still fires while something else keeps the program alive
        setTimeout(log.append, 1, "unrefed but fired").unref()
        imm = setImmediate(log.append, "unrefed immediate, run alive anyway").unref()
        assert imm.hasRef() is False
        assert imm.ref().hasRef() is True and imm.unref().hasRef() is False

    run_bounded(main)  # returns: the 60 s timer is unref'ed
    assert log == ["unrefed immediate, run alive anyway", "unrefed but fired", "refed again"]


def test_a_program_whose_only_timer_is_unrefed_ends_without_firing_it() -> None:
    log: list[str] = []

    def main() -> Timeout:
        setImmediate(log.append, "immediate").unref()
        return setTimeout(log.append, 1, "timeout").unref()

    t = run_bounded(main)
    assert log == []
    assert t.hasRef() is False


def test_has_ref_after_clear_and_fire_matches_node() -> None:
    out: dict[str, Any] = {}

    def main() -> None:
        t = setTimeout(lambda: None, 1)
        clearTimeout(t)
        out["timeout cleared"] = (t.hasRef(), t._destroyed)
        t.ref()  # a cleared timer no longer holds the program
        imm = setImmediate(lambda: None)
        clearImmediate(imm)
        out["immediate cleared"] = imm.hasRef()
        ran = setImmediate(lambda: setImmediate(lambda: out.update(ran=ran.hasRef())))

    run_bounded(main)
    # Node 20: a cleared Timeout keeps kRefed (true); an Immediate drops it
    assert out == {"timeout cleared": (True, True), "immediate cleared": False, "ran": False}


def test_clear_timeout_accepts_the_primitive_id_as_int_or_string() -> None:
    log: list[str] = []

    def main() -> None:
        a = setTimeout(log.append, 1, "a")
        b = setTimeout(log.append, 1, "b")
        c = setTimeout(log.append, 1, "c")
        ids = int(a), int(b), int(c)
        assert len(set(ids)) == 3 and all(isinstance(i, int) for i in ids)
        assert int(a) == ids[0]  # stable
        clearTimeout(ids[0])
        clearTimeout(str(ids[1]))
        clearTimeout(ids[2] + 10_000)  # no such timer: nothing happens

    run_bounded(main)
    assert log == ["c"]


def test_clear_functions_ignore_what_is_no_timer() -> None:
    log: list[str] = []

    def main() -> None:
        for value in (None, 0, "x", 5, object()):
            clearTimeout(value)
            clearInterval(value)
            clearImmediate(value)
        imm = setImmediate(log.append, "immediate")
        clearTimeout(imm)  # Node: an Immediate has no _onTimeout, clearTimeout ignores it
        clearInterval(imm)

    run_bounded(main)
    assert log == ["immediate"]


def test_clear_immediate_cancels_and_also_cancels_a_timeout_as_node_does() -> None:
    log: list[str] = []

    def main() -> None:
        imm = setImmediate(log.append, "cleared immediate")
        assert isinstance(imm, Immediate)
        clearImmediate(imm)
        clearImmediate(imm)  # twice is fine
        t = setTimeout(log.append, 1, "timeout cleared by clearImmediate")
        clearImmediate(t)
        setImmediate(log.append, "kept")

    run_bounded(main)
    assert log == ["kept"]


def test_close_cancels_and_returns_the_timeout() -> None:
    log: list[str] = []

    def main() -> None:
        t = setTimeout(log.append, 1, "closed")
        assert t.close() is t
        iv = setInterval(log.append, 1, "closed interval")
        iv.close()

    run_bounded(main)
    assert log == []


def test_immediates_run_fifo_with_ticks_between_and_new_ones_next_turn() -> None:
    log: list[Any] = []

    def main() -> None:
        def first() -> None:
            log.append("i1")
            nextTick(log.append, "tick in i1")
            setImmediate(log.append, "i3 (set during i1)")

        def second(arg: str) -> None:
            log.append(("i2", arg))
            queueMicrotask(lambda: log.append("microtask in i2"))
            nextTick(log.append, "tick in i2")

        setImmediate(first)
        setImmediate(second, "arg")
        nextTick(lambda a, b: log.append(("tick", a, b)), 1, 2)
        log.append("main")

    run_bounded(main)
    # the same order as Node prints for the same program (see test_loop's comparison)
    assert log == ["main", ("tick", 1, 2), "i1", "tick in i1", ("i2", "arg"), "tick in i2",
                   "microtask in i2", "i3 (set during i1)"]


def test_immediate_set_in_an_io_callback_runs_before_a_zero_timeout() -> None:
    log: list[str] = []

    def main() -> None:
        server = net.createServer(lambda c: c.end(b"x"))

        def on_data(_: bytes) -> None:
            # Node: in an I/O callback, the check phase (immediates) comes before timers
            setTimeout(log.append, 0, "timeout")
            setImmediate(log.append, "immediate")

        def on_listening() -> None:
            client = net.connect(server.address()["port"], "127.0.0.1")
            client.on("data", on_data)
            client.on("close", lambda *a: server.close())

        server.listen(0, "127.0.0.1", on_listening)

    run_bounded(main)
    assert log == ["immediate", "timeout"]


def test_next_tick_runs_between_two_timers_due_together() -> None:
    log: list[str] = []

    def main() -> None:
        def first() -> None:
            log.append("t1")
            nextTick(log.append, "tick after t1")
            queueMicrotask(lambda: log.append("microtask after t1"))

        setTimeout(first, 2)
        setTimeout(log.append, 2, "t2")

    run_bounded(main)
    assert log == ["t1", "tick after t1", "microtask after t1", "t2"]


def test_an_exception_in_a_timer_callback_ends_run_with_it() -> None:
    log: list[str] = []

    def boom() -> None:
        raise RuntimeError("thrown in a timer")

    def main() -> None:
        setTimeout(boom, 1)
        setTimeout(log.append, 60_000, "never")  # refed: only the exception ends the run

    with pytest.raises(RuntimeError, match="thrown in a timer"):
        run_bounded(main)
    assert log == []


def test_an_exception_in_a_tick_or_immediate_ends_run_with_it() -> None:
    def boom(where: str) -> None:
        raise RuntimeError(f"thrown in {where}")

    with pytest.raises(RuntimeError, match="thrown in nextTick"):
        run_bounded(lambda: (nextTick(boom, "nextTick"), setTimeout(lambda: None, 60_000)))
    with pytest.raises(RuntimeError, match="thrown in an immediate"):
        run_bounded(lambda: (setImmediate(boom, "an immediate"),
                             setTimeout(lambda: None, 60_000)))


def test_timers_work_on_any_running_asyncio_loop() -> None:
    import asyncio

    async def main() -> list[str]:
        log: list[str] = []
        done = asyncio.get_running_loop().create_future()
        # 20 ms apart: as in Node, a 1 ms timer and an immediate may run in either order
        setTimeout(log.append, 20, "timeout")
        setImmediate(log.append, "immediate")
        setTimeout(lambda: done.set_result(None), 40)
        await done
        return log

    assert asyncio.run(main()) == ["immediate", "timeout"]

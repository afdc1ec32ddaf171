"""The event loop Node programs assume: asyncio, and ``run(main)``.

Node keeps a process alive while a server listens, a socket is open or
connecting, or a refed timer is pending, and ends it when nothing is left.
``run`` reproduces that on a fresh asyncio loop: every socket, server and
timer (:mod:`nodessl.timers`) *refs* itself while it keeps the program alive,
and ``run`` returns once no ref, no other task and no queued callback is left
(callbacks already queued run first, as Node drains its tick queue).  A socket
timeout or a handshake timeout holds no ref, as Node's are unref'ed timers;
an unref'ed timer or socket does not hold one either.  An exception that
escapes a listener (an ``error`` event nobody handles, say) ends ``run`` with
that exception, as an uncaught exception ends a Node process.

Inside code that already runs on an asyncio loop, everything attaches to the
running loop and ``run`` is not needed.
"""

from __future__ import annotations

import asyncio
import inspect
import weakref
from collections.abc import Callable
from typing import Any, overload

from .errors import NodeError

__all__ = ["run", "get_loop", "running_loop", "LazyLoop", "ref", "unref", "spawn"]


class _LoopState:
    """The refs of one loop and the event ``run`` waits on."""

    def __init__(self) -> None:
        self.refs: set[int] = set()
        # run() sleeps on this future; any change of refs (or an uncaught error) wakes it
        self.waiter: asyncio.Future[None] | None = None
        # the program run() runs here: cluster.fork() runs it again in the new worker
        self.program: tuple[Callable[..., Any], tuple[Any, ...]] | None = None

    def wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


_states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
    weakref.WeakKeyDictionary()
)


def get_loop() -> asyncio.AbstractEventLoop:
    """The running loop; a clear error when there is none."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise NodeError(
            "nodessl needs a running asyncio loop: call it from async code or inside "
            "nodessl.run(main)",
            "ERR_NO_EVENT_LOOP",
        ) from None


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The running loop, or None outside one (a constructor binds later, see LazyLoop)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class LazyLoop:
    """The ``_loop`` of an object that may be made before any loop runs (as asyncio's own
    objects can): the first read binds the loop running then (ERR_NO_EVENT_LOOP when
    none).  A non-data descriptor, so once bound (or set in ``__init__``) the value is a
    plain instance attribute and the hot paths that read ``self._loop`` pay nothing."""

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> LazyLoop: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> asyncio.AbstractEventLoop: ...

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        loop = obj.__dict__["_loop"] = get_loop()
        return loop


def _state(loop: asyncio.AbstractEventLoop) -> _LoopState:
    state = _states.get(loop)
    if state is None:
        state = _states[loop] = _LoopState()
    return state


def ref(handle: object, loop: asyncio.AbstractEventLoop) -> None:
    """Keep ``run`` going while ``handle`` is alive."""
    # No wake-up: run() only asks whether any ref is left, and a new one never changes
    # that answer to "stop" (every accepted connection would cost run() a loop turn).
    _state(loop).refs.add(id(handle))


def unref(handle: object, loop: asyncio.AbstractEventLoop) -> None:
    """``handle`` no longer keeps ``run`` going."""
    state = _states.get(loop)
    if state is None:
        return
    refs = state.refs
    if id(handle) in refs:
        refs.discard(id(handle))
        if not refs:
            state.wake()  # the last one: run() looks whether anything else holds it


# -- next_tick: Node's process.nextTick on asyncio ------------------------------------------
#
# Node's streams and sockets defer much of their work by a tick ('end' after the last chunk,
# 'finish', 'close', a write's callback), and a connection queues a dozen of them.  A tick
# there costs next to nothing; here each is a loop callback (a Handle, a context copy, a
# turn of the ready queue).  So ticks queued one right after the other share one loop
# callback: a tick joins the batch queued last only while that batch is still the last
# callback in the loop's ready queue, so every tick runs exactly where its own call_soon
# would have put it, in the same order relative to everything else.

_Tick = tuple[Callable[..., Any], tuple[Any, ...]]
# the batch queued last and its loop callback: one tuple, replaced whole, so that loops in
# other threads never see a handle with another loop's list
_NO_BATCH: tuple[asyncio.Handle | None, list[_Tick]] = (None, [])
_batch = _NO_BATCH


def next_tick(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any) -> None:
    """``loop.call_soon(fn, *args)``, sharing one loop callback with the ticks queued
    just before it (see above).  Loops without asyncio's ``_ready`` queue (uvloop) get a
    plain ``call_soon``."""
    global _batch
    ready = getattr(loop, "_ready", None)
    handle, ticks = _batch
    if ready and ready[-1] is handle:
        ticks.append((fn, args))
        return
    if ready is None:
        loop.call_soon(fn, *args)
        return
    ticks = [(fn, args)]
    _batch = (loop.call_soon(_run_ticks, loop, ticks), ticks)


def _run_ticks(loop: asyncio.AbstractEventLoop, ticks: list[_Tick]) -> None:
    # as asyncio's Handle._run for each: an exception goes to the loop's handler and the
    # next tick still runs
    global _batch
    if _batch[1] is ticks:
        _batch = _NO_BATCH  # out of the ready queue: nothing joins it now, nor stays alive
    for i, (fn, args) in enumerate(ticks):
        try:
            fn(*args)
        except (SystemExit, KeyboardInterrupt):
            if i + 1 < len(ticks):
                loop.call_soon(_run_ticks, loop, ticks[i + 1:])
            raise
        except BaseException as exc:  # noqa: BLE001 - reported as asyncio reports it
            loop.call_exception_handler({"message": f"Exception in callback {fn!r}",
                                         "exception": exc})


_spawned: set[asyncio.Task[Any]] = set()


def spawn(loop: asyncio.AbstractEventLoop, coro: Any) -> asyncio.Task[Any]:
    """Run ``coro`` as a background task whose failure is an uncaught exception.

    Sockets and servers emit events from their own tasks (``connect`` from the
    connect task, say); an exception escaping a listener there must end ``run``
    like one escaping a callback, not wait for the task to be garbage collected.
    """
    task = loop.create_task(coro)
    _spawned.add(task)  # a task nobody holds can be collected mid-flight
    task.add_done_callback(_reap)
    return task


def _reap(task: asyncio.Task[Any]) -> None:
    _spawned.discard(task)
    if task.cancelled():
        return
    exc = task.exception()  # retrieved: no second report when the task is collected
    if exc is not None:
        task.get_loop().call_exception_handler(
            {"message": "Unhandled exception in a nodessl task", "exception": exc, "task": task})


def run(main: Callable[..., Any], *args: Any) -> Any:
    """Run a Node-style program until no server, socket or task is left; return main's result.

    ``main`` may be a plain function (it sets up servers and sockets and
    returns) or a coroutine function.
    """
    loop = asyncio.new_event_loop()
    failure: list[BaseException] = []

    def on_uncaught(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if exc is None:
            loop.default_exception_handler(context)
            return
        if not failure:
            failure.append(exc)
            _state(loop).wake()  # an uncaught error ends the run at once

    loop.set_exception_handler(on_uncaught)

    async def program() -> Any:
        loop = asyncio.get_running_loop()
        try:
            return await _live(loop)
        finally:
            # (When a SystemExit, ``process.exit``, left the loop from a callback, the
            # clean-up below cancels this task: its run must not be stopped.)
            if not cleaning:
                # The program is over: this loop turn is its last, so no I/O or timer
                # callback runs after it, as none runs after a Node process ended.
                loop.stop()

    async def _live(loop: asyncio.AbstractEventLoop) -> Any:
        state = _state(loop)
        state.program = (main, args)
        result = main(*args)
        if inspect.isawaitable(result):
            result = await result
        me = asyncio.current_task()
        while not failure:
            pending: set[asyncio.Future[Any]] = set()
            if not state.refs:
                pending = {t for t in asyncio.all_tasks() if t is not me and not t.done()}
                if not pending:
                    if not _has_ready_callbacks(loop):
                        break
                    # Callbacks already queued (an event emitted on the next tick, a
                    # 'close' after the last connection, nextTick) still run, as Node
                    # drains its tick queue before it lets a process end.
                    await asyncio.sleep(0)
                    continue
            state.waiter = loop.create_future()
            await asyncio.wait({state.waiter, *pending}, return_when=asyncio.FIRST_COMPLETED)
            state.waiter = None
        return result

    cleaning = False
    try:
        asyncio.set_event_loop(loop)
        result = loop.run_until_complete(program())
    finally:
        cleaning = True
        try:
            _drop_stale_stop(loop)
            _cancel_timers(loop)
            _cancel_all(loop)
            from .net import close_at_exit

            close_at_exit(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
    if failure:
        raise failure[0]
    return result


def _has_ready_callbacks(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether callbacks wait in the loop's ready queue (``call_soon``), not yet run.

    asyncio's own loops keep that queue in ``_ready``; a loop without one (uvloop)
    answers False, and only refs and tasks keep ``run`` alive there.
    """
    ready = getattr(loop, "_ready", None)
    if not ready:
        return False
    return any(not getattr(handle, "_cancelled", False) for handle in ready)


def _drop_stale_stop(loop: asyncio.AbstractEventLoop) -> None:
    """The program stopped the loop itself (its last turn), so the callback with which
    ``run_until_complete`` stops the loop when the program's future is done is still
    queued; left there it would stop the clean-up run below before its tasks finish."""
    for handle in getattr(loop, "_ready", ()):
        if getattr(getattr(handle, "_callback", None), "__name__", "") == "_run_until_complete_cb":
            handle.cancel()


def _cancel_timers(loop: asyncio.AbstractEventLoop) -> None:
    """The program is over: no timer may fire while tasks are cancelled (an unref'ed
    ``setTimeout``, a socket timeout), as nothing runs after a Node process ends."""
    for handle in list(getattr(loop, "_scheduled", ())):
        handle.cancel()


def _cancel_all(loop: asyncio.AbstractEventLoop) -> None:
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))

"""EventEmitter: Node's listener semantics (order, once, removal, error, chaining, async)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import NodePeer, listening, once, python_words, run_loop, run_node

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


CAPTURE_SCRIPT = r"""
const events = require('events'), net = require('net'), stream = require('stream');
const out = {};
const check = (f) => { try { f(); return null; } catch (e) { return [e.code, e.message]; } };
out.badOption = check(() => new events.EventEmitter({captureRejections: 1}));
out.badDefault = check(() => { events.captureRejections = 'yes'; });
const a = new events.EventEmitter({captureRejections: true});
a.on('error', (e) => { out.errorEvent = e.message; });
a.on('x', async () => { throw new Error('to error'); });
a.emit('x');
const b = new events.EventEmitter({captureRejections: true});
b[events.captureRejectionSymbol] = (err, ev, ...args) => { out.method = [err.message, ev, args]; };
b.on('y', async () => { throw new Error('to method'); });
b.emit('y', 1, 'two');
const r = new stream.Readable({read() {}, captureRejections: true});
r.on('error', (e) => { out.readable = [e.message, r.destroyed]; });
r.on('data', async () => { throw new Error('data'); });
r.push('x');
events.captureRejections = true;
const later = new events.EventEmitter();
events.captureRejections = false;
later.on('error', (e) => { out.defaultAtConstruction = e.message; });
later.on('z', async () => { throw new Error('default'); });
later.emit('z');
setTimeout(() => console.log(JSON.stringify(out)), 50);
"""


def test_capture_rejections_as_node() -> None:
    """``captureRejections``: the option and the module default (taken at construction), a
    rejected async listener becoming 'error' or the ``[nodejs.rejection]`` method's call,
    a Readable destroyed by it, and Node's type checks; compared with Node."""
    from nodessl import events, stream

    node = run_node(CAPTURE_SCRIPT, None)
    assert node["readable"] == ["data", True]

    async def main() -> dict[str, Any]:
        out: dict[str, Any] = {}

        def check(f: Any) -> Any:
            try:
                f()
            except NodeError as e:
                # the same words, up to JavaScript's type names
                return [e.code, e.message.replace("type int", "type number")
                        .replace("type str ", "type string ")]
            return None

        out["badOption"] = check(lambda: EventEmitter({"captureRejections": 1}))
        out["badDefault"] = check(lambda: setattr(events, "captureRejections", "yes"))
        assert events.captureRejections is False
        a = EventEmitter({"captureRejections": True})
        a.on("error", lambda e: out.__setitem__("errorEvent", str(e)))

        async def to_error() -> None:
            raise NodeError("to error")

        a.on("x", to_error)
        a.emit("x")
        b = EventEmitter({"captureRejections": True})
        setattr(b, events.captureRejectionSymbol,
                lambda err, ev, *args: out.__setitem__("method", [str(err), ev, list(args)]))

        async def to_method(*_: Any) -> None:
            raise NodeError("to method")

        b.on("y", to_method)
        b.emit("y", 1, "two")
        r = stream.Readable({"read": lambda *_: None, "captureRejections": True})
        r.on("error", lambda e: out.__setitem__("readable", [str(e), r.destroyed]))

        async def on_data(_: Any) -> None:
            raise NodeError("data")

        r.on("data", on_data)
        r.push(b"x")
        events.captureRejections = True
        try:
            later = EventEmitter()
        finally:
            events.captureRejections = False
        later.on("error", lambda e: out.__setitem__("defaultAtConstruction", str(e)))

        async def default() -> None:
            raise NodeError("default")

        later.on("z", default)
        later.emit("z")
        await asyncio.sleep(0.05)
        return out

    for name in ("badOption", "badDefault"):  # Node's type words said in Python's
        node[name] = [node[name][0], python_words(node[name][1])]
    assert run_loop(main, timeout=5) == node


NET_CAPTURE_NODE = r"""
const net = require('net'), events = require('events');
events.captureRejections = true;
const server = net.createServer(async (sock) => {
  sock.on('error', (e) => {
    console.log(JSON.stringify({error: e.message, destroyed: sock.destroyed}));
  });
  throw new Error('kaboom');
});
events.captureRejections = false;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({port: server.address().port}));
});
process.stdin.on('data', () => server.close()).on('end', () => server.close());
"""


def test_net_server_destroys_the_socket_of_a_rejected_connection_listener() -> None:
    """A net.Server made while ``events.captureRejections`` is on: a 'connection' listener
    that fails destroys that socket with the error; Node's client and nodessl's see the
    same close from a Node server and from a nodessl one."""
    from nodessl import events, net

    async def client_sees(port: int) -> dict[str, Any]:
        sock = net.connect(port, "127.0.0.1")
        seen: dict[str, Any] = {"error": None}
        sock.on("error", lambda e: seen.__setitem__("error", e.code))
        sock.resume()
        had_error = await once(sock, "close")
        seen["hadError"] = had_error
        return seen

    async def main() -> tuple[Any, Any, Any]:
        peer = await NodePeer.start(NET_CAPTURE_NODE)
        try:
            port = (await peer.message())["port"]
            from_node = await client_sees(port)
            node_side = await peer.message()
        finally:
            assert peer.proc.stdin is not None
            peer.proc.stdin.close()
            await peer.close()
        seen: dict[str, Any] = {}
        kaboom = NodeError("kaboom")
        events.captureRejections = True
        try:
            async def on_connection(sock: Any) -> None:
                sock.on("error", lambda e: seen.update(error=str(e), destroyed=sock.destroyed,
                                                      same=e is kaboom))
                raise kaboom

            server = net.createServer(on_connection)
        finally:
            events.captureRejections = False
        port = await listening(server)
        from_nodessl = await client_sees(port)
        server.close()
        assert seen.pop("same") is True
        return node_side, from_node, (seen, from_nodessl)

    node_side, from_node, (seen, from_nodessl) = run_loop(main, timeout=20)
    assert node_side == {"error": "kaboom", "destroyed": True}
    assert seen == node_side
    assert from_nodessl == from_node

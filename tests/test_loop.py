"""nodessl.run: Node's process lifetime (alive while something is open), uncaught errors, refs."""

from __future__ import annotations

import asyncio
import socket as pysocket
import threading
import time
from typing import Any

import pytest
from conftest import collect, listening

import nodessl
from nodessl import NodeError, net
from nodessl.loop import get_loop


def run_bounded(main: Any, *args: Any, timeout: float = 5.0) -> Any:
    """``nodessl.run`` in a thread, so a run that never ends fails the test instead of hanging."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = nodessl.run(main, *args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"nodessl.run did not return within {timeout} s")
    if "error" in box:
        raise box["error"]
    return box["result"]


def refused_port() -> tuple[pysocket.socket, int]:
    s = pysocket.socket()
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


def test_run_returns_quickly_when_nothing_is_open() -> None:
    start = time.monotonic()
    assert run_bounded(lambda a, b: a + b, 40, 2) == 42

    async def amain() -> str:
        await asyncio.sleep(0)
        return "done"

    assert run_bounded(amain) == "done"
    assert time.monotonic() - start < 1.0


def test_run_with_a_sync_main_waits_for_every_socket_and_server() -> None:
    log: list[Any] = []

    def main() -> str:
        loop = get_loop()
        # the server answers late: run must not return before that
        server = net.createServer(lambda c: loop.call_later(0.2, c.end, b"late bye"))
        server.on("close", lambda: log.append("server closed"))

        def on_listening() -> None:
            client = net.connect(server.address()["port"], "127.0.0.1")
            client.on("data", log.append)
            client.on("close", lambda *a: (log.append("client closed"), server.close()))

        server.listen(0, "127.0.0.1", on_listening)
        return "main result"

    start = time.monotonic()
    assert run_bounded(main) == "main result"
    assert time.monotonic() - start >= 0.19
    assert log == [b"late bye", "client closed", "server closed"]


def test_run_with_an_async_main() -> None:
    log: list[str] = []

    async def main() -> bytes:
        server = net.createServer(lambda c: c.end(b"from async"))
        server.on("close", lambda: log.append("server closed"))
        port = await listening(server)
        data = await collect(net.connect(port, "127.0.0.1"))
        server.close()  # 'close' comes after main returned: run still waits for it
        return data

    assert run_bounded(main) == b"from async"
    assert log == ["server closed"]


def test_unhandled_error_event_ends_run_with_that_error() -> None:
    holder, port = refused_port()

    def main() -> None:
        net.connect(port, "127.0.0.1")  # no 'error' listener: Node's process dies

    try:
        with pytest.raises(NodeError) as info:
            run_bounded(main)
    finally:
        holder.close()
    assert info.value.code == "ECONNREFUSED"


def test_unhandled_listen_error_ends_run() -> None:
    holder = pysocket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]

    def main() -> None:
        net.createServer().listen(port, "127.0.0.1")

    try:
        with pytest.raises(NodeError) as info:
            run_bounded(main)
    finally:
        holder.close()
    assert info.value.code == "EADDRINUSE"


def test_exception_in_a_connect_listener_ends_run() -> None:
    def boom() -> None:
        raise RuntimeError("thrown by a connect listener")

    def main() -> None:
        server = net.createServer(lambda c: c.resume())
        server.unref()

        def on_listening() -> None:
            net.connect(server.address()["port"], "127.0.0.1", boom)

        server.listen(0, "127.0.0.1", on_listening)

    with pytest.raises(RuntimeError, match="thrown by a connect listener"):
        run_bounded(main)


def test_get_loop_outside_a_loop_is_a_clear_node_error() -> None:
    with pytest.raises(NodeError) as info:
        get_loop()
    assert info.value.code == "ERR_NO_EVENT_LOOP"
    assert "nodessl.run(main)" in info.value.message
    with pytest.raises(NodeError) as info2:
        net.createServer()
    assert info2.value.code == "ERR_NO_EVENT_LOOP"
    with pytest.raises(NodeError):
        net.Socket()


def test_an_unrefed_server_does_not_keep_run_alive() -> None:
    def main() -> tuple[net.Server, net.Server]:
        after = net.createServer()
        after.listen(0, "127.0.0.1")
        after.unref()
        before = net.createServer().unref()
        before.listen(0, "127.0.0.1")
        return after, before

    start = time.monotonic()
    after, before = run_bounded(main)
    assert time.monotonic() - start < 1.0
    assert after.listening and before.listening  # still open: just not keeping run alive


def test_unref_before_connect_still_holds_once_connected() -> None:
    state: list[str] = []

    def main() -> None:
        server = net.createServer(lambda c: c.unref())
        server.unref()

        def on_listening() -> None:
            client = net.connect(server.address()["port"], "127.0.0.1")
            client.unref()  # Node applies it once the connection exists
            client.on("connect", lambda: state.append("connected"))

        server.listen(0, "127.0.0.1", on_listening)

    run_bounded(main)
    assert state == ["connected"]


def test_ref_again_keeps_run_alive_until_close() -> None:
    log: list[str] = []

    def main() -> None:
        loop = get_loop()
        server = net.createServer()
        server.unref()
        server.ref()
        server.listen(0, "127.0.0.1", lambda: loop.call_later(0.1, server.close))
        server.on("close", lambda: log.append("closed"))

    run_bounded(main)
    assert log == ["closed"]

"""Duplex semantics: Node's readable/writable rules, on an in-memory Duplex and on net sockets.

The in-memory ``Memory`` stream lets a test push exactly the chunks it wants;
the socket tests check the same rules hold on real connections on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from conftest import collect, listening, net_pair, once, run_loop

from nodessl import net
from nodessl.stream import Duplex


class Memory(Duplex):
    """A Duplex whose writes land in ``written``; the test feeds its readable side."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.written: list[bytes] = []

    def _read(self, size: int) -> None:
        pass  # the test pushes

    def _write(self, chunk: bytes, encoding: str, cb: Any) -> None:
        self.written.append(chunk)
        cb()


async def ticks(n: int = 5) -> None:
    """Let callbacks scheduled with call_soon (and those they schedule) run."""
    for _ in range(n):
        await asyncio.sleep(0)


async def until(cond: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    """Poll ``cond`` (for states no event announces, like bytes sitting in a buffer)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not cond():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


def record(emitter: Any, *events: str) -> list[tuple[str, tuple[Any, ...]]]:
    """The order in which ``events`` are emitted, with their arguments."""
    log: list[tuple[str, tuple[Any, ...]]] = []
    for event in events:
        emitter.on(event, lambda *a, _e=event: log.append((_e, a)))
    return log


# -- readable side, in memory ----------------------------------------------------------


def test_starts_paused_until_a_data_listener_then_flows_on_a_later_tick() -> None:
    async def main() -> None:
        s = Memory()
        s.push(b"one")
        s.push(b"two")
        await ticks()
        assert s.readableFlowing is None and s.readableLength == 6
        got: list[bytes] = []
        s.on("data", got.append)
        assert got == []  # not synchronously inside on(), as in Node (next tick)
        await ticks()
        assert got == [b"one", b"two"]
        assert s.readableFlowing is True and s.readableLength == 0
        s.push(b"three")
        assert got[-1] == b"three"  # flowing with an empty buffer: emitted at once

    run_loop(main, timeout=5)


def test_pause_resume_is_paused_and_their_events() -> None:
    async def main() -> None:
        s = Memory()
        log = record(s, "pause", "resume")
        got: list[bytes] = []
        s.on("data", got.append)
        assert s.isPaused() is False
        assert s.pause() is s
        assert s.isPaused() is True and s.readableFlowing is False
        s.push(b"a")
        s.push(b"b")
        await ticks()
        assert got == [] and s.readableLength == 2
        assert s.resume() is s
        assert s.isPaused() is False
        await ticks()
        assert got == [b"a", b"b"]
        # Node emits 'resume' on the tick after resume(): the pause() in between comes first
        assert [e for e, _ in log] == ["pause", "resume", "resume"]

    run_loop(main, timeout=5)


def test_explicit_pause_is_not_undone_by_adding_a_data_listener() -> None:
    async def main() -> None:
        s = Memory()
        s.pause()
        got: list[bytes] = []
        s.on("data", got.append)
        s.once("data", got.append)
        s.push(b"held")
        await ticks()
        assert got == [] and s.isPaused()
        s.resume()
        await ticks()
        assert got == [b"held", b"held"]

    run_loop(main, timeout=5)


def test_data_listener_added_with_the_decorator_starts_the_flow() -> None:
    async def main() -> None:
        s = Memory()
        got: list[bytes] = []

        @s.on("data")
        def ondata(chunk: bytes) -> None:
            got.append(chunk)

        s.push(b"x")
        await ticks()
        assert got == [b"x"] and s.readableFlowing is True

    run_loop(main, timeout=5)


def test_end_waits_for_buffered_data_to_be_consumed() -> None:
    async def main() -> None:
        s = Memory(allowHalfOpen=True)
        log = record(s, "data", "end")
        s.pause()
        s.push(b"last words")
        s.push(None)
        await ticks()
        assert log == [] and s.readableEnded is False
        s.resume()
        await once(s, "end")
        assert log == [("data", (b"last words",)), ("end", ())]
        assert s.readableEnded is True and s.readable is False

    run_loop(main, timeout=5)


def test_end_without_any_reader_when_nothing_is_buffered() -> None:
    async def main() -> None:
        s = Memory(allowHalfOpen=True)
        ended = once(s, "end")
        s.push(None)
        await ticks()
        assert not ended.done()  # a plain Duplex nobody reads never ends (Node)
        assert s.read(0) is None  # what net sockets do after EOF: then it ends
        await ended
        assert s.readableFlowing is None

    run_loop(main, timeout=5)


def test_set_encoding_joins_a_character_split_across_chunks() -> None:
    async def main() -> None:
        s = Memory(allowHalfOpen=True)
        assert s.setEncoding("utf8") is s
        got: list[Any] = []
        s.on("data", got.append)
        s.push("€".encode()[:2])
        await ticks()
        s.push("€".encode()[2:] + b"!")
        await ticks()
        assert "".join(got) == "€!" and all(isinstance(c, str) for c in got)

    run_loop(main, timeout=5)


def test_set_encoding_flushes_an_incomplete_character_before_end() -> None:
    async def main() -> None:
        s = Memory(allowHalfOpen=True)
        s.setEncoding("utf8")
        log = record(s, "data", "end")
        s.push(b"A\xe2\x82")
        s.push(None)
        await once(s, "end")
        # Node's string decoder ends with U+FFFD for the truncated sequence
        assert log == [("data", ("A",)), ("data", ("\ufffd",)), ("end", ())]

    run_loop(main, timeout=5)


def test_read_in_paused_mode_with_readable() -> None:
    async def main() -> None:
        s = Memory(allowHalfOpen=True)
        readable = once(s, "readable")
        s.on("readable", lambda: None)
        assert s.readableFlowing is False
        s.push(b"abc")
        await readable
        assert s.read(5) is None  # Node: not that much yet, and not ended
        assert s.read(0) is None and s.readableLength == 3  # read(0) consumes nothing
        assert s.read(2) == b"ab"
        assert s.readableLength == 1
        s.push(b"de")
        assert s.read() == b"cde"
        assert s.read() is None
        s.push(b"f")
        s.push(None)
        assert s.read(5) == b"f"  # ended: whatever is left
        await once(s, "end")
        assert s.read() is None

    run_loop(main, timeout=5)


# -- writable side and lifecycle, in memory ------------------------------------------------


def test_write_after_end_errors_through_the_callback_and_error_event() -> None:
    async def main() -> None:
        s = Memory(allowHalfOpen=True)
        log = record(s, "finish", "error", "close")
        s.end()
        closed = once(s, "close")
        cb_err = asyncio.get_running_loop().create_future()
        assert s.write(b"late", lambda err: cb_err.set_result(err)) is False
        err = await cb_err
        assert err.code == "ERR_STREAM_WRITE_AFTER_END" and err.message == "write after end"
        await closed
        # a plain Duplex's 'close' has no hadError argument (sockets' has)
        assert ("error", (err,)) in log and log[-1] == ("close", ())
        assert s.written == []

    run_loop(main, timeout=5)


def test_end_with_data_and_callback() -> None:
    async def main() -> None:
        s = Memory(allowHalfOpen=True)
        order: list[str] = []
        s.on("finish", lambda: order.append("finish"))
        done = asyncio.get_running_loop().create_future()
        assert s.end("bye", lambda *a: done.set_result(order.append("cb"))) is s
        await done
        assert s.written == [b"bye"]
        assert order == ["cb", "finish"]  # Node 20 runs end()'s callback first
        assert s.writableEnded and s.writableFinished and not s.writable

    run_loop(main, timeout=5)


def test_destroy_with_error_emits_error_then_close_once() -> None:
    async def main() -> None:
        s = Memory()
        log = record(s, "error", "close")
        boom = RuntimeError("boom")
        assert s.destroy(boom) is s
        s.destroy(RuntimeError("second"))
        s.destroy()
        await once(s, "close")
        await ticks()
        assert log == [("error", (boom,)), ("close", ())]
        assert s.destroyed and s.errored is boom

    run_loop(main, timeout=5)


def test_destroy_without_error_closes_quietly() -> None:
    async def main() -> None:
        s = Memory()
        log = record(s, "error", "close")
        s.destroy()
        await once(s, "close")
        assert log == [("close", ())]

    run_loop(main, timeout=5)


def test_pipe_resumes_an_explicitly_paused_source() -> None:
    async def main() -> None:
        src, dst = Memory(), Memory()
        src.pause()
        piped = once(dst, "pipe")
        assert src.pipe(dst) is dst
        assert await piped is src
        assert src.isPaused() is False  # Node's pipe() resumes the source
        src.push(b"through")
        await ticks()
        assert dst.written == [b"through"]

    run_loop(main, timeout=5)


def test_unpipe_stops_the_flow_and_data_stays_buffered() -> None:
    async def main() -> None:
        src, dst = Memory(), Memory()
        src.pipe(dst)
        src.push(b"1")
        await ticks()
        assert dst.written == [b"1"]
        unpiped = once(dst, "unpipe")
        assert src.unpipe(dst) is src
        assert (await unpiped)[0] is src  # Node: (src, unpipeInfo)
        assert src.isPaused() is True  # no destination left: Node pauses the source
        src.push(b"2")
        await ticks()
        assert dst.written == [b"1"] and src.readableLength == 1
        assert src.read() == b"2"  # not lost

    run_loop(main, timeout=5)


def test_a_destination_that_closes_is_unpiped() -> None:
    async def main() -> None:
        src, dst = Memory(), Memory()
        src.pipe(dst)
        unpiped = once(dst, "unpipe")
        dst.destroy()
        await unpiped
        assert src.isPaused() is True
        src.push(b"kept")
        await ticks()
        assert dst.written == [] and src.read() == b"kept"

    run_loop(main, timeout=5)


# -- the same rules on net sockets --------------------------------------------------------


def test_socket_buffers_until_a_data_listener_and_ends_after_consumption() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        conn.end(b"hello")
        await until(lambda: client.readableLength == 5, "data buffered in the client")
        await ticks()
        assert client.readableEnded is False and client.readableFlowing is None
        assert await collect(client) == b"hello"
        await once(client, "close")
        server.close()

    run_loop(main, timeout=5)


def test_socket_ends_without_reading_when_the_peer_sent_nothing() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        ended = once(client, "end")
        closed = once(client, "close")
        conn.end()
        await ended
        assert await closed is False
        server.close()

    run_loop(main, timeout=5)


def test_socket_set_encoding_with_characters_split_across_packets() -> None:
    async def main() -> None:
        text = "€ñ😀" * 40000
        raw = text.encode()
        server, client, conn = await net_pair()
        client.setEncoding("utf8")
        got = asyncio.ensure_future(collect(client))
        for i in range(0, len(raw), 1001):  # odd offsets: most writes split a character
            conn.write(raw[i:i + 1001])
        conn.end()
        assert await got == text
        server.close()

    run_loop(main, timeout=10)


def test_socket_write_returns_false_past_the_high_water_mark_then_drain() -> None:
    async def main() -> None:
        server, client, conn = await net_pair(pauseOnConnect=True)
        assert client.writableHighWaterMark == 16 * 1024
        chunk = b"x" * 65536
        writes = 1
        # Node: a 64 KiB write is past the 16 KiB mark, so write() says False at once; its
        # callback (and writableLength going back to 0) waits until the kernel took it all.
        # The peer does not read: the kernel buffers fill, and then a write stays pending.
        while client.write(chunk) or client.writableLength < client.writableHighWaterMark:
            writes += 1
            assert writes < 2000, "the kernel never filled up"
        assert client.writableLength >= client.writableHighWaterMark
        assert client.writableNeedDrain is True
        drained = once(client, "drain")
        received = asyncio.ensure_future(collect(conn))
        conn.resume()
        await drained
        assert client.writableLength == 0 and client.writableNeedDrain is False
        client.end()
        assert len(await received) == writes * len(chunk)
        server.close()

    run_loop(main, timeout=10)


def test_socket_drains_when_exactly_the_high_water_mark_is_buffered() -> None:
    async def main() -> None:
        server, client, conn = await net_pair(pauseOnConnect=True)
        hwm = client.writableHighWaterMark
        chunk = b"y" * 4096
        total = 0
        while client.writableLength == 0:  # until the kernel is full and asyncio buffers
            assert client.write(chunk) is True
            total += len(chunk)
            assert total < 256 * 1024 * 1024, "the kernel never filled up"
        rest = hwm - client.writableLength
        assert client.write(b"z" * rest) is False  # exactly at the mark: Node says wait
        assert client.writableLength == hwm
        total += rest
        drained = once(client, "drain")
        received = asyncio.ensure_future(collect(conn))
        conn.resume()
        await drained
        client.end()
        assert len(await received) == total
        server.close()

    run_loop(main, timeout=10)


def test_socket_finish_then_close_and_end_with_callback() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        conn.pipe(conn)  # echo; allowHalfOpen false ends it after our end
        log = record(client, "finish", "end", "close")
        finished = asyncio.get_running_loop().create_future()
        client.end(b"ping", lambda *a: finished.set_result(True))
        data = await collect(client)
        await once(client, "close")
        assert finished.result() is True
        assert data == b"ping"
        assert [e for e, _ in log] == ["finish", "end", "close"]
        assert log[-1] == ("close", (False,))
        server.close()

    run_loop(main, timeout=5)


def test_socket_write_after_end() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        client.end()
        errors: list[Any] = []
        client.on("error", errors.append)
        cb_err = asyncio.get_running_loop().create_future()
        assert client.write(b"late", cb_err.set_result) is False
        err = await cb_err
        assert err.code == "ERR_STREAM_WRITE_AFTER_END"
        assert await once(client, "close") is True
        assert errors == [err]
        server.close()

    run_loop(main, timeout=5)


def test_socket_destroy_with_error() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        log = record(client, "error", "close")
        peer_closed = once(conn, "close")
        conn.on("error", lambda err: None)  # an abort may reach the peer as ECONNRESET
        boom = RuntimeError("boom")
        client.destroy(boom)
        client.destroy(boom)
        await once(client, "close")
        await peer_closed
        assert log == [("error", (boom,)), ("close", (True,))]
        assert client.destroyed and client.readyState == "closed"
        server.close()

    run_loop(main, timeout=5)


def test_pipe_between_sockets_moves_megabytes_with_backpressure() -> None:
    async def main() -> None:
        payload = os.urandom(8 * 1024 * 1024)
        source = net.createServer(lambda c: c.end(payload))
        sink_conn: asyncio.Future[net.Socket] = asyncio.get_running_loop().create_future()
        sink = net.createServer({"pauseOnConnect": True}, sink_conn.set_result)
        src_port = await listening(source)
        sink_port = await listening(sink)
        upstream = net.connect(src_port, "127.0.0.1")
        downstream = net.connect(sink_port, "127.0.0.1")
        await once(downstream, "connect")
        conn = await sink_conn
        received = asyncio.ensure_future(collect(conn))  # paused: nothing read yet
        pauses: list[int] = []

        def on_pause() -> None:
            pauses.append(upstream.bytesRead)
            conn.resume()  # the sink starts reading once backpressure reached the source

        upstream.on("pause", on_pause)
        upstream.on("end", conn.resume)  # no pause at all would fail below, not hang
        upstream.pipe(downstream)
        data = await received
        assert pauses, "the source was never paused"
        assert len(data) == len(payload)
        assert data == payload
        if not downstream.destroyed:
            await once(downstream, "close")
        source.close()
        sink.close()

    run_loop(main, timeout=15)

"""Duplex semantics: Node's readable/writable rules, on an in-memory Duplex and on net sockets.

The in-memory ``Memory`` stream lets a test push exactly the chunks it wants;
the socket tests check the same rules hold on real connections on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from conftest import collect, listening, net_pair, once, run_loop, run_node

from nodessl import net
from nodessl.stream import Duplex, PassThrough, Readable, Transform, Writable, finished, pipeline


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


# -- the same scripts in Node and here: event orders must match ------------------------------
#
# Each scenario is written twice, as Node code and as its line-by-line Python port; both
# log what happens into a list, and the lists must be equal.  ``later`` is setImmediate in
# Node and a short sleep here; callbacks deferred with process.nextTick are call_soon.

NODE_SCENARIOS = r"""
const {Readable, Writable, Duplex, PassThrough, Transform, finished, pipeline} = require('stream');
const S = (x) => (x === null ? null : (Buffer.isBuffer(x) ? 'b:' + x.toString('latin1') : x));
const E = (e) => (e ? (e.code || e.message) : null);
const later = () => new Promise((r) => setTimeout(r, 30));
const scenarios = {
  async pull(log) {
    let n = 0;
    const r = new Readable({highWaterMark: 4, read(size) {
      log.push('read ' + size); n++;
      if (n <= 5) this.push('x' + n); else this.push(null); }});
    r.on('readable', () => { let c; while ((c = r.read()) !== null) log.push('got ' + S(c)); });
    r.on('end', () => log.push('end'));
    r.on('close', () => log.push('close'));
    await later();
  },
  async readn(log) {
    const r = new Readable({read() {}});
    r.push('abc'); r.unshift('Z'); log.push('len ' + r.readableLength);
    log.push('r0 ' + S(r.read(0))); log.push('r10 ' + S(r.read(10)));
    log.push('r2 ' + S(r.read(2))); r.push(null); log.push('r10b ' + S(r.read(10)));
    log.push('ended ' + r.readableEnded);
    r.on('end', () => log.push('end')); log.push('r ' + S(r.read()));
    await later();
    log.push('ended ' + r.readableEnded);
  },
  async flowing(log) {
    const r = new Readable({read() {}});
    r.on('data', (d) => log.push('data ' + S(d)));
    r.on('pause', () => log.push('pause')); r.on('resume', () => log.push('resume'));
    r.on('end', () => log.push('end'));
    r.push('a'); log.push('flowing ' + r.readableFlowing);
    await later();
    r.push('b'); r.pause(); r.push('c'); log.push('len ' + r.readableLength);
    r.resume(); r.push(null);
    await later();
  },
  async writable(log) {
    const w = new Writable({highWaterMark: 3, write(c, e, cb) {
      log.push('write ' + S(c) + ' ' + e); process.nextTick(cb); }});
    for (const ev of ['drain', 'finish', 'prefinish', 'close']) w.on(ev, () => log.push(ev));
    log.push('ret ' + w.write('a', () => log.push('cb a')));
    log.push('ret ' + w.write('bb', () => log.push('cb bb')));
    log.push('len ' + w.writableLength + ' need ' + w.writableNeedDrain);
    log.push('ret ' + w.write('c', () => log.push('cb c')));
    await later();
    w.end('z', () => log.push('end cb'));
    log.push('ended ' + w.writableEnded + ' finished ' + w.writableFinished);
    await later();
    log.push('finished ' + w.writableFinished + ' destroyed ' + w.destroyed);
  },
  async cork(log) {
    const w = new Writable({write(c, e, cb) { log.push('write ' + S(c)); cb(); },
                            writev(chunks, cb) { log.push('writev ' + chunks.map((c) => S(c.chunk)).join(',')); cb(); }});
    w.cork(); w.write('a'); w.write('b'); log.push('corked ' + w.writableCorked);
    process.nextTick(() => w.uncork());
    await later();
    w.write('c');
    await later();
  },
  async destroyPending(log) {
    let pend;
    const d = new Duplex({read() {}, write(c, e, cb) { log.push('write ' + S(c)); pend = cb; }});
    d.on('error', (e) => log.push('error ' + E(e))); d.on('close', () => log.push('close'));
    d.write('a', (e) => log.push('cb1 ' + E(e)));
    d.write('b', (e) => log.push('cb2 ' + E(e)));
    d.destroy(new Error('boom'), (e) => log.push('destroy cb ' + E(e)));
    log.push('destroyed ' + d.destroyed + ' ' + E(d.errored) + ' ' + d.writableLength);
    await later();
    pend();
    await later();
    d.write('c', (e) => log.push('cb3 ' + E(e)));
    await later();
  },
  async duplexOptions(log) {
    const d = new Duplex({
      allowHalfOpen: false,
      read(size) { log.push('read'); },
      write(c, e, cb) { log.push('write ' + S(c)); cb(); },
      final(cb) { log.push('final'); cb(); },
      destroy(err, cb) { log.push('destroy ' + E(err)); cb(err); },
    });
    for (const ev of ['finish', 'end', 'close', 'prefinish']) d.on(ev, () => log.push(ev));
    d.on('data', (x) => log.push('data ' + S(x)));
    d.write('hi');
    d.push('yo'); d.push(null);
    await later();
    log.push('writableEnded ' + d.writableEnded + ' destroyed ' + d.destroyed);
  },
  async errors(log) {
    const w = new Writable({write(c, e, cb) { cb(); cb(); }});
    w.on('error', (e) => log.push('w error ' + E(e)));
    for (const bad of [null, 5]) {
      try { w.write(bad); } catch (e) { log.push('throws ' + E(e)); }
    }
    try { w.write('x', 'nope'); } catch (e) { log.push('throws ' + E(e)); }
    w.write('x');
    await later();
    const r = new Readable({read() {}});
    r.on('error', (e) => log.push('r error ' + E(e)));
    r.push(null); r.push('late');
    await later();
    const d = new Writable({write(c, e, cb) { cb(); }});
    d.on('error', (e) => log.push('d error ' + E(e)));
    d.destroy();
    d.write('x', (e) => log.push('d cb ' + E(e)));
    await later();
  },
  async pipeBackpressure(log) {
    const src = new Readable({highWaterMark: 2, read() {}});
    const sink = new Writable({highWaterMark: 2, write(c, e, cb) { log.push('sink ' + S(c)); setTimeout(cb, 1); }});
    src.on('pause', () => log.push('pause')); src.on('resume', () => log.push('resume'));
    sink.on('drain', () => log.push('drain')); sink.on('finish', () => log.push('finish'));
    src.pipe(sink);
    for (const c of ['aa', 'bb', 'cc']) log.push('push ' + src.push(c));
    src.push(null);
    await later(); await later();
  },
  async passThrough(log) {
    const p = new PassThrough();
    p.setEncoding('hex');
    p.on('data', (d) => log.push('data ' + d)); p.on('end', () => log.push('end'));
    p.on('finish', () => log.push('finish')); p.on('close', () => log.push('close'));
    p.write(Buffer.from([1, 2])); p.end(Buffer.from([255]));
    await later();
  },
  async transform(log) {
    const t = new Transform({
      transform(chunk, enc, cb) { cb(null, chunk.toString().toUpperCase()); },
      flush(cb) { this.push('!'); cb(); },
    });
    t.on('data', (d) => log.push('data ' + S(d))); t.on('end', () => log.push('end'));
    t.on('finish', () => log.push('finish'));
    t.write('ab'); t.end('c');
    await later();
  },
  async pipelineError(log) {
    const src = new Readable({read() {}});
    const mid = new PassThrough();
    const dst = new Writable({write(c, e, cb) { log.push('dst ' + S(c)); cb(); }});
    for (const [n, s] of [['src', src], ['mid', mid], ['dst', dst]]) s.on('close', () => log.push(n + ' close'));
    pipeline(src, mid, dst, (err) => log.push('pipeline ' + E(err)));
    src.push('x');
    await later();
    mid.destroy(new Error('mid failed'));
    await later();
    log.push('destroyed ' + [src.destroyed, mid.destroyed, dst.destroyed].join(','));
  },
  async pipelineOk(log) {
    const src = new Readable({read() {}});
    const dst = new Writable({write(c, e, cb) { log.push('dst ' + S(c)); cb(); }});
    pipeline(src, new PassThrough(), dst, (err) => log.push('pipeline ' + E(err)));
    src.push('1'); src.push('2'); src.push(null);
    await later();
  },
  async finishedPremature(log) {
    const r = new Readable({read() {}});
    finished(r, (err) => log.push('r finished ' + E(err)));
    r.push('data'); r.destroy();
    const w = new Writable({write(c, e, cb) { cb(); }});
    finished(w, (err) => log.push('w finished ' + E(err)));
    w.end('x');
    await later();
  },
};
(async () => {
  const out = {};
  for (const name of JSON.parse(require('fs').readFileSync(0, 'utf8'))) {
    const log = []; out[name] = log; await scenarios[name](log);
  }
  console.log(JSON.stringify(out));
})();
"""


def _s(x: Any) -> Any:
    return None if x is None else ("b:" + x.decode("latin-1") if isinstance(x, bytes) else x)


def _e(e: Any) -> Any:
    return None if e is None else (getattr(e, "code", None) or str(e))


def _js(value: Any) -> str:
    return {True: "true", False: "false", None: "null"}.get(value, str(value)) \
        if isinstance(value, (bool, type(None))) else str(value)


async def later() -> None:
    await asyncio.sleep(0.03)


async def py_pull(log: list[Any]) -> None:
    n = 0

    def read(self: Any, size: int) -> None:
        nonlocal n
        log.append(f"read {size}")
        n += 1
        self.push(f"x{n}" if n <= 5 else None)

    r = Readable({"highWaterMark": 4, "read": read})

    def onreadable() -> None:
        while (c := r.read()) is not None:
            log.append(f"got {_s(c)}")

    r.on("readable", onreadable)
    r.on("end", lambda: log.append("end"))
    r.on("close", lambda: log.append("close"))
    await later()


async def py_readn(log: list[Any]) -> None:
    r = Readable(read=lambda size: None)
    r.push("abc")
    r.unshift("Z")
    log.append(f"len {r.readableLength}")
    log.append(f"r0 {_js(_s(r.read(0)))}")
    log.append(f"r10 {_js(_s(r.read(10)))}")
    log.append(f"r2 {_s(r.read(2))}")
    r.push(None)
    log.append(f"r10b {_s(r.read(10))}")
    log.append(f"ended {_js(r.readableEnded)}")
    r.on("end", lambda: log.append("end"))
    log.append(f"r {_js(_s(r.read()))}")
    await later()
    log.append(f"ended {_js(r.readableEnded)}")


async def py_flowing(log: list[Any]) -> None:
    r = Readable(read=lambda size: None)
    r.on("data", lambda d: log.append(f"data {_s(d)}"))
    r.on("pause", lambda: log.append("pause"))
    r.on("resume", lambda: log.append("resume"))
    r.on("end", lambda: log.append("end"))
    r.push("a")
    log.append(f"flowing {_js(r.readableFlowing)}")
    await later()
    r.push("b")
    r.pause()
    r.push("c")
    log.append(f"len {r.readableLength}")
    r.resume()
    r.push(None)
    await later()


async def py_writable(log: list[Any]) -> None:
    loop = asyncio.get_running_loop()

    def write(chunk: bytes, enc: str, cb: Any) -> None:
        log.append(f"write {_s(chunk)} {enc}")
        loop.call_soon(cb)

    w = Writable({"highWaterMark": 3, "write": write})
    for ev in ("drain", "finish", "prefinish", "close"):
        w.on(ev, lambda *a, _ev=ev: log.append(_ev))
    log.append(f"ret {_js(w.write('a', lambda *a: log.append('cb a')))}")
    log.append(f"ret {_js(w.write('bb', lambda *a: log.append('cb bb')))}")
    log.append(f"len {w.writableLength} need {_js(w.writableNeedDrain)}")
    log.append(f"ret {_js(w.write('c', lambda *a: log.append('cb c')))}")
    await later()
    w.end("z", lambda *a: log.append("end cb"))
    log.append(f"ended {_js(w.writableEnded)} finished {_js(w.writableFinished)}")
    await later()
    log.append(f"finished {_js(w.writableFinished)} destroyed {_js(w.destroyed)}")


async def py_cork(log: list[Any]) -> None:
    def write(c: bytes, e: str, cb: Any) -> None:
        log.append(f"write {_s(c)}")
        cb()

    def writev(chunks: list[dict[str, Any]], cb: Any) -> None:
        log.append("writev " + ",".join(_s(c["chunk"]) for c in chunks))
        cb()

    w = Writable(write=write, writev=writev)
    w.cork()
    w.write("a")
    w.write("b")
    log.append(f"corked {w.writableCorked}")
    asyncio.get_running_loop().call_soon(w.uncork)
    await later()
    w.write("c")
    await later()


async def py_destroyPending(log: list[Any]) -> None:
    pend: list[Any] = []

    def write(c: bytes, e: str, cb: Any) -> None:
        log.append(f"write {_s(c)}")
        pend.append(cb)

    d = Duplex(read=lambda size: None, write=write)
    d.on("error", lambda e: log.append(f"error {_e(e)}"))
    d.on("close", lambda: log.append("close"))
    d.write("a", lambda e: log.append(f"cb1 {_js(_e(e))}"))
    d.write("b", lambda e: log.append(f"cb2 {_js(_e(e))}"))
    d.destroy(RuntimeError("boom"), lambda e: log.append(f"destroy cb {_js(_e(e))}"))
    log.append(f"destroyed {_js(d.destroyed)} {_e(d.errored)} {d.writableLength}")
    await later()
    pend[0]()
    await later()
    d.write("c", lambda e: log.append(f"cb3 {_e(e)}"))
    await later()


async def py_duplexOptions(log: list[Any]) -> None:
    def destroy(err: Any, cb: Any) -> None:
        log.append(f"destroy {_js(_e(err))}")
        cb(err)

    def write(c: bytes, e: str, cb: Any) -> None:
        log.append(f"write {_s(c)}")
        cb()

    def final(cb: Any) -> None:
        log.append("final")
        cb()

    d = Duplex({"allowHalfOpen": False, "read": lambda size: log.append("read"),
                "write": write, "final": final, "destroy": destroy})
    for ev in ("finish", "end", "close", "prefinish"):
        d.on(ev, lambda *a, _ev=ev: log.append(_ev))
    d.on("data", lambda x: log.append(f"data {_s(x)}"))
    d.write("hi")
    d.push("yo")
    d.push(None)
    await later()
    log.append(f"writableEnded {_js(d.writableEnded)} destroyed {_js(d.destroyed)}")


async def py_errors(log: list[Any]) -> None:
    def write(c: bytes, e: str, cb: Any) -> None:
        cb()
        cb()

    w = Writable(write=write)
    w.on("error", lambda e: log.append(f"w error {_e(e)}"))
    for bad in (None, 5):
        try:
            w.write(bad)
        except Exception as e:  # noqa: BLE001
            log.append(f"throws {_e(e)}")
    try:
        w.write("x", "nope")
    except Exception as e:  # noqa: BLE001
        log.append(f"throws {_e(e)}")
    w.write("x")
    await later()
    r = Readable(read=lambda size: None)
    r.on("error", lambda e: log.append(f"r error {_e(e)}"))
    r.push(None)
    r.push("late")
    await later()
    d = Writable(write=lambda c, e, cb: cb())
    d.on("error", lambda e: log.append(f"d error {_e(e)}"))
    d.destroy()
    d.write("x", lambda e: log.append(f"d cb {_e(e)}"))
    await later()


async def py_pipeBackpressure(log: list[Any]) -> None:
    loop = asyncio.get_running_loop()
    src = Readable({"highWaterMark": 2, "read": lambda size: None})

    def write(c: bytes, e: str, cb: Any) -> None:
        log.append(f"sink {_s(c)}")
        loop.call_later(0.001, cb)

    sink = Writable({"highWaterMark": 2, "write": write})
    src.on("pause", lambda: log.append("pause"))
    src.on("resume", lambda: log.append("resume"))
    sink.on("drain", lambda: log.append("drain"))
    sink.on("finish", lambda: log.append("finish"))
    src.pipe(sink)
    for c in ("aa", "bb", "cc"):
        log.append(f"push {_js(src.push(c))}")
    src.push(None)
    await later()
    await later()


async def py_passThrough(log: list[Any]) -> None:
    p = PassThrough()
    p.setEncoding("hex")
    p.on("data", lambda d: log.append(f"data {d}"))
    p.on("end", lambda: log.append("end"))
    p.on("finish", lambda: log.append("finish"))
    p.on("close", lambda: log.append("close"))
    p.write(bytes([1, 2]))
    p.end(bytes([255]))
    await later()


async def py_transform(log: list[Any]) -> None:
    def flush(self: Any, cb: Any) -> None:
        self.push("!")
        cb()

    t = Transform(transform=lambda chunk, enc, cb: cb(None, chunk.decode().upper()),
                  flush=flush)
    t.on("data", lambda d: log.append(f"data {_s(d)}"))
    t.on("end", lambda: log.append("end"))
    t.on("finish", lambda: log.append("finish"))
    t.write("ab")
    t.end("c")
    await later()


async def py_pipelineError(log: list[Any]) -> None:
    src = Readable(read=lambda size: None)
    mid = PassThrough()

    def write(c: bytes, e: str, cb: Any) -> None:
        log.append(f"dst {_s(c)}")
        cb()

    dst = Writable(write=write)
    for n, s in (("src", src), ("mid", mid), ("dst", dst)):
        s.on("close", lambda *a, _n=n: log.append(f"{_n} close"))
    pipeline(src, mid, dst, lambda err: log.append(f"pipeline {_js(_e(err))}"))
    src.push("x")
    await later()
    mid.destroy(RuntimeError("mid failed"))
    await later()
    log.append("destroyed " + ",".join(_js(s.destroyed) for s in (src, mid, dst)))


async def py_pipelineOk(log: list[Any]) -> None:
    src = Readable(read=lambda size: None)

    def write(c: bytes, e: str, cb: Any) -> None:
        log.append(f"dst {_s(c)}")
        cb()

    dst = Writable(write=write)
    pipeline(src, PassThrough(), dst, lambda err: log.append(f"pipeline {_js(_e(err))}"))
    src.push("1")
    src.push("2")
    src.push(None)
    await later()


async def py_finishedPremature(log: list[Any]) -> None:
    r = Readable(read=lambda size: None)
    finished(r, lambda err: log.append(f"r finished {_js(_e(err))}"))
    r.push("data")
    r.destroy()
    w = Writable(write=lambda c, e, cb: cb())
    finished(w, lambda err: log.append(f"w finished {_js(_e(err))}"))
    w.end("x")
    await later()


SCENARIOS = {name[3:]: fn for name, fn in list(globals().items()) if name.startswith("py_")}


def test_event_orders_match_node() -> None:
    names = sorted(SCENARIOS)
    node = run_node(NODE_SCENARIOS, names)

    async def main() -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for name in names:
            log: list[Any] = []
            out[name] = log
            await SCENARIOS[name](log)
        return out

    ours = run_loop(main, timeout=30)
    for name in names:
        assert ours[name] == node[name], name
    assert len(names) == 14


def test_write_to_a_socket_that_never_connected() -> None:
    async def main() -> None:
        s = net.Socket()
        log = record(s, "error", "close")
        cb_err = asyncio.get_running_loop().create_future()
        assert s.write(b"x", cb_err.set_result) is False  # Node: ERR_SOCKET_CLOSED
        assert (await cb_err).code == "ERR_SOCKET_CLOSED"
        await once(s, "close")
        assert [e for e, _ in log] == ["error", "close"]
        assert log[0][1][0].code == "ERR_SOCKET_CLOSED"

    run_loop(main, timeout=5)


def test_construct_holds_writes_and_reads_until_it_calls_back() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        log: list[str] = []

        def construct(self: Any, cb: Any) -> None:
            log.append("construct")
            loop.call_later(0.01, lambda: (log.append("constructed"), cb()))

        def write(chunk: bytes, enc: str, cb: Any) -> None:
            log.append(f"write {chunk.decode()}")
            cb()

        d = Duplex(construct=construct, write=write, read=lambda n: log.append("read"))
        d.write("early")
        d.on("data", lambda c: None)
        await asyncio.sleep(0.05)
        # Node: nothing is written or read before construct's callback
        assert log[:2] == ["construct", "constructed"]
        assert "write early" in log and "read" in log

    run_loop(main, timeout=5)


def test_async_iteration_yields_chunks_until_end() -> None:
    async def main() -> None:
        r = Readable(read=lambda n: None)
        r.push(b"a")
        asyncio.get_running_loop().call_later(0.01, lambda: (r.push(b"b"), r.push(None)))
        assert [c async for c in r] == [b"a", b"b"]
        failing = Readable(read=lambda n: None)
        failing.destroy(RuntimeError("boom"))
        try:
            async for _ in failing:
                pass
        except RuntimeError as err:
            assert str(err) == "boom"
        else:
            raise AssertionError("the error did not reach the loop")

    run_loop(main, timeout=5)

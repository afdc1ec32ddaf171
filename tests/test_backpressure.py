"""Backpressure on real sockets, against real peers (Node 20 and nodessl).

A writer that honours ``write()``'s return value and waits for ``drain`` streams any
amount in bounded memory: ``write()`` says False once what is buffered (plaintext not
yet encrypted plus ciphertext the kernel has not taken) reaches
``writableHighWaterMark``, and ``drain`` follows when it is gone.  Issue 8 measured the
old client: 128 MiB in 64 KiB writes grew it by 132 MiB (write() never said False).
No timing is asserted.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from typing import Any

from conftest import NodePeer, key, listening, once, run_loop

import nodessl as tls
from nodessl import net

MiB = 1024 * 1024
CHUNK = 64 * 1024
RECORD = 16 * 1024 + 256  # one TLS record with its overhead

NODE_SINK = r"""
const tls = require('tls'), net = require('net'), fs = require('fs'), crypto = require('crypto');
const secure = process.argv[1] === 'tls';
const onConn = (c) => {
  const h = crypto.createHash('sha256'); let n = 0;
  c.on('data', (d) => { n += d.length; h.update(d); });
  c.on('end', () => { console.log(JSON.stringify({n, sha: h.digest('hex')})); c.end(); s.close(); });
};
const s = secure
  ? tls.createServer({key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}, onConn)
  : net.createServer(onConn);
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({port: s.address().port})));
"""


def rss_mib() -> float:
    """This process's resident set size now (not the peak: earlier tests do not count)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")  # pragma: no cover


async def stream_out(sock: Any, total: int) -> dict[str, Any]:
    """Write ``total`` bytes in 64 KiB chunks, waiting for 'drain' whenever write() says so."""
    loop = asyncio.get_running_loop()
    digest = hashlib.sha256()
    chunk = bytearray(os.urandom(CHUNK))
    stats = {"false": 0, "drain": 0, "peak": 0, "rss_growth": 0.0, "sent": 0}
    waiting: list[asyncio.Future[None]] = []

    def on_drain() -> None:
        stats["drain"] += 1
        assert waiting, "'drain' without a write that returned False"
        waiting.pop().set_result(None)

    sock.on("drain", on_drain)
    start = rss_mib()
    while stats["sent"] < total:
        chunk[:8] = stats["sent"].to_bytes(8, "big")  # every chunk differs: order matters
        data = bytes(chunk)
        digest.update(data)
        stats["sent"] += len(data)
        ok = sock.write(data)
        stats["peak"] = max(stats["peak"], sock.writableLength)
        if not ok:
            # (writableLength may already be 0: the kernel took the write at once, and as
            # in Node a 64 KiB write past the 16 KiB mark says False all the same)
            assert sock.writableNeedDrain is True
            stats["false"] += 1
            waiting.append(loop.create_future())
            await waiting[-1]
            assert sock.writableLength == 0  # Node emits 'drain' at an empty buffer
        if stats["sent"] % (8 * MiB) == 0:
            stats["rss_growth"] = max(stats["rss_growth"], rss_mib() - start)
    stats["sha"] = digest.hexdigest()
    return stats


def assert_bounded(stats: dict[str, Any], sock: Any, total: int) -> None:
    assert stats["sent"] == total
    assert stats["false"] >= 1, "write() never returned False"
    assert stats["drain"] == stats["false"], "a False was not followed by exactly one 'drain'"
    # what write() reported buffered never exceeded the mark + one write + a few records
    assert stats["peak"] < sock.writableHighWaterMark + CHUNK + 4 * RECORD
    # memory stays bounded: the old client grew by more than what it sent
    assert stats["rss_growth"] < 48, f"RSS grew by {stats['rss_growth']:.0f} MiB"


async def node_sink(kind: str) -> tuple[NodePeer, int]:
    peer = await NodePeer.start(NODE_SINK.replace("process.argv[1]", repr(kind)))
    return peer, (await peer.message())["port"]


def test_tls_client_streams_128_mib_to_a_node_server_in_bounded_memory() -> None:
    async def main() -> None:
        peer, port = await node_sink("tls")
        try:
            sock = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                   "servername": "agent1"})
            await once(sock, "secureConnect")
            total = 128 * MiB
            stats = await stream_out(sock, total)
            closed = once(sock, "close")
            sock.end()
            result = await peer.message(timeout=60)
            assert result == {"n": total, "sha": stats["sha"]}  # every byte, in order
            assert_bounded(stats, sock, total)
            # Node's own client returns False for every 64 KiB write (> the 16 KiB mark)
            assert stats["false"] == total // CHUNK
            assert await closed is False
        finally:
            await peer.close()

    run_loop(main, timeout=120)


def test_net_client_streams_64_mib_to_a_node_server_in_bounded_memory() -> None:
    async def main() -> None:
        peer, port = await node_sink("net")
        try:
            sock = net.connect(port, "127.0.0.1")
            await once(sock, "connect")
            total = 64 * MiB
            stats = await stream_out(sock, total)
            closed = once(sock, "close")
            sock.end()
            result = await peer.message(timeout=60)
            assert result == {"n": total, "sha": stats["sha"]}
            assert_bounded(stats, sock, total)
            assert await closed is False
        finally:
            await peer.close()

    run_loop(main, timeout=120)


def test_tls_client_to_a_nodessl_server_with_a_custom_high_water_mark() -> None:
    async def main() -> None:
        received: asyncio.Future[tuple[int, str]] = asyncio.get_running_loop().create_future()

        def on_secure(conn: Any) -> None:
            digest = hashlib.sha256()
            count = [0]

            def on_data(d: bytes) -> None:
                count[0] += len(d)
                digest.update(d)

            conn.on("data", on_data)
            conn.on("end", lambda: received.set_result((count[0], digest.hexdigest())))

        server = tls.createServer({"key": key("agent1-key.pem"),
                                   "cert": key("agent1-cert.pem")}, on_secure)
        port = await listening(server)
        hwm = 256 * 1024
        sock = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                               "servername": "agent1",
                                               "highWaterMark": hwm})
        assert sock.writableHighWaterMark == hwm
        await once(sock, "secureConnect")
        total = 32 * MiB
        stats = await stream_out(sock, total)
        sock.end()
        assert await received == (total, stats["sha"])
        assert_bounded(stats, sock, total)
        # a mark above one write: some writes are accepted without waiting
        assert stats["false"] < total // CHUNK
        server.close()

    run_loop(main, timeout=60)


NODE_SLOW_READER = r"""
const tls = require('tls'), fs = require('fs'), crypto = require('crypto');
const c = tls.connect({port: +process.argv[1], host: '127.0.0.1', ca: fs.readFileSync('ca1-cert.pem'),
                       servername: 'agent1'}, () => { c.pause(); console.log('{"paused": true}'); });
const h = crypto.createHash('sha256'); let n = 0;
c.on('data', (d) => { n += d.length; h.update(d); });
c.on('end', () => { console.log(JSON.stringify({n, sha: h.digest('hex')})); c.end(); });
process.stdin.once('data', () => c.resume());
"""


def test_tls_server_write_counts_ciphertext_the_kernel_has_not_taken() -> None:
    """A TLS server writing to a Node client that does not read: small writes (below the
    mark each) pile up in the kernel and then the transport; write() turns False once
    they reach the mark, writableLength covers what the transport holds, and 'drain'
    follows once the client reads."""

    async def main() -> None:
        conns: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        server = tls.createServer({"key": key("agent1-key.pem"),
                                   "cert": key("agent1-cert.pem")}, conns.set_result)
        port = await listening(server)
        peer = await NodePeer.start(NODE_SLOW_READER.replace("+process.argv[1]", str(port)))
        try:
            conn = await conns
            assert await peer.message() == {"paused": True}
            digest = hashlib.sha256()
            piece = os.urandom(4096)
            sent = 0
            while True:
                digest.update(piece)
                sent += len(piece)
                ok = conn.write(piece)
                buffered = conn._transport.get_write_buffer_size()
                if buffered:
                    # ciphertext the kernel has not taken is part of what write() reports
                    assert conn.writableLength > 0
                if not ok:
                    break
                assert sent < 512 * MiB, "write() never returned False"
            assert conn.writableLength >= conn.writableHighWaterMark
            assert conn._transport.get_write_buffer_size() > 0
            drained = once(conn, "drain")
            assert peer.proc.stdin is not None
            peer.proc.stdin.write(b"go\n")
            await drained
            assert conn.writableLength == 0
            conn.end()
            assert await peer.message(timeout=60) == {"n": sent, "sha": digest.hexdigest()}
        finally:
            peer.proc.stdin.close()  # type: ignore[union-attr]  # lets the script exit
            await peer.close()
            server.close()

    run_loop(main, timeout=120)


def test_pipe_between_tls_sockets_keeps_both_ends_bounded() -> None:
    """pipe() over TLS: a fast nodessl source into a nodessl sink that reads slowly; the
    source is paused by backpressure and no buffer grows past its mark by much."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        payload = os.urandom(8 * MiB)
        done: asyncio.Future[bytes] = loop.create_future()
        peaks = {"sink_readable": 0}

        def on_sink(conn: Any) -> None:
            parts: list[bytes] = []

            def on_readable() -> None:
                peaks["sink_readable"] = max(peaks["sink_readable"], conn.readableLength)
                chunk = conn.read(32 * 1024)  # a slow consumer: small bites
                while chunk is not None:
                    parts.append(chunk)
                    chunk = conn.read(32 * 1024) if len(parts) % 4 else None
                if conn.readableLength:
                    loop.call_later(0.001, on_readable)

            conn.on("readable", on_readable)
            conn.on("end", lambda: done.set_result(b"".join(parts)))

        ident = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
        sink = tls.createServer(ident, on_sink)
        source = tls.createServer(ident, lambda c: c.end(payload))
        sink_port = await listening(sink)
        source_port = await listening(source)
        opts = {"ca": key("ca1-cert.pem"), "servername": "agent1"}
        upstream = tls.connect(source_port, "127.0.0.1", opts)
        downstream = tls.connect(sink_port, "127.0.0.1", opts)
        pauses = []
        upstream.on("pause", lambda: pauses.append(upstream.readableLength))
        upstream.pipe(downstream)
        data = await done
        assert data == payload
        assert pauses, "backpressure never paused the source"
        # pushed past the mark by at most what one read from the kernel decrypts to
        assert max(pauses) <= upstream.readableHighWaterMark + net.READ_BUFFER_SIZE
        source.close()
        sink.close()

    run_loop(main, timeout=60)

"""The per-record data path of an established TLS 1.3 connection, on real sockets.

Received: every SSL_read's plaintext is one 'data' chunk, emitted before the next record
is decrypted, so a listener acts before the records that came with its chunk.  Sent: a
write's callback runs on a later loop turn (once the kernel took its ciphertext), exactly
where a ``call_soon`` of its own would have put it, however many connections complete a
write in the same turn.  No timing is asserted.
"""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import key, listening, once, run_loop

import nodessl as tls

OPTIONS = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}


async def tls13_pair(on_server: Any = None, count: int = 1) -> tuple[Any, list[Any]]:
    """A nodessl server and ``count`` nodessl clients connected to it (TLS 1.3)."""
    server = tls.createServer(OPTIONS, on_server)
    port = await listening(server)
    clients = []
    for _ in range(count):
        client = tls.connect({"port": port, "host": "127.0.0.1", "rejectUnauthorized": False})
        await once(client, "secureConnect")
        assert client.getProtocol() == "TLSv1.3"
        clients.append(client)
    return server, clients


def test_write_callbacks_run_where_their_own_call_soon_would() -> None:
    async def main() -> list[str]:
        loop = asyncio.get_running_loop()
        server, (a, b, c) = await tls13_pair(count=3)
        await asyncio.sleep(0.05)  # the handshakes' last bytes (tickets) are read
        order: list[str] = []
        done = loop.create_future()

        def mark(name: str) -> Any:
            def cb(err: BaseException | None = None) -> None:
                assert err is None
                order.append(name)
                if len(order) == 4:
                    done.set_result(None)
            return cb

        a.write(b"a", mark("a"))
        loop.call_soon(mark("between"))
        b.write(b"b", mark("b"))
        c.write(b"c", mark("c"))
        assert order == []  # never synchronously, as Node's TLSWrap
        await done
        for sock in (a, b, c):
            sock.destroy()
        server.close()
        return order

    assert run_loop(main) == ["a", "between", "b", "c"]


def test_each_record_is_one_data_chunk_before_the_next_is_read() -> None:
    async def main() -> tuple[list[int], list[int]]:
        sizes: list[int] = []
        first_only: list[int] = []

        def on_server(sock: Any) -> None:
            # asked, four 512-byte records in one flush (setMaxSendFragment cuts them)
            assert sock.setMaxSendFragment(512)
            sock.on("data", lambda _: sock.write(b"x" * 2048))

        server, (reader, stopper) = await tls13_pair(on_server, count=2)
        reader.on("data", lambda chunk: sizes.append(len(chunk)))

        def stop(chunk: bytes) -> None:
            first_only.append(len(chunk))
            stopper.destroy()  # before the records that came with this one are read

        stopper.on("data", stop)
        reader.write(b"go")
        stopper.write(b"go")
        await asyncio.sleep(0.3)
        reader.destroy()
        server.close()
        return sizes, first_only

    sizes, first_only = run_loop(main)
    assert sizes == [512, 512, 512, 512]
    assert first_only == [512]

"""A TLSSocket over a Duplex completes a write when the Duplex calls back its ciphertext's
write, as Node's JSStreamSocket completes the write request: until then ``writableLength``
and ``bufferSize`` count it.  The Duplex here relays to a Node TLS server through a
``net`` socket and holds each write's callback until the test lets it go."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from conftest import NODE_PRELUDE, NodePeer, once, run_loop

import nodessl as tls
from nodessl import net, stream

NODE_SERVER = NODE_PRELUDE + r"""
const server = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
                                 cert: fs.readFileSync('agent1-cert.pem')}, (c) => {
  c.setEncoding('utf8');
  c.on('data', (d) => out({got: d}));
});
server.listen(0, '127.0.0.1', () => out({port: server.address().port}));
process.stdin.on('end', () => process.exit(0)).resume();
"""


class GatedRelay(stream.Duplex):
    """Writes go to ``sock`` at once; their callbacks wait for :meth:`release`."""

    def __init__(self, sock: net.Socket) -> None:
        super().__init__()
        self.sock = sock
        self.held: list[Callable[..., Any]] = []
        self.gated = False
        sock.on("data", self.push)

    def _read(self, *_size: Any) -> None:
        pass

    def _write(self, chunk: bytes, encoding: Any, callback: Callable[..., Any]) -> None:
        self.sock.write(chunk)
        if self.gated:
            self.held.append(callback)
        else:
            callback()

    def release(self) -> None:
        held, self.held = self.held, []
        for callback in held:
            callback()


def test_a_write_over_a_duplex_completes_with_the_duplex_write() -> None:
    async def main() -> None:
        peer = await NodePeer.start(NODE_SERVER)
        try:
            port = (await peer.message())["port"]
            plain = net.connect(port, "127.0.0.1")
            await once(plain, "connect")
            relay = GatedRelay(plain)
            client = tls.connect({"socket": relay, "rejectUnauthorized": False})
            await once(client, "secureConnect")
            assert client.bufferSize == 0

            relay.gated = True
            done: list[Any] = []
            client.write("foobar", lambda *err: done.append(err))
            assert client.writableLength == 6 and client.bufferSize == 6
            assert await peer.message() == {"got": "foobar"}  # on the wire already
            for _ in range(5):
                await asyncio.sleep(0)
            assert done == [] and client.writableLength == 6  # the Duplex has not called back
            relay.release()
            for _ in range(5):
                await asyncio.sleep(0)
            assert len(done) == 1 and client.writableLength == 0
            client.destroy()
            plain.destroy()
        finally:
            peer.proc.stdin.close()
            await peer.close()

    run_loop(main)

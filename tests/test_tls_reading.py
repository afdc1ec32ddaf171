"""Each SSL_read's plaintext reaches 'data' before the next record is read, as in Node.

Node's TLSWrap (ClearOut) emits every SSL_read result to JavaScript before it calls
SSL_read again, so a 'data' listener acts on the records that arrived with its chunk:
``disableRenegotiation()`` there refuses a renegotiation whose ClientHello came in the same
TCP read.  A small relay between a Node client and a nodessl server makes that happen for
sure: once application data went by, it holds the client's bytes until the renegotiation's
handshake record follows and hands both over in one write.
"""

from __future__ import annotations

import asyncio

from conftest import NODE_PRELUDE, NodePeer, key, listening, once, run_loop

import nodessl as tls

APPLICATION_DATA, HANDSHAKE = 23, 22

# A Node 20 TLS 1.2 client: writes "data", then at once asks to renegotiate.
NODE_CLIENT = NODE_PRELUDE + r"""
const port = +process.argv[1];
const c = tls.connect({port, host: '127.0.0.1', rejectUnauthorized: false,
                       maxVersion: 'TLSv1.2'}, () => {
  c.write('data');
  out({renegotiate: c.renegotiate({}, (err) => out({renegotiated: errInfo(err)}))});
});
c.on('error', (err) => out({error: errInfo(err)}));
c.on('close', () => out({close: true}));
"""


class CoalescingRelay:
    """TCP relay 127.0.0.1:port -> target; the client's application data and the handshake
    record after it reach the target in one write."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.server: asyncio.base_events.Server | None = None
        self.tasks: list[asyncio.Task[None]] = []
        self.coalesced = False

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        self.tasks.append(asyncio.ensure_future(self._pipe(up_reader, writer)))
        await self._client_to_server(reader, up_writer)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
        writer.close()

    async def _client_to_server(self, reader: asyncio.StreamReader,
                                writer: asyncio.StreamWriter) -> None:
        pending = b""  # bytes not yet cut into whole records
        held = b""     # whole records held back since application data went by
        holding = False
        while data := await reader.read(65536):
            pending += data
            while len(pending) >= 5:
                size = 5 + int.from_bytes(pending[3:5], "big")
                if len(pending) < size:
                    break
                record, pending = pending[:size], pending[size:]
                kind = record[0]
                if holding:
                    held += record
                    if kind == HANDSHAKE:
                        writer.write(held)  # the data record and the ClientHello, together
                        held, holding, self.coalesced = b"", False, True
                elif kind == APPLICATION_DATA and not self.coalesced:
                    holding, held = True, record
                else:
                    writer.write(record)
        writer.close()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in self.tasks:
            task.cancel()


def test_disable_renegotiation_from_data_refuses_a_clienthello_read_with_it() -> None:
    async def main() -> None:
        got: list[bytes] = []
        errors: list[str] = []

        def on_secure_connection(sock: tls.TLSSocket) -> None:
            def on_data(chunk: bytes) -> None:
                got.append(chunk)
                sock.disableRenegotiation()

            sock.on("data", on_data)
            sock.on("error", lambda err: errors.append(err.code))

        server = tls.createServer({"key": key("agent1-key.pem"),
                                   "cert": key("agent1-cert.pem"),
                                   "maxVersion": "TLSv1.2"}, on_secure_connection)
        port = await listening(server)
        relay = CoalescingRelay(port)
        relay_port = await relay.start()
        closed = once(server, "close")
        peer = await NodePeer.start(NODE_CLIENT.replace("+process.argv[1]", str(relay_port)))
        try:
            assert await peer.message() == {"renegotiate": True}
            message = await peer.message()
            # the server dropped the connection: the client's renegotiation never completes
            assert "renegotiated" not in message
            assert relay.coalesced
            assert got == [b"data"]
            assert errors == ["ERR_TLS_RENEGOTIATION_DISABLED"]
        finally:
            relay.close()
            server.close()
            await peer.close()
        await closed

    run_loop(main)

"""TLS over sockets and streams someone else made, as Node 20 does it (``_tls_wrap.js``).

* ``tls.connect({socket: netSocket})`` takes over the socket's reading only: the net
  socket still writes raw bytes (``end(data)`` puts them on the wire after the TLS
  records), still has its addresses, its ``destroy()`` closes the connection under the
  TLSSocket, and it emits 'close' (before the TLSSocket's).  Each scenario runs once
  with a Node client and once with nodessl, through a recording proxy, and both must see
  the same events and the same bytes.
* ``server.emit('connection', duplex)``: a tls.Server serves TLS over any net.Socket or
  Duplex (its first 'connection' listener wraps it, as Node's tlsConnectionListener).
* ``new TLSSocket(socket, {isServer, server})`` over a socket already holding garbage
  reports it on the socket, after the constructor returned ('error', then
  ``close(True)``), and not to the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from conftest import NODE_PRELUDE, NodePeer, key, listening, once, run_loop

import nodessl as tls
from nodessl import net
from nodessl.stream import Duplex

AGENT1 = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
NODE_AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


class Recorder:
    """A TCP proxy on 127.0.0.1 that keeps what the client sent (and whether it sent FIN)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.from_client = bytearray()
        self.client_fin = asyncio.get_running_loop().create_future()
        self.server: asyncio.base_events.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)

        async def client_to_server() -> None:
            while data := await reader.read(65536):
                self.from_client += data
                up_writer.write(data)
            if not self.client_fin.done():
                self.client_fin.set_result(True)
            if up_writer.can_write_eof():
                up_writer.write_eof()

        async def server_to_client() -> None:
            while data := await up_reader.read(65536):
                writer.write(data)
            if writer.can_write_eof() and not writer.is_closing():
                writer.write_eof()

        try:
            await asyncio.gather(client_to_server(), server_to_client())
        except OSError:
            pass
        finally:
            writer.close()
            up_writer.close()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()


NODE_TLS_SERVER = NODE_PRELUDE + f"""
const server = tls.createServer({NODE_AGENT1}, (s) => {{
  let got = '';
  s.on('data', (d) => {{ got += d; if (got === 'over tls') out({{event: 'data', got}}); }});
  s.on('error', (e) => out({{event: 'error', code: e.code}}));
  s.on('close', () => out({{event: 'close'}}));
}});
server.listen(0, '127.0.0.1', () => out({{port: server.address().port}}));
process.stdin.on('data', () => server.close());
"""

# The client side of the scenario, in Node: the reference the nodessl run must match.
NODE_WRAPPING_CLIENT = NODE_PRELUDE + r"""
const events = [];
const sock = net.connect(+process.argv[1], '127.0.0.1');
for (const ev of ['connect', 'ready', 'data', 'end', 'finish', 'close'])
  sock.on(ev, () => events.push('net ' + ev));
const t = tls.connect({socket: sock, rejectUnauthorized: false}, () => {
  events.push('secureConnect');
  out({event: 'secure', remote: sock.remoteAddress, samePort: sock.remotePort === t.remotePort,
       readable: sock.readable, writable: sock.writable});
  t.write('over tls');
});
for (const ev of ['connect', 'end', 'finish', 'close']) t.on(ev, () => events.push('tls ' + ev));
t.on('error', (e) => events.push('tls error ' + e.code));
process.stdin.on('data', () => sock.end('RAWBYTES'));
t.on('close', () => setImmediate(() => out({event: 'done', events})));
"""


async def _run_wrapping_scenario(client: str) -> tuple[list[Any], bytes, list[str]]:
    """Node's TLS server behind a recorder; ``client`` ('node' or 'nodessl') wraps a net
    socket, writes over TLS, then ends the net socket with raw bytes.  Returns (what the
    client observed, the last bytes the proxy saw from the client, the server's events)."""
    node_server = await NodePeer.start(NODE_TLS_SERVER)
    recorder = Recorder((await node_server.message())["port"])
    port = await recorder.start()
    server_events: list[str] = []
    try:
        if client == "node":
            node_client = await NodePeer.start(
                NODE_WRAPPING_CLIENT.replace("+process.argv[1]", str(port)))
            secure = await node_client.message()
            assert (await node_server.message())["event"] == "data"
            node_client.proc.stdin.write(b"go\n")
            done = await node_client.message()
            node_client.proc.stdin.close()  # communicate() leaves stdin open
            await node_client.close()
            observed: list[Any] = [secure, done["events"]]
        else:
            observed = await _nodessl_wrapping_client(port, node_server)
        await recorder.client_fin
        for _ in range(2):  # the TLS server's reaction to raw bytes: 'error', 'close'
            server_events.append((await node_server.message())["event"])
    finally:
        recorder.close()
        node_server.proc.stdin.write(b"bye\n")
        node_server.proc.stdin.close()
        await node_server.close()
    return observed, bytes(recorder.from_client[-8:]), server_events


async def _nodessl_wrapping_client(port: int, node_server: NodePeer) -> list[Any]:
    events: list[str] = []
    sock = net.connect(port, "127.0.0.1")
    for ev in ("connect", "ready", "data", "end", "finish", "close"):
        sock.on(ev, lambda *a, ev=ev: events.append("net " + ev))
    t = tls.connect({"socket": sock, "rejectUnauthorized": False})
    for ev in ("connect", "end", "finish", "close"):
        t.on(ev, lambda *a, ev=ev: events.append("tls " + ev))
    t.on("error", lambda e: events.append("tls error " + str(getattr(e, "code", e))))
    await once(t, "secureConnect")
    events.append("secureConnect")
    secure = {"event": "secure", "remote": sock.remoteAddress,
              "samePort": sock.remotePort == t.remotePort,
              "readable": sock.readable, "writable": sock.writable}
    t.write(b"over tls")
    assert (await node_server.message())["event"] == "data"
    closed = once(t, "close")
    sock.end(b"RAWBYTES")
    await closed
    await asyncio.sleep(0)  # Node reports on the next turn (setImmediate)
    return [secure, events]


def test_wrapped_net_socket_still_writes_raw_bytes_as_in_node() -> None:
    async def main() -> None:
        node = await _run_wrapping_scenario("node")
        mine = await _run_wrapping_scenario("nodessl")
        # Node: the net socket's end(data) sends those bytes raw after the TLS records,
        # then FIN; the TLS server chokes on them ('error', then 'close')
        assert node[1] == mine[1] == b"RAWBYTES"
        assert node[2] == mine[2] == ["error", "close"]
        assert node[0][0] == mine[0][0] == {"event": "secure", "remote": "127.0.0.1",
                                            "samePort": True, "readable": True,
                                            "writable": True}
        node_events, my_events = node[0][1], mine[0][1]
        # the net socket: the same events, in the same order (no 'data' nor 'end': it no
        # longer reads), and its 'close' comes before the TLSSocket's
        assert [e for e in my_events if e.startswith("net")] == \
            [e for e in node_events if e.startswith("net")] == \
            ["net connect", "net ready", "net finish", "net close"]
        for events in (node_events, my_events):
            assert events.index("net close") < events.index("tls close") == len(events) - 1
        # the TLSSocket repeats 'connect' before its handshake, on both
        assert my_events[:4] == node_events[:4] == [
            "net connect", "tls connect", "net ready", "secureConnect"]
        # then both hear the server's alert (which races our FIN's 'finish').  Node then
        # also emits 'end' and 'finish': after the handshake a TLS error is only an
        # 'error' event there, the socket is not destroyed; nodessl destroys it.
        alert = "tls error ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION"
        assert alert in my_events and alert in node_events

    run_loop(main, timeout=40)


def test_destroying_the_wrapped_socket_closes_the_tls_socket() -> None:
    """Node's test-tls-socket-close: a net server hands each connection to a tls.Server
    with emit('connection'); destroying the net socket destroys the TLSSocket, later."""

    async def main() -> None:
        secured: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        tls_server = tls.createServer(AGENT1, lambda s: (
            s.on("data", lambda d: secured.done() or secured.set_result((s, bytes(d))))))
        order: list[str] = []

        def on_plain(sock: net.Socket) -> None:
            tls_server.emit("connection", sock)
            sock.on("close", lambda *a: order.append("net close"))

        plain_server = net.createServer(on_plain)
        port = await listening(plain_server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false}},
                      () => c.write('foo'));
c.on('error', (e) => out({{event: 'error', code: e.code}}));
c.on('close', () => out({{event: 'close'}}));
""")
        server_tls, data = await secured
        assert data == b"foo"
        net_sock = next(iter(plain_server._connections))
        server_tls.on("close", lambda *a: order.append("tls close"))
        net_sock.destroy()
        assert net_sock.destroyed is True
        assert server_tls.destroyed is False  # Node: it follows on a later turn
        assert (await node.message())["event"] in ("close", "error")
        await node.close()
        await once(server_tls, "close") if not server_tls._closed_emitted else None
        assert server_tls.destroyed is True
        assert order == ["net close", "tls close"]
        plain_server.close()

    run_loop(main)


# -- server.emit('connection', duplex) ------------------------------------------------------


class Relay(Duplex):
    """A Duplex that is not a socket: it relays to and from a net socket (any transport)."""

    def __init__(self, below: net.Socket) -> None:
        super().__init__()
        self.below = below
        below.on("data", lambda d: self.push(bytes(d)))
        below.on("end", lambda *a: self.push(None))
        below.on("close", lambda *a: self.destroy())

    def _read(self, size: int | None = None) -> None:
        pass  # the socket below pushes as data arrives

    def _write(self, chunk: bytes, encoding: Any, cb: Any) -> None:
        self.below.write(chunk)
        self._loop.call_soon(cb)

    def _final(self, done: Callable[..., None]) -> None:
        self.below.end()
        done()


def test_tls_server_serves_over_a_duplex_emitted_as_connection() -> None:
    async def main() -> None:
        seen: list[Any] = []

        def on_secure(s: tls.TLSSocket) -> None:
            seen.append(type(s).__name__)
            s.end(b"served over a Duplex")

        tls_server = tls.createServer(AGENT1, on_secure)
        tls_server.on("connection", lambda d: seen.append(type(d).__name__))
        plain_server = net.createServer(lambda sock: tls_server.emit("connection", Relay(sock)))
        port = await listening(plain_server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', ca: fs.readFileSync('ca1-cert.pem'),
                       servername: 'agent1'}}, () => {{
  let got = '';
  c.on('data', (d) => got += d);
  c.on('end', () => out({{authorized: c.authorized, got}}));
}});
c.on('error', (e) => out({{error: e.code}}));
""")
        assert await node.message() == {"authorized": True, "got": "served over a Duplex"}
        await node.close()
        plain_server.close()
        # the tls.Server's own listener wrapped it first, then the user's saw the Duplex
        assert seen == ["Relay", "TLSSocket"]

    run_loop(main)


class _PairEnd(Duplex):
    """One side of Node's common/duplexpair: what one side writes, the other reads."""

    other: _PairEnd

    def _read(self, size: int | None = None) -> None:
        pass  # the other end pushes when it writes

    def _write(self, chunk: bytes, encoding: Any, cb: Any) -> None:
        self.other.push(chunk)
        self._loop.call_soon(cb)

    def _final(self, done: Callable[..., None]) -> None:
        self.other.push(None)
        done()


def _duplex_pair() -> tuple[_PairEnd, _PairEnd]:
    a, b = _PairEnd(), _PairEnd()
    a.other, b.other = b, a
    return a, b


def test_tls_server_serves_over_an_in_memory_duplex_pair() -> None:
    """test-tls-generic-stream, with the server side emitted into a tls.Server."""

    async def main() -> None:
        client_side, server_side = _duplex_pair()
        secure_connections: list[tls.TLSSocket] = []
        tls_server = tls.createServer({**AGENT1, "ca": key("ca1-cert.pem")},
                                      secure_connections.append)
        tls_server.emit("connection", server_side)
        client = tls.connect({"socket": client_side, "ca": key("ca1-cert.pem"),
                              "host": "agent1"})
        assert client.connecting is False
        await once(client, "secureConnect")
        assert client.authorized
        written = asyncio.get_running_loop().create_future()
        client.write(b"foobar", lambda err: written.set_result(err))
        assert await written is None
        await asyncio.sleep(0)
        [server_tls] = secure_connections
        assert server_tls.read() == b"foobar"

    run_loop(main)


# -- a hand-made server-side TLSSocket over a socket holding garbage ------------------------


def test_garbage_already_buffered_is_an_error_on_the_socket_later() -> None:
    """test-tls-delayed-attach-error, with a ``server``: checked against Node 20, which
    emits 'error' (then close(true)) on the socket after the constructor returned, and
    nothing on the server."""

    async def main() -> None:
        tls_server = tls.createServer(AGENT1)
        server_events: list[Any] = []
        tls_server.on("tlsClientError", lambda e, s: server_events.append(e))
        got: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        buffered: asyncio.Future[net.Socket] = asyncio.get_running_loop().create_future()

        def on_plain(c: net.Socket) -> None:
            c.once("readable", lambda: buffered.done() or buffered.set_result(c))

        plain_server = net.createServer(on_plain)
        port = await listening(plain_server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = net.connect({port}, '127.0.0.1', () => c.write(Buffer.alloc(1024, 42)));
c.on('error', () => {{}});
c.on('close', () => out({{event: 'close'}}));
""")
        c = await buffered
        while c.readableLength < 1024:
            await asyncio.sleep(0.01)
        events: list[Any] = []
        s = tls.TLSSocket(c, {"isServer": True, "server": tls_server,
                              "secureContext": tls.createSecureContext(AGENT1)})
        s.on("error", lambda e: events.append(("error", e.code)))
        s.on("close", lambda had_error: (events.append(("close", had_error)),
                                         got.set_result(None)))
        assert events == [] and not s.destroyed  # nothing from inside the constructor
        await got
        assert events == [("error", "ERR_SSL_WRONG_VERSION_NUMBER"), ("close", True)]
        assert server_events == []
        assert (await node.message())["event"] == "close"
        await node.close()
        plain_server.close()

    run_loop(main)


def test_delayed_attach_reads_what_was_buffered() -> None:
    """test-tls-delayed-attach: the ClientHello (and more) already sat in the net socket
    when the TLSSocket was made; a Node client's message arrives whole."""

    async def main() -> None:
        received: list[bytes] = []
        ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_plain(c: net.Socket) -> None:
            def attach() -> None:
                s = tls.TLSSocket(c, {"isServer": True,
                                      "secureContext": tls.createSecureContext(AGENT1)})
                s.on("data", lambda d: received.append(bytes(d)))
                s.on("end", lambda *a: (s.destroy(), ended.set_result(None)))

            c.once("readable", lambda: asyncio.get_running_loop().call_later(0.2, attach))

        plain_server = net.createServer(on_plain)
        port = await listening(plain_server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({port}, '127.0.0.1', {{rejectUnauthorized: false}},
                      () => c.end('hello world'));
c.on('close', () => out({{event: 'close'}}));
""")
        await ended
        assert b"".join(received) == b"hello world"
        assert (await node.message())["event"] == "close"
        await node.close()
        plain_server.close()

    run_loop(main)


def test_connect_given_socket_in_every_state() -> None:
    """test-tls-connect-given-socket: a net socket that dies at once, one that outlives its
    TLSSocket, one already connected and one still connecting; the server is Node's."""

    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
let n = 0;
const server = tls.createServer({NODE_AGENT1}, (s) => {{ s.end('Hello'); out({{served: ++n}}); }});
server.listen(0, '127.0.0.1', () => out({{port: server.address().port}}));
process.stdin.on('data', () => server.close());
""")
        port = (await node.message())["port"]

        def establish(sock: net.Socket) -> tuple[tls.TLSSocket, asyncio.Future[Any]]:
            client = tls.connect({"rejectUnauthorized": False, "socket": sock})
            got: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            parts: list[bytes] = []
            client.on("secureConnect", lambda: (
                client.on("data", parts.append),
                client.on("end", lambda *a: got.set_result(b"".join(parts)))))
            assert client.readable and client.writable
            return client, got

        # immediate death: the TLSSocket is destroyed while its socket connects
        immediate = net.connect(port, "127.0.0.1")
        dead, _ = establish(immediate)
        closed = [once(immediate, "close"), once(dead, "close")]
        dead.destroy()
        # outliving: the TLSSocket goes as soon as its socket connected
        outliving_tcp = net.connect(port, "127.0.0.1")
        outliving, _ = establish(outliving_tcp)
        closed += [once(outliving_tcp, "close"), once(outliving, "close")]
        await once(outliving_tcp, "connect")
        outliving.destroy()
        assert await asyncio.gather(*closed) == [False] * 4
        assert immediate.destroyed and outliving_tcp.destroyed

        connected = net.connect(port, "127.0.0.1")
        await once(connected, "connect")
        _, got_connected = establish(connected)
        connecting = net.connect(port, "127.0.0.1")
        _, got_connecting = establish(connecting)
        assert await got_connected == await got_connecting == b"Hello"
        node.proc.stdin.write(b"close\n")
        node.proc.stdin.close()
        served = [await node.message(), await node.message()]
        assert served[-1] == {"served": 2}  # the two that died never said a word
        await node.close()

    run_loop(main)

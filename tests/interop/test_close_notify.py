"""close_notify: nodessl sends its own on end(), and answers the peer's as Node 20 does.

What Node does, checked on the wire (a Python ``ssl`` client calling ``unwrap()``, Node's
``enableTrace`` and ``openssl s_client -msg``): after the peer's close_notify the socket
emits 'end'; without ``allowHalfOpen`` it then ends itself, so its close_notify (then its
TCP FIN) answers at once; with ``allowHalfOpen`` nothing is sent until the program calls
``end()``, and whatever it writes before that still reaches the peer, ahead of the
close_notify.  A bare FIN instead of the answer makes a stock ``unwrap()`` fail with
UNEXPECTED_EOF_WHILE_READING.

The Python peers run in a thread (blocking ``ssl``), the Node peers as ``node -e``.
"""

from __future__ import annotations

import asyncio
import socket as pysocket
import ssl
from typing import Any

import pytest
from conftest import KEYS, NODE_PRELUDE, NodePeer, key, listening, once, run_loop

import nodessl as tls

SERVER_ID = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


def _client_context() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _stock_unwrap_client(port: int) -> tuple[str, bytes]:
    """The issue's peer, as written: send, then ``unwrap()``; ('ok' | the error, FIN read)."""
    with pysocket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        tls_sock = _client_context().wrap_socket(raw)
        tls_sock.sendall(b"hello")
        try:
            plain = tls_sock.unwrap()
        except ssl.SSLError as err:
            return type(err).__name__ + ": " + str(err), b""
        return "ok", plain.recv(100)


def _bio_client(port: int) -> tuple[bytes, bool, bytes]:
    """Send "hello" and our close_notify, then read until the peer's close_notify.

    Returns (application data received after our close_notify, whether the peer's
    close_notify came, what TCP gave after it).  Memory BIOs, because a stock ``unwrap()``
    refuses data that arrives after its close_notify, which a half-open peer may send.
    """
    with pysocket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = _client_context().wrap_bio(incoming, outgoing)

        def pump() -> None:
            if data := outgoing.read():
                raw.sendall(data)

        def receive() -> bool:
            data = raw.recv(65536)
            if data:
                incoming.write(data)
            else:
                incoming.write_eof()
            return bool(data)

        while True:
            try:
                obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                pump()
                receive()
        pump()
        obj.write(b"hello")
        try:
            obj.unwrap()
        except ssl.SSLWantReadError:
            pass  # our close_notify is queued; the peer's has not come yet
        pump()
        got = b""
        while True:
            try:
                got += obj.read(65536)
            except ssl.SSLZeroReturnError:
                return got, True, raw.recv(100)
            except ssl.SSLWantReadError:
                if not receive():
                    return got, False, b""


def _unwrapping_server(listener: pysocket.socket) -> tuple[bytes, str, bytes]:
    """A Python ``ssl`` server: read "hello", then ``unwrap()``; (data, result, after)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(KEYS / "agent1-cert.pem"), str(KEYS / "agent1-key.pem"))
    raw, _ = listener.accept()
    with raw:
        raw.settimeout(10)
        tls_sock = ctx.wrap_socket(raw, server_side=True)
        data = tls_sock.recv(100)
        try:
            plain = tls_sock.unwrap()
        except ssl.SSLError as err:
            return data, type(err).__name__ + ": " + str(err), b""
        return data, "ok", plain.recv(100)


def _serve(half: bool, reply_after_end: bytes | None = None) -> tuple[tls.Server, list[Any]]:
    """A nodessl server recording its connection's events; ``reply_after_end`` is written
    on 'end' before the (half-open) server ends."""
    events: list[Any] = []

    def on_secure(sock: tls.TLSSocket) -> None:
        sock.on("data", lambda d: events.append(("data", bytes(d))))

        def on_end(*_: Any) -> None:
            events.append(("end", sock.writable))
            if half:
                # Node answers only when the program ends: nothing has been sent yet
                sock.end(reply_after_end)

        sock.on("end", on_end)
        sock.on("close", lambda had_error: events.append(("close", had_error)))

    server = tls.createServer({**SERVER_ID, "allowHalfOpen": half}, on_secure)
    return server, events


@pytest.mark.parametrize("half", [False, True], ids=["closing", "allowHalfOpen"])
def test_stock_python_unwrap_against_nodessl_server(half: bool) -> None:
    async def main() -> None:
        server, events = _serve(half)
        port = await listening(server)
        closed = asyncio.get_running_loop().create_future()
        server.on("connection", lambda s: s.once("close", lambda *a: closed.set_result(1)))
        result, after = await asyncio.to_thread(_stock_unwrap_client, port)
        await closed
        server.close()
        assert result == "ok"  # the server answered close_notify; a bare FIN fails here
        assert after == b""  # then its TCP FIN
        # half-open or not, 'end' comes while the socket may still write (then it answers)
        assert events == [("data", b"hello"), ("end", True), ("close", False)]

    run_loop(main)


def test_half_open_nodessl_server_writes_before_answering() -> None:
    async def main() -> None:
        server, events = _serve(True, reply_after_end=b"bye")
        port = await listening(server)
        got, answered, after = await asyncio.to_thread(_bio_client, port)
        server.close()
        assert (got, answered, after) == (b"bye", True, b"")
        assert events[:2] == [("data", b"hello"), ("end", True)]

    run_loop(main)


@pytest.mark.parametrize("half", [False, True], ids=["closing", "allowHalfOpen"])
def test_nodessl_client_answers_python_server_unwrap(half: bool) -> None:
    async def main() -> None:
        listener = pysocket.create_server(("127.0.0.1", 0))
        try:
            port = listener.getsockname()[1]
            peer = asyncio.ensure_future(asyncio.to_thread(_unwrapping_server, listener))
            client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                     "allowHalfOpen": half})
            events: list[Any] = []
            client.on("secureConnect", lambda: client.write(b"hello"))
            client.on("data", lambda d: events.append(("data", d)))

            def on_end(*_: Any) -> None:
                events.append(("end", client.writable))
                if half:
                    client.end()

            client.on("end", on_end)
            closed = once(client, "close")
            data, result, after = await peer
            assert await closed is False
        finally:
            listener.close()
        assert (data, result, after) == (b"hello", "ok", b"")
        assert events == [("end", True)]

    run_loop(main)


def test_nodessl_sends_close_notify_on_end_to_python_server() -> None:
    """Our own end() says close_notify before the FIN: the Python server's ``unwrap()``
    completes and the nodessl client still ends cleanly."""

    async def main() -> None:
        listener = pysocket.create_server(("127.0.0.1", 0))
        try:
            port = listener.getsockname()[1]
            peer = asyncio.ensure_future(asyncio.to_thread(_unwrapping_server, listener))
            client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
            client.on("secureConnect", lambda: client.end(b"hello"))
            ended = once(client, "end")
            client.resume()
            data, result, after = await peer
            await ended
        finally:
            listener.close()
        assert (data, result) == (b"hello", "ok")

    run_loop(main)


# -- Node 20 both ways -------------------------------------------------------------------------

# Node's side: whoever is "first" ends after the first message; the other side ends on
# 'end' (or, half-open, writes "bye" and then ends).  Node traces its records on stderr.
NODE_SIDE = r"""
const watch = (s, done) => {
  let got = '', ended = false;
  s.on('data', (d) => {
    got += d;
    if (FIRST && ROLE === 'server' && !ended) { ended = true; s.end('from node'); }
  });
  s.on('end', () => out({event: 'end', got}));
  s.on('close', () => { out({event: 'close', got}); done(); });
};
if (ROLE === 'server') {
  const server = tls.createServer({...AGENT1, enableTrace: true},
                                  (s) => watch(s, () => server.close()));
  server.listen(0, '127.0.0.1', () => out({port: server.address().port}));
} else {
  const c = tls.connect({port: PORT, host: '127.0.0.1', rejectUnauthorized: false,
                         enableTrace: true}, () => FIRST ? c.end('hello') : c.write('hello'));
  watch(c, () => {});
}
"""


def _received_close_notify(trace: str) -> bool:
    """Whether Node's trace shows a close_notify it *received* (SSL_trace's record blocks)."""
    blocks = trace.split("Received Record")[1:]
    return any("description=close notify" in b.split("Sent Record")[0] for b in blocks)


async def _start_node(role: str, first: str, port: int = 0) -> NodePeer:
    head = (f"const ROLE = '{role}', FIRST = {'true' if first == 'node' else 'false'}, "
            f"PORT = {port}, AGENT1 = {AGENT1};\n")
    return await NodePeer.start(NODE_PRELUDE + head + NODE_SIDE)


# What each side has read by the end, per (nodessl's role, who ends first).
NODE_GOT = {("server", "node"): "", ("server", "nodessl"): "from nodessl",
            ("client", "node"): "hello", ("client", "nodessl"): "hello"}
NODESSL_GOT = {("server", "node"): b"hello", ("server", "nodessl"): b"hello",
               ("client", "node"): b"from node", ("client", "nodessl"): b""}


@pytest.mark.parametrize("half", [False, True], ids=["closing", "allowHalfOpen"])
@pytest.mark.parametrize("first", ["node", "nodessl"], ids=["node-ends", "nodessl-ends"])
@pytest.mark.parametrize("role", ["server", "client"], ids=["nodessl-server", "nodessl-client"])
def test_close_notify_with_node(role: str, first: str, half: bool) -> None:
    async def main() -> None:
        events: list[Any] = []
        done = asyncio.get_running_loop().create_future()

        def watch(sock: tls.TLSSocket) -> None:
            def on_data(d: bytes) -> None:
                events.append(("data", bytes(d)))
                if first == "nodessl" and role == "server" and not sock.writableEnded:
                    sock.end(b"from nodessl")

            def on_end(*_: Any) -> None:
                events.append(("end",))
                if half and first == "node":
                    sock.end(b"bye")  # still allowed: Node has not had our close_notify

            def on_close(had_error: bool) -> None:
                events.append(("close", had_error))
                if not done.done():
                    done.set_result(None)

            sock.on("data", on_data)
            sock.on("end", on_end)
            sock.on("close", on_close)

        server = None
        if role == "server":
            server = tls.createServer({**SERVER_ID, "allowHalfOpen": half}, watch)
            node = await _start_node("client", first, await listening(server))
        else:
            node = await _start_node("server", first)
            port = (await node.message())["port"]
            client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                     "allowHalfOpen": half})
            watch(client)
            client.on("secureConnect", lambda: client.end(b"hello") if first == "nodessl"
                      else client.write(b"hello"))
        try:
            node_end = await node.message()
            node_close = await node.message()
            await done
        finally:
            if server is not None:
                server.close()
            trace = await node.close()
        assert (node_end["event"], node_close["event"]) == ("end", "close")
        # Node received our close_notify: sent by our end(), or as the answer to Node's
        assert _received_close_notify(trace), trace[-3000:]
        written_after_end = "bye" if half and first == "node" else ""
        assert node_close["got"] == NODE_GOT[role, first] + written_after_end
        assert b"".join(e[1] for e in events if e[0] == "data") == NODESSL_GOT[role, first]
        assert events[-2:] == [("end",), ("close", False)]

    run_loop(main)

"""asyncio natively (issue 12): ``once``, ``connectAsync``, ``listenAsync`` / ``closeAsync``,
``async for`` over a socket, ``async with`` on sockets and servers, and objects made before
a loop runs.  Real sockets on 127.0.0.1; the peers are nodessl servers and Node 20."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, key, listening, run_loop, run_node

import nodessl as tls
from nodessl import events, net
from nodessl.abort import AbortController
from nodessl.errors import NodeError

CLIENT = {"ca": key("ca1-cert.pem"), "servername": "agent1"}


def server_options() -> dict[str, Any]:
    return {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}


# -- once ------------------------------------------------------------------------------------

def test_once_is_node_events_once() -> None:
    async def main() -> None:
        assert tls.once is events.once
        emitter = events.EventEmitter()
        asyncio.get_running_loop().call_soon(emitter.emit, "pair", 1, 2)
        assert await tls.once(emitter, "pair") == [1, 2]
        # 'error' first rejects, and the listeners are gone afterwards
        boom = NodeError("boom", "EBOOM")
        asyncio.get_running_loop().call_soon(emitter.emit, "error", boom)
        with pytest.raises(NodeError) as info:
            await tls.once(emitter, "pair")
        assert info.value is boom
        assert emitter.listenerCount("pair") == 0 and emitter.listenerCount("error") == 0
        # awaiting 'error' itself resolves with it
        asyncio.get_running_loop().call_soon(emitter.emit, "error", boom)
        assert await tls.once(emitter, "error") == [boom]
        # an AbortSignal ends the wait with Node's AbortError
        ac = AbortController()
        asyncio.get_running_loop().call_soon(ac.abort)
        with pytest.raises(NodeError) as aborted:
            await tls.once(emitter, "never", {"signal": ac.signal})
        assert aborted.value.code == "ABORT_ERR"
        assert emitter.listenerCount("never") == 0

    run_loop(main, timeout=5)


# -- connectAsync, listenAsync, closeAsync ---------------------------------------------------

def test_connect_async_resolves_at_secure_connect() -> None:
    async def main() -> None:
        server = tls.createServer(server_options(), lambda s: s.end(b"hi"))
        address = await server.listenAsync(0, "127.0.0.1")
        assert address == server.address() and address.port > 0
        sock = await tls.connectAsync(address.port, "127.0.0.1", CLIENT)
        assert isinstance(sock, tls.TLSSocket)
        assert sock.authorized and sock.getProtocol() == "TLSv1.3"
        assert [c async for c in sock] == [b"hi"]
        await server.closeAsync()
        assert not server.listening
        with pytest.raises(NodeError) as info:
            await server.closeAsync()
        assert info.value.code == "ERR_SERVER_NOT_RUNNING"

    run_loop(main, timeout=10)


def test_connect_async_raises_the_node_coded_error() -> None:
    async def main() -> None:
        server = tls.createServer(server_options(), lambda s: s.end())
        port = (await server.listenAsync(0, "127.0.0.1")).port
        # no CA: the self-made chain does not verify
        with pytest.raises(NodeError) as info:
            await tls.connectAsync(port, "127.0.0.1", {"servername": "agent1"})
        assert info.value.code == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
        # the wrong name
        with pytest.raises(NodeError) as info2:
            await tls.connectAsync(port, "127.0.0.1", {**CLIENT, "servername": "other"})
        assert info2.value.code == "ERR_TLS_CERT_ALTNAME_INVALID"
        await server.closeAsync()
        # nobody listens: Node's ECONNREFUSED, also Python's ConnectionRefusedError
        with pytest.raises(ConnectionRefusedError) as refused:
            await tls.connectAsync(port, "127.0.0.1", CLIENT)
        assert refused.value.code == "ECONNREFUSED"  # type: ignore[attr-defined]

    run_loop(main, timeout=10)


def test_net_connect_async() -> None:
    async def main() -> None:
        server = net.createServer(lambda s: s.end(b"plain"))
        port = (await server.listenAsync(0, "127.0.0.1")).port
        sock = await net.connectAsync(port, "127.0.0.1")
        assert isinstance(sock, net.Socket) and not sock.connecting
        assert sock.remotePort == port
        assert [c async for c in sock] == [b"plain"]
        await server.closeAsync()
        with pytest.raises(ConnectionRefusedError) as info:
            await net.connectAsync(port, "127.0.0.1")
        assert info.value.code == "ECONNREFUSED"  # type: ignore[attr-defined]

    run_loop(main, timeout=5)


def test_listen_async_raises_the_bind_error() -> None:
    async def main() -> None:
        first = net.createServer()
        port = (await first.listenAsync(0, "127.0.0.1")).port
        second = tls.createServer(server_options())
        with pytest.raises(OSError) as info:
            await second.listenAsync(port, "127.0.0.1")
        assert info.value.code == "EADDRINUSE"  # type: ignore[attr-defined]
        assert not second.listening
        await first.closeAsync()

    run_loop(main, timeout=5)


def test_connect_async_cancelled_destroys_the_socket() -> None:
    async def main() -> None:
        # a plain server that never answers the ClientHello
        held: list[net.Socket] = []
        # (read, so that the client's end is seen)
        server = net.createServer(lambda s: (held.append(s), s.resume()))
        port = (await server.listenAsync(0, "127.0.0.1")).port
        made: list[tls.TLSSocket] = []
        real_connect = tls.connect

        def spy(*args: Any, **kwargs: Any) -> tls.TLSSocket:
            sock = real_connect(*args, **kwargs)
            made.append(sock)
            return sock

        import nodessl.client

        nodessl.client.connect = spy  # type: ignore[assignment]
        try:
            task = asyncio.ensure_future(tls.connectAsync(port, "127.0.0.1", CLIENT))
            while not held:
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        finally:
            nodessl.client.connect = real_connect  # type: ignore[assignment]
        assert made and made[0].destroyed
        await events.once(held[0], "close")  # the server saw the connection go
        await server.closeAsync()

    run_loop(main, timeout=5)


# -- async for ---------------------------------------------------------------------------------

NODE_WRITER = NODE_PRELUDE + r"""
const server = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
                                 cert: fs.readFileSync('agent1-cert.pem')}, (s) => {
  s.write('one'); setTimeout(() => { s.write('two'); setTimeout(() => s.end('three'), 20); }, 20);
  s.on('close', () => { out({closed: true, ended: s.readableEnded}); server.close(); });
  s.on('error', (e) => {});
});
server.listen(0, '127.0.0.1', () => out({port: server.address().port}));
"""


def test_async_for_reads_a_node_server_until_end() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_WRITER)
        try:
            port = (await node.message())["port"]
            sock = await tls.connectAsync(port, "127.0.0.1", CLIENT)
            got = b"".join([chunk async for chunk in sock])
            assert got == b"onetwothree"
            assert sock.readableEnded
            assert await node.message() == {"closed": True, "ended": True}
        finally:
            await node.close()

    run_loop(main, timeout=15)


def test_async_for_raises_the_socket_error() -> None:
    async def main() -> None:
        server = tls.createServer(server_options(), lambda s: s.write(b"first"))
        port = (await server.listenAsync(0, "127.0.0.1")).port
        sock = await tls.connectAsync(port, "127.0.0.1", CLIENT)
        boom = NodeError("broken", "EBROKEN")
        got = []
        with pytest.raises(NodeError) as info:
            async for chunk in sock:
                got.append(chunk)
                sock.destroy(boom)
        assert info.value is boom and got == [b"first"]
        server.close()
        for conn in list(server._connections):
            conn.destroy()
        await events.once(server, "close")

    run_loop(main, timeout=10)


def test_async_for_break_destroys_the_socket_at_once() -> None:
    async def main() -> None:
        seen: list[str] = []

        def on_secure(s: tls.TLSSocket) -> None:
            s.write(b"a" * 10)
            s.on("close", lambda *_: seen.append("server close"))

        server = tls.createServer(server_options(), on_secure)
        port = (await server.listenAsync(0, "127.0.0.1")).port
        sock = await tls.connectAsync(port, "127.0.0.1", CLIENT)
        closed = events.once(sock, "close")
        async for chunk in sock:
            assert chunk == b"a" * 10
            break
        # as Node's iterator return(): destroyed before the next statement
        assert sock.destroyed
        await closed
        await server.closeAsync()  # the server's socket closed too: 'close' came
        assert seen == ["server close"]

        # an exception leaving the loop destroys it as well
        server = tls.createServer(server_options(), on_secure)
        port = (await server.listenAsync(0, "127.0.0.1")).port
        sock = await tls.connectAsync(port, "127.0.0.1", CLIENT)
        with pytest.raises(KeyError):
            async for _ in sock:
                raise KeyError("out")
        assert sock.destroyed
        await server.closeAsync()

    run_loop(main, timeout=10)


def test_iterator_destroy_on_return_false_keeps_the_socket() -> None:
    async def main() -> None:
        def on_secure(s: tls.TLSSocket) -> None:
            s.write(b"first")
            s.once("data", lambda d: s.end(b"reply:" + d))

        server = tls.createServer(server_options(), on_secure)
        port = (await server.listenAsync(0, "127.0.0.1")).port
        sock = await tls.connectAsync(port, "127.0.0.1", CLIENT)
        async for chunk in sock.iterator({"destroyOnReturn": False}):
            assert chunk == b"first"
            break
        assert not sock.destroyed
        sock.write(b"ping")
        assert [c async for c in sock] == [b"reply:ping"]
        await server.closeAsync()

    run_loop(main, timeout=10)


NODE_PREMATURE = r"""
const {Readable} = require('stream');
(async () => {
  const got = [];
  const r = new Readable({read() {}});
  r.push('a');
  try { for await (const c of r) { got.push(String(c)); r.destroy(); } got.push('end'); }
  catch (e) { got.push(e.code); }
  const r2 = new Readable({read() {}});
  setTimeout(() => r2.destroy(), 10);
  try { for await (const c of r2) {} got.push('end'); } catch (e) { got.push(e.code); }
  const r3 = new Readable({read() {}});
  r3.push('b'); r3.push(null);
  for await (const c of r3) got.push(String(c));
  got.push(r3.destroyed);
  console.log(JSON.stringify(got));
})();
"""


def test_async_for_premature_close_as_node() -> None:
    async def main() -> list[Any]:
        from nodessl.stream import Readable

        got: list[Any] = []
        r = Readable(read=lambda n: None)
        r.push(b"a")
        try:
            async for c in r:
                got.append(c.decode())
                r.destroy()
            got.append("end")
        except NodeError as err:
            got.append(err.code)
        r2 = Readable(read=lambda n: None)
        asyncio.get_running_loop().call_later(0.01, r2.destroy)
        try:
            async for _ in r2:
                pass
            got.append("end")
        except NodeError as err:
            got.append(err.code)
        r3 = Readable(read=lambda n: None)
        r3.push(b"b")
        r3.push(None)
        got.extend([c.decode() async for c in r3])
        got.append(r3.destroyed)
        return got

    ours = run_loop(main, timeout=5)
    assert ours == ["a", "ERR_STREAM_PREMATURE_CLOSE", "ERR_STREAM_PREMATURE_CLOSE", "b", True]
    assert run_node(NODE_PREMATURE, None) == ours


# -- async with --------------------------------------------------------------------------------

def test_async_with_socket_ends_it_and_waits_for_close() -> None:
    async def main() -> None:
        received: list[bytes] = []
        server_events: list[str] = []

        def on_secure(s: tls.TLSSocket) -> None:
            s.on("data", received.append)
            s.on("end", lambda *_: server_events.append("end"))
            s.on("close", lambda *_: server_events.append("close"))
            s.write(b"unread by the client")

        server = tls.createServer(server_options(), on_secure)
        port = (await server.listenAsync(0, "127.0.0.1")).port
        # entered once secure
        async with tls.connect(port, "127.0.0.1", CLIENT) as sock:
            assert sock.authorized and sock.getProtocol() is not None
            sock.write(b"bye")
        # a clean exit: end() (the server read all and saw the end), then 'close'
        assert sock.destroyed and sock.writableFinished
        assert b"".join(received) == b"bye"
        await server.closeAsync()
        assert server_events == ["end", "close"]

    run_loop(main, timeout=10)


def test_async_with_socket_destroys_it_on_an_exception() -> None:
    async def main() -> None:
        server_events: list[str] = []

        def on_secure(s: tls.TLSSocket) -> None:
            s.on("end", lambda *_: server_events.append("end"))
            s.on("close", lambda *_: server_events.append("close"))
            s.on("error", lambda err: server_events.append(getattr(err, "code", "error")))

        server = tls.createServer(server_options(), on_secure)
        port = (await server.listenAsync(0, "127.0.0.1")).port
        with pytest.raises(ZeroDivisionError):
            async with tls.connect(port, "127.0.0.1", CLIENT) as sock:
                _ = 1 / 0
        assert sock.destroyed and not sock.writableFinished
        await server.closeAsync()
        assert server_events[-1] == "close"

        # the connection's error is raised on entry
        with pytest.raises(NodeError) as info:
            async with tls.connect(port, "127.0.0.1", {"servername": "agent1"}):
                pass
        assert info.value.code == "ECONNREFUSED"

    run_loop(main, timeout=10)


def test_async_with_server_listens_then_closes() -> None:
    async def main() -> None:
        async with tls.createServer(server_options(), lambda s: s.end(b"x")).listen(
                0, "127.0.0.1") as server:
            assert server.listening
            sock = await tls.connectAsync(server.address().port, "127.0.0.1", CLIENT)
            assert [c async for c in sock] == [b"x"]
        assert not server.listening and server.address() is None

        # an exception destroys the connections still open, so that 'close' comes
        held: list[Any] = []
        with pytest.raises(LookupError):
            async with tls.createServer(server_options(), held.append) as server:
                port = await listening(server)
                client = await tls.connectAsync(port, "127.0.0.1", CLIENT)
                while not held:
                    await asyncio.sleep(0.01)
                raise LookupError("out")
        assert held[0].destroyed
        await events.once(client, "close")

    run_loop(main, timeout=10)


# -- objects made before a loop runs -----------------------------------------------------------

def test_module_level_objects_before_a_loop() -> None:
    # no loop runs here: as asyncio's objects, these are made now and bind the loop later
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    context = tls.createSecureContext(server_options())
    server = tls.createServer(server_options(), lambda s: s.end(b"early"))
    plain = net.createServer()
    assert context is not None and not server.listening and not plain.listening

    async def main() -> None:
        port = (await server.listenAsync(0, "127.0.0.1")).port
        sock = await tls.connectAsync(port, "127.0.0.1", CLIENT)
        assert [c async for c in sock] == [b"early"]
        await server.closeAsync()
        assert (await plain.listenAsync(0, "127.0.0.1")).port > 0
        await plain.closeAsync()

    run_loop(main, timeout=10)
    # listening needs a loop: outside one, the clear error, nothing changed
    late = tls.createServer(server_options())
    with pytest.raises(NodeError) as info:
        late.listen(0, "127.0.0.1")
    assert info.value.code == "ERR_NO_EVENT_LOOP" and not late.listening


def test_tls_socket_made_before_a_loop() -> None:
    plain = net.Socket()
    secure = tls.TLSSocket(plain, {**CLIENT, "isServer": False})

    async def main() -> None:
        server = tls.createServer(server_options(), lambda s: s.once("data", s.end))
        port = (await server.listenAsync(0, "127.0.0.1")).port
        plain.connect(port, "127.0.0.1")
        secure.write(b"made early")  # a client TLSSocket's first write starts its handshake
        await events.once(secure, "secure")
        # as Node (checked with node 20): only tls.connect verifies, a bare TLSSocket not
        assert secure.authorized is False and secure.getProtocol() == "TLSv1.3"
        assert [c async for c in secure] == [b"made early"]
        await server.closeAsync()

    run_loop(main, timeout=10)

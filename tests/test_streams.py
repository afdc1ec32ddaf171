"""asyncio's stream API with Node's TLS options (issue 12): ``nodessl.open_connection`` and
``nodessl.start_server`` against Node 20, Python's ``ssl`` and each other, on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import ssl
from typing import Any

import pytest
from conftest import KEYS, NODE_PRELUDE, NodePeer, key, run_loop
from ocsp_fixtures import ocsp_response

import nodessl
from nodessl import events
from nodessl.errors import NodeError
from nodessl.streams import StreamServer, TLSSocketTransport

CLIENT = {"ca": key("ca1-cert.pem"), "servername": "agent1"}
SERVER = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}

NODE_ECHO = NODE_PRELUDE + r"""
const server = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
                                 cert: fs.readFileSync('agent1-cert.pem')}, (s) => {
  s.on('data', (d) => s.write(d));
  s.on('end', () => s.end('bye\n'));
  s.on('close', () => { out({closed: true}); server.close(); });
  s.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => out({port: server.address().port}));
"""


# (Python's ssl refuses data after its own close_notify: this one answers an end with none)
NODE_QUIET_END = NODE_ECHO.replace("s.end('bye\\n')", "s.end()")
assert NODE_QUIET_END != NODE_ECHO


def test_open_connection_to_a_node_server() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_ECHO)
        try:
            port = (await node.message())["port"]
            reader, writer = await nodessl.open_connection("127.0.0.1", port, **CLIENT)
            assert isinstance(reader, asyncio.StreamReader)
            assert isinstance(writer, asyncio.StreamWriter)
            assert isinstance(writer.transport, TLSSocketTransport)
            sock = writer.get_extra_info("tls_socket")
            assert isinstance(sock, nodessl.TLSSocket) and sock.authorized
            assert writer.get_extra_info("peername") == ("127.0.0.1", port)
            assert writer.get_extra_info("sockname") == ("127.0.0.1", sock.localPort)
            assert writer.get_extra_info("socket").getpeername() == ("127.0.0.1", port)

            writer.write(b"line one\nline")
            writer.writelines([b" two\n", b"12345"])
            await writer.drain()
            assert await reader.readline() == b"line one\n"
            assert await reader.readuntil(b"\n") == b"line two\n"
            assert await reader.readexactly(5) == b"12345"
            writer.write_eof()  # half-close: Node's server answers its 'end'
            assert await reader.read() == b"bye\n"
            # at EOF, as asyncio's: b"" again, and readexactly says what it got
            assert reader.at_eof() and await reader.read() == b"" and await reader.readline() == b""
            with pytest.raises(asyncio.IncompleteReadError) as info:
                await reader.readexactly(1)
            assert info.value.partial == b""
            writer.close()
            await writer.wait_closed()
            assert writer.is_closing() and sock.destroyed
            assert await node.message() == {"closed": True}
        finally:
            await node.close()

    run_loop(main, timeout=15)


def test_peercert_is_what_ssl_gives() -> None:
    # the same Node server seen by Python's ssl and by nodessl.open_connection
    async def main() -> None:
        node = await NodePeer.start(NODE_QUIET_END)
        try:
            port = (await node.message())["port"]
            context = ssl.create_default_context(cafile=str(KEYS / "ca1-cert.pem"))
            r1, w1 = await asyncio.open_connection("127.0.0.1", port, ssl=context,
                                                   server_hostname="agent1")
            expected = w1.get_extra_info("peercert")
            expected_der = w1.get_extra_info("ssl_object").getpeercert(True)
            expected_cipher = w1.get_extra_info("cipher")
            w1.close()
            await w1.wait_closed()
            assert await node.message() == {"closed": True}
            await node.close()

            node = await NodePeer.start(NODE_QUIET_END)
            port = (await node.message())["port"]
            r2, w2 = await nodessl.open_connection("127.0.0.1", port, **CLIENT)
            assert w2.get_extra_info("peercert") == expected
            view = w2.get_extra_info("ssl_object")
            assert view.getpeercert(binary_form=True) == expected_der
            assert view.version() == "TLSv1.3" and view.server_side is False
            assert view.server_hostname == "agent1"
            assert w2.get_extra_info("cipher") == expected_cipher
            w2.close()
            await w2.wait_closed()
            assert await node.message() == {"closed": True}
        finally:
            await node.close()

    run_loop(main, timeout=15)


def test_open_connection_raises_the_node_coded_error() -> None:
    async def main() -> None:
        server = nodessl.createServer(SERVER, lambda s: s.end())
        port = (await server.listenAsync(0, "127.0.0.1")).port
        with pytest.raises(NodeError) as info:
            await nodessl.open_connection("127.0.0.1", port, servername="agent1")
        assert info.value.code == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
        # asyncio's server_hostname is Node's servername
        with pytest.raises(NodeError) as info2:
            await nodessl.open_connection("127.0.0.1", port, ca=CLIENT["ca"],
                                          server_hostname="not-agent1")
        assert info2.value.code == "ERR_TLS_CERT_ALTNAME_INVALID"
        await server.closeAsync()
        with pytest.raises(ConnectionRefusedError):
            await nodessl.open_connection("127.0.0.1", port, **CLIENT)
        with pytest.raises(TypeError):
            await nodessl.open_connection("127.0.0.1", port, ssl=True)

    run_loop(main, timeout=10)


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        writer.write(b"echo:" + line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


def test_start_server_serves_a_node_client_and_python_ssl() -> None:
    async def main() -> None:
        server = await nodessl.start_server(_echo, "127.0.0.1", 0, **SERVER)
        assert isinstance(server, StreamServer) and server.is_serving()
        assert isinstance(server.tls_server, nodessl.Server)
        port = server.sockets[0].getsockname()[1]
        assert port == server.tls_server.address().port
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', servername: 'agent1',
                       ca: fs.readFileSync('ca1-cert.pem')}}, () => c.end('from node\\n'));
let got = '';
c.on('data', (d) => got += d);
c.on('close', () => out({{got, authorized: c.authorized}}));
""")
        try:
            assert await node.message() == {"got": "echo:from node\n", "authorized": True}
        finally:
            await node.close()
        # asyncio's own TLS client against it
        context = ssl.create_default_context(cafile=str(KEYS / "ca1-cert.pem"))
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context,
                                                       server_hostname="agent1")
        writer.write(b"from asyncio\n")
        assert await reader.readline() == b"echo:from asyncio\n"
        writer.close()
        await writer.wait_closed()
        async with server:
            pass
        assert not server.is_serving()
        await server.wait_closed()
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", port)

    run_loop(main, timeout=15)


def test_start_server_with_open_connection_and_serve_forever() -> None:
    async def main() -> None:
        seen: list[Any] = []

        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("tls_socket")
            seen.append((sock._isServer, writer.get_extra_info("ssl_object").server_side,
                         writer.get_extra_info("peercert")))
            await _echo(reader, writer)

        server = await nodessl.start_server(handler, "127.0.0.1", 0, start_serving=False,
                                            **SERVER)
        assert not server.is_serving() and server.sockets == ()
        forever = asyncio.ensure_future(server.serve_forever())
        while not server.is_serving():
            await asyncio.sleep(0.01)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await nodessl.open_connection("127.0.0.1", port, **CLIENT)
        writer.write(b"a\nb\n")
        assert await reader.readexactly(14) == b"echo:a\necho:b\n"
        writer.write_eof()
        assert await reader.read() == b""
        writer.close()
        await writer.wait_closed()
        assert seen == [(True, True, None)]  # the client sent no certificate
        forever.cancel()
        with pytest.raises(asyncio.CancelledError):
            await forever
        assert not server.is_serving()
        await server.wait_closed()

    run_loop(main, timeout=15)


def test_drain_applies_backpressure() -> None:
    async def main() -> None:
        gate = asyncio.Event()
        total = [0]

        async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await gate.wait()  # reads nothing until told
            while chunk := await reader.read(1 << 16):
                total[0] += len(chunk)
            writer.close()

        server = await nodessl.start_server(slow, "127.0.0.1", 0, **SERVER)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await nodessl.open_connection("127.0.0.1", port, **CLIENT)
        transport = writer.transport
        assert transport.get_write_buffer_limits() == (16 * 1024, 64 * 1024)
        transport.set_write_buffer_limits(high=1 << 16)
        block = b"x" * (1 << 20)
        sent = 0
        # more than the kernels' buffers and the peer's stream buffer can take unread
        for _ in range(32):
            writer.write(block)
            sent += len(block)
        assert transport.get_write_buffer_size() > 1 << 16
        drained = asyncio.ensure_future(writer.drain())
        for _ in range(20):
            await asyncio.sleep(0)
        # the peer reads nothing, so the buffer cannot go below the low-water mark
        assert not drained.done()
        assert transport.get_write_buffer_size() > 1 << 14
        gate.set()
        await drained
        assert transport.get_write_buffer_size() <= 1 << 14
        writer.write_eof()
        await reader.read()
        writer.close()
        await writer.wait_closed()
        assert total[0] == sent
        server.close()
        await server.wait_closed()

    run_loop(main, timeout=30)


def test_pause_reading_stops_data_received() -> None:
    async def main() -> None:
        async def flood(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(b"y" * (1 << 20))
            await writer.drain()
            writer.close()

        server = await nodessl.start_server(flood, "127.0.0.1", 0, **SERVER)
        port = server.sockets[0].getsockname()[1]
        # a small limit: the StreamReader pauses the transport above 2 * limit
        reader, writer = await nodessl.open_connection("127.0.0.1", port, limit=1024, **CLIENT)
        sock = writer.get_extra_info("tls_socket")
        while not sock.isPaused():
            await asyncio.sleep(0.01)
        assert not writer.transport.is_reading()
        got = await reader.read()  # reading resumes the transport until EOF
        while chunk := await reader.read():
            got += chunk
        assert len(got) == 1 << 20
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()

    run_loop(main, timeout=15)


NODE_PSK_SERVER = NODE_PRELUDE + r"""
const key = Buffer.from('d731ef57be09e5204f0b205b60627028', 'hex');
const server = tls.createServer({ciphers: 'PSK+HIGH:TLS_AES_128_GCM_SHA256', pskIdentityHint: 'hint',
  pskCallback: (socket, identity) => identity === 'TestUser' ? key : undefined}, (s) => {
  s.on('data', (d) => s.end('psk:' + d));
});
server.listen(0, '127.0.0.1', () => out({port: server.address().port}));
"""


def test_psk_through_open_connection_against_node() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PSK_SERVER)
        hints: list[Any] = []
        try:
            port = (await node.message())["port"]

            def psk(hint: Any) -> dict[str, Any]:
                hints.append(hint)
                return {"psk": bytes.fromhex("d731ef57be09e5204f0b205b60627028"),
                        "identity": "TestUser"}

            reader, writer = await nodessl.open_connection(
                "127.0.0.1", port, ciphers="PSK+HIGH:TLS_AES_128_GCM_SHA256", pskCallback=psk,
                checkServerIdentity=lambda *a: None)
            writer.write(b"hello")
            assert await reader.read() == b"psk:hello"
            assert writer.get_extra_info("peercert") is None
            writer.close()
            await writer.wait_closed()
            assert hints
        finally:
            node.proc.kill()
            await node.close()

    run_loop(main, timeout=15)


def test_ocsp_stapling_through_start_server_and_open_connection() -> None:
    async def main() -> None:
        staple = ocsp_response()
        asked: list[bool] = []

        def on_ocsp_request(cert: bytes, issuer: bytes, cb: Any) -> None:
            asked.append(True)
            cb(None, staple)

        server = await nodessl.start_server(
            _echo, "127.0.0.1", 0, listeners={"OCSPRequest": on_ocsp_request},
            key=key("agent1-key.pem"), cert=key("agent1-cert.pem") + key("ca1-cert.pem"))
        port = server.sockets[0].getsockname()[1]
        responses: list[Any] = []
        reader, writer = await nodessl.open_connection(
            "127.0.0.1", port, requestOCSP=True, listeners={"OCSPResponse": responses.append},
            **CLIENT)
        assert responses == [staple] and asked == [True]
        writer.write(b"stapled\n")
        assert await reader.readline() == b"echo:stapled\n"
        writer.close()
        await writer.wait_closed()
        async with server:
            pass

    run_loop(main, timeout=15)


def test_sni_callback_through_start_server() -> None:
    async def main() -> None:
        contexts = {"agent1": nodessl.createSecureContext(SERVER),
                    "agent3": nodessl.createSecureContext({"key": key("agent3-key.pem"),
                                                           "cert": key("agent3-cert.pem")})}
        asked: list[str] = []

        def sni(servername: str, cb: Any) -> None:
            asked.append(servername)
            asyncio.get_running_loop().call_soon(cb, None, contexts[servername])

        server = await nodessl.start_server(_echo, "127.0.0.1", 0, SNICallback=sni, **SERVER)
        port = server.sockets[0].getsockname()[1]
        subjects = []
        for name, ca in (("agent3", "ca2-cert.pem"), ("agent1", "ca1-cert.pem")):
            reader, writer = await nodessl.open_connection("127.0.0.1", port, servername=name,
                                                           ca=key(ca))
            subject = dict(rdn[0] for rdn in writer.get_extra_info("peercert")["subject"])
            subjects.append(subject["commonName"])
            writer.write(b"hi\n")
            assert await reader.readline() == b"echo:hi\n"
            writer.close()
            await writer.wait_closed()
        assert asked == ["agent3", "agent1"] and subjects == ["agent3", "agent1"]
        server.close()
        await server.wait_closed()

    run_loop(main, timeout=15)


def test_close_clients_and_abort_clients() -> None:
    async def main() -> None:
        lost: list[Any] = []

        async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(b"hello\n")
            await reader.read()
            lost.append("server eof")

        server = await nodessl.start_server(hold, "127.0.0.1", 0, **SERVER)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await nodessl.open_connection("127.0.0.1", port, **CLIENT)
        assert await reader.readline() == b"hello\n"
        server.close()
        waiting = asyncio.ensure_future(server.wait_closed())
        await asyncio.sleep(0.05)
        assert not waiting.done()  # a connection is open: wait_closed waits for it
        server.close_clients()
        assert await reader.read() == b""  # the server's end (close_notify, FIN)
        await waiting
        writer.close()
        await writer.wait_closed()

        server = await nodessl.start_server(hold, "127.0.0.1", 0, **SERVER)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await nodessl.open_connection("127.0.0.1", port, **CLIENT)
        assert await reader.readline() == b"hello\n"
        server.abort_clients()
        sock = writer.get_extra_info("tls_socket")
        await events.once(sock, "close")
        # the connection is gone: the reader ends (EOF or the reset) and the writer closes
        assert writer.is_closing()
        assert reader.exception() is not None or await reader.read() == b""
        server.close()
        await server.wait_closed()

    run_loop(main, timeout=15)


def test_module_surface_names() -> None:
    for name in ("open_connection", "start_server", "once", "connectAsync"):
        assert name in nodessl.__all__ and callable(getattr(nodessl, name))
    assert json.dumps(sorted(set(nodessl.__all__))) == json.dumps(sorted(nodessl.__all__))


def test_writer_close_waits_for_the_peer_end_then_its_timeout() -> None:
    async def main() -> None:
        server_saw: list[bytes] = []
        release = asyncio.Event()

        async def half_open(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            server_saw.append(await reader.read())  # the client's end: b"" after its data
            await release.wait()  # and never ends its own side until told
            writer.close()

        # allowHalfOpen: the server's socket does not end itself when the client ends
        server = await nodessl.start_server(half_open, "127.0.0.1", 0, allowHalfOpen=True,
                                            **SERVER)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await nodessl.open_connection("127.0.0.1", port,
                                                       ssl_shutdown_timeout=0.2, **CLIENT)
        sock = writer.get_extra_info("tls_socket")
        writer.write(b"last words")
        writer.close()
        await writer.wait_closed()  # the peer never ended: the shutdown timeout destroyed it
        assert sock.destroyed and server_saw == [b"last words"]
        release.set()
        server.close()
        await server.wait_closed()

        # a peer that ends: close() completes on its end, no timeout involved
        async with await nodessl.start_server(_echo, "127.0.0.1", 0, **SERVER) as echo:
            port = echo.sockets[0].getsockname()[1]
            reader, writer = await nodessl.open_connection("127.0.0.1", port,
                                                           ssl_shutdown_timeout=3600, **CLIENT)
            writer.write(b"x\n")
            assert await reader.readline() == b"echo:x\n"
            writer.close()
            await writer.wait_closed()
            assert writer.get_extra_info("tls_socket").readableEnded

    run_loop(main, timeout=15)

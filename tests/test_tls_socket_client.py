"""A client TLSSocket made with ``new TLSSocket()`` versus one made by ``tls.connect``.

Node's ``tls.connect`` is what starts a client's handshake at once and verifies the server
(``secureConnect``, ``authorized``, an 'error' when ``rejectUnauthorized``).  Any other
client TLSSocket sends its ClientHello with its first write, emits only ``secure`` and
leaves the verdict to ``socket.ssl.verifyError()``.  Also the argument checks that tell
JavaScript's ``undefined`` (an argument left out) from ``null`` (None), and
``allowHalfOpen``, which a TLSSocket takes from the socket it is given.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, key, once, run_loop

import nodessl as tls
from nodessl import net, stream

# A Node TLS server with agent1's certificate (signed by ca1, which the client may or
# may not trust): it reports each secure connection and what it received.
NODE_SERVER = NODE_PRELUDE + r"""
const server = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
                                 cert: fs.readFileSync('agent1-cert.pem')}, (c) => {
  const got = [];
  c.on('data', (d) => got.push(d));
  c.on('end', () => { out({secure: true, got: Buffer.concat(got).toString()}); c.end(); });
});
server.listen(0, '127.0.0.1', () => out({port: server.address().port}));
process.stdin.on('end', () => server.close()).resume();
"""


async def node_server() -> tuple[NodePeer, int]:
    peer = await NodePeer.start(NODE_SERVER)
    return peer, (await peer.message())["port"]


async def plain_client(port: int, options: dict[str, Any] | None,
                       ) -> tuple[Any, list[str], asyncio.Future[Any]]:
    """``new TLSSocket(null, options).connect(port)``, ending with "hello" once connected;
    returns the socket (after 'secure'), the events it emitted and its 'close' to come."""
    sock = tls.TLSSocket(None, options)
    events: list[str] = []
    for name in ("connect", "secureConnect", "secure", "error"):
        sock.on(name, lambda *a, name=name: events.append(name))
    secure = once(sock, "secure")
    closed = once(sock, "close")
    sock.connect(port, "127.0.0.1")
    await once(sock, "connect")
    # connected, but nothing sent: only a write starts the handshake
    assert sock.bytesWritten == 0
    sock.end("hello")
    await secure
    return sock, events, closed


def test_new_tls_socket_client_is_not_verified_and_reports_through_ssl() -> None:
    async def main() -> None:
        peer, port = await node_server()
        try:
            sock, events, closed = await plain_client(port, {})
            err = sock.ssl.verifyError()
            assert err.code == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
            assert err.message == "unable to verify the first certificate"
            # not verified, not rejected, no secureConnect: only tls.connect does that
            assert sock.authorized is False and sock.authorizationError is None
            assert events == ["connect", "secure"]
            assert await peer.message() == {"secure": True, "got": "hello"}
            await closed
            assert sock.ssl is None  # the handle is gone with the socket, as in Node

            trusted, events, _ = await plain_client(port, {"ca": key("ca1-cert.pem")})
            assert trusted.ssl.verifyError() is None
            assert events == ["connect", "secure"]
            assert await peer.message() == {"secure": True, "got": "hello"}
        finally:
            peer.proc.stdin.close()
            await peer.close()

    run_loop(main)


def test_tls_connect_verifies_then_emits_secure_connect_inside_secure() -> None:
    async def main() -> None:
        peer, port = await node_server()
        try:
            rejected = tls.connect(port, "127.0.0.1")
            seen: list[str] = []
            rejected.on("secure", lambda: seen.append(f"secure {rejected.destroyed}"))
            err = await once(rejected, "error")
            assert err.code == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
            # Node's other 'secure' listeners still run after tls.connect's destroyed it
            assert seen == ["secure True"]

            sock = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
            order: list[str] = []

            def on_secure_connect() -> None:
                order.append("secureConnect")
                # added during the handshake's 'secure': it waits for the next one
                sock.on("secure", lambda: order.append("late secure"))

            sock.on("secureConnect", on_secure_connect)
            sock.on("secure", lambda: order.append("secure"))
            await once(sock, "secure")
            assert order == ["secureConnect", "secure"]
            assert sock.authorized is False
            assert sock.authorizationError == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
            assert sock.ssl.verifyError().code == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
            sock.end("bye")
            assert await peer.message() == {"secure": True, "got": "bye"}
        finally:
            peer.proc.stdin.close()
            await peer.close()

    run_loop(main)


def test_a_tls_socket_takes_allow_half_open_from_the_socket_given() -> None:
    async def main() -> None:
        # Node: `socket ? socket.allowHalfOpen : options.allowHalfOpen`
        assert tls.TLSSocket(net.Socket(), {"allowHalfOpen": True}).allowHalfOpen is False
        half = net.Socket({"allowHalfOpen": True})
        assert tls.TLSSocket(half, {"allowHalfOpen": False}).allowHalfOpen is True
        # a client over a Duplex writes nothing before its first write: a Duplex that
        # cannot be written to is fine
        duplex = stream.Duplex({"allowHalfOpen": True, "read": lambda *_: None})
        assert tls.TLSSocket(duplex, {"allowHalfOpen": False}).allowHalfOpen is True
        assert tls.TLSSocket(None, {"allowHalfOpen": True}).allowHalfOpen is True
        assert tls.TLSSocket().allowHalfOpen is False

    run_loop(main)


def test_left_out_and_none_arguments_are_told_apart() -> None:
    async def main() -> None:
        sock = tls.TLSSocket()
        with pytest.raises(tls.NodeError) as info:
            sock.setMaxSendFragment()
        assert info.value.code == "ERR_INVALID_ARG_TYPE"
        assert isinstance(info.value, TypeError)
        with pytest.raises(tls.NodeError) as info:
            sock.renegotiate({}, None)  # Node's null callback
        assert info.value.code == "ERR_INVALID_ARG_TYPE"
        assert 'The "callback" argument must be a callable' in str(info.value)
        sock.renegotiate({})  # no callback at all is fine

    run_loop(main)


# A Node client with agent3's certificate (signed by ca2, which the server does not trust).
NODE_CLIENT_WITH_CERT = NODE_PRELUDE + r"""
const c = tls.connect({port: +process.argv[1], host: '127.0.0.1', rejectUnauthorized: false,
                       key: fs.readFileSync('agent3-key.pem'),
                       cert: fs.readFileSync('agent3-cert.pem')});
c.on('error', (err) => out({error: errInfo(err)}));
c.setEncoding('utf8');
c.on('data', (d) => out({got: d}));
"""


def test_a_server_tls_socket_not_made_by_tls_server_is_not_judged_either() -> None:
    async def main() -> None:
        seen: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def on_connection(raw: net.Socket) -> None:
            # Node 20: secure with authorized false and authorizationError null, even with
            # rejectUnauthorized: only tls.Server's own listener judges the client
            sock = tls.TLSSocket(raw, {"isServer": True, "requestCert": True,
                                       "rejectUnauthorized": True,
                                       "key": key("agent1-key.pem"),
                                       "cert": key("agent1-cert.pem"),
                                       "ca": key("ca1-cert.pem")})

            def on_secure() -> None:
                err = sock.ssl.verifyError()
                seen.set_result((sock.authorized, sock.authorizationError, err and err.code))
                sock.end("ok")

            sock.on("secure", on_secure)

        server = net.createServer(on_connection)
        server.listen(0, "127.0.0.1")
        await once(server, "listening")
        port = server.address()["port"]
        peer = await NodePeer.start(NODE_CLIENT_WITH_CERT.replace("+process.argv[1]", str(port)))
        try:
            assert await seen == (False, None, "UNABLE_TO_VERIFY_LEAF_SIGNATURE")
            assert await peer.message() == {"got": "ok"}
        finally:
            server.close()
            await peer.close()

    run_loop(main)

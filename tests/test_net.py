"""net.Server and net.Socket: Node's listen/connect forms, lifecycle, errors and options.

Everything runs on real sockets on 127.0.0.1 (and a Unix path under tmp_path).
"""

from __future__ import annotations

import asyncio
import errno
import socket as pysocket
from pathlib import Path
from typing import Any

import pytest
from conftest import collect, key, listening, net_pair, once, run_loop

import nodessl as tls
from nodessl import NodeError, net


def record(emitter: Any, *events: str) -> list[tuple[str, tuple[Any, ...]]]:
    log: list[tuple[str, tuple[Any, ...]]] = []
    for event in events:
        emitter.on(event, lambda *a, _e=event: log.append((_e, a)))
    return log


async def ticks(n: int = 5) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


def has_ipv6_loopback() -> bool:
    try:
        with pysocket.socket(pysocket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def closed_port() -> tuple[pysocket.socket, int]:
    """A bound but not listening socket: connecting to its port is refused, reliably."""
    s = pysocket.socket()
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


# -- listen --------------------------------------------------------------------------------


def test_listen_port_and_host_forms_and_address_shape() -> None:
    async def main() -> None:
        forms: list[tuple[Any, ...]] = [
            (0, "127.0.0.1"),
            ("0", "127.0.0.1"),
            (0, "127.0.0.1", 5),
            ({"port": 0, "host": "127.0.0.1"},),
            ({"port": 0, "host": "127.0.0.1", "backlog": 5},),
        ]
        for args in forms:
            server = net.createServer()
            events = record(server, "listening")
            done = asyncio.get_running_loop().create_future()
            assert server.listen(*args, lambda d=done: d.set_result(True)) is server
            await done
            assert events == [("listening", ())]
            assert server.listening is True
            addr = server.address()
            assert set(addr) == {"address", "family", "port"}, args
            assert addr["address"] == "127.0.0.1" and addr["family"] == "IPv4"
            assert isinstance(addr["port"], int) and addr["port"] > 0
            client = net.connect(addr["port"], "127.0.0.1")
            await once(client, "connect")
            client.destroy()
            closed = asyncio.get_running_loop().create_future()
            server.close(closed.set_result)
            assert await closed is None

    run_loop(main, timeout=10)


def test_listen_without_host_is_dual_stack_on_one_port() -> None:
    async def main() -> None:
        server = net.createServer(lambda c: c.end(b"hi"))
        server.listen(0)
        # Node binds synchronously when no host has to be looked up
        addr = server.address()
        assert addr is not None and server.listening
        if has_ipv6_loopback():
            assert addr["address"] == "::" and addr["family"] == "IPv6"
            hosts = ["127.0.0.1", "::1"]
        else:
            assert addr["address"] == "0.0.0.0" and addr["family"] == "IPv4"
            hosts = ["127.0.0.1"]
        await once(server, "listening")
        for host in hosts:  # the same port answers on both families
            client = net.connect(addr["port"], host)
            assert await collect(client) == b"hi"
        server.close()

    run_loop(main, timeout=10)


def test_listen_with_only_a_callback_or_nothing() -> None:
    async def main() -> None:
        server = net.createServer()
        done = asyncio.get_running_loop().create_future()
        server.listen(lambda: done.set_result(server.address()))
        addr = await done
        assert addr["port"] > 0
        server.close()
        bare = net.createServer()
        bare.listen()
        await once(bare, "listening")
        assert bare.address()["port"] > 0
        bare.close()

    run_loop(main, timeout=5)


def test_listen_on_a_unix_path(tmp_path: Path) -> None:
    async def main() -> None:
        path = str(tmp_path / "s.sock")
        server = net.createServer(lambda c: c.end(b"over unix"))
        done = asyncio.get_running_loop().create_future()
        server.listen(path, lambda: done.set_result(True))
        await done
        assert server.address() == path
        assert await collect(net.connect(path)) == b"over unix"
        assert await collect(net.connect({"path": path})) == b"over unix"
        closed = once(server, "close")
        server.close()
        await closed
        assert not Path(path).exists()  # Node removes the socket file on close

        other = net.createServer()
        other.listen({"path": path})
        await once(other, "listening")
        other.close()

    run_loop(main, timeout=5)


def test_listen_twice_is_an_error() -> None:
    async def main() -> None:
        server = net.createServer()
        await listening(server)
        with pytest.raises(NodeError) as info:
            server.listen(0, "127.0.0.1")
        assert info.value.code == "ERR_SERVER_ALREADY_LISTEN"
        server.close()

    run_loop(main, timeout=5)


@pytest.mark.parametrize(("port", "shown"), [
    (70000, "type int (70000)"),
    (-1, "type int (-1)"),
    (1.5, "type float (1.5)"),
    ("abc1", "type str ('abc1')"),
])
def test_listen_bad_port_throws_like_node(port: Any, shown: str) -> None:
    async def main() -> None:
        server = net.createServer()
        with pytest.raises(NodeError) as info:
            server.listen({"port": port})
        assert info.value.code == "ERR_SOCKET_BAD_PORT"
        assert isinstance(info.value, ValueError)  # Node throws a RangeError
        assert info.value.message == f"options.port should be >= 0 and < 65536. Received {shown}."
        assert server.listening is False

    run_loop(main, timeout=5)


def test_listen_on_a_port_in_use_emits_eaddrinuse() -> None:
    async def main() -> None:
        first = net.createServer()
        port = await listening(first)
        second = net.createServer()
        failed = once(second, "error")
        second.listen(port, "127.0.0.1")
        err = await failed
        assert err.code == "EADDRINUSE"
        assert err.errno == -errno.EADDRINUSE
        assert err.syscall == "listen"
        assert err.address == "127.0.0.1" and err.port == port
        assert err.message == f"listen EADDRINUSE: address already in use 127.0.0.1:{port}"
        assert second.listening is False
        first.close()

    run_loop(main, timeout=5)


# -- close ---------------------------------------------------------------------------------


def test_close_waits_for_open_connections() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        order: list[str] = []
        conn.on("close", lambda *a: order.append("connection closed"))
        closed = asyncio.get_running_loop().create_future()
        assert server.close(lambda err=None: closed.set_result(err)) is server
        assert server.listening is False
        await ticks()
        # no new connections while the old one lives on
        refused = net.connect(client.remotePort, "127.0.0.1")
        err = await once(refused, "error")
        assert err.code == "ECONNREFUSED"
        assert not closed.done()
        received = asyncio.ensure_future(collect(conn))
        client.end(b"still served")  # the old connection keeps working
        assert await received == b"still served"
        assert await closed is None
        assert order == ["connection closed"]

    run_loop(main, timeout=5)


def test_close_when_not_listening_reports_err_server_not_running() -> None:
    async def main() -> None:
        server = net.createServer()
        log = record(server, "close")
        got = asyncio.get_running_loop().create_future()
        server.close(got.set_result)
        err = await got
        assert err.code == "ERR_SERVER_NOT_RUNNING" and err.message == "Server is not running."
        assert log == [("close", ())]  # Node still emits 'close'

        server2 = net.createServer()
        await listening(server2)
        first = asyncio.get_running_loop().create_future()
        second = asyncio.get_running_loop().create_future()
        server2.close(first.set_result)
        server2.close(second.set_result)
        assert await first is None
        assert (await second).code == "ERR_SERVER_NOT_RUNNING"

    run_loop(main, timeout=5)


def test_close_right_after_listen_does_not_leave_a_listener() -> None:
    async def main() -> None:
        server = net.createServer()
        server.on("listening", lambda: pytest.fail("listening after close"))
        server.listen(0)
        port = server.address()["port"]
        closed = asyncio.get_running_loop().create_future()
        server.close(closed.set_result)
        assert await closed is None
        client = net.connect(port, "127.0.0.1")
        err = await once(client, "error")
        assert err.code == "ECONNREFUSED"

    run_loop(main, timeout=5)


def test_a_closed_server_can_listen_and_close_again() -> None:
    async def main() -> None:
        server = net.createServer(lambda c: c.end(b"again"))
        for _ in range(2):
            port = await listening(server)
            assert await collect(net.connect(port, "127.0.0.1")) == b"again"
            closed = once(server, "close")
            server.close()
            await closed

    run_loop(main, timeout=5)


# -- connections ---------------------------------------------------------------------------


def test_get_connections_counts_open_connections() -> None:
    async def main() -> None:
        server = net.createServer()
        conns: list[net.Socket] = []
        two = asyncio.get_running_loop().create_future()

        def on_conn(c: net.Socket) -> None:
            conns.append(c)
            if len(conns) == 2:
                two.set_result(True)

        server.on("connection", on_conn)
        port = await listening(server)
        clients = [net.connect(port, "127.0.0.1") for _ in range(2)]
        await two
        count = asyncio.get_running_loop().create_future()
        assert server.getConnections(lambda err, n: count.set_result((err, n))) is server
        assert await count == (None, 2)
        gone = once(conns[0], "close")
        clients[0].destroy()
        await gone
        count = asyncio.get_running_loop().create_future()
        server.getConnections(lambda err, n: count.set_result((err, n)))
        assert await count == (None, 1)
        clients[1].destroy()
        await once(server.close(), "close")

    run_loop(main, timeout=5)


def test_max_connections_drops_the_extra_connection() -> None:
    async def main() -> None:
        server = net.createServer()
        server.maxConnections = 1
        accepted: list[net.Socket] = []
        server.on("connection", accepted.append)
        port = await listening(server)
        first = net.connect(port, "127.0.0.1")
        await once(first, "connect")
        dropped = once(server, "drop")
        second = net.connect(port, "127.0.0.1")
        second_closed = once(second, "close")
        info = await dropped
        assert set(info) == {"localAddress", "localPort", "localFamily", "remoteAddress",
                             "remotePort", "remoteFamily"}
        assert info["localPort"] == port and info["remoteAddress"] == "127.0.0.1"
        assert await collect(second) == b""
        assert await second_closed is False
        assert len(accepted) == 1
        first.destroy()
        server.close()

    run_loop(main, timeout=5)


def test_pause_on_connect_delivers_nothing_until_resume() -> None:
    async def main() -> None:
        server, client, conn = await net_pair(pauseOnConnect=True)
        got: list[bytes] = []
        conn.on("data", got.append)
        written = asyncio.get_running_loop().create_future()
        client.write(b"wait for me", written.set_result)
        await written
        await asyncio.sleep(0.05)  # nothing to await: the point is that nothing happens
        assert got == [] and conn.isPaused()
        # not read at all, as in Node (libuv never starts reading): nothing was taken off
        # the wire into the socket's buffer either
        assert conn.bytesRead == 0 and conn.readableLength == 0
        conn.resume()
        client.end()
        await once(conn, "end")
        assert b"".join(got) == b"wait for me"
        server.close()

    run_loop(main, timeout=5)


def test_allow_half_open_false_ends_the_server_side_after_the_client_end() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        log = record(conn, "end", "finish", "close")
        conn_closed = once(conn, "close")
        conn.resume()
        client.end()
        assert await collect(client) == b""
        await conn_closed
        assert [e for e, _ in log] == ["end", "finish", "close"]
        assert conn.writable is False
        server.close()

    run_loop(main, timeout=5)


def test_allow_half_open_true_keeps_the_server_writable_after_end() -> None:
    async def main() -> None:
        server, client, conn = await net_pair(allowHalfOpen=True)
        assert client.readyState == "open"

        def on_end() -> None:
            assert conn.readyState == "writeOnly"
            conn.write(b"after your end, ")
            conn.end(b"my answer")

        conn.on("end", on_end)
        conn.resume()
        client.end()
        assert client.readyState == "readOnly"
        assert await collect(client) == b"after your end, my answer"
        await once(client, "close")
        assert client.readyState == "closed"
        server.close()

    run_loop(main, timeout=5)


# -- connect -------------------------------------------------------------------------------


def test_connect_forms() -> None:
    async def main() -> None:
        server = net.createServer(lambda c: c.end(b"ok"))
        port = await listening(server)
        called = asyncio.get_running_loop().create_future()
        a = net.connect(port, "127.0.0.1", lambda: called.set_result(True))
        assert await called is True
        assert await collect(a) == b"ok"
        b = net.connect({"port": port, "host": "127.0.0.1"})
        assert await collect(b) == b"ok"
        called2 = asyncio.get_running_loop().create_future()
        c = net.createConnection({"port": port, "host": "127.0.0.1"},
                                 lambda: called2.set_result(True))
        assert await called2 is True
        assert await collect(c) == b"ok"
        d = net.Socket()
        assert d.connect(port, "127.0.0.1") is d
        assert await collect(d) == b"ok"
        e = net.connect(str(port), "127.0.0.1")
        assert await collect(e) == b"ok"
        server.close()

    run_loop(main, timeout=5)


def test_connection_refused() -> None:
    async def main() -> None:
        holder, port = closed_port()
        try:
            client = net.connect(port, "127.0.0.1")
            log = record(client, "connect", "error", "close")
            await once(client, "close")
            assert [e for e, _ in log] == ["error", "close"]
            err = log[0][1][0]
            assert err.code == "ECONNREFUSED"
            assert err.errno == -errno.ECONNREFUSED
            assert err.syscall == "connect"
            assert err.address == "127.0.0.1" and err.port == port
            assert err.message == f"connect ECONNREFUSED 127.0.0.1:{port}"
            assert log[1] == ("close", (True,))
            assert client.destroyed and client.readyState == "closed"
        finally:
            holder.close()

    run_loop(main, timeout=5)


@pytest.mark.parametrize(("port", "shown"), [
    (70000, "type int (70000)"),
    (-1, "type int (-1)"),
    (65536, "type int (65536)"),
    (1.5, "type float (1.5)"),
    ("abc1", "type str ('abc1')"),
])
def test_connect_bad_port_throws_synchronously(port: Any, shown: str) -> None:
    async def main() -> None:
        with pytest.raises(NodeError) as info:
            net.connect({"port": port, "host": "127.0.0.1"})
        assert info.value.code == "ERR_SOCKET_BAD_PORT"
        assert isinstance(info.value, ValueError)
        assert info.value.message == f"Port should be >= 0 and < 65536. Received {shown}."
        with pytest.raises(NodeError) as info2:
            net.Socket().connect({"port": port, "host": "127.0.0.1"})
        assert info2.value.code == "ERR_SOCKET_BAD_PORT"

    run_loop(main, timeout=5)


def test_connect_port_of_the_wrong_type_or_missing() -> None:
    async def main() -> None:
        with pytest.raises(TypeError) as info:
            net.connect({"port": True})
        assert info.value.code == "ERR_INVALID_ARG_TYPE"
        assert info.value.message == ('The "options.port" property must be a number (int or float) '
                                      'or a str. Received type bool (True)')
        with pytest.raises(TypeError) as info2:
            net.connect({"host": "127.0.0.1"})
        assert info2.value.code == "ERR_MISSING_ARGS"
        assert info2.value.message == 'The "options" or "port" or "path" argument must be specified'

    run_loop(main, timeout=5)


def test_writes_before_connect_are_queued_and_delivered() -> None:
    async def main() -> None:
        server = net.createServer()
        accepted = once(server, "connection")
        port = await listening(server)
        client = net.connect(port, "127.0.0.1")
        assert client.connecting and client.pending and client.readyState == "opening"
        cb = asyncio.get_running_loop().create_future()
        assert client.write(b"queued ") is True
        client.write("and encoded", "utf8", cb.set_result)
        assert client.bytesWritten == len(b"queued and encoded")
        client.end(b" then ended")
        conn = await accepted
        assert await collect(conn) == b"queued and encoded then ended"
        assert await cb is None
        assert conn.bytesRead == len(b"queued and encoded then ended")
        assert client.bytesWritten == conn.bytesRead
        server.close()

    run_loop(main, timeout=5)


def test_destroy_while_connecting() -> None:
    async def main() -> None:
        server = net.createServer(lambda c: c.on("error", lambda e: None))
        port = await listening(server)
        client = net.connect(port, "127.0.0.1")
        log = record(client, "connect", "error", "close")
        client.destroy()
        assert client.connecting is False and client.readyState == "closed"
        await once(client, "close")
        await ticks(20)
        assert log == [("close", (False,))]
        server.close()

    run_loop(main, timeout=5)


def test_ready_state_through_a_lifetime() -> None:
    async def main() -> None:
        server = net.createServer(lambda c: c.resume())
        port = await listening(server)
        client = net.connect(port, "127.0.0.1")
        states = [client.readyState]
        await once(client, "connect")
        states.append(client.readyState)
        client.end()
        states.append(client.readyState)
        client.resume()
        await once(client, "close")
        states.append(client.readyState)
        assert states == ["opening", "open", "readOnly", "closed"]
        server.close()

    run_loop(main, timeout=5)


# -- timeouts ------------------------------------------------------------------------------


def test_set_timeout_fires_once_per_idle_period_with_callback_form() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        assert client.timeout is None
        fired: list[str] = []
        assert client.setTimeout(30, lambda: fired.append("cb")) is client
        client.on("timeout", lambda: fired.append("event"))
        assert client.timeout == 30
        clock = conn.setTimeout(250)
        await once(clock, "timeout")
        # Node: one 'timeout' per idle period, the socket stays open
        assert fired == ["cb", "event"]
        assert not client.destroyed
        client.destroy()
        server.close()

    run_loop(main, timeout=5)


def test_set_timeout_is_reset_by_activity() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        loop = asyncio.get_running_loop()
        conn.resume()
        timed_out = once(conn, "timeout")
        conn.setTimeout(150)
        last_write = loop.time()
        for _ in range(6):  # 300 ms of activity, every 50 ms
            await asyncio.sleep(0.05)
            assert not timed_out.done()
            client.write(b".")
            last_write = loop.time()
        await timed_out
        assert loop.time() - last_write >= 0.14
        client.destroy()
        server.close()

    run_loop(main, timeout=5)


def test_set_timeout_zero_disables_and_removes_the_callback() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        fired: list[str] = []

        def cb() -> None:
            fired.append("cb")

        client.setTimeout(20, cb)
        client.setTimeout(0, cb)
        assert client.timeout == 0
        assert client.listenerCount("timeout") == 0
        client.on("timeout", lambda: fired.append("event"))
        await once(conn.setTimeout(150), "timeout")
        assert fired == []
        with pytest.raises(NodeError) as info:
            client.setTimeout(-1)
        assert info.value.code == "ERR_OUT_OF_RANGE"
        with pytest.raises(TypeError):
            client.setTimeout("10")  # type: ignore[arg-type]
        client.destroy()
        server.close()

    run_loop(main, timeout=5)


# -- options, addresses and counters -------------------------------------------------------


def test_set_no_delay_and_set_keep_alive() -> None:
    async def main() -> None:
        server = net.createServer()
        accepted = once(server, "connection")
        port = await listening(server)
        client = net.Socket()
        # before connecting: remembered and applied on connect, as Node does
        assert client.setKeepAlive(True, 5000) is client
        assert client.setNoDelay(False) is client
        client.connect(port, "127.0.0.1")
        await once(client, "connect")
        sock = client._transport.get_extra_info("socket")
        assert sock.getsockopt(pysocket.SOL_SOCKET, pysocket.SO_KEEPALIVE) == 1
        assert sock.getsockopt(pysocket.IPPROTO_TCP, pysocket.TCP_NODELAY) == 0
        assert sock.getsockopt(pysocket.IPPROTO_TCP, pysocket.TCP_KEEPIDLE) == 5
        assert client.setNoDelay() is client
        assert sock.getsockopt(pysocket.IPPROTO_TCP, pysocket.TCP_NODELAY) != 0
        assert client.setKeepAlive(False) is client
        assert sock.getsockopt(pysocket.SOL_SOCKET, pysocket.SO_KEEPALIVE) == 0
        conn = await accepted
        conn.setNoDelay(True).setKeepAlive(True)
        client.destroy()
        server.close()

    run_loop(main, timeout=5)


def test_no_delay_is_on_by_default_on_both_ends_and_under_tls() -> None:
    """TCP_NODELAY (the noDelay default) holds on accepted and connected sockets, plain or
    taken over by a TLSSocket, without nodessl setting it again on each of them."""
    def nodelay(sock: Any) -> int:
        raw = sock._transport.get_extra_info("socket")
        return raw.getsockopt(pysocket.IPPROTO_TCP, pysocket.TCP_NODELAY)

    async def main() -> None:
        server, client, conn = await net_pair()
        assert nodelay(client) != 0 and nodelay(conn) != 0
        client.destroy()
        server.close()
        secure = tls.createServer({"key": key("agent1-key.pem"),
                                   "cert": key("agent1-cert.pem")})
        accepted = once(secure, "secureConnection")
        port = await listening(secure)
        tls_client = tls.connect({"port": port, "host": "127.0.0.1",
                                  "rejectUnauthorized": False})
        await once(tls_client, "secureConnect")
        tls_conn = await accepted
        assert nodelay(tls_client) != 0 and nodelay(tls_conn) != 0
        tls_client.destroy()
        secure.close()

    run_loop(main, timeout=5)


def test_addresses_of_both_ends() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        port = server.address()["port"]
        assert client.remoteAddress == "127.0.0.1"
        assert client.remotePort == port
        assert client.remoteFamily == "IPv4"
        assert client.localAddress == "127.0.0.1"
        assert client.localPort == conn.remotePort
        assert conn.localPort == port and conn.remoteFamily == "IPv4"
        assert client.address() == {"address": "127.0.0.1", "family": "IPv4",
                                    "port": client.localPort}
        client.destroy()
        server.close()

    run_loop(main, timeout=5)


def test_bytes_read_and_written() -> None:
    async def main() -> None:
        server, client, conn = await net_pair()
        conn.write(b"0123456789")
        client.end(b"x" * 1000)
        received = await collect(conn)
        await collect(client)
        assert len(received) == 1000
        assert conn.bytesRead == 1000 and client.bytesWritten == 1000
        assert client.bytesRead == 10 and conn.bytesWritten == 10
        server.close()

    run_loop(main, timeout=5)


# -- a custom lookup: what it is asked, and both forms of its answer, side by side with Node ----

_LOOKUP_PY = """
import json, sys
import nodessl
from nodessl import net

def main():
    for extra in ({}, {"family": 4}, {"family": "IPv6"}, {"family": 0, "hints": 0},
                  {"hints": 512}, {"autoSelectFamily": False}, {"localAddress": "127.0.0.1"}):
        net.connect({"port": 42, "host": "x.test", **extra,
                     "lookup": lambda h, o, cb, extra=extra: print(
                         "asked", json.dumps(extra), json.dumps(o, sort_keys=True))})

    def on_conn(c):
        c.destroy()

    server = net.createServer(on_conn)

    def on_listening():
        port = server.address()["port"]
        answers = [{"address": "127.0.0.2", "family": 4}, {"address": "::1", "family": 6},
                   {"address": "127.0.0.1", "family": 4}]
        s = net.connect({"port": port, "host": "x.test",
                         "lookup": lambda h, o, cb: nodessl.setTimeout(cb, 10, None, answers)})
        s.on("lookup", lambda err, ip, fam, host: print("lookup", err, ip, fam, host))

        def on_connect():
            print("connect", s.remoteAddress)
            s.destroy()
            bad = net.connect({"port": port, "host": "x.test", "lookup": lambda h, o, cb:
                               nodessl.setTimeout(cb, 10, None,
                                                  [{"address": "127.0.0.1", "family": 5}])})
            bad.on("error", lambda e: (print("error", e.code, e.message.rsplit(":", 1)[0]),
                                           server.close()))

        s.on("connect", on_connect)

    server.listen(0, "127.0.0.1", on_listening)

nodessl.run(main)
"""

_LOOKUP_JS = """
const net = require('net');
const sorted = (o) => JSON.stringify(Object.fromEntries(
  Object.keys(o).sort().map((k) => [k, o[k] === undefined ? null : o[k]])));
for (const extra of [{}, {family: 4}, {family: 'IPv6'}, {family: 0, hints: 0}, {hints: 512},
                     {autoSelectFamily: false}, {localAddress: '127.0.0.1'}]) {
  net.connect({port: 42, host: 'x.test', ...extra,
               lookup: (h, o, cb) => console.log('asked', JSON.stringify(extra).replace(/,/g, ', ').replace(/:/g, ': '), sorted(o).replace(/,/g, ', ').replace(/:/g, ': '))});
}
const server = net.createServer((c) => c.destroy());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const answers = [{address: '127.0.0.2', family: 4}, {address: '::1', family: 6},
                   {address: '127.0.0.1', family: 4}];
  const s = net.connect({port, host: 'x.test',
                         lookup: (h, o, cb) => setTimeout(cb, 10, null, answers)});
  s.on('lookup', (err, ip, fam, host) => console.log('lookup', err === null ? 'None' : err, ip, fam, host));
  s.on('connect', () => {
    console.log('connect', s.remoteAddress);
    s.destroy();
    const bad = net.connect({port, host: 'x.test', lookup: (h, o, cb) =>
      setTimeout(cb, 10, null, [{address: '127.0.0.1', family: 5}])});
    bad.on('error', (e) => { console.log('error', e.code, e.message.replace(/:\\d+$/, '')); server.close(); });
  });
});
"""


def test_a_custom_lookup_is_asked_and_answered_as_in_node() -> None:
    import subprocess
    import sys

    from conftest import need

    root = Path(__file__).resolve().parent.parent
    python = subprocess.run([sys.executable, "-c", _LOOKUP_PY], capture_output=True, text=True,
                            timeout=20, cwd=root, check=False)
    node = subprocess.run([need("node"), "-e", _LOOKUP_JS], capture_output=True, text=True,
                          timeout=20, cwd=root, check=False)
    assert python.returncode == 0, python.stderr
    assert node.returncode == 0, node.stderr
    lines = python.stdout.splitlines()
    assert lines == node.stdout.splitlines()
    assert 'asked {} {"all": true, "family": null, "hints": 32}' in lines
    assert "connect 127.0.0.1" in lines  # 127.0.0.2 and ::1 refused: the third answer


# -- bufferSize, side by side with Node ------------------------------------------------------

_BUFFERSIZE_PY = """
import sys
import nodessl
from nodessl import net

KEYS = sys.argv[1]

def main():
    print("fresh", net.Socket().bufferSize)
    plain = net.createServer(lambda c: c.resume())
    secure = nodessl.createServer({"key": open(KEYS + "/agent2-key.pem", "rb").read(),
                                   "cert": open(KEYS + "/agent2-cert.pem", "rb").read()},
                                  lambda c: c.resume())

    def check(s, label, event, then):
        print(label, "connecting", s.bufferSize)

        def on_connect():
            print(label, "connected", s.bufferSize)
            s.write("a", lambda *a: print(label, "write cb", s.bufferSize))
            print(label, "after write", s.bufferSize, s.writableLength)

            def later():
                print(label, "later", s.bufferSize)
                s.destroy()
                print(label, "destroyed", s.bufferSize)
                then()

            nodessl.setTimeout(later, 20)

        s.on(event, on_connect)

    def on_plain():
        s = net.connect(plain.address()["port"], "127.0.0.1")
        s.write("abc")
        check(s, "net", "connect", lambda: (plain.close(), secure.listen(0, "127.0.0.1", on_secure)))

    def on_secure():
        s = nodessl.connect({"port": secure.address()["port"], "host": "127.0.0.1",
                             "rejectUnauthorized": False})
        check(s, "tls", "secureConnect", secure.close)

    plain.listen(0, "127.0.0.1", on_plain)

nodessl.run(main)
"""

_BUFFERSIZE_JS = """
const net = require('net'); const tls = require('tls'); const fs = require('fs');
const KEYS = process.argv[1];
const show = (v) => v === undefined ? 'None' : v;
console.log('fresh', show(new net.Socket().bufferSize));
const plain = net.createServer((c) => c.resume());
const secure = tls.createServer({key: fs.readFileSync(KEYS + '/agent2-key.pem'),
                                 cert: fs.readFileSync(KEYS + '/agent2-cert.pem')},
                                (c) => c.resume());
function check(s, label, event, then) {
  console.log(label, 'connecting', show(s.bufferSize));
  s.on(event, () => {
    console.log(label, 'connected', show(s.bufferSize));
    s.write('a', () => console.log(label, 'write cb', show(s.bufferSize)));
    console.log(label, 'after write', show(s.bufferSize), s.writableLength);
    setTimeout(() => {
      console.log(label, 'later', show(s.bufferSize));
      s.destroy();
      console.log(label, 'destroyed', show(s.bufferSize));
      then();
    }, 20);
  });
}
plain.listen(0, '127.0.0.1', () => {
  const s = net.connect(plain.address().port, '127.0.0.1');
  s.write('abc');
  check(s, 'net', 'connect', () => {
    plain.close();
    secure.listen(0, '127.0.0.1', () => {
      const t = tls.connect({port: secure.address().port, host: '127.0.0.1',
                             rejectUnauthorized: false});
      check(t, 'tls', 'secureConnect', () => secure.close());
    });
  });
});
"""


def test_buffer_size_counts_what_is_not_yet_written_as_in_node() -> None:
    import subprocess
    import sys

    from conftest import KEYS, need

    root = Path(__file__).resolve().parent.parent
    python = subprocess.run([sys.executable, "-c", _BUFFERSIZE_PY, str(KEYS)],
                            capture_output=True, text=True, timeout=20, cwd=root, check=False)
    node = subprocess.run([need("node"), "-e", _BUFFERSIZE_JS, str(KEYS)],
                          capture_output=True, text=True, timeout=20, cwd=root, check=False)
    assert python.returncode == 0, python.stderr
    assert node.returncode == 0, node.stderr
    lines = python.stdout.splitlines()
    assert lines == node.stdout.splitlines()
    # net: 'abc' counted while connecting; a small write completes at once.  TLS: a write
    # counts until its ciphertext went out, on a later turn; None once destroyed.
    assert lines[:3] == ["fresh None", "net connecting 3", "net connected 0"]
    assert "tls after write 1 1" in lines and "tls destroyed None" in lines


_ONREAD_SERVER_JS = """
const net = require('net');
const data = Buffer.alloc(200000);
for (let i = 0; i < data.length; i++) data[i] = i % 251;
const server = net.createServer((c) => { c.end(data); server.close(); });
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
"""


def test_onread_fills_the_callers_buffer_and_false_stops_reading_from_a_node_server() -> None:
    import subprocess

    from conftest import need

    proc = subprocess.Popen([need("node"), "-e", _ONREAD_SERVER_JS], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())

        async def main() -> None:
            buf = bytearray(1000)
            got = bytearray()
            sizes: list[int] = []
            stopped = asyncio.get_running_loop().create_future()

            def callback(nread: int, b: bytearray) -> bool:
                assert b is buf
                sizes.append(nread)
                got.extend(b[:nread])
                if len(sizes) == 3:
                    stopped.set_result(len(got))
                    return False  # stops reading until resume()
                return True

            s = net.connect({"port": port, "host": "127.0.0.1",
                             "onread": {"buffer": buf, "callback": callback}})
            data_events = record(s, "data")
            ended = once(s, "end")
            at_stop = await stopped
            await ticks(20)
            assert len(got) == at_stop  # nothing delivered while stopped
            s.resume()
            await ended
            expected = bytes(i % 251 for i in range(200000))
            assert bytes(got) == expected
            assert max(sizes) <= 1000 and data_events == []
            s.destroy()

        run_loop(main)
    finally:
        proc.kill()
        proc.wait()


def test_a_connect_right_after_listen_is_accepted() -> None:
    # Node's listen() has called listen(2) when it returns: a client connecting before the
    # loop turns again is queued, not refused
    async def main() -> bytes:
        server = net.createServer(lambda sock: sock.end(b"hi"))
        server.listen(0, "127.0.0.1")
        port = server.address()["port"]
        raw = pysocket.create_connection(("127.0.0.1", port), timeout=5)  # before any turn
        raw.setblocking(False)
        loop = asyncio.get_running_loop()
        got = b""
        while chunk := await loop.sock_recv(raw, 100):
            got += chunk
        raw.close()
        server.close()
        return got

    assert run_loop(main) == b"hi"

"""The bare pyOpenSSL column of ``make bench``: node_side.js's programs with no library.

What a careful program does with pyOpenSSL alone, on the OpenSSL nodessl runs on (the
"thin pyOpenSSL" of the performance notes): an ``asyncio.BufferedProtocol`` that reads
into one reusable buffer, a memory-BIO ``SSL.Connection`` per connection, the records of
one turn flushed in one ``writelines``, ``SSL_MODE_RELEASE_BUFFERS`` on the contexts.  It
uses pyOpenSSL's public API only, exceptions and all, except for one call the API lacks
(the key-exchange group list, set once per context).

``python bare_side.py CONFIG_JSON`` with the same CONFIG and stdin protocol as
node_side.js.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from typing import Any

from OpenSSL import SSL

CONFIG: dict[str, Any] = json.loads(sys.argv[1])
BUFFER = memoryview(bytearray(256 * 1024))  # every read lands here, consumed at once
RECORD = 16 * 1024 + 256  # the most one TLS record decrypts to (and some)


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def context(server: bool, pair: list[str] | None = None) -> SSL.Context:
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_2_VERSION)
    ctx.set_mode(SSL.MODE_RELEASE_BUFFERS)
    if server:
        assert pair is not None
        ctx.use_privatekey_file(pair[0])
        ctx.use_certificate_chain_file(pair[1])
    else:
        ctx.load_verify_locations(CONFIG["ca"])
        ctx.set_verify(SSL.VERIFY_PEER)
        # the same groups as the other clients (pyOpenSSL has no public call for it)
        lib = SSL._lib  # type: ignore[attr-defined]
        if not lib.SSL_CTX_set1_curves_list(ctx._context, b"X25519:P-256"):
            raise RuntimeError("SSL_CTX_set1_curves_list failed")
        ctx.set_session_cache_mode(SSL.SESS_CACHE_CLIENT)
    return ctx


class TLS(asyncio.BufferedProtocol):
    """One TLS connection over a memory BIO; ``app`` gets secure/data/drain/closed calls."""

    __slots__ = ("conn", "transport", "app", "server", "handshaken", "paused", "reading",
                 "state")

    def __init__(self, ctx: SSL.Context, server: bool, app: Any, session: Any = None) -> None:
        conn = SSL.Connection(ctx, None)
        if server:
            conn.set_accept_state()
        else:
            conn.set_connect_state()
            conn.set_tlsext_host_name(CONFIG["servername"].encode())
            if session is not None:
                conn.set_session(session)
        self.conn = conn
        self.app = app
        self.server = server
        self.handshaken = False
        self.paused = False
        self.reading = False  # inside buffer_updated: its flush sends what app.data wrote
        self.transport: Any = None
        self.state: Any = None  # the app's per-connection state

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        if not self.server:
            self.handshake()

    def get_buffer(self, sizehint: int) -> memoryview:
        return BUFFER

    def buffer_updated(self, nbytes: int) -> None:
        conn = self.conn
        conn.bio_write(BUFFER[:nbytes])
        if not self.handshaken and not self.handshake():
            return
        self.reading = True
        while True:
            try:
                data = conn.recv(RECORD)
            except SSL.WantReadError:
                break
            except SSL.ZeroReturnError:  # close_notify: answer it and close
                self.reading = False
                if self.server:
                    self.end()
                self.transport.close()
                return
            except SSL.Error:
                self.transport.abort()
                return
            self.app.data(self, data)
        self.reading = False
        self.flush()

    def handshake(self) -> bool:
        try:
            self.conn.do_handshake()
        except SSL.WantReadError:
            self.flush()
            return False
        except SSL.Error:
            self.transport.abort()
            return False
        self.handshaken = True
        self.app.secure(self)
        self.flush()
        return True

    def flush(self) -> None:
        conn = self.conn
        out = []
        while True:
            try:
                out.append(conn.bio_read(65536))
            except SSL.WantReadError:
                break
        if out:
            self.transport.writelines(out)

    def write(self, data: bytes) -> bool:
        """Encrypt now, send with this turn's other records; False: wait for app.drain."""
        self.conn.sendall(data)  # pyOpenSSL sets SSL_MODE_ENABLE_PARTIAL_WRITE
        if not self.reading:
            self.flush()
        return not self.paused

    def end(self) -> None:
        self.conn.shutdown()  # queues close_notify (a memory BIO never blocks)
        self.flush()

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self.app.drain(self)

    def eof_received(self) -> bool:
        return False  # the transport closes

    def connection_lost(self, exc: BaseException | None) -> None:
        self.app.closed(self)


class App:
    """Callbacks a TLS connection makes; these defaults do nothing."""

    def secure(self, tls: TLS) -> None:
        pass

    def data(self, tls: TLS, data: bytes) -> None:
        pass

    def drain(self, tls: TLS) -> None:
        pass

    def closed(self, tls: TLS) -> None:
        pass


class Echo(App):
    """Writes back what it reads."""

    def data(self, tls: TLS, data: bytes) -> None:
        tls.write(data)


class Sink(App):
    """Counts what it reads; one byte back for each ``unit`` bytes."""

    def secure(self, tls: TLS) -> None:
        tls.state = 0

    def data(self, tls: TLS, data: bytes) -> None:
        unit = CONFIG["unit"]
        before = tls.state // unit
        tls.state += len(data)
        acks = tls.state // unit - before
        if acks > 0:
            tls.write(b"k" * acks)


def server() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        ports = {}
        for name, pair, app in (("ecdsa", CONFIG["ecdsa"], Echo()),
                                ("rsa", CONFIG["rsa"], Echo()),
                                ("sink", CONFIG["ecdsa"], Sink())):
            ctx = context(True, pair)
            srv = await loop.create_server(lambda ctx=ctx, app=app: TLS(ctx, True, app),
                                           "127.0.0.1", 0)
            ports[name] = srv.sockets[0].getsockname()[1]
        emit({**ports, "openssl": SSL.OpenSSL_version(SSL.OPENSSL_VERSION).decode()})
        await asyncio.Event().wait()

    def watch_stdin() -> None:
        sys.stdin.read()  # EOF: the bench is gone
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    asyncio.run(main())


# --------------------------------------------------------------------------------------------
# client


class Once(App):
    """One connection that ends after its handshake; ``done`` gets (seen, session)."""

    def __init__(self, done: asyncio.Future[Any], want_session: bool) -> None:
        self.done = done
        self.want_session = want_session
        self.seen: tuple[bool, str] | None = None

    def secure(self, tls: TLS) -> None:
        self.seen = (False, tls.conn.get_protocol_version_name())  # reuse: the C peer counts
        tls.end()

    def closed(self, tls: TLS) -> None:
        session = tls.conn.get_session() if self.want_session else None
        if not self.done.done():
            self.done.set_result((self.seen, session))


class Ready(App):
    """Signals when the handshake is done."""

    def __init__(self, ready: asyncio.Future[None]) -> None:
        self.ready = ready
        self.on_data: Any = None
        self.on_drain: Any = None
        self.on_closed: Any = None

    def secure(self, tls: TLS) -> None:
        if not self.ready.done():
            self.ready.set_result(None)

    def data(self, tls: TLS, data: bytes) -> None:
        if self.on_data is not None:
            self.on_data(data)

    def drain(self, tls: TLS) -> None:
        if self.on_drain is not None:
            self.on_drain()

    def closed(self, tls: TLS) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError("closed before the handshake"))
        if self.on_closed is not None:
            self.on_closed()


class Client:
    """The client role, as node_side.js's client."""

    def __init__(self, lines: asyncio.StreamReader) -> None:
        self.lines = lines
        self.ctx = context(False)
        self.loop = asyncio.get_running_loop()

    async def line(self) -> str:
        raw = await self.lines.readline()
        if not raw:
            os._exit(0)
        return raw.decode()

    @staticmethod
    def info(tls: TLS) -> dict[str, Any]:
        return {"protocol": tls.conn.get_protocol_version_name(),
                "cipher": tls.conn.get_cipher_name()}

    async def connect(self, port: int, app: App, session: Any = None) -> TLS:
        _, tls = await self.loop.create_connection(
            lambda: TLS(self.ctx, False, app, session), "127.0.0.1", port)
        return tls

    async def once(self, cmd: dict[str, Any], session: Any, want_session: bool) -> Any:
        done = self.loop.create_future()
        await self.connect(cmd["port"], Once(done, want_session), session)
        return await done

    async def opened(self, cmd: dict[str, Any], count: int) -> list[tuple[TLS, Ready]]:
        out = []
        for _ in range(count):
            app = Ready(self.loop.create_future())
            out.append((await self.connect(cmd["port"], app), app))
        await asyncio.gather(*(app.ready for _, app in out))
        return out

    async def close_all(self, conns: list[tuple[TLS, Ready]]) -> None:
        waits = []
        for tls, app in conns:
            closed = self.loop.create_future()
            app.on_closed = lambda closed=closed: closed.done() or closed.set_result(None)
            tls.end()
            waits.append(closed)
        await asyncio.gather(*waits)

    async def hs(self, cmd: dict[str, Any]) -> None:
        session = None
        if cmd["resume"]:
            _, session = await self.once(cmd, None, True)
        emit({"ready": True})
        await self.line()
        started = 0
        last: Any = None

        async def worker() -> None:
            # Each worker offers the newest session it holds: OpenSSL's client spoils a
            # TLS 1.3 session object once a connection resumed with it has ended, and
            # pyOpenSSL cannot copy or serialize one (Node and nodessl decode a fresh one
            # from the session's bytes for every connection).
            nonlocal started, last
            mine = session
            while started < cmd["n"]:
                started += 1
                seen, newer = await self.once(cmd, mine, cmd["resume"])
                mine = newer or mine
                last = seen
        await asyncio.gather(*(worker() for _ in range(cmd["conc"])))
        emit({"ops": cmd["n"], "protocol": last[1]})
        await self.line()

    async def echo(self, cmd: dict[str, Any]) -> None:
        conns = await self.opened(cmd, cmd["conns"])
        emit({"ready": True})
        await self.line()
        size = cmd["size"]
        msg = b"a" * size
        per = cmd["n"] // cmd["conns"]
        waits = []
        for tls, app in conns:
            done = self.loop.create_future()
            state = [per, 0]

            def on_data(data: bytes, tls: TLS = tls, done: Any = done,
                        state: list[int] = state) -> None:
                state[1] += len(data)
                if state[1] < size:
                    return
                state[1] = 0
                state[0] -= 1
                if state[0] > 0:
                    tls.write(msg)
                else:
                    done.set_result(None)

            app.on_data = on_data
            tls.write(msg)
            waits.append(done)
        await asyncio.gather(*waits)
        emit({"ops": per * cmd["conns"], **self.info(conns[0][0])})
        await self.line()
        await self.close_all(conns)

    async def bulk(self, cmd: dict[str, Any]) -> None:
        conns = await self.opened(cmd, 1)
        tls, app = conns[0]
        emit({"ready": True})
        await self.line()
        chunk = cmd["chunk"]
        buf = b"a" * chunk
        total = cmd["n"]
        wanted = total // cmd["unit"]
        done = self.loop.create_future()
        acks = 0
        sent = 0

        def on_data(data: bytes) -> None:
            nonlocal acks
            acks += len(data)
            if acks >= wanted and not done.done():
                done.set_result(None)

        def pump() -> None:
            nonlocal sent
            while sent < total:
                n = min(chunk, total - sent)
                sent += n
                if not tls.write(buf if n == chunk else buf[:n]):
                    return  # resume_writing calls pump again

        app.on_data = on_data
        app.on_drain = pump
        pump()
        await done
        emit({"ops": total, **self.info(tls)})
        await self.line()
        await self.close_all(conns)


async def client_main() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    client = Client(reader)
    emit({"ready": True, "openssl": SSL.OpenSSL_version(SSL.OPENSSL_VERSION).decode()})
    while True:
        cmd = json.loads(await client.line())
        await getattr(client, cmd["op"])(cmd)
        emit({"closed": True})


if __name__ == "__main__":
    if CONFIG["role"] == "server":
        server()
    else:
        asyncio.run(client_main())

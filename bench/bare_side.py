"""The bare pyOpenSSL column of ``make bench``: the driver's workloads with no library.

What a careful program does with pyOpenSSL alone, on the OpenSSL nodessl runs on (the
"thin pyOpenSSL" of the performance notes): an ``asyncio.BufferedProtocol`` that reads
into one reusable buffer, a memory-BIO ``SSL.Connection`` per connection, everything one
turn produced (a flight, its tickets, a close_notify, the echoes of what arrived) sent in
one ``writelines``, ``SSL_MODE_RELEASE_BUFFERS`` on the contexts.  Per connection it does
nothing else: callbacks are attributes called directly (an echo server's "data" is
``write`` itself), no events, no bookkeeping.  It uses pyOpenSSL's public API only,
exceptions and all, except for one call the API lacks (the key-exchange groups, set once
per context).

The contexts are configured as Node 20's (and nodessl's) are, so that every column sends
the same bytes: the groups of Node 20's ``ecdhCurve: 'auto'`` on the servers (OpenSSL 4's
defaults would put X25519MLKEM768 first and so add a supported_groups extension to every
server flight), X25519:P-256 on the clients, and a 32-byte session id context on the
servers (Node's default ``sessionIdContext``, carried in every ticket).

``python bench/bare_side.py CONFIG_JSON``: see bench/driver.py.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from OpenSSL import SSL

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import driver  # noqa: E402  (bench/ is not a package)

BUFFER = memoryview(bytearray(256 * 1024))  # every read lands here, consumed at once
RECORD = 16 * 1024 + 256  # the most one TLS record decrypts to (and some)
NODE20_GROUPS = b"X25519:P-256:X448:P-521:P-384"  # Node 20's 'auto' (OpenSSL 3.0's defaults)
CLIENT_GROUPS = b"X25519:P-256"  # what every measured client offers
SESSION_ID_CONTEXT = b"0" * 32  # as long as Node's default (a sha1 hex prefix of argv)


def _groups(ctx: SSL.Context, groups: bytes) -> None:
    lib = SSL._lib  # type: ignore[attr-defined]  # pyOpenSSL has no public call for it
    if hasattr(lib, "SSL_CTX_set1_curves_list"):
        ok = lib.SSL_CTX_set1_curves_list(ctx._context, groups)
    else:  # cryptography < 39 (the shared backend's) lacks it: the macro's SSL_CTX_ctrl
        import ctypes
        import ctypes.util

        ssl = ctypes.CDLL(ctypes.util.find_library("ssl"))
        ssl.SSL_CTX_ctrl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_long,
                                     ctypes.c_char_p]
        address = int(SSL._ffi.cast("uintptr_t", ctx._context))  # type: ignore[attr-defined]
        ok = ssl.SSL_CTX_ctrl(address, 92, 0, groups)  # SSL_CTRL_SET_GROUPS_LIST
    if not ok:
        raise RuntimeError("setting the groups failed")


def context(server: bool, pair: list[str] | None = None, ca: str | None = None) -> SSL.Context:
    """A server context with ``pair`` (key, cert) or a client context verifying ``ca``."""
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_2_VERSION)
    ctx.set_mode(SSL.MODE_RELEASE_BUFFERS)
    if server:
        assert pair is not None
        ctx.use_privatekey_file(pair[0])
        ctx.use_certificate_chain_file(pair[1])
        ctx.set_session_id(SESSION_ID_CONTEXT)
        _groups(ctx, NODE20_GROUPS)
    else:
        assert ca is not None
        ctx.load_verify_locations(ca)
        ctx.set_verify(SSL.VERIFY_PEER)
        ctx.set_session_cache_mode(SSL.SESS_CACHE_CLIENT)
        _groups(ctx, CLIENT_GROUPS)
    return ctx


def _nothing(*args: Any) -> None:
    pass


class TLS(asyncio.BufferedProtocol):
    """One TLS connection over a memory BIO.  ``on_*`` are the callbacks: ``on_secure(tls)``,
    ``on_data(bytes)``, ``on_drain()``, ``on_close()``, ``on_session(session)`` (at close)."""

    __slots__ = ("conn", "transport", "server", "handshaken", "paused", "reading",
                 "on_secure", "on_data", "on_drain", "on_close", "on_session", "on_error")

    def __init__(self, ctx: SSL.Context, server: bool, servername: bytes | None = None,
                 session: Any = None) -> None:
        conn = SSL.Connection(ctx, None)
        if server:
            conn.set_accept_state()
        else:
            conn.set_connect_state()
            conn.set_tlsext_host_name(servername)
            if session is not None:
                conn.set_session(session)
        self.conn = conn
        self.server = server
        self.handshaken = False
        self.paused = False
        self.reading = False  # inside buffer_updated: its flush sends what was written
        self.transport: Any = None
        self.on_secure: Any = None
        self.on_data: Callable[[bytes], Any] = _nothing
        self.on_drain: Callable[[], Any] = _nothing
        self.on_close: Callable[[], Any] = _nothing
        self.on_session: Any = None
        self.on_error: Any = None  # never called: a failed connection is aborted and closes

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        if not self.server and self.handshake() >= 0:
            self.flush()

    def get_buffer(self, sizehint: int) -> memoryview:
        return BUFFER

    def buffer_updated(self, nbytes: int) -> None:
        conn = self.conn
        conn.bio_write(BUFFER[:nbytes])
        self.reading = True
        if not self.handshaken and self.handshake() < 0:
            return
        if self.handshaken:
            on_data = self.on_data
            while True:
                try:
                    data = conn.recv(RECORD)
                except SSL.WantReadError:
                    break
                except SSL.ZeroReturnError:  # close_notify: a server answers it; close
                    if self.server:
                        conn.shutdown()
                    self.reading = False
                    self.flush()
                    self.transport.close()
                    return
                except SSL.Error:
                    self.transport.abort()
                    return
                on_data(data)
        self.reading = False
        self.flush()

    def handshake(self) -> int:
        """1: done, 0: wants more, -1: failed (aborted)."""
        try:
            self.conn.do_handshake()
        except SSL.WantReadError:
            return 0
        except SSL.Error:
            self.transport.abort()
            return -1
        self.handshaken = True
        if self.on_secure is not None:
            self.on_secure(self)
        return 1

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
        """Encrypt now, send with this turn's other records; False: wait for on_drain."""
        self.conn.sendall(data)  # pyOpenSSL sets SSL_MODE_ENABLE_PARTIAL_WRITE
        if not self.reading:
            self.flush()
        return not self.paused

    def end(self) -> None:
        """Queue close_notify (a memory BIO never blocks); sent with this turn's records."""
        self.conn.shutdown()
        if not self.reading:
            self.flush()

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self.on_drain()

    def eof_received(self) -> bool:
        return False  # the transport closes

    def connection_lost(self, exc: BaseException | None) -> None:
        if self.on_session is not None:
            self.on_session(self.conn.get_session())
        self.on_close()


class Bare:
    """The driver's side for pyOpenSSL alone."""

    async_connect = True
    sessions_spoil = True  # a resumed TLS 1.3 session object cannot be offered twice

    def __init__(self, config: dict[str, Any]) -> None:
        self.openssl = SSL.OpenSSL_version(SSL.OPENSSL_VERSION).decode()
        if config["role"] == "client":
            self.ctx = context(False, ca=config["ca"])
            self.servername = config["servername"].encode()

    def run(self, main: Callable[[], Awaitable[None]]) -> None:
        async def forever() -> None:
            await main()
            await asyncio.Event().wait()  # a server runs until stdin's EOF ends the process

        asyncio.run(forever())

    async def listen(self, pair: list[str], kind: str, unit: int) -> int:
        ctx = context(True, pair)

        def echo() -> TLS:
            tls = TLS(ctx, True)
            tls.on_data = tls.write
            return tls

        def sink() -> TLS:
            tls = TLS(ctx, True)
            tls.on_data = driver.acker(unit, tls.write)
            return tls

        loop = asyncio.get_running_loop()
        srv = await loop.create_server(echo if kind == "echo" else sink, "127.0.0.1", 0)
        return int(srv.sockets[0].getsockname()[1])

    async def connect(self, port: int, session: Any, on_secure: Callable[[Any], None]) -> TLS:
        tls = TLS(self.ctx, False, self.servername, session)
        tls.on_secure = on_secure
        await asyncio.get_running_loop().create_connection(lambda: tls, "127.0.0.1", port)
        return tls

    def on(self, conn: TLS, event: str, listener: Callable[..., None]) -> None:
        setattr(conn, "on_" + event, listener)

    def info(self, conn: TLS) -> dict[str, Any]:
        return {"protocol": conn.conn.get_protocol_version_name(),
                "cipher": conn.conn.get_cipher_name()}

    def reused(self, conn: TLS) -> bool:
        return False  # pyOpenSSL cannot tell (the C peer counts resumptions)


if __name__ == "__main__":
    driver.main(Bare)

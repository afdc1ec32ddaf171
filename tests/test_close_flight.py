"""A client that closes in the same flight as its Finished (``openssl s_time -new``, load
generators): the server's session tickets still reach it and, on a server socket that ends
when the peer does, leave with the server's close_notify, as Node sends them in one write."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from conftest import key, listening, run_loop
from OpenSSL import SSL

import nodessl as tls

IDENTITY = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
CLOSE_NOTIFY_RECORD = 5 + 19  # TLS 1.3: a 2-byte alert, its type byte and a 16-byte tag
# one client context: pyOpenSSL offers a session only on a connection of the context that made it
CLIENT = SSL.Context(SSL.TLS_CLIENT_METHOD)
CLIENT.set_min_proto_version(SSL.TLS1_3_VERSION)


def _records(data: bytes) -> list[int]:
    """The lengths of the whole TLS records in ``data`` (TLS 1.3 hides their content type)."""
    lengths, at = [], 0
    while at + 5 <= len(data):
        length = int.from_bytes(data[at + 3:at + 5], "big")
        lengths.append(5 + length)
        at += 5 + length
    return lengths


async def _finish_and_close(port: int, until: int | None = None) -> tuple[bytes, SSL.Session]:
    """A TLS 1.3 handshake whose Finished and close_notify go out in one write; returns
    what the server sent afterwards (until it closed, or ``until`` records came) and the
    client's session."""
    loop = asyncio.get_running_loop()
    conn = SSL.Connection(CLIENT, None)
    conn.set_connect_state()
    raw = socket.create_connection(("127.0.0.1", port))
    raw.setblocking(False)
    try:
        while True:
            try:
                conn.do_handshake()
                break
            except SSL.WantReadError:
                out = conn.bio_read(65536) if conn.want_read() else b""
                if out:
                    await loop.sock_sendall(raw, out)
                data = await loop.sock_recv(raw, 65536)
                assert data, "the server closed during the handshake"
                conn.bio_write(data)
        conn.shutdown()  # our close_notify, behind the Finished in the outgoing BIO
        await loop.sock_sendall(raw, conn.bio_read(65536))
        after = b""
        while until is None or len(_records(after)) < until:
            data = await loop.sock_recv(raw, 65536)
            if not data:
                break
            after += data
        conn.bio_write(after)
        try:
            conn.recv(1024)  # reads the tickets (and the server's close_notify)
        except (SSL.WantReadError, SSL.ZeroReturnError):
            pass
        return after, conn.get_session()
    finally:
        raw.close()


async def _resumes(server: tls.Server, session: SSL.Session) -> bool:
    """Whether the server resumes ``session`` on a new connection."""
    loop = asyncio.get_running_loop()
    secured = loop.create_future()
    server.once("secureConnection", lambda sock: secured.set_result(sock.isSessionReused()))

    def connect() -> None:
        conn = SSL.Connection(CLIENT, socket.create_connection(("127.0.0.1",
                                                                server.address()["port"])))
        conn.set_session(session)
        conn.set_connect_state()
        try:
            conn.do_handshake()
        finally:
            conn.close()

    await loop.run_in_executor(None, connect)
    return bool(await secured)


def test_tickets_leave_with_the_close_notify_of_a_server_that_ends() -> None:
    written: dict[str, int] = {}

    def on_connection(sock: Any) -> None:
        sock.on("data", lambda chunk: None)  # flowing: the client's end ends this socket
        sock.on("end", lambda: written.setdefault("at end", sock.bytesWritten))
        sock.on("close", lambda *a: written.setdefault("at close", sock.bytesWritten))

    async def main() -> tuple[bytes, SSL.Session, int]:
        server = tls.createServer(IDENTITY, on_connection)
        port = await listening(server)
        after, session = await _finish_and_close(port)
        resumed = await _resumes(server, session)
        server.close()
        return after, session, resumed

    after, _session, resumed = run_loop(main)
    records = _records(after)
    # two tickets, then the server's close_notify (its 'end' ended it, allowHalfOpen false)
    assert len(records) == 3 and records[-1] == CLOSE_NOTIFY_RECORD, records
    assert resumed, "the tickets that came with the close_notify resume a session"
    # When the server's 'end' ran, the tickets had not been sent: they went with the
    # close_notify, in the write that ended the connection.
    assert written["at close"] - written["at end"] == sum(records)


def test_a_half_open_server_sends_its_tickets_at_once() -> None:
    async def main() -> tuple[bytes, bool]:
        held: list[Any] = []

        def on_connection(sock: Any) -> None:
            held.append(sock)
            sock.on("data", lambda chunk: None)

        server = tls.createServer({**IDENTITY, "allowHalfOpen": True}, on_connection)
        port = await listening(server)
        after, session = await asyncio.wait_for(_finish_and_close(port, until=2), 5)
        resumed = await _resumes(server, session)
        server.close()
        for sock in held:
            sock.destroy()
        return after, resumed

    after, resumed = run_loop(main)
    assert len(_records(after)) == 2  # the tickets, and no close_notify: half-open
    assert resumed


def test_tickets_held_for_the_close_still_go_when_end_destroys_the_socket() -> None:
    def on_connection(sock: Any) -> None:
        sock.on("data", lambda chunk: None)
        sock.on("end", lambda: sock.destroy())  # before the socket's own end() could run

    async def main() -> tuple[bytes, bool]:
        server = tls.createServer(IDENTITY, on_connection)
        port = await listening(server)
        after, session = await asyncio.wait_for(_finish_and_close(port), 5)
        resumed = await _resumes(server, session)
        server.close()
        return after, resumed

    after, resumed = run_loop(main)
    assert len(_records(after)) == 2  # the tickets; a destroyed socket sends no close_notify
    assert resumed

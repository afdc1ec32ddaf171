"""STARTTLS the Node 0.4 way: a plain TCP connection turns into TLS halfway through.

Seed 001: "The technique is to use ``tls.createSecurePair()``, which returns two streams:
an encrypted stream and a cleartext stream.  The encrypted stream is then piped to the
socket; the cleartext stream is what the user interacts with thereafter."  Here both ends
of a minimal SMTP conversation do exactly that (:func:`starttls`):

server                                  client
  220 nodessl ESMTP ready          <-
                                   ->     EHLO client.example
  250-nodessl greets ... 250 STARTTLS <-
                                   ->     STARTTLS
  220 Ready to start TLS           <-
  ======== TLS handshake through createSecurePair on both sides ========
                                   ->     EHLO client.example   (encrypted now)
  250-... 250 8BITMIME             <-
                                   ->     QUIT
  221 Bye                          <-

The server is what ``openssl s_client -starttls smtp`` expects (a 220 greeting, STARTTLS
in the EHLO answer, 220 to STARTTLS, then the handshake), so it can be tried by hand::

    python examples/starttls.py serve 2525 &
    openssl s_client -connect 127.0.0.1:2525 -starttls smtp -CAfile fixtures/keys/ca1-cert.pem

``python examples/starttls.py`` runs both ends in one process and prints the
conversation; it exits 0 once the client got its ``221`` over TLS.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nodessl as tls
from nodessl import legacy, net

KEYS = Path(__file__).resolve().parent.parent / "fixtures" / "keys"


def starttls(socket: Any, context: Any, isServer: bool, options: dict[str, Any] | None = None,
             leftover: bytes = b"") -> legacy.SecurePair:
    """Upgrade ``socket`` to TLS: the pair's ``encrypted`` side is piped to and from it, and
    ``pair.cleartext`` replaces it once ``secure`` fired.  ``leftover``: bytes already read
    from the socket past the STARTTLS exchange (the start of the peer's handshake)."""
    pair = legacy.createSecurePair(context, isServer, False, False, options)
    pair.encrypted.pipe(socket)
    socket.pipe(pair.encrypted)
    if leftover:
        pair.encrypted.write(leftover)
    return pair


class LineReader:
    """CRLF lines of a stream, one ``data`` listener; :meth:`detach` hands the stream back."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.buffer = b""
        self.lines: asyncio.Queue[bytes | None] = asyncio.Queue()
        stream.on("data", self._data)
        stream.on("end", self._end)

    def _data(self, chunk: bytes) -> None:
        self.buffer += chunk
        while b"\r\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            self.lines.put_nowait(line)

    def _end(self, *_: Any) -> None:
        self.lines.put_nowait(None)

    async def line(self) -> bytes | None:
        """The next line (without CRLF); None at the end of the stream."""
        return await self.lines.get()

    async def reply(self) -> list[bytes]:
        """One SMTP reply: lines up to the one whose code is followed by a space."""
        lines = []
        while True:
            line = await self.line()
            if line is None:
                raise ConnectionError("connection closed in the middle of a reply")
            lines.append(line)
            if line[3:4] != b"-":
                return lines

    def detach(self) -> bytes:
        """Stop reading; returns what was read past the last complete line."""
        self.stream.removeListener("data", self._data)
        self.stream.removeListener("end", self._end)
        rest, self.buffer = self.buffer, b""
        return rest


# -- the server ------------------------------------------------------------------------------

def smtp_server(context: Any, log: Callable[[str], Any] = print) -> net.Server:
    """A plain TCP server speaking just enough SMTP to offer STARTTLS."""

    async def session(sock: Any) -> None:
        stream: Any = sock
        reader = LineReader(sock)
        secure = False
        stream.write(b"220 nodessl ESMTP ready\r\n")
        while True:
            line = await reader.line()
            if line is None:
                return
            log(f"server <- {line.decode()}{' (TLS)' if secure else ''}")
            verb = line.split(b" ", 1)[0].upper()
            if verb in (b"EHLO", b"HELO"):
                peer = line[5:].decode() or "you"
                ext = b"250 8BITMIME\r\n" if secure else b"250-8BITMIME\r\n250 STARTTLS\r\n"
                stream.write(f"250-nodessl greets {peer}\r\n".encode() + ext)
            elif verb == b"STARTTLS" and not secure:
                stream.write(b"220 Ready to start TLS\r\n")
                pair = starttls(sock, context, True, leftover=reader.detach())
                await asyncio.wait_for(_secure(pair), 10)
                stream, secure = pair.cleartext, True
                log(f"server: TLS up, {stream.getProtocol()} {stream.getCipher()['name']}")
                reader = LineReader(stream)
            elif verb == b"NOOP":
                stream.write(b"250 OK\r\n")
            elif verb == b"QUIT":
                stream.end(b"221 Bye\r\n")
                return
            else:
                stream.write(b"502 Command not implemented\r\n")

    server = net.createServer()
    server.on("connection", session)
    return server


def _secure(pair: legacy.SecurePair) -> asyncio.Future[None]:
    fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    pair.once("secure", lambda: fut.done() or fut.set_result(None))
    pair.once("error", lambda err: fut.done() or fut.set_exception(err))
    return fut


# -- the client ------------------------------------------------------------------------------

async def smtp_client(port: int, context: Any, servername: str, host: str = "127.0.0.1",
                      log: Callable[[str], Any] = print) -> dict[str, Any]:
    """EHLO, STARTTLS, EHLO again and QUIT over TLS; returns what the client saw."""
    sock = net.connect(port, host)
    reader = LineReader(sock)
    greeting = await reader.reply()
    log(f"client <- {greeting[-1].decode()}")
    sock.write(b"EHLO client.example\r\n")
    offered = await reader.reply()
    if not any(b"STARTTLS" in line for line in offered):
        raise ConnectionError("the server does not offer STARTTLS")
    sock.write(b"STARTTLS\r\n")
    go = await reader.reply()
    if not go[-1].startswith(b"220"):
        raise ConnectionError(f"STARTTLS refused: {go[-1]!r}")
    pair = starttls(sock, context, False, {"servername": servername},
                    leftover=reader.detach())
    await asyncio.wait_for(_secure(pair), 10)
    clear = pair.cleartext
    log(f"client: TLS up, authorized={clear.authorized} {clear.getProtocol()}")
    reader = LineReader(clear)
    clear.write(b"EHLO client.example\r\n")
    after = await reader.reply()
    clear.write(b"QUIT\r\n")
    bye = await reader.reply()
    log(f"client <- {bye[-1].decode()} (TLS)")
    return {"greeting": greeting, "before": offered, "after": after, "bye": bye,
            "authorized": clear.authorized, "protocol": clear.getProtocol(),
            "peer": clear.getPeerCertificate()["subject"]["CN"]}


def server_context() -> tls.SecureContext:
    """agent1's identity (issued by ca1, CN ``agent1``)."""
    return tls.createSecureContext({"key": (KEYS / "agent1-key.pem").read_bytes(),
                                    "cert": (KEYS / "agent1-cert.pem").read_bytes()})


def client_context() -> tls.SecureContext:
    """Trusts ca1, agent1's issuer."""
    return tls.createSecureContext({"ca": (KEYS / "ca1-cert.pem").read_bytes()})


async def demo() -> int:
    server = smtp_server(server_context())
    listening: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    server.listen(0, "127.0.0.1", lambda: listening.set_result(None))
    await listening
    port = server.address()["port"]
    seen = await asyncio.wait_for(smtp_client(port, client_context(), "agent1"), 20)
    server.close()
    ok = seen["bye"][-1].startswith(b"221") and seen["authorized"]
    print("STARTTLS ok" if ok else f"STARTTLS failed: {seen}")
    return 0 if ok else 1


async def serve(port: int) -> None:
    server = smtp_server(server_context())
    server.listen(port, "127.0.0.1", lambda: print(f"SMTP with STARTTLS on 127.0.0.1:{port}"))
    await asyncio.Event().wait()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        asyncio.run(serve(int(sys.argv[2]) if len(sys.argv) > 2 else 2525))
    else:
        sys.exit(asyncio.run(demo()))

"""createSecurePair: two pairs in memory, pairs over real sockets, Node peers, errors, warnings."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, collect, key, listening, once, run_loop

import nodessl as tls
from nodessl import legacy, net

ROOT = Path(__file__).resolve().parents[2]
SERVER_ID = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
CA1 = {"ca": key("ca1-cert.pem")}
AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


def wire(a: Any, b: Any) -> None:
    """Pipe two ciphertext streams into each other, as STARTTLS code does with a socket."""
    a.pipe(b)
    b.pipe(a)


def test_two_pairs_in_memory_handshake_and_talk() -> None:
    async def main() -> None:
        server = legacy.createSecurePair(tls.createSecureContext(SERVER_ID), True)
        client = legacy.createSecurePair(tls.createSecureContext(CA1), False, None, None,
                                         {"servername": "agent1"})
        assert server.credentials is not client.credentials
        secure = [once(server, "secure"), once(client, "secure")]
        wire(server.encrypted, client.encrypted)
        await asyncio.gather(*secure)

        # The cleartext side has the TLSSocket API.
        assert isinstance(client.cleartext, tls.TLSSocket)
        assert isinstance(client.cleartext, legacy.CleartextStream)
        assert client.cleartext.authorized is True
        assert client.cleartext.authorizationError is None
        assert client.cleartext.getPeerCertificate()["subject"]["CN"] == "agent1"
        assert client.cleartext.getProtocol() == "TLSv1.3"
        assert server.cleartext.servername == "agent1"
        assert server.cleartext.authorized is False  # no requestCert on a server pair

        server.cleartext.on("data", lambda d: server.cleartext.end(b"echo:" + d))
        client.cleartext.write(b"hello")
        assert await collect(client.cleartext) == b"echo:hello"

    run_loop(main)


def test_cleartext_writes_before_the_handshake_are_sent_after_it() -> None:
    async def main() -> None:
        server = legacy.createSecurePair(tls.createSecureContext(SERVER_ID), True)
        client = legacy.createSecurePair(None, False)
        client.cleartext.end(b"early")  # before the peer is even connected
        got = asyncio.ensure_future(collect(server.cleartext))
        wire(server.encrypted, client.encrypted)
        assert await got == b"early"
        # rejectUnauthorized defaults to False for a pair: an untrusted server still talks
        assert client.cleartext.authorized is False
        assert client.cleartext.authorizationError == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"

    run_loop(main)


def test_server_pair_requests_and_verifies_a_client_certificate() -> None:
    async def main() -> None:
        server = legacy.createSecurePair(
            tls.createSecureContext({**SERVER_ID, "ca": key("ca1-cert.pem")}), True, True, True)
        client = legacy.createSecurePair(
            tls.createSecureContext({"key": key("agent1-key.pem"),
                                     "cert": key("agent1-cert.pem")}), False)
        secure = once(server, "secure")
        wire(server.encrypted, client.encrypted)
        await secure
        assert server.cleartext.authorized is True
        assert server.cleartext.getPeerCertificate()["subject"]["CN"] == "agent1"

    run_loop(main)


def test_options_reach_the_tls_socket() -> None:
    async def main() -> None:
        server = legacy.createSecurePair(tls.createSecureContext(SERVER_ID), True, None, None,
                                         {"ALPNProtocols": ["b", "a"]})
        client = legacy.createSecurePair(None, False, None, None, {"ALPNProtocols": ["a", "b"]})
        secure = [once(server, "secure"), once(client, "secure")]
        wire(server.encrypted, client.encrypted)
        await asyncio.gather(*secure)
        assert (server.cleartext.alpnProtocol, client.cleartext.alpnProtocol) == ("b", "b")

    run_loop(main)


def test_session_option_resumes_a_session() -> None:
    async def main() -> None:
        ctx = tls.createSecureContext({**SERVER_ID, "maxVersion": "TLSv1.2"})

        async def handshake(session: bytes | None) -> Any:
            server = legacy.createSecurePair(ctx, True)
            client = legacy.createSecurePair(None, False, None, None, {"session": session})
            secure = [once(server, "secure"), once(client, "secure")]
            wire(server.encrypted, client.encrypted)
            await asyncio.gather(*secure)
            return client.cleartext

        first = await handshake(None)
        assert not first.isSessionReused()
        again = await handshake(first.getSession())
        assert again.isSessionReused()

    run_loop(main)


def test_context_must_be_a_secure_context() -> None:
    with pytest.raises(TypeError) as info:
        legacy.createSecurePair({})
    assert info.value.code == "ERR_TLS_INVALID_CONTEXT"
    assert info.value.message == "context must be a SecureContext"


def test_credentials_are_a_context() -> None:
    async def main() -> None:
        server = legacy.createSecurePair(legacy.createCredentials(SERVER_ID), True)
        client = legacy.createSecurePair(legacy.createCredentials(CA1), False, None, None,
                                         {"servername": "agent1"})
        assert isinstance(server.credentials, tls.SecureContext)
        secure = once(client, "secure")
        wire(server.encrypted, client.encrypted)
        await secure
        assert client.cleartext.authorized is True

    run_loop(main)


def test_handshake_failure_is_the_pairs_error() -> None:
    async def main() -> None:
        server = legacy.createSecurePair(tls.createSecureContext(SERVER_ID), True)
        client = legacy.createSecurePair(None, False, None, None,
                                         {"rejectUnauthorized": True})
        failed, closed = once(client, "error"), once(client.cleartext, "close")
        server_failed = once(server, "error")
        wire(server.encrypted, client.encrypted)
        err = await failed
        assert err.code == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
        assert await closed is True
        # the server pair sees its client leave in the middle of the handshake
        assert (await server_failed).code == "ECONNRESET"

    run_loop(main)


def test_bytes_written_counts_the_tls_overhead() -> None:
    async def main() -> None:
        server = legacy.createSecurePair(tls.createSecureContext(SERVER_ID), True)
        client = legacy.createSecurePair(None, False)
        received = []
        server.encrypted.on("data", received.append)
        client.encrypted.pipe(server.encrypted)
        server.encrypted.pipe(client.encrypted)
        await once(server, "secure")
        got = asyncio.ensure_future(collect(server.cleartext))
        ended = once(client.encrypted, "end")
        client.cleartext.end(b"x" * 100)
        assert await got == b"x" * 100
        await ended
        assert isinstance(client.encrypted, legacy.CryptoStream)
        assert isinstance(client.cleartext, legacy.CryptoStream)
        # every byte on the wire: the handshake, the record around the 100 bytes, the alert
        assert client.encrypted.bytesWritten == client.cleartext.bytesWritten
        assert client.encrypted.bytesWritten > 100 + 200
        assert server.encrypted.bytesWritten == sum(map(len, received))

    run_loop(main)


def test_channel_backpressure_and_drain() -> None:
    async def main() -> None:
        pair = legacy.createSecurePair(None, False)
        enc = pair.encrypted
        enc.pause()
        # The ClientHello is waiting in `encrypted`; TLSSocket's writes into the channel
        # report the buffer, and writing into `encrypted` from outside works the same way.
        assert enc.readableLength > 0
        other = pair.cleartext._lower
        assert other.writableLength == enc.readableLength
        drained = once(other, "drain")
        assert other.write(b"\0" * 20000) is False
        enc.resume()
        await drained
        pair.destroy()

    run_loop(main)


def test_pair_over_a_plain_tcp_socket_both_roles() -> None:
    async def main() -> None:
        # server: a pair on each accepted net connection; client: the modern tls.connect
        plain = net.createServer()
        pairs: list[Any] = []

        def on_connection(sock: Any) -> None:
            pair = legacy.createSecurePair(tls.createSecureContext(SERVER_ID), True)
            wire(pair.encrypted, sock)
            pair.cleartext.on("data", lambda d: pair.cleartext.end(d.upper()))
            pairs.append(pair)

        plain.on("connection", on_connection)
        port = await listening(plain)
        client = tls.connect(port, "127.0.0.1", {**CA1, "servername": "agent1"})
        client.end(b"over tcp")
        assert await collect(client) == b"OVER TCP"
        assert client.authorized is True

        # client: a pair over net.connect, against a modern tls server
        server = tls.createServer(SERVER_ID, lambda s: s.on("data", lambda d: s.end(d[::-1])))
        tport = await listening(server)
        sock = net.connect(tport, "127.0.0.1")
        pair = legacy.createSecurePair(tls.createSecureContext(CA1), False, None, None,
                                       {"servername": "agent1"})
        wire(pair.encrypted, sock)
        await once(pair, "secure")
        assert pair.cleartext.authorized is True
        pair.cleartext.write(b"abc")
        assert await collect(pair.cleartext) == b"cba"
        await once(sock, "close")
        plain.close()
        server.close()

    run_loop(main)


def test_node_client_talks_to_a_server_pair() -> None:
    async def main() -> None:
        plain = net.createServer()
        seen = asyncio.get_running_loop().create_future()

        def on_connection(sock: Any) -> None:
            pair = legacy.createSecurePair(tls.createSecureContext(SERVER_ID), True)
            wire(pair.encrypted, sock)
            pair.on("secure", lambda: seen.set_result(pair.cleartext.getProtocol()))
            pair.cleartext.on("data", lambda d: pair.cleartext.end(b"pair:" + d))

        plain.on("connection", on_connection)
        port = await listening(plain)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', ca: fs.readFileSync('ca1-cert.pem'),
  servername: 'agent1'}}, () => c.write('node'));
let got = ''; c.on('data', (d) => got += d);
c.on('end', () => out({{got, authorized: c.authorized}}));
c.on('error', (e) => out({{error: e.code}}));""")
        assert await node.message() == {"got": "pair:node", "authorized": True}
        await node.close()
        assert await seen == "TLSv1.3"
        plain.close()

    run_loop(main)


def test_client_pair_talks_to_a_node_server() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const s = tls.createServer({AGENT1}, (c) => {{
  c.on('data', (d) => {{ out({{got: String(d)}}); c.end('node:' + d); s.close(); }}); }});
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));""")
        port = (await node.message())["port"]
        sock = net.connect(port, "127.0.0.1")
        pair = legacy.createSecurePair(tls.createSecureContext(CA1), False, None, None,
                                       {"servername": "agent1"})
        wire(pair.encrypted, sock)
        await once(pair, "secure")
        assert pair.cleartext.authorized is True
        pair.cleartext.write(b"pair")
        assert await collect(pair.cleartext) == b"node:pair"
        assert await node.message() == {"got": "pair"}
        await node.close()

    run_loop(main)


def test_nodessl_create_secure_pair_is_deprecated() -> None:
    async def main() -> None:
        with pytest.warns(DeprecationWarning) as caught:
            pair = tls.createSecurePair()
        assert str(caught[0].message) == ("[DEP0064] tls.createSecurePair() is deprecated. "
                                          "Please use tls.TLSSocket instead.")
        assert isinstance(pair, legacy.SecurePair)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            legacy.createSecurePair().destroy()  # the legacy spelling itself is quiet
        pair.destroy()

    run_loop(main)


def test_importing_the_legacy_package_warns_nothing() -> None:
    code = ("import warnings; warnings.simplefilter('error'); import nodessl.legacy as l; "
            "from nodessl.legacy import *; print(l.CryptoStream.__name__)")
    proc = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert (proc.returncode, proc.stdout.strip(), proc.stderr) == (0, "CryptoStream", "")


def test_pair_options_sni_ocsp_and_trace(capsys: pytest.CaptureFixture[str]) -> None:
    async def main() -> None:
        agent3 = tls.createSecureContext({"key": key("agent3-key.pem"),
                                          "cert": key("agent3-cert.pem")})
        names: list[str] = []

        def SNICallback(servername: str, cb: Any) -> None:
            names.append(servername)
            asyncio.get_running_loop().call_soon(cb, None, agent3)

        # The pair's server gives it the server-side listeners (OCSPRequest), as in Node.
        owner = tls.createServer({**SERVER_ID, "ca": key("ca1-cert.pem")})
        asked: list[Any] = []
        owner.on("OCSPRequest", lambda cert, issuer, cb: (asked.append(issuer), cb(None, None)))
        server = legacy.createSecurePair(tls.createSecureContext(SERVER_ID), True, False, False,
                                         {"server": owner, "SNICallback": SNICallback})
        client = legacy.createSecurePair(None, False, None, None,
                                         {"servername": "agent3", "requestOCSP": True,
                                          "enableTrace": True})
        responses: list[Any] = []
        client.cleartext.on("OCSPResponse", responses.append)
        secure = [once(server, "secure"), once(client, "secure")]
        wire(server.encrypted, client.encrypted)
        await asyncio.gather(*secure)
        assert names == ["agent3"]
        assert client.cleartext.getPeerCertificate()["subject"]["CN"] == "agent3"
        assert len(asked) == 1 and responses == [None]  # asked, nothing stapled

    run_loop(main)
    trace = capsys.readouterr().err
    assert "Sent Record" in trace and "ClientHello" in trace

"""TLSSocket, connect and Server between two nodessl ends, on real sockets on 127.0.0.1.

Each test reads like the docs' examples: a server with Node's fixture keys, a
client, and assertions on what both ends observe.
"""

from __future__ import annotations

import asyncio
import socket as pysocket
from typing import Any

import pytest
from conftest import collect, key, listening, once, python_words, run_loop

import nodessl as tls
from nodessl import backend, net


def agent1_server(listener: Any = None, **extra: Any) -> tls.Server:
    return tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                             **extra}, listener)


def test_echo_between_nodessl_client_and_server() -> None:
    async def main() -> None:
        seen: dict[str, Any] = {}

        def on_secure(sock: tls.TLSSocket) -> None:
            seen["server_protocol"] = sock.getProtocol()
            seen["server_peer"] = sock.getPeerCertificate()
            seen["server_authorized"] = sock.authorized
            sock.pipe(sock)

        server = agent1_server(on_secure)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        await once(client, "secureConnect")
        assert client.authorized is True
        assert client.authorizationError is None
        assert client.getProtocol() == "TLSv1.3"
        cipher = client.getCipher()
        assert cipher["name"] == cipher["standardName"] == "TLS_AES_256_GCM_SHA384"
        peer = client.getPeerCertificate()
        assert peer["subject"]["CN"] == "agent1"
        assert peer["issuer"]["CN"] == "ca1"
        assert "issuerCertificate" not in peer
        client.write(b"hello ")
        client.end(b"world")
        assert await collect(client) == b"hello world"
        await once(client, "close")
        assert seen == {"server_protocol": "TLSv1.3", "server_peer": {},
                        "server_authorized": False}
        server.close()

    run_loop(main)


def test_secure_by_default_self_signed_is_rejected() -> None:
    async def main() -> None:
        server = tls.createServer({"key": key("agent2-key.pem"), "cert": key("agent2-cert.pem")})
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1")
        closed = once(client, "close")
        err = await once(client, "error")
        assert err.code == "DEPTH_ZERO_SELF_SIGNED_CERT"
        assert str(err.message) == "self-signed certificate"
        assert client.authorized is False
        assert await closed is True
        server.close()

    run_loop(main)


@pytest.mark.parametrize(("server_key", "options", "expected"), [
    ("agent2", {}, "DEPTH_ZERO_SELF_SIGNED_CERT"),
    ("agent1", {"servername": "agent1"}, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
    ("agent1", {"ca": "ca1-cert.pem", "servername": "localhost"}, "ERR_TLS_CERT_ALTNAME_INVALID"),
    ("agent1", {"ca": "ca2-cert.pem", "servername": "agent1"}, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
    ("agent3", {"ca": "ca2-cert.pem", "crl": "ca2-crl-agent3.pem", "servername": "agent3"},
     "CERT_REVOKED"),
])
def test_unauthorized_server_with_reject_false_connects(
        server_key: str, options: dict[str, Any], expected: str) -> None:
    async def main() -> None:
        server = tls.createServer({"key": key(f"{server_key}-key.pem"),
                                   "cert": key(f"{server_key}-cert.pem")},
                                  lambda s: s.end(b"ok"))
        port = await listening(server)
        opts = {k: key(v) if k in ("ca", "crl") else v for k, v in options.items()}
        # rejected by default, with the code as the error
        strict = tls.connect(port, "127.0.0.1", opts)
        err = await once(strict, "error")
        assert err.code == expected
        # accepted with rejectUnauthorized: False, the reason kept
        lax = tls.connect(port, "127.0.0.1", {**opts, "rejectUnauthorized": False})
        await once(lax, "secureConnect")
        assert lax.authorized is False
        assert lax.authorizationError == expected
        assert await collect(lax) == b"ok"
        server.close()

    run_loop(main)


def test_chain_through_intermediate_is_served_whole() -> None:
    async def main() -> None:
        server = tls.createServer({"key": key("agent6-key.pem"), "cert": key("agent6-cert.pem")},
                                  lambda s: s.end())
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "checkServerIdentity": lambda h, c: None})
        await once(client, "secureConnect")
        assert client.authorized is True
        detailed = client.getPeerCertificate(True)
        assert detailed["issuer"]["CN"] == "ca3"
        intermediate = detailed["issuerCertificate"]
        assert intermediate["subject"]["CN"] == "ca3"
        root = intermediate["issuerCertificate"]
        assert root["subject"]["CN"] == "ca1"
        assert root["issuerCertificate"] is root
        server.close()

    run_loop(main)


def test_check_server_identity_error_is_the_client_error() -> None:
    async def main() -> None:
        server = agent1_server(lambda s: s.end())
        port = await listening(server)
        calls = []
        mine = tls.NodeError("nope", "MY_CODE")

        def check(host: str, cert: dict[str, Any]) -> Exception:
            calls.append((host, cert["subject"]["CN"]))
            return mine

        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1",
                                                  "checkServerIdentity": check})
        assert await once(client, "error") is mine
        assert calls == [("agent1", "agent1")]
        server.close()

    run_loop(main)


@pytest.mark.parametrize(("client_key", "authorized", "error"), [
    ("agent4", True, None),
    ("agent1", False, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
    ("agent2", False, "DEPTH_ZERO_SELF_SIGNED_CERT"),
    (None, False, "UNABLE_TO_GET_ISSUER_CERT"),
])
def test_request_cert_without_reject(client_key: str | None, authorized: bool,
                                     error: str | None) -> None:
    async def main() -> None:
        server = agent1_server(None, requestCert=True, rejectUnauthorized=False,
                               ca=key("ca2-cert.pem"))
        port = await listening(server)
        conn_fut = once(server, "secureConnection")
        opts: dict[str, Any] = {"rejectUnauthorized": False}
        if client_key:
            opts.update(key=key(f"{client_key}-key.pem"), cert=key(f"{client_key}-cert.pem"))
        client = tls.connect(port, "127.0.0.1", opts)
        sock = await conn_fut
        assert sock.authorized is authorized
        assert sock.authorizationError == error
        if client_key:
            assert sock.getPeerCertificate()["subject"]["CN"] == client_key
        client.destroy()
        server.close()

    run_loop(main)


def test_revoked_client_cert_with_crl() -> None:
    async def main() -> None:
        server = agent1_server(None, requestCert=True, rejectUnauthorized=False,
                               ca=key("ca2-cert.pem"), crl=key("ca2-crl.pem"))
        port = await listening(server)
        conn_fut = once(server, "secureConnection")
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                  "key": key("agent4-key.pem"),
                                                  "cert": key("agent4-cert.pem")})
        sock = await conn_fut
        assert sock.authorizationError == "CERT_REVOKED"
        client.destroy()
        server.close()

    run_loop(main)


def test_request_cert_with_reject_refuses_missing_cert() -> None:
    async def main() -> None:
        server = agent1_server(None, requestCert=True, ca=key("ca2-cert.pem"))
        secure = []
        server.on("secureConnection", secure.append)
        port = await listening(server)
        err_fut = once(server, "tlsClientError")
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        client.on("error", lambda e: None)
        client_closed = once(client, "close")
        err, sock = await err_fut
        assert err.code == "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE"
        assert isinstance(sock, tls.TLSSocket)
        await client_closed
        assert secure == []
        server.close()

    run_loop(main)


@pytest.mark.parametrize(("payload", "code"), [
    (b"\x00\x01garbage bytes that are not TLS at all\r\n" * 4, "ERR_SSL_WRONG_VERSION_NUMBER"),
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "ERR_SSL_HTTP_REQUEST"),
])
def test_server_survives_garbage_and_keeps_serving(payload: bytes, code: str) -> None:
    async def main() -> None:
        server = agent1_server(lambda s: s.end(b"still here"))
        port = await listening(server)
        err_fut = once(server, "tlsClientError")
        raw = net.connect(port, "127.0.0.1")
        raw.on("error", lambda e: None)
        raw_closed = once(raw, "close")
        raw.write(payload)
        err, sock = await err_fut
        assert err.code == code
        await raw_closed
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        assert await collect(client) == b"still here"
        server.close()

    run_loop(main)


def test_client_vanishing_mid_handshake_is_econnreset() -> None:
    async def main() -> None:
        server = agent1_server()
        port = await listening(server)
        err_fut = once(server, "tlsClientError")
        raw = net.connect(port, "127.0.0.1")
        raw.write(b"\x16\x03\x01\x00\xff\x01")  # the start of a ClientHello, then gone
        raw.end()
        err, _ = await err_fut
        assert err.code == "ECONNRESET"
        # Node 20's server says "socket hang up" here (onSocketClose); the longer "Client
        # network socket disconnected ..." is the client's (onConnectEnd)
        assert err.message == "socket hang up"
        assert isinstance(err, ConnectionResetError)
        server.close()

    run_loop(main)


def test_client_sees_econnreset_when_server_hangs_up() -> None:
    async def main() -> None:
        plain = net.createServer(lambda s: s.destroy())
        port = await listening(plain)
        client = tls.connect(port, "127.0.0.1")
        err = await once(client, "error")
        assert err.code == "ECONNRESET"
        plain.close()

    run_loop(main)


def test_handshake_timeout_goes_to_tls_client_error() -> None:
    async def main() -> None:
        server = agent1_server(None, handshakeTimeout=50)
        port = await listening(server)
        err_fut = once(server, "tlsClientError")
        raw = net.connect(port, "127.0.0.1")
        raw_ended = once(raw, "end")
        err, sock = await err_fut
        assert err.code == "ERR_TLS_HANDSHAKE_TIMEOUT"
        assert err.message == "TLS handshake timeout"
        assert isinstance(sock, tls.TLSSocket)
        await raw_ended
        server.close()

    run_loop(main)


def test_write_backpressure_and_drain() -> None:
    async def main() -> None:
        received = asyncio.get_running_loop().create_future()

        def on_secure(sock: tls.TLSSocket) -> None:
            sock.pause()  # nobody reads: the client's writes must pile up

            async def later() -> None:
                await asyncio.sleep(0.3)
                everything = asyncio.ensure_future(collect(sock))
                await asyncio.sleep(0)
                assert sock.isPaused()  # a 'data' listener does not undo an explicit pause
                sock.resume()
                received.set_result(await everything)

            asyncio.ensure_future(later())

        server = agent1_server(on_secure)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        await once(client, "secureConnect")
        block = b"x" * 65536
        writes = 0
        while client.write(block):
            writes += 1
            assert writes < 10_000, "write() never reported a full buffer"
        assert client.writableNeedDrain
        await once(client, "drain")
        client.end()
        data = await received
        assert len(data) == (writes + 1) * len(block)
        server.close()

    run_loop(main, timeout=60)


def test_set_encoding_gives_text() -> None:
    async def main() -> None:
        server = agent1_server(lambda s: s.end("héllo".encode()))
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        client.setEncoding("utf8")
        assert await collect(client) == "héllo"
        server.close()

    run_loop(main)


def test_half_open_server_writes_after_client_end() -> None:
    async def main() -> None:
        def on_secure(sock: tls.TLSSocket) -> None:
            async def answer() -> None:
                data = await collect(sock)
                sock.end(b"you said " + data)

            asyncio.ensure_future(answer())

        server = agent1_server(on_secure, allowHalfOpen=True)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1", "allowHalfOpen": True})
        await once(client, "secureConnect")
        client.end(b"ping")
        assert await collect(client) == b"you said ping"
        server.close()

    run_loop(main)


def test_unix_socket_path(tmp_path: Any) -> None:
    async def main() -> None:
        path = str(tmp_path / "tls.sock")
        server = agent1_server(lambda s: s.end(b"over unix"))
        await listening(server, path)
        assert server.address() == path
        client = tls.connect(path, {"ca": key("ca1-cert.pem"), "servername": "agent1"})
        assert await collect(client) == b"over unix"
        assert client.authorized
        server.close()

    run_loop(main)


def test_upgrade_existing_net_socket_and_python_socket() -> None:
    async def main() -> None:
        server = agent1_server(lambda s: s.end(b"upgraded"))
        port = await listening(server)
        plain = net.connect(port, "127.0.0.1")
        await once(plain, "connect")
        client = tls.connect({"socket": plain, "ca": key("ca1-cert.pem"),
                              "servername": "agent1"})
        assert await collect(client) == b"upgraded"

        raw = pysocket.create_connection(("127.0.0.1", port))
        client2 = tls.connect({"socket": raw, "ca": key("ca1-cert.pem"), "servername": "agent1"})
        assert await collect(client2) == b"upgraded"
        assert client2.authorized
        server.close()

    run_loop(main)


def test_tls_over_any_duplex_stream() -> None:
    """A TLSSocket over another TLSSocket: TLS in TLS, the inner one sees a generic Duplex."""
    async def main() -> None:
        inner_server = agent1_server(lambda s: s.end(b"inner"))

        def outer(sock: tls.TLSSocket) -> None:
            inner = tls.TLSSocket(sock, {"isServer": True, "server": inner_server,
                                         "secureContext": inner_server._secure_context})
            # a TLSSocket made by hand tells its own 'secure', not the server's
            # secureConnection (checked against Node 20)
            inner.on("secure", lambda: inner.end(b"inner"))
            inner.on("error", lambda e: None)

        server = agent1_server(outer)
        port = await listening(server)
        tunnel = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        await once(tunnel, "secureConnect")
        inside = tls.connect({"socket": tunnel, "ca": key("ca1-cert.pem"),
                              "servername": "agent1"})
        assert await collect(inside) == b"inner"
        assert inside.authorized
        server.close()

    run_loop(main)


def test_set_timeout_emits_timeout() -> None:
    async def main() -> None:
        server = agent1_server(lambda s: None)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1", "timeout": 80})
        await once(client, "secureConnect")
        assert client.timeout == 80
        await asyncio.wait_for(once(client, "timeout"), 2)
        client.destroy()
        server.close()

    run_loop(main)


def test_addresses_and_byte_counts() -> None:
    async def main() -> None:
        conn = asyncio.get_running_loop().create_future()
        server = agent1_server(lambda s: (conn.set_result(s), s.end(b"z" * 1000)))
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        await once(client, "secureConnect")
        assert client.remoteAddress == "127.0.0.1"
        assert client.remotePort == port
        assert client.remoteFamily == "IPv4"
        assert client.address()["port"] == client.localPort
        sock = await conn
        assert sock.remotePort == client.localPort
        await collect(client)
        # ciphertext counts: more than the 1000 plaintext bytes, handshake included
        assert client.bytesRead > 1000
        assert client.bytesWritten > 100
        server.close()

    run_loop(main)


def test_server_connections_count_and_close_callback() -> None:
    async def main() -> None:
        server = agent1_server(lambda s: None)
        port = await listening(server)
        clients = [tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
                   for _ in range(3)]
        await asyncio.gather(*(once(c, "secureConnect") for c in clients))
        counted = asyncio.get_running_loop().create_future()
        server.getConnections(lambda err, n: counted.set_result((err, n)))
        assert await counted == (None, 3)
        closed = asyncio.get_running_loop().create_future()
        server.close(lambda err: closed.set_result(err))
        for c in clients:
            c.end()
        assert await closed is None
        not_running = asyncio.get_running_loop().create_future()
        server.close(lambda err: not_running.set_result(err))
        assert (await not_running).code == "ERR_SERVER_NOT_RUNNING"

    run_loop(main)


def test_max_connections_drops_extra() -> None:
    async def main() -> None:
        server = agent1_server(lambda s: None)
        server.maxConnections = 1
        port = await listening(server)
        first = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        await once(first, "secureConnect")
        second = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        err = await once(second, "error")
        assert err.code == "ECONNRESET"
        first.destroy()
        server.close()

    run_loop(main)


def test_run_returns_when_nothing_is_left_open() -> None:
    log: list[str] = []

    def main() -> str:
        def on_secure(sock: tls.TLSSocket) -> None:
            sock.end(b"bye")
            server.close()

        server = agent1_server(on_secure)

        def on_listening() -> None:
            client = tls.connect(server.address()["port"], "127.0.0.1",
                                 {"ca": key("ca1-cert.pem"), "servername": "agent1"})
            client.on("data", lambda d: log.append(d.decode()))
            client.on("close", lambda had_error: log.append(f"close {had_error}"))

        server.listen(0, "127.0.0.1", on_listening)
        return "started"

    assert tls.run(main) == "started"
    assert log == ["bye", "close False"]


def test_unhandled_error_event_ends_run_with_the_error() -> None:
    def main() -> None:
        tls.connect(1, "127.0.0.1")  # nothing listens; nobody handles 'error'

    with pytest.raises(tls.NodeError) as info:
        tls.run(main)
    assert info.value.code == "ECONNREFUSED"


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_session_option_resumes(version: str) -> None:
    async def main() -> None:
        server = agent1_server(lambda s: s.end(b"x"), maxVersion=version)
        port = await listening(server)
        opts = {"ca": key("ca1-cert.pem"), "servername": "agent1"}
        first = tls.connect(port, "127.0.0.1", opts)
        await collect(first)  # TLS 1.3 tickets arrive after the handshake, with the data
        assert first.isSessionReused() is False
        session = first.getSession()
        assert isinstance(session, bytes) and session
        second = tls.connect(port, "127.0.0.1", {**opts, "session": session})
        await once(second, "secureConnect")
        assert second.isSessionReused() is True
        assert second.authorized is True
        assert second.getProtocol() == version
        garbage = tls.connect(port, "127.0.0.1", {**opts, "session": b"not a session"})
        await once(garbage, "secureConnect")
        assert garbage.isSessionReused() is False
        server.close()

    run_loop(main)


@pytest.mark.parametrize(("options", "code", "message"), [
    ({"port": "abc"}, "ERR_SOCKET_BAD_PORT", "Port should be >= 0 and < 65536"),
    ({"port": 99999}, "ERR_SOCKET_BAD_PORT", "Port should be >= 0 and < 65536"),
    ({"port": 1, "servername": 5}, "ERR_INVALID_ARG_TYPE",
     'The "name" argument must be a str'),
    ({"port": 1, "checkServerIdentity": 5}, "ERR_INVALID_ARG_TYPE",
     'The "options.checkServerIdentity" property must be a callable'),
    ({"port": 1, "session": "x"}, "ERR_INVALID_ARG_TYPE", "Session must be bytes-like (bytes, bytearray, memoryview)"),
    ({"port": 1, "timeout": "x"}, "ERR_INVALID_ARG_TYPE",
     'The "msecs" argument must be a number (int or float)'),
    ({"port": 1, "secureContext": {}}, "ERR_TLS_INVALID_CONTEXT",
     "context must be a SecureContext"),
    ({"port": 1, "ciphers": 5}, "ERR_INVALID_ARG_TYPE",
     'The "options.ciphers" property must be a str'),
    ({"port": 1, "minVersion": "TLSv9"}, "ERR_TLS_INVALID_PROTOCOL_VERSION",
     '"TLSv9" is not a valid minimum TLS protocol version'),
])
def test_connect_rejects_bad_options_at_once(options: dict[str, Any], code: str,
                                             message: str) -> None:
    async def main() -> None:
        with pytest.raises(tls.NodeError) as info:
            tls.connect(options)
        assert info.value.code == code
        assert info.value.message.startswith(message)

    run_loop(main)


@pytest.mark.parametrize(("options", "code", "message"), [
    ({"handshakeTimeout": "x"}, "ERR_INVALID_ARG_TYPE",
     'The "options.handshakeTimeout" property must be a number (int or float)'),
    ("x", "ERR_INVALID_ARG_TYPE", 'The "options" argument must be a dict'),
    ({"key": b"not a key", "cert": b"not a cert"}, "ERR_OSSL_PEM_NO_START_LINE", "error:"),
])
def test_create_server_rejects_bad_options_at_once(options: Any, code: str,
                                                   message: str) -> None:
    async def main() -> None:
        with pytest.raises(tls.NodeError) as info:
            tls.createServer(options)
        assert info.value.code == code
        assert info.value.message.startswith(message)

    run_loop(main)


def test_new_tls_socket_over_a_connected_net_socket_as_server() -> None:
    """``new TLSSocket(socket, {isServer: true, secureContext})`` on a plain net server."""
    async def main() -> None:
        context = tls.createSecureContext({"key": key("agent1-key.pem"),
                                           "cert": key("agent1-cert.pem")})

        def on_plain(sock: net.Socket) -> None:
            secure = tls.TLSSocket(sock, {"isServer": True, "secureContext": context})
            secure.on("secure", lambda: secure.end(b"wrapped by hand"))

        plain = net.createServer(on_plain)
        port = await listening(plain)
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        assert await collect(client) == b"wrapped by hand"
        closed = once(plain, "close")
        plain.close()
        await closed  # the plain socket closed with the TLS one: nothing left to wait for

    run_loop(main)


def test_certificate_accessors_and_servername_on_both_ends() -> None:
    async def main() -> None:
        conn = asyncio.get_running_loop().create_future()
        plain_connections: list[Any] = []
        server = agent1_server(lambda s: conn.set_result(s), requestCert=True,
                               rejectUnauthorized=False, ca=key("ca2-cert.pem"))
        server.on("connection", plain_connections.append)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {
            "ca": key("ca1-cert.pem"), "servername": "agent1",
            "key": key("agent4-key.pem"), "cert": key("agent4-cert.pem")})
        await once(client, "secureConnect")
        sock = await conn
        assert isinstance(plain_connections[0], net.Socket)
        assert not isinstance(plain_connections[0], tls.TLSSocket)
        assert client.servername == sock.servername == "agent1"
        assert client.encrypted is sock.encrypted is True
        # each side's own certificate is the other side's peer certificate
        assert client.getCertificate()["fingerprint256"] == \
            sock.getPeerCertificate()["fingerprint256"]
        assert sock.getCertificate()["fingerprint256"] == \
            client.getPeerCertificate()["fingerprint256"]
        # X509Certificate objects (Node's crypto.X509Certificate): the same DER both ways
        assert client.getX509Certificate().raw == sock.getPeerX509Certificate().raw
        assert sock.getX509Certificate().raw == client.getPeerX509Certificate().raw
        assert client.getPeerX509Certificate().subject.endswith(
            "\nCN=agent1\nemailAddress=ry@tinyclouds.org")
        client.destroy()
        await once(client, "close")
        assert client.getPeerCertificate() is None  # Node: null once closed
        assert client.getProtocol() is None
        server.close()

    run_loop(main)


def test_no_sni_without_servername() -> None:
    async def main() -> None:
        conn = asyncio.get_running_loop().create_future()
        server = agent1_server(lambda s: conn.set_result(s))
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        await once(client, "secureConnect")
        assert (await conn).servername is False
        assert client.servername is False
        client.destroy()
        server.close()

    run_loop(main)


def test_multi_key_server_serves_rsa_or_ec_by_client_sigalgs() -> None:
    async def main() -> None:
        server = tls.createServer({
            "key": [key("agent1-key.pem"), key("ec10-key.pem")],
            "cert": [key("agent1-cert.pem"), key("ec10-cert.pem")]}, lambda s: s.end())
        port = await listening(server)
        seen = {}
        for sigalgs in ("ECDSA+SHA256", "RSA-PSS+SHA256"):
            client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                      "sigalgs": sigalgs})
            await once(client, "secureConnect")
            cert = client.getPeerCertificate()
            seen[sigalgs] = ("nistCurve" in cert, "modulus" in cert)
            client.destroy()
        assert seen == {"ECDSA+SHA256": (True, False), "RSA-PSS+SHA256": (False, True)}
        server.close()

    run_loop(main)


def test_listen_on_a_busy_port_is_a_server_error() -> None:
    async def main() -> None:
        first = agent1_server()
        port = await listening(first)
        second = agent1_server()
        second.listen(port, "127.0.0.1")
        err = await once(second, "error")
        assert err.code == "EADDRINUSE"
        assert err.syscall == "listen"
        first.close()

    run_loop(main)


def test_pause_on_connect_holds_data_until_resume() -> None:
    async def main() -> None:
        conn = asyncio.get_running_loop().create_future()
        server = agent1_server(lambda s: conn.set_result(s), pauseOnConnect=True)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        await once(client, "secureConnect")
        client.end(b"held")
        sock = await conn
        got: list[bytes] = []
        sock.on("data", got.append)
        await asyncio.sleep(0.1)
        assert got == [] and sock.isPaused()
        ended = once(sock, "end")
        sock.resume()
        await ended
        assert b"".join(got) == b"held"
        server.close()

    run_loop(main)


def test_lookup_option_resolves_the_host_and_host_is_still_the_identity() -> None:
    """A custom ``lookup`` maps a name to 127.0.0.1; SNI/identity still use that name."""
    async def main() -> None:
        conn = asyncio.get_running_loop().create_future()
        server = agent1_server(lambda s: (conn.set_result(s.servername), s.end()))
        port = await listening(server)
        asked: list[tuple[str, Any]] = []

        def lookup(hostname: str, options: dict[str, Any], cb: Any) -> None:
            asked.append((hostname, options["family"]))
            asyncio.get_running_loop().call_soon(cb, None, "127.0.0.1", 4)

        client = tls.connect({"host": "agent1", "port": port, "lookup": lookup,
                              "ca": key("ca1-cert.pem"), "servername": "agent1"})
        looked = once(client, "lookup")
        await once(client, "secureConnect")
        assert await looked == (None, "127.0.0.1", 4, "agent1")
        assert asked == [("agent1", None)]  # Node 20 passes family: undefined
        assert client.authorized and await conn == "agent1"
        failing = tls.connect({"host": "nowhere.test", "port": port,
                               "lookup": lambda h, o, cb: cb(tls.NodeError("no", "ENOTFOUND"))})
        assert (await once(failing, "error")).code == "ENOTFOUND"
        with pytest.raises(tls.NodeError) as info:
            tls.connect({"port": port, "lookup": "dns"})
        assert info.value.code == "ERR_INVALID_ARG_TYPE"
        server.close()

    run_loop(main)


def test_message_observers_see_the_handshake_both_ways_and_their_errors_fail_it() -> None:
    async def main() -> None:
        server = agent1_server(lambda s: s.end())
        port = await listening(server)
        seen: list[tuple[bool, int]] = []

        def observe(sent: bool, version: int, content_type: int, data: bytes) -> None:
            if content_type == 22:  # handshake: data starts with the message type
                seen.append((sent, data[0]))

        # tls.connect: the engine starts once connected, so observers may still be added
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                 "servername": "agent1"})
        assert client._observe_messages(observe) is True
        await once(client, "secureConnect")
        assert (True, 1) in seen    # ClientHello sent
        assert (False, 2) in seen   # ServerHello received
        assert (False, 11) in seen  # Certificate received, although TLS 1.3 encrypts it
        # the connection has the message callback: one more observer can join
        assert client._observe_messages(observe) is True
        client.destroy()

        # a running connection without it gains it only where the binding has a per-SSL
        # setter (the shared backend); its close_notify is then seen going out
        plain = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                "servername": "agent1"})
        await once(plain, "secureConnect")
        alerts: list[bool] = []
        late = plain._observe_messages(lambda sent, _v, ctype, _d: ctype == 21
                                       and alerts.append(sent))
        assert late is backend.is_shared()
        plain.end()
        await once(plain, "close")
        assert (True in alerts) if late else alerts == []

        def broken(*args: Any) -> None:
            raise RuntimeError("observer failed")

        failing = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        failing._observe_messages(broken)
        err = await once(failing, "error")
        assert isinstance(err, RuntimeError) and str(err) == "observer failed"
        server.close()

    run_loop(main)


# -- tls.connect checks its options in Node's order ------------------------------------------

# Each entry: options (JSON, with "__NaN__"/"__-Infinity__" for those numbers), run through
# Node 20's tls.connect and nodessl's; the first failing check must be the same one.
CONNECT_ORDER = {
    "minDHSize_zero": {"minDHSize": 0},
    "minDHSize_negative": {"minDHSize": -1},
    "minDHSize_nan": {"minDHSize": "__NaN__"},
    "minDHSize_minus_infinity": {"minDHSize": "__-Infinity__"},
    "minDHSize_string": {"minDHSize": "1"},
    "minDHSize_null": {"minDHSize": None},
    "minDHSize_boolean": {"minDHSize": True},
    "minDHSize_object": {"minDHSize": {}},
    "minDHSize_before_port": {"minDHSize": 0, "port": 70000},
    "checkServerIdentity_before_minDHSize": {"checkServerIdentity": 1, "minDHSize": 0},
    "no_port": {},
    "bad_port": {"port": 70000},
    "ciphers_before_port": {"port": 70000, "ciphers": 1},
    "ca_before_port": {"port": 70000, "ca": 1},
    "minVersion_before_port": {"port": 70000, "minVersion": "x"},
    "sigalgs_before_port": {"port": 70000, "sigalgs": 1},
    "secureContext_before_port": {"port": 70000, "secureContext": {}},
    "secureContext_skips_context_options": {"port": 70000, "secureContext": {}, "ciphers": 1},
    "enableTrace_before_port": {"port": 70000, "enableTrace": "x"},
    "session_before_port": {"port": 70000, "session": 1},
    "pskCallback_before_port": {"port": 70000, "pskCallback": 1},
    "timeout_before_port": {"port": 70000, "timeout": "x"},
    "port_before_servername": {"port": 70000, "servername": 1},
    "port_before_lookup": {"port": 70000, "lookup": 1},
    "localAddress_before_port": {"port": 70000, "localAddress": "x"},
    "localPort": {"port": 1, "localPort": "x"},
    "session_before_servername": {"port": 1, "session": 1, "servername": 1},
    "servername": {"port": 1, "servername": 1},
    "timeout_negative": {"port": 1, "timeout": -1},
    "lookup_for_a_name": {"port": 1, "lookup": 1, "host": "example.invalid"},
    "lookup_ignored_for_an_address": {"port": 1, "lookup": 1, "host": "127.0.0.1"},
    "family": {"port": 1, "family": 5, "host": "example.invalid"},
    "path": {"path": 1},
    "port_string": {"port": "abc"},
    "port_boolean": {"port": True},
    "alpn_item": {"port": 1, "ALPNProtocols": [1]},
    "alpn_too_long": {"port": 1, "ALPNProtocols": ["a" * 256]},
}

# Where nodessl deliberately answers differently, and why.
CONNECT_DIFFERENCES = {
    # Node 20 checks these with internal assertions (ERR_INTERNAL_ASSERTION); later Node
    # validates them (validateFunction / validateNumber), whose codes nodessl gives, keeping
    # Node 20's words for minDHSize so either version's test matches
    # (a bare assert(typeof checkServerIdentity === 'function'): Node's text names no option)
    "ERR_INTERNAL_ASSERTION": {"This is caused by": "ERR_INVALID_ARG_TYPE",
                               "not a number": "ERR_INVALID_ARG_TYPE",
                               "not a positive number": "ERR_OUT_OF_RANGE"},
}

CONNECT_SCRIPT = r"""
const tls = require('tls');
const conv = (v) => ({'__NaN__': NaN, '__-Infinity__': -Infinity})[v] ?? v;
let input = '';
process.stdin.on('data', (d) => input += d).on('end', () => {
  const out = {};
  for (const [name, given] of Object.entries(JSON.parse(input))) {
    const opts = {};
    for (const k in given) opts[k] = conv(given[k]);
    try {
      const s = tls.connect(opts);
      s.on('error', () => {});
      s.destroy();
      out[name] = ['ok', ''];
    } catch (e) {
      out[name] = [e.code, e.message.split('\n')[0]];
    }
  }
  // a check that throws after connect() began leaves that socket connecting, in Node
  process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
});
"""


def _from_json(value: Any) -> Any:
    return {"__NaN__": float("nan"), "__-Infinity__": float("-inf")}.get(value, value) \
        if isinstance(value, str) else value


@pytest.fixture(scope="module")
def node_connect_checks() -> dict[str, list[str]]:
    from conftest import run_node

    return run_node(CONNECT_SCRIPT, CONNECT_ORDER)


def _expected_code(code: str, message: str) -> str:
    for fragment, ours in CONNECT_DIFFERENCES.get(code, {}).items():
        if fragment in message:
            return ours
    return code


@pytest.mark.parametrize("name", sorted(CONNECT_ORDER))
def test_connect_checks_options_in_nodes_order(name: str,
                                               node_connect_checks: dict[str, Any]) -> None:
    node_code, node_message = node_connect_checks[name]

    async def main() -> tuple[str, str]:
        try:
            sock = tls.connect({k: _from_json(v) for k, v in CONNECT_ORDER[name].items()})
        except tls.NodeError as err:
            return str(err.code), err.message
        sock.on("error", lambda err: None)
        sock.destroy()
        return "ok", ""

    code, message = run_loop(main)
    assert code == _expected_code(node_code, node_message)
    if node_code != "ERR_INTERNAL_ASSERTION" or "minDHSize" in node_message:
        # same words as Node, up to JavaScript's type names ("number" for int)
        assert message.replace("type int", "type number").replace("type str ", "type string ") \
            == python_words(node_message)


def test_min_dh_size_is_checked_before_the_port() -> None:
    """The issue's case: Node's later versions say ERR_OUT_OF_RANGE (a RangeError)."""
    async def main() -> None:
        with pytest.raises(ValueError) as info:
            tls.connect({"minDHSize": 0})
        assert info.value.code == "ERR_OUT_OF_RANGE"  # type: ignore[attr-defined]
        with pytest.raises(TypeError) as type_info:
            tls.connect({"minDHSize": "1", "port": 70000})
        assert type_info.value.code == "ERR_INVALID_ARG_TYPE"  # type: ignore[attr-defined]

    run_loop(main)


def test_connect_builds_its_context_through_the_module_attribute(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """As Node's tests replace ``tls.createSecureContext``, replacing
    ``nodessl.createSecureContext`` sees ``tls.connect`` call it with the options."""
    seen: list[dict[str, Any]] = []
    original = tls.createSecureContext

    def spy(options: Any = None) -> Any:
        seen.append(dict(options))
        return original(options)

    monkeypatch.setattr(tls, "createSecureContext", spy)

    async def main() -> None:
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")},
                                  lambda s: s.end(b"hi"))
        port = await listening(server)
        assert len(seen) == 1  # the server's context
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1"})
        assert len(seen) == 2 and seen[1]["ca"] == key("ca1-cert.pem")
        assert seen[1]["servername"] == "agent1" and seen[1]["port"] == port
        assert await collect(client) == b"hi"
        given = tls.createSecureContext({})
        assert len(seen) == 3
        with_context = tls.connect(port, "127.0.0.1", {"secureContext": given,
                                                        "rejectUnauthorized": False})
        assert len(seen) == 3  # a given context is used as it is
        assert await collect(with_context) == b"hi"
        server.close()

    run_loop(main)

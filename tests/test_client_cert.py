"""Client certificates (``requestCert``, ``rejectUnauthorized``): the cases of Node's
test-tls-server-verify.js and test-tls-client-verify.js not covered in test_socket.py.

Server agent1 trusting ca2; agent3 and agent4 are ca2's, ca2-crl.pem revokes agent4.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import collect, key, listening, once, run_loop

import nodessl as tls


def identity(name: str) -> dict[str, bytes]:
    return {"key": key(f"{name}-key.pem"), "cert": key(f"{name}-cert.pem")}


def ca2_server(**extra: Any) -> tuple[tls.Server, dict[str, list[Any]]]:
    seen: dict[str, list[Any]] = {"secure": [], "errors": []}

    def on_secure(sock: tls.TLSSocket) -> None:
        seen["secure"].append((sock.authorized, sock.authorizationError))
        sock.end(b"ok")

    server = tls.createServer({**identity("agent1"), "ca": key("ca2-cert.pem"), **extra},
                              on_secure)
    server.on("tlsClientError", lambda err, sock: seen["errors"].append(err))
    return server, seen


def test_crl_revokes_only_the_listed_certificate() -> None:
    async def main() -> None:
        server, seen = ca2_server(requestCert=True, rejectUnauthorized=False,
                                  crl=key("ca2-crl.pem"))
        port = await listening(server)
        for name in ("agent4", "agent3"):
            client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                      **identity(name)})
            assert await collect(client) == b"ok"
        assert seen["secure"] == [(False, "CERT_REVOKED"), (True, None)]
        server.close()

    run_loop(main)


def test_without_request_cert_a_client_certificate_is_ignored() -> None:
    async def main() -> None:
        peers: list[Any] = []
        server, seen = ca2_server()
        server.on("secureConnection", lambda s: peers.append(s.getPeerCertificate()))
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                  **identity("agent4")})
        assert await collect(client) == b"ok"
        assert seen["secure"] == [(False, None)]
        assert peers == [{}]  # never asked for, never sent
        server.close()

    run_loop(main)


def test_trusted_client_certificate_with_reject() -> None:
    async def main() -> None:
        server, seen = ca2_server(requestCert=True)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1", **identity("agent4")})
        assert await collect(client) == b"ok"
        assert client.authorized is True
        assert seen == {"secure": [(True, None)], "errors": []}
        server.close()

    run_loop(main)


@pytest.mark.parametrize(("version", "client_sees"), [
    # TLS 1.3: the client is done before the server judges its certificate
    ("TLSv1.3", "end"),
    ("TLSv1.2", "ECONNRESET"),
])
def test_untrusted_client_certificate_with_reject_is_dropped(version: str,
                                                             client_sees: str) -> None:
    async def main() -> None:
        server, seen = ca2_server(requestCert=True)
        port = await listening(server)
        events: list[str] = []
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                  "maxVersion": version, **identity("agent1")})
        client.on("secureConnect", lambda: events.append("secureConnect"))
        client.on("end", lambda: events.append("end"))
        client.on("error", lambda err: events.append(err.code))
        server_error = once(server, "tlsClientError")
        await once(client, "close")
        err, sock = await server_error
        assert (err.code, err.message) == ("ECONNRESET", "socket hang up")
        assert isinstance(sock, tls.TLSSocket)
        assert seen["secure"] == []
        assert events[-1] == client_sees
        assert ("secureConnect" in events) is (version == "TLSv1.3")
        server.close()

    run_loop(main)


@pytest.mark.parametrize(("version", "code"), [
    ("TLSv1.3", "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"),
    # Node 20's name on every OpenSSL (OpenSSL 4 calls it "tls alert handshake failure")
    ("TLSv1.2", "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"),
])
def test_missing_client_certificate_alert_reaches_the_client(version: str, code: str) -> None:
    async def main() -> None:
        server, seen = ca2_server(requestCert=True)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                  "maxVersion": version})
        connected: list[bool] = []
        client.on("secureConnect", lambda: connected.append(True))
        closed = once(client, "close")
        err = await once(client, "error")
        await closed
        assert err.code == code
        # the TLS 1.3 client finished its handshake before the server refused it
        assert connected == ([True] if version == "TLSv1.3" else [])
        assert [e.code for e in seen["errors"]] == ["ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE"]
        server.close()

    run_loop(main)

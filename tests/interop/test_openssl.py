"""nodessl against the ``openssl`` command line: s_client to our server, our client to s_server."""

from __future__ import annotations

import asyncio
import re

import pytest
from conftest import collect, key, listening, once, run_loop, s_client, s_server

import nodessl as tls


@pytest.mark.parametrize(("version_flag", "protocol"), [("-tls1_3", "TLSv1.3"),
                                                        ("-tls1_2", "TLSv1.2")])
def test_s_client_to_nodessl_server(version_flag: str, protocol: str) -> None:
    async def main() -> None:
        seen = {}

        def on_secure(sock: tls.TLSSocket) -> None:
            seen["protocol"] = sock.getProtocol()
            seen["cipher"] = sock.getCipher()["name"]
            sock.on("data", lambda data: sock.end(b"echo: " + data))

        server = tls.createServer({"key": key("agent1-key.pem"),
                                   "cert": key("agent1-cert.pem")}, on_secure)
        port = await listening(server)
        out, err = await s_client(port, "-brief", version_flag, "-CAfile", "ca1-cert.pem",
                                  "-verify_return_error", "-servername", "agent1",
                                  "-ign_eof", stdin=b"echo me\n")
        server.close()
        assert "Verification: OK" in err
        assert f"Protocol version: {protocol}" in err
        assert re.search(r"Ciphersuite: " + re.escape(seen["cipher"]), err)
        assert seen["protocol"] == protocol
        assert "echo: echo me" in out

    run_loop(main)


def test_s_client_with_client_certificate() -> None:
    async def main() -> None:
        seen = {}

        def on_secure(sock: tls.TLSSocket) -> None:
            seen["authorized"] = sock.authorized
            seen["cn"] = sock.getPeerCertificate()["subject"]["CN"]
            sock.end()

        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "requestCert": True, "ca": key("ca2-cert.pem")}, on_secure)
        port = await listening(server)
        await s_client(port, "-brief", "-cert", "agent4-cert.pem", "-key", "agent4-key.pem")
        server.close()
        assert seen == {"authorized": True, "cn": "agent4"}

    run_loop(main)


@pytest.mark.parametrize("max_version", ["TLSv1.3", "TLSv1.2"])
def test_nodessl_client_to_s_server(max_version: str) -> None:
    async def main() -> None:
        proc, port = await s_server("-cert", "agent1-cert.pem", "-key", "agent1-key.pem", "-rev")
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                  "servername": "agent1",
                                                  "maxVersion": max_version})
        await once(client, "secureConnect")
        assert client.authorized is True
        assert client.getProtocol() == max_version
        assert client.getPeerCertificate()["subject"]["CN"] == "agent1"
        client.write(b"hello\n")
        data = await asyncio.wait_for(once(client, "data"), 5)
        assert data.strip() == b"olleh"
        client.end()
        await collect(client)
        proc.kill()
        await proc.wait()

    run_loop(main)


def test_nodessl_client_rejects_s_server_self_signed() -> None:
    async def main() -> None:
        proc, port = await s_server("-cert", "agent2-cert.pem", "-key", "agent2-key.pem")
        client = tls.connect(port, "127.0.0.1")
        err = await once(client, "error")
        assert err.code == "DEPTH_ZERO_SELF_SIGNED_CERT"
        proc.kill()
        await proc.wait()

    run_loop(main)


def test_s_client_garbage_does_not_stop_the_server() -> None:
    async def main() -> None:
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")},
                                  lambda s: s.end(b"fine\n"))
        errors = []
        server.on("tlsClientError", lambda e, s: errors.append(e.code))
        port = await listening(server)
        # s_client limited to TLS 1.0 meets a server whose minimum is TLS 1.2
        _, err = await s_client(port, "-tls1", "-cipher", "DEFAULT@SECLEVEL=0")
        out, err2 = await s_client(port, "-brief", "-CAfile", "ca1-cert.pem", "-ign_eof")
        server.close()
        assert errors and errors[0] in ("ERR_SSL_UNSUPPORTED_PROTOCOL",
                                        "ERR_SSL_NO_PROTOCOLS_AVAILABLE")
        assert "fine" in out

    run_loop(main)

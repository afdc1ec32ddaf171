"""Handshake facts on nodessl ↔ nodessl: exportKeyingMaterial, getFinished/getPeerFinished,
getSharedSigalgs and setMaxSendFragment."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import collect, key, listening, once, run_loop

import nodessl as tls

AGENT1 = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
CLIENT = {"ca": key("ca1-cert.pem"), "servername": "agent1"}


async def pair(server_opts: dict[str, Any] | None = None,
               client_opts: dict[str, Any] | None = None
               ) -> tuple[tls.Server, tls.TLSSocket, tls.TLSSocket]:
    """(server, client, server-side socket), both secure."""
    accepted: asyncio.Future[tls.TLSSocket] = asyncio.get_running_loop().create_future()
    server = tls.createServer({**AGENT1, **(server_opts or {})}, accepted.set_result)
    port = await listening(server)
    client = tls.connect(port, "127.0.0.1", {**CLIENT, **(client_opts or {})})
    await once(client, "secureConnect")
    return server, client, await accepted


# -- exportKeyingMaterial ------------------------------------------------------------------

@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_export_keying_material_agrees_on_both_ends(version: str) -> None:
    async def main() -> None:
        server, client, conn = await pair({"maxVersion": version})
        mine = client.exportKeyingMaterial(128, "EXPERIMENTAL-nodessl")
        assert isinstance(mine, bytes) and len(mine) == 128
        assert conn.exportKeyingMaterial(128, "EXPERIMENTAL-nodessl") == mine
        with_context = client.exportKeyingMaterial(128, "EXPERIMENTAL-nodessl", b"ctx")
        assert with_context != mine
        assert conn.exportKeyingMaterial(128, "EXPERIMENTAL-nodessl", b"ctx") == with_context
        empty = client.exportKeyingMaterial(16, "EXPERIMENTAL-nodessl", b"")
        assert empty == conn.exportKeyingMaterial(16, "EXPERIMENTAL-nodessl", b"")
        client.destroy()
        server.close()

    run_loop(main)


def test_reserved_label_under_tls12_is_an_openssl_error() -> None:
    async def main() -> None:
        server, client, _ = await pair({"maxVersion": "TLSv1.2"})
        with pytest.raises(tls.NodeError) as info:
            client.exportKeyingMaterial(128, "client finished")
        assert info.value.code == "ERR_SSL_TLS_ILLEGAL_EXPORTER_LABEL"
        client.destroy()
        server.close()

    run_loop(main)


@pytest.mark.parametrize(("args", "code", "message"), [
    ((128, "x", "str"), "ERR_INVALID_ARG_TYPE",
     'The "context" argument must be bytes-like (bytes, bytearray, memoryview).'),
    ((128, "x", 5), "ERR_INVALID_ARG_TYPE", 'The "context" argument must be bytes-like'),
    ((128, None), "ERR_INVALID_ARG_TYPE", 'The "label" argument must be a str.'),
    ((128, 5), "ERR_INVALID_ARG_TYPE", 'The "label" argument must be a str.'),
    ((128, b"ab"), "ERR_INVALID_ARG_TYPE", 'The "label" argument must be a str.'),
    (("10", "x"), "ERR_INVALID_ARG_TYPE", 'The "length" argument must be a number (int or float).'),
    ((True, "x"), "ERR_INVALID_ARG_TYPE", 'The "length" argument must be a number (int or float).'),
    ((-3, "x"), "ERR_OUT_OF_RANGE", 'The value of "length" is out of range. '
     "It must be >= 1 && <= 4294967295. Received -3"),
    ((0, "x"), "ERR_OUT_OF_RANGE", "It must be >= 1 && <= 4294967295. Received 0"),
    ((2**32, "x"), "ERR_OUT_OF_RANGE", "It must be >= 1 && <= 4294967295. Received 4294967296"),
    ((1.5, "x"), "ERR_OUT_OF_RANGE", "It must be an integer. Received 1.5"),
    ((float("nan"), "x"), "ERR_OUT_OF_RANGE", "It must be an integer. Received NaN"),
])
def test_export_keying_material_argument_errors(args: tuple[Any, ...], code: str,
                                                message: str) -> None:
    async def main() -> None:
        server, client, _ = await pair()
        for sock in (client, tls.TLSSocket()):  # arguments are checked before the state
            with pytest.raises(tls.NodeError) as info:
                sock.exportKeyingMaterial(*args)
            assert info.value.code == code and message in info.value.message
        client.destroy()
        server.close()

    run_loop(main)


def test_export_keying_material_before_secure() -> None:
    async def main() -> None:
        server = tls.createServer(AGENT1, lambda s: s.end())
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", CLIENT)
        with pytest.raises(tls.NodeError) as info:
            client.exportKeyingMaterial(10, "x")
        assert info.value.code == "ERR_TLS_INVALID_STATE"
        assert info.value.message == "TLS socket connection must be securely established"
        assert isinstance(info.value, Exception) and not isinstance(info.value, TypeError)
        await collect(client)
        server.close()

    run_loop(main)


# -- getFinished / getPeerFinished -------------------------------------------------------

@pytest.mark.parametrize(("version", "length"), [("TLSv1.3", 48), ("TLSv1.2", 12)])
def test_finished_messages_cross_over(version: str, length: int) -> None:
    async def main() -> None:
        server = tls.createServer({**AGENT1, "maxVersion": version})
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", CLIENT)
        assert client.getFinished() is None and client.getPeerFinished() is None
        conn_fut = once(server, "secureConnection")
        await once(client, "secureConnect")
        conn = await conn_fut
        assert len(client.getFinished()) == length
        assert client.getFinished() == conn.getPeerFinished()
        assert client.getPeerFinished() == conn.getFinished()
        assert client.getFinished() != client.getPeerFinished()
        client.destroy()
        await once(client, "close")
        assert client.getFinished() is None and client.getPeerFinished() is None
        server.close()

    run_loop(main)


# -- getSharedSigalgs --------------------------------------------------------------------

MUTUAL = ({"requestCert": True, "ca": key("ca1-cert.pem")},
          {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")})


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
@pytest.mark.parametrize(("client_sigalgs", "server_sigalgs", "shared"), [
    ("RSA-PSS+SHA384", "RSA-PSS+SHA384", ["RSA-PSS+SHA384"]),
    ("RSA-PSS+SHA256:RSA-PSS+SHA512:ECDSA+SHA256", "RSA-PSS+SHA256:ECDSA+SHA256",
     ["RSA-PSS+SHA256", "ECDSA+SHA256"]),
    # a server honours its own order; a client takes the server's
    ("ECDSA+SHA256:RSA-PSS+SHA256", "RSA-PSS+SHA256:ECDSA+SHA256",
     ["RSA-PSS+SHA256", "ECDSA+SHA256"]),
])
def test_shared_sigalgs_with_mutual_auth(version: str, client_sigalgs: str,
                                         server_sigalgs: str, shared: list[str]) -> None:
    async def main() -> None:
        server_opts, client_opts = MUTUAL
        server, client, conn = await pair(
            {**server_opts, "sigalgs": server_sigalgs, "maxVersion": version},
            {**client_opts, "sigalgs": client_sigalgs})
        assert conn.authorized is True
        assert conn.getSharedSigalgs() == shared
        assert client.getSharedSigalgs() == shared
        client.destroy()
        server.close()

    run_loop(main)


def test_shared_sigalgs_by_default() -> None:
    async def main() -> None:
        assert tls.TLSSocket().getSharedSigalgs() == []
        server, client, conn = await pair()
        names = conn.getSharedSigalgs()
        assert "RSA-PSS+SHA256" in names and "Ed25519+UNDEF" in names
        assert "ECDSA+SHA256" in names and not any(n.startswith("DSA+") for n in names)
        assert client.getSharedSigalgs() == []  # no CertificateRequest
        client.destroy()
        server.close()

    run_loop(main)


def test_no_shared_sigalgs_fails_the_handshake() -> None:
    async def main() -> None:
        server = tls.createServer({**AGENT1, "sigalgs": "RSA-PSS+SHA256"})
        errors: list[Any] = []
        server.on("tlsClientError", lambda e, s: errors.append(e.code))
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {**CLIENT, "sigalgs": "ECDSA+SHA256"})
        err = await once(client, "error")
        assert "HANDSHAKE_FAILURE" in err.code
        assert errors == ["ERR_SSL_NO_SHARED_SIGNATURE_ALGORITHMS"]
        server.close()

    run_loop(main)


# -- setMaxSendFragment ------------------------------------------------------------------

def test_set_max_send_fragment_values() -> None:
    async def main() -> None:
        sock = tls.TLSSocket()
        assert [sock.setMaxSendFragment(n) for n in (511, 512, 768, 16384, 16385, 0, -1)] == [
            False, True, True, True, False, False, False]
        for bad in ("1", None, True):
            with pytest.raises(tls.NodeError) as info:
                sock.setMaxSendFragment(bad)
            assert info.value.code == "ERR_INVALID_ARG_TYPE"
            assert info.value.message.startswith('The "size" argument must be a number (int or float)')
        with pytest.raises(tls.NodeError) as info:
            sock.setMaxSendFragment(1000.5)
        assert info.value.code == "ERR_OUT_OF_RANGE"
        assert info.value.message.endswith("It must be an integer. Received 1000.5")

    run_loop(main)


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_max_send_fragment_limits_records(version: str) -> None:
    async def main() -> None:
        payload = bytes(range(256)) * 40  # 10240 bytes

        def on_secure(sock: tls.TLSSocket) -> None:
            assert sock.setMaxSendFragment(768) is True
            engine = sock._engine
            # shared: OpenSSL's SSL_set_max_send_fragment, SSL_write takes the payload whole;
            # bundled: the engine cuts the plaintext itself
            assert (engine._write_records == engine._io.write) is tls.backend.is_shared()
            sock.end(payload)

        server = tls.createServer({**AGENT1, "maxVersion": version}, on_secure)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", CLIENT)
        # the client sees every record header; TLS 1.3 disguises its encrypted handshake
        # as application data, so there only records after secureConnect count
        records: list[int] = []
        tls13 = version == "TLSv1.3"
        client._observe_messages(lambda sent, v, ct, data: records.append(
            int.from_bytes(data[3:5], "big")) if (client._secureEstablished or not tls13)
            and not sent and ct == 256 and data[0] == 23 else None)
        chunks: list[bytes] = []
        client.on("data", chunks.append)
        await once(client, "end")
        assert b"".join(chunks) == payload
        assert max(len(c) for c in chunks) <= 768 and len(chunks) >= 14
        overhead = 17 if tls13 else 24  # inner type + tag / explicit nonce + tag
        assert records and max(records) <= 768 + overhead
        client.destroy()
        server.close()

    run_loop(main)

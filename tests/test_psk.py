"""TLS-PSK between nodessl ends: ``pskCallback`` on both sides, ``pskIdentityHint``.

Modelled on Node's test-tls-psk-circuit.js and test-tls-psk-errors.js: a server
without a certificate, a client that needs no certificate check, keys of 16 and
128 bytes, and every way a callback can fail.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import collect, key, listening, once, run_loop

import nodessl as tls

USERS = {"TestUser": bytes.fromhex("d731ef57be09e5204f0b205b60627028"),
         "BigUser": bytes(range(128))}
CIPHERS = "PSK+HIGH:TLS_AES_128_GCM_SHA256"


def psk_server(**extra: Any) -> tuple[tls.Server, dict[str, list[Any]]]:
    """A certificate-less PSK server that echoes; records what its callback and events see."""
    seen: dict[str, list[Any]] = {"identities": [], "secure": [], "errors": []}

    def lookup(sock: tls.TLSSocket, identity: str) -> bytes | None:
        seen["identities"].append((isinstance(sock, tls.TLSSocket), identity))
        return USERS.get(identity)

    def on_secure(sock: tls.TLSSocket) -> None:
        seen["secure"].append(sock)
        seen.setdefault("protocols", []).append(sock.getProtocol())
        sock.pipe(sock)

    server = tls.createServer({"ciphers": CIPHERS, "pskIdentityHint": "TestServer",
                               "pskCallback": lookup, **extra}, on_secure)
    server.on("tlsClientError", lambda err, sock: seen["errors"].append(err))
    return server, seen


def psk_client(port: int, identity: str = "TestUser", psk: bytes | None = None,
               hints: list[Any] | None = None, **extra: Any) -> tls.TLSSocket:
    def callback(hint: str | None) -> dict[str, Any]:
        if hints is not None:
            hints.append(hint)
        return {"psk": psk if psk is not None else USERS[identity], "identity": identity}

    return tls.connect(port, "127.0.0.1", {"ciphers": CIPHERS, "pskCallback": callback,
                                           "checkServerIdentity": lambda *a: None, **extra})


async def client_error(client: tls.TLSSocket) -> Any:
    closed = once(client, "close")
    err = await once(client, "error")
    await closed
    return err


@pytest.mark.parametrize("identity", ["TestUser", "BigUser"])
@pytest.mark.parametrize(("options", "protocol", "cipher", "hint"), [
    ({}, "TLSv1.3", "TLS_AES_128_GCM_SHA256", None),
    ({"minVersion": "TLSv1.3"}, "TLSv1.3", "TLS_AES_128_GCM_SHA256", None),
    ({"maxVersion": "TLSv1.2"}, "TLSv1.2", "PSK", "TestServer"),
    ({"maxVersion": "TLSv1.2", "ciphers": "ECDHE-PSK-CHACHA20-POLY1305"}, "TLSv1.2",
     "ECDHE-PSK-CHACHA20-POLY1305", "TestServer"),
])
def test_psk_handshake_echoes_data(identity: str, options: dict[str, Any], protocol: str,
                                   cipher: str, hint: str | None) -> None:
    async def main() -> None:
        server, seen = psk_server()
        port = await listening(server)
        hints: list[Any] = []
        client = psk_client(port, identity, hints=hints, **options)
        await once(client, "secureConnect")
        assert client.getProtocol() == protocol
        name = client.getCipher()["name"]
        # 'PSK+HIGH' without dhparam: ECDHE-PSK, as Node 20 picks (no DHE-PSK over ffdhe)
        assert name == cipher or cipher == "PSK" and name.startswith("ECDHE-PSK-")
        assert client.authorized is True  # a PSK handshake counts as verified (as Node)
        assert client.authorizationError is None
        assert client.getPeerCertificate() == {}
        assert hints[-1] == hint  # TLS 1.3 has no hint
        client.end(b"x" * 1000)
        assert await collect(client) == b"x" * 1000
        sock = seen["secure"][0]
        assert seen["identities"] == [(True, identity)]
        assert seen["protocols"] == [protocol]
        assert sock.authorized is False and sock.authorizationError is None  # no requestCert
        assert seen["errors"] == []
        server.close()

    run_loop(main)


@pytest.mark.parametrize(("version", "authorized"), [("TLSv1.3", True), ("TLSv1.2", False)])
def test_default_identity_check_without_a_certificate(version: str, authorized: bool) -> None:
    """TLS 1.3 PSK looks like a resumption, so Node skips checkServerIdentity; under TLS 1.2
    the default check finds no name in the (missing) certificate."""
    async def main() -> None:
        server, _ = psk_server()
        port = await listening(server)
        lax = tls.connect(port, "127.0.0.1", {
            "ciphers": CIPHERS, "maxVersion": version, "rejectUnauthorized": False,
            "pskCallback": lambda hint: {"psk": USERS["TestUser"], "identity": "TestUser"}})
        await once(lax, "secureConnect")
        assert lax.authorized is authorized
        if not authorized:
            assert lax.authorizationError == "ERR_TLS_CERT_ALTNAME_INVALID"
            strict = tls.connect(port, "127.0.0.1", {
                "ciphers": CIPHERS, "maxVersion": version,
                "pskCallback": lambda hint: {"psk": USERS["TestUser"], "identity": "TestUser"}})
            assert (await client_error(strict)).code == "ERR_TLS_CERT_ALTNAME_INVALID"
        lax.destroy()
        server.close()

    run_loop(main)


# Node 20's codes on every OpenSSL (checked against node v20 on OpenSSL 3.0.19): OpenSSL 4's
# renamed alert reasons are reported by their 3.0 names and the server's alert for a bad
# binder is illegal_parameter, as Node's server sends.
@pytest.mark.parametrize(("version", "identity", "psk", "client_code", "server_code"), [
    ("TLSv1.3", "Unknown", USERS["TestUser"], "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
     "ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM"),
    ("TLSv1.2", "Unknown", USERS["TestUser"], "ERR_SSL_TLSV1_ALERT_UNKNOWN_PSK_IDENTITY",
     "ERR_SSL_PSK_IDENTITY_NOT_FOUND"),
    ("TLSv1.3", "TestUser", bytes(16), "ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER",
     "ERR_SSL_BINDER_DOES_NOT_VERIFY"),
    ("TLSv1.2", "TestUser", bytes(16), "ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC",
     "ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC"),
])
def test_unknown_identity_or_wrong_key_fails_with_openssl_alerts(
        version: str, identity: str, psk: bytes, client_code: str, server_code: str) -> None:
    async def main() -> None:
        server, seen = psk_server()
        port = await listening(server)
        client = psk_client(port, identity, psk, maxVersion=version)
        assert (await client_error(client)).code == client_code
        assert [e.code for e in seen["errors"]] == [server_code]
        assert seen["secure"] == []
        server.close()

    run_loop(main)


def test_option_validation() -> None:
    async def main() -> None:
        with pytest.raises(tls.NodeError) as info:
            tls.createServer({"pskCallback": "nope"})
        assert info.value.code == "ERR_INVALID_ARG_TYPE"
        assert info.value.message.startswith(
            'The "options.pskCallback" property must be a callable.')
        with pytest.raises(tls.NodeError) as info:
            tls.createServer({"pskCallback": lambda s, i: None, "pskIdentityHint": 5})
        assert info.value.code == "ERR_INVALID_ARG_TYPE"
        assert info.value.message.startswith(
            'The "options.pskIdentityHint" property must be a str.')
        with pytest.raises(tls.NodeError) as info:
            tls.connect(1, "127.0.0.1", {"pskCallback": "nope"})
        assert info.value.code == "ERR_INVALID_ARG_TYPE"
        assert info.value.message.startswith('The "pskCallback" argument must be a callable.')


    run_loop(main)


def _boom(*args: Any) -> Any:
    raise ValueError("boom")


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
@pytest.mark.parametrize(("callback", "code", "message"), [
    (lambda hint: {"psk": "not bytes", "identity": "TestUser"}, "ERR_INVALID_ARG_TYPE",
     'The "psk" argument must be bytes-like (bytes, bytearray, memoryview).'),
    (lambda hint: {"psk": USERS["TestUser"], "identity": 5}, "ERR_INVALID_ARG_TYPE",
     'The "identity" argument must be a str.'),
    (lambda hint: "a string", "ERR_INVALID_ARG_TYPE",
     'The "ret" argument must be a dict.'),
    (lambda hint: {"psk": bytes(513), "identity": "TestUser"}, "ERR_INVALID_ARG_VALUE",
     "The argument 'psk' Pre-shared key exceeds 512 bytes."),
    (_boom, None, "boom"),
])
def test_bad_client_callback_is_the_client_error(callback: Any, code: str | None, message: str,
                                                 version: str) -> None:
    async def main() -> None:
        server, seen = psk_server()
        port = await listening(server)
        server_error = once(server, "tlsClientError")
        client = tls.connect(port, "127.0.0.1", {
            "ciphers": CIPHERS, "maxVersion": version, "pskCallback": callback,
            "checkServerIdentity": lambda *a: None})
        err = await client_error(client)
        assert getattr(err, "code", None) == code
        assert str(err).startswith(message)
        # as in Node, the client sends no alert: the server sees the connection go
        assert (await server_error)[0].code == "ECONNRESET"
        assert seen["secure"] == []
        server.close()

    run_loop(main)


def test_client_callback_returning_none_offers_no_psk() -> None:
    async def main() -> None:
        server, seen = psk_server()
        port = await listening(server)
        for version, code in [("TLSv1.3", "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"),
                              ("TLSv1.2", "ERR_SSL_PSK_IDENTITY_NOT_FOUND")]:
            client = tls.connect(port, "127.0.0.1", {
                "ciphers": CIPHERS, "maxVersion": version, "pskCallback": lambda hint: None,
                "checkServerIdentity": lambda *a: None})
            assert (await client_error(client)).code == code
        assert seen["identities"] == [] and seen["secure"] == []
        server.close()

    run_loop(main)


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
@pytest.mark.parametrize(("callback", "code", "message"), [
    (lambda sock, identity: "a string", "ERR_INVALID_ARG_TYPE",
     'The "ret" argument must be bytes-like (bytes, bytearray, memoryview) or a dict.'),
    (lambda sock, identity: {"psk": "x"}, "ERR_INVALID_ARG_TYPE",
     'The "psk" argument must be bytes-like (bytes, bytearray, memoryview).'),
    (_boom, None, "boom"),
])
def test_bad_server_callback_is_a_tls_client_error(callback: Any, code: str | None,
                                                   message: str, version: str) -> None:
    async def main() -> None:
        server, seen = psk_server(pskCallback=callback)
        port = await listening(server)
        client = psk_client(port, maxVersion=version)
        err = await client_error(client)
        assert err.code == "ECONNRESET"  # Node sends no alert either
        assert len(seen["errors"]) == 1
        assert getattr(seen["errors"][0], "code", None) == code
        assert str(seen["errors"][0]).startswith(message)
        assert seen["secure"] == []
        # the server keeps serving
        good = tls.createServer({"ciphers": CIPHERS, "pskCallback": lambda s, i: USERS[i]},
                                lambda s: s.end(b"fine"))
        good_port = await listening(good)
        assert await collect(psk_client(good_port, maxVersion=version)) == b"fine"
        good.close()
        server.close()

    run_loop(main)


def test_server_callback_may_return_a_psk_object() -> None:
    async def main() -> None:
        server, seen = psk_server(pskCallback=lambda sock, identity: {"psk": USERS[identity]})
        port = await listening(server)
        client = psk_client(port)
        client.end(b"object")
        assert await collect(client) == b"object"
        server.close()

    run_loop(main)


def test_identity_hint_openssl_refuses_is_a_tls_client_error() -> None:
    async def main() -> None:
        server, seen = psk_server(pskIdentityHint="a" * 512)
        port = await listening(server)
        err = await client_error(psk_client(port))
        assert err.code == "ECONNRESET"
        assert [(e.code, e.message) for e in seen["errors"]] == [
            ("ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED", "Failed to set PSK identity hint")]
        server.close()

    run_loop(main)


def test_psk_with_a_certificate_server_and_only_psk_clients_using_it() -> None:
    """One server, two kinds of clients: PSK ones and certificate-checking ones."""
    async def main() -> None:
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "ciphers": CIPHERS, "pskCallback": lambda s, i: USERS.get(i)},
                                  lambda s: s.end(s.getProtocol()))
        port = await listening(server)
        assert await collect(psk_client(port)) == b"TLSv1.3"
        plain = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                "servername": "agent1"})
        await once(plain, "secureConnect")
        assert plain.authorized is True
        assert plain.getPeerCertificate()["subject"]["CN"] == "agent1"
        assert await collect(plain) == b"TLSv1.3"
        server.close()

    run_loop(main)


@pytest.mark.parametrize(("cipher", "info"), [
    ("DHE-PSK-AES256-GCM-SHA384", {"type": "DH", "size": 2048}),
    ("ECDHE-PSK-CHACHA20-POLY1305", {"type": "ECDH", "name": "X25519", "size": 253}),
    ("PSK-AES128-GCM-SHA256", {}),
])
def test_ephemeral_key_of_psk_suites(cipher: str, info: dict[str, Any]) -> None:
    """A DHE-PSK ServerKeyExchange starts with the identity hint, before the DH prime.
    DHE needs the server's `dhparam`, as in Node 20."""
    async def main() -> None:
        server, _ = psk_server(ciphers=cipher,
                               **({"dhparam": "auto"} if cipher.startswith("DHE") else {}))
        port = await listening(server)
        client = psk_client(port, maxVersion="TLSv1.2", ciphers=cipher)
        await once(client, "secureConnect")
        assert client.getCipher()["name"] == cipher
        assert client.getEphemeralKeyInfo() == info
        client.destroy()
        server.close()

    run_loop(main)

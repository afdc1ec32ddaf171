"""SNI (SNICallback, addContext, servername, setSecureContext) and OCSP stapling
(OCSPRequest, requestOCSP, OCSPResponse), nodessl to nodessl on 127.0.0.1."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pytest
from conftest import key, listening, once, run_loop
from cryptography.x509 import ocsp
from ocsp_fixtures import cert, der, ocsp_response

import nodessl as tls
from nodessl import net, openssl

AGENT1 = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
AGENT2 = {"key": key("agent2-key.pem"), "cert": key("agent2-cert.pem")}
AGENT3 = {"key": key("agent3-key.pem"), "cert": key("agent3-cert.pem")}


async def handshake(server: Any, **client_opts: Any) -> dict[str, Any]:
    """Connect to ``server``; what both ends saw (events in order, errors, names, certs)."""
    seen: dict[str, Any] = {"client_events": [], "server_errors": []}
    done = asyncio.get_running_loop().create_future()

    def on_secure(s: Any) -> None:
        seen["server_servername"] = s.servername
        seen["server_authorized"] = s.authorized
        s.end()

    server.on("secureConnection", on_secure)
    server.on("tlsClientError", lambda e, s: seen["server_errors"].append(e))
    port = await listening(server)
    client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False, **client_opts})
    events = seen["client_events"]
    client.on("OCSPResponse", lambda r: events.append(("OCSPResponse", r)))

    def on_connect() -> None:
        events.append(("secureConnect",))
        seen["servername"] = client.servername
        seen["cn"] = client.getPeerCertificate()["subject"]["CN"]
        seen["authorizationError"] = client.authorizationError

    client.on("secureConnect", on_connect)
    client.on("error", lambda e: seen.setdefault("client_error", e))
    client.on("close", lambda *a: done.done() or done.set_result(None))
    client.resume()
    await done
    server.close()
    return seen


# -- OCSP stapling -----------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["TLSv1.2", "TLSv1.3"])
def test_ocsp_response_stapled_asynchronously(version: str) -> None:
    async def main() -> None:
        requests: list[tuple[bytes, bytes | None]] = []
        server = tls.createServer({**AGENT1, "ca": key("ca1-cert.pem")})
        response = ocsp_response()

        def on_request(certificate: bytes, issuer: bytes | None, callback: Any) -> None:
            requests.append((certificate, issuer))
            asyncio.get_running_loop().call_later(0.05, callback, None, response)

        server.on("OCSPRequest", on_request)
        seen = await handshake(server, requestOCSP=True, maxVersion=version)
        assert requests == [(der("agent1"), der("ca1"))]
        assert [e[0] for e in seen["client_events"]] == ["OCSPResponse", "secureConnect"]
        stapled = seen["client_events"][0][1]
        assert stapled == response
        parsed = ocsp.load_der_ocsp_response(stapled)
        assert parsed.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
        assert parsed.certificate_status == ocsp.OCSPCertStatus.GOOD
        assert parsed.serial_number == cert("agent1").serial_number
        assert seen["server_errors"] == []

    run_loop(main)


def test_revoked_response_is_passed_through_unjudged() -> None:
    async def main() -> None:
        response = ocsp_response(status=ocsp.OCSPCertStatus.REVOKED)
        server = tls.createServer(AGENT1)
        server.on("OCSPRequest", lambda c, i, cb: cb(None, response))
        seen = await handshake(server, requestOCSP=True)
        assert seen["client_events"] == [("OCSPResponse", response), ("secureConnect",)]
        parsed = ocsp.load_der_ocsp_response(response)
        assert parsed.certificate_status == ocsp.OCSPCertStatus.REVOKED

    run_loop(main)


def test_ocsp_issuer_is_none_when_not_in_ca() -> None:
    async def main() -> None:
        requests: list[Any] = []
        server = tls.createServer(AGENT1)
        server.on("OCSPRequest", lambda c, i, cb: (requests.append((c, i)), cb(None, None)))
        seen = await handshake(server, requestOCSP=True)
        assert requests == [(der("agent1"), None)]
        assert seen["client_events"] == [("OCSPResponse", None), ("secureConnect",)]

    run_loop(main)


def test_ocsp_from_pfx_server() -> None:
    async def main() -> None:
        server = tls.createServer({"pfx": key("agent1.pfx"), "passphrase": "sample"})
        requests: list[bytes] = []
        response = ocsp_response()
        server.on("OCSPRequest", lambda c, i, cb: (requests.append(c), cb(None, response)))
        seen = await handshake(server, requestOCSP=True)
        assert requests == [der("agent1")]
        assert seen["client_events"] == [("OCSPResponse", response), ("secureConnect",)]

    run_loop(main)


def test_no_request_no_events() -> None:
    async def main() -> None:
        requests: list[Any] = []
        server = tls.createServer({**AGENT1, "secureOptions": openssl.SSL_OP_NO_TICKET})
        server.on("OCSPRequest", lambda c, i, cb: (requests.append(c), cb(None, None)))
        seen = await handshake(server)
        assert requests == []
        assert seen["client_events"] == [("secureConnect",)]

    run_loop(main)


def test_request_without_server_listener_gives_none_once() -> None:
    async def main() -> None:
        seen = await handshake(tls.createServer(AGENT1), requestOCSP=True)
        assert seen["client_events"] == [("OCSPResponse", None), ("secureConnect",)]

    run_loop(main)


def test_ocsp_callback_error_fails_handshake() -> None:
    async def main() -> None:
        boom = RuntimeError("boom")
        server = tls.createServer(AGENT1)
        server.on("OCSPRequest", lambda c, i, cb: asyncio.get_running_loop().call_later(
            0.02, cb, boom))
        seen = await handshake(server, requestOCSP=True)
        assert seen["server_errors"] == [boom]
        assert seen["client_error"].code == "ECONNRESET"
        assert ("secureConnect",) not in seen["client_events"]

    run_loop(main)


def test_ocsp_callback_twice_and_bad_response() -> None:
    async def main() -> None:
        server = tls.createServer(AGENT1)
        server.on("OCSPRequest", lambda c, i, cb: (cb(None, None), cb(None, None)))
        seen = await handshake(server, requestOCSP=True)
        assert [e.code for e in seen["server_errors"]] == ["ERR_MULTIPLE_CALLBACK"]

        raised: list[Any] = []

        def bad(c: Any, i: Any, cb: Any) -> None:
            try:
                cb(None, "not a buffer")
            except TypeError as exc:
                raised.append(exc)

        server = tls.createServer(AGENT1)
        server.on("OCSPRequest", bad)
        seen = await handshake(server, requestOCSP=True)
        assert [e.code for e in raised] == ["ERR_INVALID_ARG_TYPE"]
        assert raised[0].message == "OCSP response must be bytes-like (bytes, bytearray, memoryview)"
        assert seen["server_errors"] == raised
        assert seen["client_error"].code == "ECONNRESET"

    run_loop(main)


def test_request_ocsp_on_wrapped_socket() -> None:
    async def main() -> None:
        server = tls.createServer(AGENT1, lambda s: s.end())
        response = ocsp_response()
        server.on("OCSPRequest", lambda c, i, cb: cb(None, response))
        port = await listening(server)
        plain = net.connect(port, "127.0.0.1")
        await once(plain, "connect")
        # tls.connect starts the handshake (a bare new TLSSocket client waits for a write)
        sock = tls.connect({"socket": plain, "requestOCSP": True, "rejectUnauthorized": False})
        got = await once(sock, "OCSPResponse")
        sock.destroy()
        server.close()
        assert got == response

    run_loop(main)


# -- SNI ---------------------------------------------------------------------------------------


def sni_server() -> Any:
    server = tls.createServer(AGENT2)
    server.addContext("a.example.com", AGENT1)
    server.addContext("*.test.com", tls.createSecureContext(AGENT3))
    server.addContext("chain.example.com", {"key": key("agent6-key.pem"),
                                            "cert": key("agent6-cert.pem")})
    return server


@pytest.mark.parametrize(("servername", "cn", "altname_error"), [
    ("a.example.com", "agent1", True),
    ("b.test.com", "agent3", True),
    ("a.b.test.com", "agent2", False),  # '*' is one label
    ("A.EXAMPLE.COM", "agent2", False),  # case-sensitive, as Node 20
    ("chain.example.com", "Ádám Lippai", True),  # agent6
    ("unknown.org", "agent2", False),
])
def test_add_context(servername: str, cn: str, altname_error: bool) -> None:
    async def main() -> None:
        seen = await handshake(sni_server(), servername=servername,
                               ca=[key("ca1-cert.pem"), key("ca2-cert.pem")])
        assert seen["cn"] == cn
        assert seen["servername"] == servername
        assert seen["server_servername"] == servername
        assert (seen["authorizationError"] == "ERR_TLS_CERT_ALTNAME_INVALID") is altname_error

    run_loop(main)


def test_add_context_last_added_wins() -> None:
    async def main() -> None:
        server = tls.createServer(AGENT2)
        server.addContext("*.example.com", AGENT1)
        server.addContext("a.example.com", AGENT3)
        server.addContext("b.example.com", AGENT3)
        server.addContext("b.example.com", AGENT1)
        assert (await handshake(server, servername="a.example.com"))["cn"] == "agent3"
        server = tls.createServer(AGENT2)
        server.addContext("*.example.com", AGENT1)
        server.addContext("b.example.com", AGENT3)
        server.addContext("b.example.com", AGENT1)
        assert (await handshake(server, servername="b.example.com"))["cn"] == "agent1"

    run_loop(main)


def test_add_context_argument_errors() -> None:
    async def main() -> None:
        server = tls.createServer(AGENT2)
        for bad in (None, ""):
            with pytest.raises(tls.NodeError) as info:
                server.addContext(bad, AGENT1)  # type: ignore[arg-type]
            assert info.value.code == "ERR_TLS_REQUIRED_SERVER_NAME"
            assert info.value.message == ('"servername" is required parameter for '
                                          "Server.addContext")
        with pytest.raises(TypeError):
            server.addContext(5, AGENT1)  # type: ignore[arg-type]

    run_loop(main)


def test_sni_callback_must_be_a_function() -> None:
    async def main() -> None:
        with pytest.raises(TypeError) as info:
            tls.createServer({**AGENT1, "SNICallback": 5})
        assert info.value.code == "ERR_INVALID_ARG_TYPE"  # type: ignore[attr-defined]
        assert info.value.message == (  # type: ignore[attr-defined]
            'The "options.SNICallback" property must be a callable. '
            "Received type int (5)")

    run_loop(main)


def test_async_sni_callback_switches_context() -> None:
    async def main() -> None:
        names: list[str] = []

        def choose(servername: str, cb: Any) -> None:
            names.append(servername)
            asyncio.get_running_loop().call_later(0.05, cb, None,
                                                  tls.createSecureContext(AGENT3))

        seen = await handshake(tls.createServer({**AGENT1, "SNICallback": choose}),
                               servername="x.test.com")
        assert names == ["x.test.com"]
        assert seen["cn"] == "agent3" and seen["server_servername"] == "x.test.com"

    run_loop(main)


@pytest.mark.parametrize("use_sni", [True, False])
def test_sni_context_ca_verifies_client_certificate(use_sni: bool) -> None:
    async def main() -> None:
        sni_context = tls.createSecureContext({**AGENT3, "ca": key("ca2-cert.pem")})

        def choose(servername: str, cb: Any) -> None:
            asyncio.get_running_loop().call_soon(cb, None, sni_context if use_sni else None)

        server = tls.createServer({**AGENT1, "ca": key("ca1-cert.pem"), "requestCert": True,
                                   "rejectUnauthorized": False, "SNICallback": choose})
        seen = await handshake(server, servername="b.test.com",
                               key=key("agent4-key.pem"), cert=key("agent4-cert.pem"))
        assert seen["server_authorized"] is use_sni
        assert seen["cn"] == ("agent3" if use_sni else "agent1")

    run_loop(main)


def test_sni_callback_none_keeps_default() -> None:
    async def main() -> None:
        server = tls.createServer({**AGENT1, "SNICallback": lambda n, cb: cb(None, None)})
        seen = await handshake(server, servername="x.test.com")
        assert seen["cn"] == "agent1" and seen["server_errors"] == []

    run_loop(main)


def test_sni_callback_failures() -> None:
    async def main() -> None:
        boom = RuntimeError("boom")

        def raising(name: str, cb: Any) -> None:
            raise boom

        cases = [
            (lambda n, cb: cb(None, {}), "Invalid SNI context"),
            (lambda n, cb: asyncio.get_running_loop().call_soon(cb, boom), "boom"),
            (raising, "boom"),
            (lambda n, cb: (cb(None, None), cb(None, None)), "Callback called multiple times"),
        ]
        for callback, message in cases:
            server = tls.createServer({**AGENT1, "SNICallback": callback})
            seen = await handshake(server, servername="x.test.com")
            assert [getattr(e, "message", str(e)) for e in seen["server_errors"]] == [message]
            assert seen["client_error"].code == "ECONNRESET", message
        assert isinstance(seen["server_errors"][0], tls.NodeError)  # type: ignore[attr-defined]

    run_loop(main)


def test_invalid_sni_context_is_a_type_error() -> None:
    async def main() -> None:
        server = tls.createServer({**AGENT1, "SNICallback": lambda n, cb: cb(None, {})})
        seen = await handshake(server, servername="x.test.com")
        assert isinstance(seen["server_errors"][0], TypeError)

    run_loop(main)


def test_no_servername_no_sni_callback() -> None:
    async def main() -> None:
        calls: list[str] = []
        server = tls.createServer({**AGENT1, "SNICallback": lambda n, cb: (
            calls.append(n), cb(None, tls.createSecureContext(AGENT3)))})
        seen = await handshake(server)
        assert calls == [] and seen["cn"] == "agent1"
        assert seen["servername"] is False and seen["server_servername"] is False

    run_loop(main)


def test_ip_servername_sends_no_sni() -> None:
    async def main() -> None:
        calls: list[str] = []
        server = tls.createServer({**AGENT1, "SNICallback": lambda n, cb: (
            calls.append(n), cb(None, None))})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            seen = await handshake(server, servername="127.0.0.1")
        assert calls == [] and seen["server_servername"] is False
        assert any("DEP0123" in str(w.message) for w in caught)

    run_loop(main)


def test_socket_destroyed_while_sni_pending() -> None:
    async def main() -> None:
        pending: list[Any] = []
        server = tls.createServer({**AGENT1, "SNICallback": lambda n, cb: pending.append(cb)})
        errors: list[Any] = []
        server.on("tlsClientError", lambda e, s: errors.append(e))
        secured: list[Any] = []
        server.on("secureConnection", secured.append)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"servername": "x.test.com",
                                                  "rejectUnauthorized": False})
        client.on("error", lambda e: None)
        while not pending:
            await asyncio.sleep(0.01)
        client.destroy()
        while not errors:
            await asyncio.sleep(0.01)
        pending[0](None, tls.createSecureContext(AGENT3))  # too late: nothing happens
        await asyncio.sleep(0.02)
        server.close()
        assert [e.code for e in errors] == ["ECONNRESET"] and secured == []

    run_loop(main)


def test_server_tls_socket_with_sni_callback() -> None:
    """A server-side TLSSocket made by hand (no tls.Server) runs its own SNICallback."""
    async def main() -> None:
        names: list[str] = []
        secure = asyncio.get_running_loop().create_future()

        def on_connection(plain: Any) -> None:
            sock = tls.TLSSocket(plain, {
                "isServer": True, "secureContext": tls.createSecureContext(AGENT1),
                "SNICallback": lambda n, cb: (names.append(n),
                                              cb(None, tls.createSecureContext(AGENT3)))})
            sock.on("secure", lambda: (secure.set_result(sock.servername), sock.end()))

        server = net.createServer(on_connection)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"servername": "b.test.com",
                                                  "rejectUnauthorized": False})
        await once(client, "secureConnect")
        assert client.getPeerCertificate()["subject"]["CN"] == "agent3"
        assert await secure == "b.test.com" and names == ["b.test.com"]
        client.destroy()
        server.close()

    run_loop(main)


def test_sni_then_ocsp_sees_sni_certificate() -> None:
    async def main() -> None:
        requests: list[Any] = []
        response = ocsp_response("agent3", "ca2")
        server = tls.createServer({**AGENT1, "ca": key("ca1-cert.pem")})
        server.addContext("*.test.com", {**AGENT3, "ca": key("ca2-cert.pem")})
        server.on("OCSPRequest", lambda c, i, cb: (requests.append((c, i)),
                                                   asyncio.get_running_loop().call_later(
                                                       0.02, cb, None, response)))
        seen = await handshake(server, servername="b.test.com", requestOCSP=True)
        assert requests == [(der("agent3"), der("ca2"))]
        assert seen["cn"] == "agent3"
        assert seen["client_events"] == [("OCSPResponse", response), ("secureConnect",)]
        parsed = ocsp.load_der_ocsp_response(response)
        assert parsed.serial_number == cert("agent3").serial_number

    run_loop(main)


def test_sni_and_ocsp_across_hello_retry_request() -> None:
    """TLS 1.3 HelloRetryRequest: two ClientHellos, the steps still run once."""
    async def main() -> None:
        calls: list[str] = []
        response = ocsp_response("agent3", "ca2")

        def choose(name: str, cb: Any) -> None:
            calls.append(name)
            asyncio.get_running_loop().call_later(0.02, cb, None,
                                                  tls.createSecureContext(AGENT3))

        server = tls.createServer({**AGENT1, "ecdhCurve": "P-384", "SNICallback": choose})
        server.on("OCSPRequest", lambda c, i, cb: (calls.append("OCSPRequest"),
                                                   cb(None, response)))
        # the client's first key share (X25519) is not acceptable: the server asks again
        seen = await handshake(server, servername="b.test.com", requestOCSP=True,
                               ecdhCurve="X25519:P-384")
        assert calls == ["b.test.com", "OCSPRequest"]
        assert seen["cn"] == "agent3"
        assert seen["client_events"] == [("OCSPResponse", response), ("secureConnect",)]

    run_loop(main)


def test_cert_callback_only_when_needed() -> None:
    async def main() -> None:
        hooks: list[frozenset[str]] = []
        plain = tls.createServer(AGENT1, lambda s: (hooks.append(s._features.active), s.end()))
        await handshake(plain, servername="x.test.com")
        sni = tls.createServer({**AGENT1, "SNICallback": lambda n, cb: cb(None, None)},
                               lambda s: (hooks.append(s._features.active), s.end()))
        await handshake(sni, servername="x.test.com")
        assert "cert" not in hooks[0] and "cert" in hooks[1]

    run_loop(main)


def test_set_secure_context_affects_new_connections_only() -> None:
    async def main() -> None:
        accepted: asyncio.Queue[Any] = asyncio.Queue()
        server = tls.createServer(AGENT1, accepted.put_nowait)
        port = await listening(server)
        first = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        await once(first, "secureConnect")
        first_server = await accepted.get()
        server.setSecureContext(AGENT3)
        second = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        await once(second, "secureConnect")
        await accepted.get()
        # the open connection keeps working with its certificate
        data = once(first, "data")
        first_server.write(b"still here")
        assert await data == b"still here"
        assert first.getPeerCertificate()["subject"]["CN"] == "agent1"
        assert second.getPeerCertificate()["subject"]["CN"] == "agent3"
        first.destroy()
        second.destroy()
        server.close()

    run_loop(main)

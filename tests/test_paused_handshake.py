"""The engine's paused handshake: a server certificate callback that answers "not yet"."""

from __future__ import annotations

import pytest
from conftest import key

import nodessl as tls
from nodessl import openssl
from nodessl.compat import peer_certificate
from nodessl.engine import HANDSHAKING, OPEN, TLSEngine
from nodessl.errors import SSLError


class Owner:
    """Stands in for a TLSSocket: what the certificate callback asks."""

    def __init__(self) -> None:
        self.answer = openssl.CERT_CB_PAUSE
        self.calls = 0
        self._hook_error: BaseException | None = None
        self._hooks_asked = frozenset({"cert"})

    def _hook_cert(self) -> int:
        self.calls += 1
        return self.answer


def pump(src: TLSEngine, dst: TLSEngine) -> None:
    dst.feed(src.take_output())
    dst.advance()


def engines(name: str = "agent1") -> tuple[TLSEngine, TLSEngine, Owner]:
    server_ctx = tls.createSecureContext({"key": key(f"{name}-key.pem"),
                                         "cert": key(f"{name}-cert.pem")})
    server = TLSEngine(server_ctx.context_for(frozenset({"cert"})), server=True)
    owner = Owner()
    openssl.set_owner(server.conn, owner)  # held weakly: the test keeps owner
    client = TLSEngine(tls.createSecureContext().context, server=False)
    client.start()
    return server, client, owner


def test_cert_callback_pauses_then_resumes() -> None:
    server, client, owner = engines()
    pump(client, server)
    assert server.paused and server.state == HANDSHAKING and owner.calls == 1
    assert server.take_output() == b""  # nothing said while parked
    server.advance()  # asked again: still not answered
    assert server.paused and owner.calls == 2
    owner.answer = openssl.CERT_CB_CONTINUE
    server.advance()
    assert not server.paused
    pump(server, client)
    assert client.state == OPEN
    pump(client, server)
    assert server.state == OPEN


def test_resume_after_switching_context() -> None:
    server, client, owner = engines()
    pump(client, server)
    assert server.paused
    other = tls.createSecureContext({"key": key("agent3-key.pem"),
                                     "cert": key("agent3-cert.pem")})
    server.conn.set_context(other.context_for(frozenset({"cert"})))
    owner.answer = openssl.CERT_CB_CONTINUE
    server.advance()
    pump(server, client)
    assert client.state == OPEN
    cert = peer_certificate(client.conn)
    assert "agent3" in cert.subject.rfc4514_string()


def test_failing_callback_is_an_error_not_a_pause() -> None:
    server, client, owner = engines()
    owner.answer = openssl.CERT_CB_FAIL
    server.feed(client.take_output())
    with pytest.raises(SSLError) as info:
        server.advance()
    assert info.value.code == "ERR_SSL_CERT_CB_ERROR"
    assert not server.paused

"""crypto.createCredentials: its .context, and the object itself, wherever a context goes."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import key, listening, once, run_loop

import nodessl as tls
from nodessl import legacy

SERVER_ID = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}


def echo_server(**opts: Any) -> tls.Server:
    return tls.createServer({**SERVER_ID, **opts}, lambda s: s.pipe(s))


def test_connect_port_host_options_and_credentials() -> None:
    async def main() -> None:
        server = echo_server()
        port = await listening(server)
        creds = legacy.createCredentials({"ca": key("ca1-cert.pem")})
        assert isinstance(creds.context, tls.SecureContext)
        sock = legacy.connect(port, "127.0.0.1", {"secureContext": creds,
                                                 "servername": "agent1"})
        await once(sock, "secureConnect")
        assert (sock.authorized, sock.authorizationError) == (True, None)
        sock.end()
        # the modern connect takes Credentials as a context too
        modern = tls.connect(port, "127.0.0.1", {"secureContext": creds, "servername": "agent1"})
        await once(modern, "secureConnect")
        assert modern.authorized is True
        modern.end()
        await once(modern, "close")
        server.close()

    run_loop(main)


def test_credentials_hold_a_secure_context() -> None:
    creds = legacy.createCredentials(SERVER_ID)
    assert isinstance(creds, legacy.Credentials)
    assert isinstance(creds.context, tls.SecureContext)
    assert creds.context.certificates()[0].subject.rfc4514_string().startswith("1.2.840")\
        or creds.context.certificates()


def test_other_objects_are_not_contexts() -> None:
    async def main() -> None:
        for bad in ({}, "ctx", object()):
            with pytest.raises(TypeError) as info:
                tls.TLSSocket(None, {"secureContext": bad})
            assert info.value.code == "ERR_TLS_INVALID_CONTEXT"

    run_loop(main)

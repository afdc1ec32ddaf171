"""Sessions: the client ``session`` event, getTLSTicket(), resumption, sessionTimeout and
sessionIdContext (nodessl on both ends)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import collect, key, listening, once, run_loop, s_server

import nodessl as tls
from nodessl.openssl import SSL_OP_NO_TICKET
from nodessl.session import session_fields, ticket_of

CLIENT = {"ca": key("ca1-cert.pem"), "servername": "agent1"}


def agent1_server(**opts: Any) -> tls.Server:
    """A server that answers every connection with b'x' and ends it."""
    return tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                             **opts}, lambda s: s.end(b"x"))


async def sessions_of(port: int, **opts: Any) -> tuple[tls.TLSSocket, list[bytes],
                                                     dict[str, Any]]:
    """Connect, record 'session' events and ticket facts, read until the end."""
    client = tls.connect(port, "127.0.0.1", {**CLIENT, **opts})
    seen: list[bytes] = []
    facts: dict[str, Any] = {"before": client.getTLSTicket()}

    def on_secure() -> None:
        facts["reused"] = client.isSessionReused()
        facts["ticket_at_secure"] = client.getTLSTicket()
        facts["protocol"] = client.getProtocol()

    def on_session(session: bytes) -> None:
        seen.append(session)
        facts.setdefault("ticket_at_session", client.getTLSTicket())
        facts["secure_first"] = "reused" in facts

    client.on("secureConnect", on_secure)
    client.on("session", on_session)
    await collect(client)
    await once(client, "close")
    facts["after_close"] = client.getTLSTicket()
    return client, seen, facts


@pytest.mark.parametrize(("version", "count"), [("TLSv1.3", 2), ("TLSv1.2", 1)])
def test_session_events_and_resumption(version: str, count: int) -> None:
    async def main() -> None:
        server = agent1_server(maxVersion=version)
        port = await listening(server)
        _, seen, facts = await sessions_of(port)
        assert len(seen) == count and all(isinstance(s, bytes) and s for s in seen)
        assert facts["secure_first"] is True and facts["reused"] is False
        assert facts["before"] is None and facts["after_close"] is None
        if version == "TLSv1.2":
            assert isinstance(facts["ticket_at_secure"], bytes)
        else:
            # the ticket arrives after the handshake, with the session
            assert facts["ticket_at_secure"] is None
            assert isinstance(facts["ticket_at_session"], bytes)
        assert len(set(seen)) == count  # one distinct session per ticket
        for session in seen:
            again, more, facts2 = await sessions_of(port, session=session)
            assert facts2["reused"] is True and facts2["protocol"] == version
            assert again.authorized is True
            # TLS 1.2 resumption makes no new session.  Under TLS 1.3 a server with Node's
            # ticket-key callback (the shared backend, and Node 20: checked, no 'session' on
            # a resumed connection) sends no new ticket either; the bundled backend's
            # OpenSSL-managed keys renew the ticket.
            renews = version == "TLSv1.3" and not tls.backend.is_shared()
            assert (len(more) > 0) == renews
        server.close()

    run_loop(main)


def test_no_session_listener_means_no_info_hook() -> None:
    async def main() -> None:
        server = agent1_server()
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", CLIENT)
        await collect(client)
        assert "info" not in client._hooks() and client._features.sessions is None
        # the session still resumes through getSession() once the tickets are in
        session = client.getSession()
        again = tls.connect(port, "127.0.0.1", {**CLIENT, "session": session})
        await once(again, "secureConnect")
        assert again.isSessionReused() is True
        again.destroy()
        server.close()

    run_loop(main)


def test_tickets_disabled() -> None:
    async def main() -> None:
        server = agent1_server(maxVersion="TLSv1.2", secureOptions=SSL_OP_NO_TICKET)
        port = await listening(server)
        _, seen, facts = await sessions_of(port)
        assert facts["ticket_at_secure"] is None
        # a TLS 1.2 session with the server's session id is still announced
        assert len(seen) == 1 and ticket_of(seen[0]) is None
        server.close()

    run_loop(main)


def test_garbage_session_is_ignored() -> None:
    async def main() -> None:
        server = agent1_server()
        port = await listening(server)
        errors: list[Any] = []
        client = tls.connect(port, "127.0.0.1", {**CLIENT, "session": b"\x30\x03garbage"})
        client.on("error", errors.append)
        await once(client, "secureConnect")
        assert client.isSessionReused() is False and errors == []
        client.destroy()
        server.close()

    run_loop(main)


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_session_timeout_expires_sessions(version: str) -> None:
    async def main() -> None:
        server = agent1_server(maxVersion=version, sessionTimeout=1)
        port = await listening(server)
        _, seen, _ = await sessions_of(port)
        # OpenSSL < 3.3 keeps session times in whole seconds and expires a session once
        # now - issued > timeout, so only 2 s later is it stale on every OpenSSL
        await asyncio.sleep(2.1)
        _, _, facts = await sessions_of(port, session=seen[-1])
        assert facts["reused"] is False
        server.close()

    run_loop(main)


def test_session_timeout_and_id_context_are_in_the_servers_sessions() -> None:
    async def main() -> None:
        got: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "sessionTimeout": 123, "sessionIdContext": "my-app"},
                                  lambda s: (got.set_result(s.getSession()), s.end()))
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", CLIENT)
        fields = session_fields(await got)
        assert fields[0xA2] == b"\x02\x01\x7b"  # [2] timeout INTEGER 123
        assert fields[0xA4] == b"\x04\x06my-app"  # [4] session_id_context
        client.destroy()
        server.close()

    run_loop(main)


@pytest.mark.parametrize("bad", ["1", {}, True])
def test_session_timeout_must_be_a_number(bad: Any) -> None:
    async def main() -> None:
        agent1_server(sessionTimeout=bad)

    with pytest.raises(tls.NodeError) as info:
        run_loop(main)
    assert info.value.code == "ERR_INVALID_ARG_TYPE"
    assert '"options.sessionTimeout" property must be a number (int or float)' in info.value.message


def test_server_side_socket_has_no_ticket() -> None:
    async def main() -> None:
        got: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "maxVersion": "TLSv1.2"},
                                  lambda s: (got.set_result(s.getTLSTicket()), s.end()))
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", CLIENT)
        assert await got is None
        await collect(client)
        server.close()

    run_loop(main)


def test_session_listener_sees_its_own_session_against_openssl() -> None:
    # Node emits 'session' from OpenSSL's new-session callback, so inside a listener
    # getSession()/getTLSTicket() are that event's session even when the server's second
    # TLS 1.3 ticket came in the same read (checked against Node 20).
    async def main() -> tuple[list[tuple[bytes, Any, Any]], list[Any]]:
        proc, port = await s_server("-cert", "agent1-cert.pem", "-key", "agent1-key.pem",
                                    "-tls1_3")
        seen: list[tuple[bytes, Any, Any]] = []
        later: list[Any] = []
        try:
            client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})

            def on_session(session: bytes) -> None:
                seen.append((session, client.getSession(), client.getTLSTicket()))
                tls.nextTick(lambda: later.append(client.getSession()))
                if len(seen) == 2:
                    client.end()

            client.on("session", on_session)
            await once(client, "close")
        finally:
            if proc.returncode is None:
                proc.kill()
            await proc.wait()
        return seen, later

    seen, later = run_loop(main)
    assert len(seen) == 2  # openssl s_server sends two tickets
    assert seen[0][0] != seen[1][0]
    for session, current, ticket in seen:
        assert current == session
        assert ticket == ticket_of(session) and ticket
    # outside the listeners the socket's session is the latest again
    assert later[-1] == seen[1][0]

"""A server's external session cache: Node's ``newSession`` and ``resumeSession`` events.

Shared backend only (the bundled binding has no ``SSL_CTX_sess_set_new_cb``/``_get_cb``): a
server TLSSocket whose tls.Server has listeners for either event when the connection starts
does what Node's TLSWrap does after ``enableSessionCallbacks()``:

* The ClientHello is held back from OpenSSL (Node's ClientHelloParser).  When it offers a
  session id and no session ticket, and a ``resumeSession(sessionId, callback)`` listener
  exists, the handshake waits for ``callback(err, sessionData)``: the session given is what
  OpenSSL's get-session callback returns for that id (bytes that are not a session are
  ignored, a full handshake follows), an error destroys the socket.
* Every session OpenSSL creates with a session id (TLS <= 1.2 without tickets; TLS 1.3 tickets)
  is announced with ``newSession(sessionId, sessionData, done)``; until ``done()`` nothing more
  goes to the client and ``secure``/``secureConnection`` wait, as in Node.

On the bundled backend, adding such a listener raises ``ERR_FEATURE_UNAVAILABLE_ON_PLATFORM``
(see :mod:`nodessl.server`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import tlswire
from .errors import NodeError

if TYPE_CHECKING:
    from .socket import TLSSocket

__all__ = ["ServerSessions", "hello_session"]


def hello_session(body: bytes) -> tuple[bytes, bool]:
    """``(session_id, has_ticket)`` of a ClientHello body: the legacy session id, and whether
    it carries a non-empty session_ticket extension (as Node's ClientHelloParser reports)."""
    hello = tlswire.parse_client_hello(body)
    if hello is None:
        return b"", False
    return hello.session_id, bool(hello.extensions.get(tlswire.EXT_SESSION_TICKET))


class ServerSessions:
    """One server socket's session-cache state (see the module docstring)."""

    __slots__ = ("_socket", "_hello_answered", "_next_session", "pending_new", "_deferred")

    def __init__(self, socket: TLSSocket) -> None:
        self._socket = socket
        self._hello_answered = False
        self._next_session: bytes | None = None
        # newSession events not yet answered with done(); output and 'secure' wait for them
        self.pending_new = 0
        self._deferred: list[Callable[[], Any]] = []

    # -- the ClientHello: resumeSession ------------------------------------------------

    def after_feed(self) -> bool:
        """After bytes arrived: True while OpenSSL must not run yet (the ClientHello is
        incomplete, or 'resumeSession' has not been answered)."""
        if self._hello_answered:
            return False
        engine = self._socket._engine
        assert engine is not None
        if not engine.hello_complete:
            return True
        self._hello_answered = True  # from now on, one answer only
        body = engine.client_hello
        session_id, has_ticket = hello_session(body) if body is not None else (b"", False)
        server = self._socket._tls_server
        if not session_id or has_ticket or server is None:
            engine.release_client_hello()
            return False
        answered = False

        def on_session(err: Any = None, session: Any = None) -> None:
            nonlocal answered
            sock = self._socket
            if answered:
                sock.destroy(NodeError("Callback called multiple times",
                                       "ERR_MULTIPLE_CALLBACK"))
                return
            answered = True
            if err:
                sock.destroy(err)
                return
            if sock.destroyed or sock._engine is None:
                sock.destroy(NodeError("Socket is closed", "ERR_SOCKET_CLOSED"))
                return
            if isinstance(session, (bytes, bytearray, memoryview)) and len(session):
                self._next_session = bytes(session)
            sock._engine.release_client_hello()
            sock._cycle()

        if not server.emit("resumeSession", session_id, on_session):
            engine.release_client_hello()
            return False
        return not answered  # a listener may have answered at once

    def get_session(self, session_id: bytes) -> bytes | None:
        """OpenSSL's get-session callback: the session 'resumeSession' gave (once)."""
        der, self._next_session = self._next_session, None
        return der

    # -- new sessions: newSession ------------------------------------------------------

    def new_session(self, session_id: bytes, der: bytes) -> None:
        """OpenSSL's new-session callback (inside OpenSSL): emitted after it returns."""
        self.pending_new += 1
        self._socket._loop.call_soon(self._announce, session_id, der)

    def _announce(self, session_id: bytes, der: bytes) -> None:
        sock = self._socket
        server = sock._tls_server
        done_once = False

        def done(*_args: Any) -> None:
            nonlocal done_once
            if done_once:
                return
            done_once = True
            if sock.destroyed or sock._engine is None:
                sock.destroy(NodeError("Socket is closed", "ERR_SOCKET_CLOSED"))
                return
            self.pending_new -= 1
            if self.pending_new == 0:
                sock._flush()
                deferred, self._deferred = self._deferred, []
                for step in deferred:
                    step()
                    if sock.destroyed:
                        return

        if sock.destroyed or server is None or not server.emit("newSession", session_id, der,
                                                               done):
            done()

    def holding(self) -> bool:
        """Whether output and 'secure' wait for a newSession's done()."""
        return self.pending_new > 0

    def defer(self, step: Callable[[], Any]) -> None:
        """Run ``step`` once every pending newSession is done."""
        self._deferred.append(step)

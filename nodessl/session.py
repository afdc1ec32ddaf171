"""Client sessions: the ``session`` event and ``getTLSTicket()``.

Node emits ``session`` from OpenSSL's new-session callback, which pyOpenSSL's
binding does not expose, and reads the ticket with ``SSL_SESSION_get0_ticket``,
which it lacks too.  What the binding does have is enough:

* TLS 1.2: the session is complete when the handshake is; it is announced after
  ``secureConnect`` (Node's order), unless the handshake resumed one, as
  OpenSSL's ``ssl_update_cache`` only caches new TLS 1.2 sessions.
* TLS 1.3: every NewSessionTicket makes OpenSSL replace the connection's session
  (two per connection from an OpenSSL server, each one a resumable session).
  The info callback (hook ``info``, set on a client connection when it has a
  ``session`` listener, as Node enables its callback on demand) fires after
  each post-handshake message; a session object that differs from the last one
  seen is a new ticket.  The bytes are taken inside the callback and emitted
  after the engine cycle, never from inside OpenSSL.
* The ticket lives in the session's DER (``SSL_SESSION_ASN1``: ``[10] EXPLICIT
  OCTET STRING``), read with :mod:`nodessl.der`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import openssl as _ossl
from .der import iter_tlvs, read_tlv

if TYPE_CHECKING:
    from .socket import TLSSocket

__all__ = ["SessionEvents", "session_fields", "ticket_of"]


def session_fields(der: bytes) -> dict[int, bytes]:
    """The top-level elements of an ``SSL_SESSION`` DER, keyed by tag byte (contents only)."""
    tag, pos, end = read_tlv(der)
    if tag != 0x30:
        raise ValueError("not a SEQUENCE")
    fields: dict[int, bytes] = {}
    for tag, start, stop in iter_tlvs(der, pos, end):
        fields.setdefault(tag, der[start:stop])
    return fields


_TICKET = 0xAA  # [10] EXPLICIT (context-specific, constructed)
_SESSION_ID = 0x04  # the first OCTET STRING after version, ssl_version and cipher


def ticket_of(der: bytes | None) -> bytes | None:
    """The session ticket in a session's DER, None when it carries none."""
    if not der:
        return None
    try:
        inner = session_fields(der).get(_TICKET)
        if inner is None:
            return None
        tag, start, stop = read_tlv(inner)
    except ValueError:
        return None
    return inner[start:stop] if tag == 0x04 and stop > start else None


def _session_id(der: bytes) -> bytes:
    # SEQUENCE { version INTEGER, ssl_version INTEGER, cipher OCTET STRING,
    #            session_id OCTET STRING, master_key OCTET STRING, ... }
    _, pos, end = read_tlv(der)
    strings = 0
    for tag, start, stop in iter_tlvs(der, pos, end):
        if tag == _SESSION_ID:
            strings += 1
            if strings == 2:
                return der[start:stop]
    return b""


class SessionEvents:
    """Finds the sessions a client socket announces with ``session`` events."""

    __slots__ = ("_socket", "_held", "_pending", "announcing", "_seen_handshakes")

    def __init__(self, socket: TLSSocket) -> None:
        self._socket = socket
        self._held: _ossl.HeldSession | None = None
        self._pending: list[bytes] = []
        # The session a 'session' event is being emitted for.  Node emits from inside
        # OpenSSL's new-session callback, when SSL_get_session() is that session, so
        # getSession()/getTLSTicket() in a listener see it even if a later ticket (TLS 1.3
        # sends two) already replaced it here.
        self.announcing: bytes | None = None
        # handshakes completed before a late listener came (their sessions are not news)
        self._seen_handshakes = 0

    def start_late(self) -> None:
        """The first listener came after the handshake completed: announce only what comes
        later (TLS 1.3 tickets still to arrive, a renegotiation's session), as Node's
        callback, enabled by that listener, sees only those."""
        engine = self._socket._engine
        if engine is None:
            return
        self._seen_handshakes = engine.handshakes
        if engine.conn.get_protocol_version_name() == "TLSv1.3":
            self._held = _ossl.HeldSession(engine.conn)

    def on_secure(self) -> None:
        """After ``secureConnect``: TLS <= 1.2 announces its session now; TLS 1.3 starts
        watching for the session objects tickets bring."""
        sock = self._socket
        engine = sock._engine
        if engine is None or sock.destroyed:
            return
        conn = engine.conn
        if conn.get_protocol_version_name() == "TLSv1.3":
            if engine.handshakes > self._seen_handshakes:
                self._held = _ossl.HeldSession(conn)
            return
        if sock.isSessionReused() or engine.handshakes <= self._seen_handshakes:
            return
        der = _ossl.session_to_der(conn)
        if der and _session_id(der):
            self._pending.append(der)
        self.flush()

    def on_info(self, where: int, ret: int) -> None:
        """Info callback (inside OpenSSL): a post-handshake message was processed."""
        held = self._held
        if held is None or not where & _ossl.SSL_CB_EXIT or ret <= 0:
            return
        engine = self._socket._engine
        if engine is None or held.is_current(engine.conn):
            return
        self._held = _ossl.HeldSession(engine.conn)
        der = _ossl.session_to_der(engine.conn)
        if der:
            self._pending.append(der)

    def flush(self) -> None:
        """Emit what arrived (after an engine cycle, outside OpenSSL)."""
        while self._pending and not self._socket.destroyed:
            der = self._pending.pop(0)
            self.announcing = der
            try:
                self._socket.emit("session", der)
            finally:
                self.announcing = None

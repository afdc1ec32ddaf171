"""The TLS engine: one pyOpenSSL ``Connection`` on memory BIOs, bytes in and bytes out.

Theory of operation
-------------------
The engine never touches a socket or a loop (the h11 / Twisted ``tls.py`` shape).
Its owner (a TLSSocket, a SecurePair) does three things, always in this order:

1. ``feed(ciphertext)`` whatever arrived from the peer;
2. ``advance()``: drive the handshake if it is not done, then decrypt one
   SSL_read's worth of plaintext (called again until it has none left).  It
   returns the plaintext and whether the peer sent close_notify; a fatal TLS
   error raises a Node-coded :class:`~nodessl.errors.SSLError`;
3. ``take_output()`` and send those bytes to the peer.  Step 3 is owed after
   *every* engine call, including a failed one: OpenSSL queues the alert that
   explains a failure, and the peer deserves to read it.

``WantRead`` is not an error here: it only means "feed me more".  Nor is
``WantX509Lookup``: a server's certificate callback parked the handshake until
user code answers (SNICallback, OCSPRequest); ``paused`` says so, and the owner
calls ``advance()`` again once the answer is in.  With memory
BIOs OpenSSL never wants to *write* (the outgoing BIO grows), so there is no
WantWrite state to handle.

The per-record path (``SSL_read``/``SSL_write``/``BIO_read``/``BIO_write``)
calls the binding directly with return codes instead of pyOpenSSL's methods:
those raise an exception for every "no more data" and allocate a fresh buffer
per call, which doubled the cost of a record.  The handshake goes through
pyOpenSSL's ``do_handshake`` because it re-raises exceptions stored by Python
callbacks (verify, SNI, ALPN, ...) and a handshake is rare enough.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from OpenSSL import SSL

from . import openssl as _ossl
from . import sigalgs
from .errors import ECONNRESET_MESSAGE, NodeError, SSLError, conn_reset, from_openssl
from .facts import fragmenting_writer
from .handshake import KeyExchangeScanner, ephemeral_key_info, node20_alerts, rewrite_alert
from .hooks import connection
from .sigalgs import ClientHelloScanner, certificate_request_sigalgs

__all__ = ["TLSEngine", "HANDSHAKING", "OPEN", "CLOSED", "BROKEN"]

HANDSHAKING, OPEN, CLOSED, BROKEN = "handshaking", "open", "closed", "broken"

# A server keeps at most this much of the client's first flight for a later ClientHello
# parse (the scanner's own limit: past it, the bytes are not a ClientHello worth reading).
_FLIGHT_LIMIT = 1 << 17
# A client keeps the server's flight up to its Finished (certificate chain included).
_SERVER_FLIGHT_LIMIT = 1 << 20



class TLSEngine:
    """A sans-I/O TLS endpoint (client or server) over memory BIOs."""

    # one per connection, alive as long as it: no __dict__
    __slots__ = ("conn", "server", "state", "_io", "handshakes", "started", "paused",
                 "sent_close", "renegotiated", "unsent", "_write_records", "_scanner",
                 "_first_flight", "_peer_sigalgs", "_held", "read_record", "take_output")

    def __init__(self, context: SSL.Context, *, server: bool,
                 hooks: frozenset[str] = frozenset(), psk_hint: str | None = None) -> None:
        # the callbacks of ``hooks`` that belong to the connection itself (hooks.py)
        self.conn = connection(context, hooks, psk_hint)
        self.server = server
        if server:
            self.conn.set_accept_state()
        else:
            self.conn.set_connect_state()
        self.state = HANDSHAKING
        self._io = _ossl.RecordIO(self.conn)
        # One SSL_read in the data phase, where advance() would do no more than this
        # (state OPEN, nothing in ``unsent``, no renegotiation unreported): ``(plaintext |
        # None, peer_closed)``, raising a Node-coded SSLError; the owner then reports
        # peer_closed() or failed().  Bound once: a record costs no extra frame.
        self.read_record = self._io.read_one
        self.handshakes = 0
        # the handshake was driven at least once (a client's ClientHello is out)
        self.started = False
        self.paused = False  # the certificate callback parked the handshake (see sni.py)
        self.sent_close = False
        # Renegotiation (TLS <= 1.2): the info hook sets ``renegotiated`` when one completed;
        # plaintext SSL_write refused meanwhile (WANT_READ) waits in ``unsent``.
        self.renegotiated = False
        self.unsent: list[bytes] = []
        # SSL_write as the connection wants it: whole, or cut for setMaxSendFragment.
        self._write_records: Callable[[bytes], bytes] = self._io.write
        # What the peer sent while the handshake ran, kept for a parser that may be wanted
        # (never on a shared-backend server).  A server parses the ClientHello only when
        # something asks: the session cache's scanner (hold_client_hello), getSharedSigalgs
        # on the bundled backend.  A client reads the server's key exchange and TLS 1.2
        # CertificateRequest (handshake.py) once the handshake is done, and only under
        # TLS <= 1.2: under TLS 1.3 both are encrypted and nothing reads them.
        self._scanner: KeyExchangeScanner | ClientHelloScanner | None = None
        self._first_flight: bytearray | None = (
            None if server and sigalgs.NATIVE else bytearray())
        self._peer_sigalgs: list[int] | None = None
        # Everything the engine wants sent to the peer, now: the outgoing BIO drained
        # (bound once: a flush costs no extra frame), or, after a failure whose alert
        # differs from Node 20's, that drained and rewritten (handshake.py, _translate).
        self.take_output: Callable[[], bytes] = self._io.drain
        # incoming bytes held back until the ClientHello is answered (hold_client_hello)
        self._held: bytearray | None = None

    # -- incoming ----------------------------------------------------------------------

    def feed(self, data: bytes | memoryview) -> None:
        """Ciphertext from the peer (held back from OpenSSL while :meth:`hold_client_hello`
        says so and the ClientHello is not complete or not released)."""
        scanner = self._scanner
        if scanner is not None and not scanner.done:
            scanner.feed(data)
        flight = self._first_flight
        if flight is not None and self.state == HANDSHAKING \
                and len(flight) < (_FLIGHT_LIMIT if self.server else _SERVER_FLIGHT_LIMIT):
            flight += data
        if self._held is not None:
            self._held += data
            return
        self._io.feed(data)

    def hold_client_hello(self) -> None:
        """A server: keep what arrives from OpenSSL until :meth:`release_client_hello`
        (Node's ClientHello parser, which 'resumeSession' answers before OpenSSL reads)."""
        self._held = bytearray()
        if self._scanner is None:
            self._scanner = ClientHelloScanner()

    @property
    def client_hello(self) -> bytes | None:
        """The ClientHello's body once it is complete (servers), else None."""
        scanner = self._scanner
        return scanner.hello if isinstance(scanner, ClientHelloScanner) else None

    @property
    def hello_complete(self) -> bool:
        """Whether the scanner has seen the whole ClientHello (or gave up on the bytes)."""
        scanner = self._scanner
        return scanner is not None and scanner.done

    def release_client_hello(self) -> None:
        """Hand OpenSSL what was held; bytes flow straight through from now on."""
        held, self._held = self._held, None
        if held:
            self._io.feed(bytes(held))

    def ephemeral_key_info(self) -> dict[str, object]:
        """The server's ephemeral key as Node describes it (clients only)."""
        scanner = self._scanner
        return ephemeral_key_info(
            self.conn.get_cipher_name(), _ossl.negotiated_group(self.conn),
            scanner.server_key_exchange if isinstance(scanner, KeyExchangeScanner) else None)

    def peer_sigalgs(self) -> list[int] | None:
        """The peer's signature_algorithms as read off the plaintext handshake: a server's
        from the ClientHello, a TLS 1.2 client's from the CertificateRequest (if any)."""
        scanner = self._scanner
        if self.server:
            if isinstance(scanner, ClientHelloScanner):
                return scanner.signature_algorithms
            if self._first_flight is not None:
                # parsed once, on the first ask
                scanner = ClientHelloScanner()
                scanner.feed(self._first_flight)
                self._peer_sigalgs = scanner.signature_algorithms
                self._first_flight = None
            return self._peer_sigalgs
        # a client's scanner is a KeyExchangeScanner (or None before the ServerHello)
        request = (scanner.certificate_request if isinstance(scanner, KeyExchangeScanner)
                   else None)
        return certificate_request_sigalgs(request, False) if request is not None else None

    def start(self) -> None:
        """Begin the handshake (a client produces its ClientHello)."""
        self.advance()

    def advance(self) -> tuple[bytes | None, bool, bool]:
        """Run the handshake, then decrypt one SSL_read's worth.

        Returns ``(plaintext, handshake_just_completed, peer_closed)``; ``plaintext`` is
        None when nothing more is complete.  The owner hands each piece on before asking
        for the next, as Node emits each SSL_read's 'data' before reading on: a listener
        (``disableRenegotiation()``, ``destroy()``) acts before the records that follow.
        """
        done_now = False
        if self.state == HANDSHAKING:
            self.started = True
            self.paused = False
            try:
                self.conn.do_handshake()
            except (SSL.WantReadError, SSL.WantWriteError):
                return None, False, False
            except SSL.WantX509LookupError:
                self.paused = True
                return None, False, False
            except SSL.ZeroReturnError:
                self.state = CLOSED
                return None, False, True
            except SSL.SysCallError as exc:
                self.state = BROKEN
                raise _syscall_error(exc) from None
            except SSL.Error as exc:
                self.state = BROKEN
                raise self._translate(exc) from None
            self.state = OPEN
            self.handshakes += 1
            done_now = True
            if not self.server:
                self._read_server_flight()
        if self.state != OPEN:
            return None, done_now, False
        try:
            chunk, closed = self._io.read_one()
            if self.unsent:
                self._retry_writes()
        except SSLError:
            self.state = BROKEN
            raise
        if self.renegotiated:
            self.renegotiated = False
            self.handshakes += 1
            done_now = True
        if closed:
            self.state = CLOSED
        return chunk, done_now, closed

    def peer_closed(self) -> None:
        """:attr:`read_record` saw the peer's close_notify."""
        self.state = CLOSED

    def failed(self) -> None:
        """:attr:`read_record` raised: the connection is broken."""
        self.state = BROKEN

    def _read_server_flight(self) -> None:
        # a client's first handshake completed: keep what handshake.py reads from the
        # plaintext part of the server's flight (TLS <= 1.2), drop the bytes
        flight, self._first_flight = self._first_flight, None
        if flight is not None and self.conn.get_protocol_version() < _ossl.TLS1_3_VERSION:
            scanner = self._scanner = KeyExchangeScanner()
            scanner.feed(flight)

    def _translate(self, exc: SSL.Error) -> NodeError:
        err = from_openssl(exc)
        change = node20_alerts(getattr(err, "reason", None))
        if change is not None:
            self.take_output = partial(self._take_rewritten, change)
        return err

    # -- outgoing ----------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Encrypt application data (only once the handshake is done); during a
        renegotiation it waits, in order, until OpenSSL takes it."""
        if self.unsent:
            self.unsent.append(bytes(data))
            return
        rest = self._write_records(data)
        if rest:
            self.unsent.append(rest)

    def _retry_writes(self) -> None:
        while self.unsent:
            rest = self._write_records(self.unsent[0])
            if rest:
                self.unsent[0] = rest
                return
            self.unsent.pop(0)

    def set_max_send_fragment(self, size: int) -> bool:
        """Records of at most ``size`` bytes of plaintext (``setMaxSendFragment``): on the
        shared backend OpenSSL's own ``SSL_set_max_send_fragment`` (every record, as in
        Node); on the bundled backend the plaintext is cut before SSL_write (application
        data only).  Engines without a limit keep the direct path.  True when applied."""
        if _ossl.BACKEND == "shared":
            return _ossl.set_max_send_fragment(self.conn, size)
        self._write_records = fragmenting_writer(self._io.write, size)
        return True

    def _take_rewritten(self, change: tuple[int, int]) -> bytes:
        # take_output once, after a failure: its alert as Node 20 words it
        self.take_output = self._io.drain
        return rewrite_alert(self._io.drain(), change)

    def close(self) -> None:
        """Queue close_notify (idempotent).

        Before the peer's close_notify, reading goes on until it comes.  After it (state
        CLOSED) this is the answer the peer waits for: Node's end() after 'end' sends it
        (a Python ``ssl`` client's ``unwrap()`` fails on a bare FIN).  A broken connection
        says nothing more: its alert, if any, already went out.
        """
        if not self.sent_close and self.state in (OPEN, HANDSHAKING, CLOSED):
            self.sent_close = True
            self._io.shutdown()


def _syscall_error(exc: SSL.SysCallError) -> NodeError:
    # With memory BIOs a "syscall" error is OpenSSL seeing EOF where it wanted data.
    return conn_reset(ECONNRESET_MESSAGE)

"""One connection's optional TLS features, in one typed place.

ALPN, PSK, SNI/OCSP on a server, requestOCSP on a client, the message observers (trace,
the TLS 1.3 CertificateRequest watch, OCSPRequest), 'session' events, renegotiation
counters and setMaxSendFragment each keep a little state per connection.  A TLSSocket
owns one :class:`Features`; which OpenSSL callbacks the connection needs (see
:mod:`nodessl.hooks`) follows from it, so a connection that asks for nothing pays for
nothing.  The socket's ``_hook_<name>`` methods, which OpenSSL's callbacks reach, read and
fill it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import renegotiation

if TYPE_CHECKING:
    from .session import SessionEvents
    from .sigalgs import CertificateRequestWatch
    from .sni import CertPhase
    from .trace import Tracer

__all__ = ["Features", "MessageObserver"]

MessageObserver = Callable[[bool, int, int, bytes], None]
"""``(sent, version, content_type, data)``: one protocol message (openssl.install_msg_callback)."""


@dataclass(eq=False, slots=True)  # one per connection: no __dict__
class Features:
    """What one connection's optional features asked for and hold between callbacks."""

    server: bool
    # ALPNProtocols in wire form, and a server's ALPNCallback
    alpn_wire: bytes | None = None
    alpn_callback: Callable[..., Any] | None = None
    # pskCallback (either side)
    psk_callback: Callable[..., Any] | None = None
    # server: SNICallback / addContext / OCSPRequest steps of a paused handshake (sni.py)
    cert_phase: CertPhase | None = None
    # client: requestOCSP; the response waits here for the end of the handshake
    request_ocsp: bool = False
    ocsp_response: tuple[bytes | None] | None = None
    # client: TLS 1.3 encrypts the CertificateRequest, only the message callback sees it
    cert_request: CertificateRequestWatch | None = None
    # consumers of the message callback (given to the connection when it is made, or later
    # where the binding allows: TLSSocket._observe_messages)
    message_observers: list[MessageObserver] = field(default_factory=list)
    # client 'session' events (session.py), made when TLS starts with the info hook
    sessions: SessionEvents | None = None
    reneg: renegotiation.State = field(default_factory=renegotiation.State)
    tracer: Tracer | None = None
    # setMaxSendFragment (facts.py), applied to the engine when it exists
    max_fragment: int | None = None
    # the hooks the connection asked for: when it started, and since (a late listener);
    # an SNI context gets the same ones installed
    active: frozenset[str] = frozenset()

    def hooks(self, *, session_listeners: bool, keylog: bool) -> frozenset[str]:
        """The OpenSSL callbacks these features need (see hooks.py); ``session_listeners``
        and ``keylog`` are what the socket's listeners and options ask for."""
        hooks = set()
        if self.server and (self.alpn_wire is not None or self.alpn_callback is not None):
            hooks.add("alpn")
        if self.message_observers:
            hooks.add("msg")
        if not self.server and session_listeners:
            hooks.add("info")
        if self.cert_phase is not None:
            hooks.add("cert")
            if self.cert_phase.status is not None:
                hooks.add("ocsp_staple")
        if self.request_ocsp:
            hooks.add("ocsp_response")
        if self.psk_callback is not None:
            hooks.add("psk_server" if self.server else "psk_client")
        if keylog:
            hooks.add("keylog")
        return frozenset(hooks)

"""Which OpenSSL callbacks a connection needs, and how each is installed on a context.

A feature that needs OpenSSL to call back during the handshake (ALPN selection,
SNI, PSK, OCSP, keylog, message tracing …) names a *hook*.  A TLSSocket collects
the hooks its options and listeners ask for; its SecureContext hands out a
context with exactly those callbacks installed (``SecureContext.context_for``),
so a connection that asks for nothing pays for nothing, as Node installs its
expensive callbacks only on demand.  Every callback dispatches to the owning
socket's ``_hook_<name>`` method (see the callbacks section of
:mod:`nodessl.openssl`).
"""

from __future__ import annotations

from collections.abc import Callable

from OpenSSL import SSL

from . import openssl

__all__ = ["INSTALLERS", "install"]

INSTALLERS: dict[str, Callable[[SSL.Context], None]] = {
    # server: pick the protocol from the client's ALPN offer (ALPNProtocols / ALPNCallback)
    "alpn": openssl.install_alpn_select,
    # every protocol message, both directions (TLSSocket._observe_messages)
    "msg": openssl.install_msg_callback,
    # client 'session' events: handshake state changes (TLS 1.3 tickets replace the session)
    "info": openssl.install_info_callback,
    # server: park the handshake for SNICallback / addContext / OCSPRequest (sni.py)
    "cert": openssl.install_cert_callback,
    # server: staple the OCSPRequest answer; client: read the stapled response (ocsp.py)
    "ocsp_staple": openssl.install_ocsp_staple,
    "ocsp_response": openssl.install_ocsp_response,
    # pskCallback on a client / a server (nodessl.psk)
    "psk_client": openssl.install_psk_client,
    "psk_server": openssl.install_psk_server,
    # NSS key-log lines (keylog events, --tls-keylog)
    "keylog": openssl.install_keylog_callback,
}


def install(ctx: SSL.Context, hooks: frozenset[str]) -> None:
    """Install the callbacks of ``hooks`` on a fresh context (sorted: a stable order)."""
    for name in sorted(hooks):
        INSTALLERS[name](ctx)

"""Which OpenSSL callbacks a connection needs, and where each one lives.

A feature that needs OpenSSL to call back during the handshake (ALPN selection, SNI, PSK,
OCSP, keylog, message tracing …) names a *hook*.  A TLSSocket collects the hooks its
options and listeners ask for (``Features.hooks``) and every callback dispatches to the
owning socket's ``_hook_<name>`` method (see the callbacks section of
:mod:`nodessl.openssl`).

One SecureContext is one ``SSL_CTX``, as in Node: its session cache, ticket keys and
certificates serve every connection made from it, whatever each connection asked for.
So a hook goes where OpenSSL reads it:

* **on the context, once** (:data:`CONTEXT`): OpenSSL looks these up on the connection's
  ``SSL_CTX`` when it needs them (the certificate callback is copied when the connection
  is made).  Installed the first time a connection of that context asks, they stay; a
  connection that did not ask gets OpenSSL's "nothing to do" answer from them.
* **on the connection when it is made** (:data:`AT_NEW`): ``SSL_new`` copies the message
  and PSK callbacks into the connection and the bundled binding has no per-SSL setter, so
  :func:`nodessl.openssl.new_connection` gives them to that one connection.  The message
  callback costs a Python call per record: only connections that trace pay it.
* **on the connection, any time** (:data:`PER_CONNECTION`): the info callback has a per-SSL
  setter, so a ``session`` listener added after the handshake started still works.
"""

from __future__ import annotations

from collections.abc import Callable

from OpenSSL import SSL

from . import openssl

__all__ = ["CONTEXT", "AT_NEW", "PER_CONNECTION", "install", "connection"]

CONTEXT: dict[str, Callable[[SSL.Context], None]] = {
    # server: pick the protocol from the client's ALPN offer (ALPNProtocols / ALPNCallback)
    "alpn": openssl.install_alpn_select,
    # server: park the handshake for SNICallback / addContext / OCSPRequest (sni.py)
    "cert": openssl.install_cert_callback,
    # server: staple the OCSPRequest answer; client: read the stapled response (ocsp.py).
    # One status-callback slot serves both roles.
    "ocsp_staple": openssl.install_ocsp,
    "ocsp_response": openssl.install_ocsp,
    # NSS key-log lines (keylog events, --tls-keylog)
    "keylog": openssl.install_keylog_callback,
}

AT_NEW = frozenset({
    "msg",  # every protocol message, both directions (TLSSocket._observe_messages)
    "psk_client",  # pskCallback on a client (nodessl.psk)
    "psk_server",  # pskCallback on a server
})

PER_CONNECTION = frozenset({
    "info",  # client 'session' events: TLS 1.3 tickets replace the session (session.py)
})


def install(ctx: SSL.Context, installed: set[Callable[[SSL.Context], None]],
            hooks: frozenset[str]) -> None:
    """Install on ``ctx`` the context callbacks ``hooks`` need that ``installed`` (the
    installers already run on it, updated here) does not have yet."""
    for name in sorted(hooks):
        installer = CONTEXT.get(name)
        if installer is not None and installer not in installed:
            installer(ctx)
            installed.add(installer)


def connection(ctx: SSL.Context, hooks: frozenset[str],
               psk_hint: str | None = None) -> SSL.Connection:
    """A new connection from ``ctx`` carrying the per-connection callbacks of ``hooks``
    (and a server's PSK identity hint)."""
    conn = openssl.new_connection(ctx, msg="msg" in hooks, psk_client="psk_client" in hooks,
                                  psk_server="psk_server" in hooks, psk_hint=psk_hint)
    if "info" in hooks:
        openssl.set_info_callback(conn)
    return conn

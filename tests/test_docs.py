"""help() on the entry points lists their options (issue 12's reference docs)."""

from __future__ import annotations

import pydoc

import nodessl


def test_help_connect_lists_the_options() -> None:
    text = pydoc.render_doc(nodessl.connect, renderer=pydoc.plaintext)
    for option in ("host", "port", "socket", "ca", "rejectUnauthorized", "servername",
                   "checkServerIdentity", "ALPNProtocols", "session", "requestOCSP",
                   "pskCallback", "secureContext", "minDHSize", "timeout"):
        assert f"``{option}" in text, option  # ``name`` or ``name(args)``


def test_help_create_server_lists_the_options() -> None:
    text = pydoc.render_doc(nodessl.createServer, renderer=pydoc.plaintext)
    for option in ("key", "cert", "requestCert", "rejectUnauthorized", "handshakeTimeout",
                   "SNICallback", "ALPNProtocols", "ALPNCallback", "pskCallback",
                   "pskIdentityHint", "sessionIdContext", "allowHalfOpen", "pauseOnConnect"):
        assert f"``{option}" in text, option  # ``name`` or ``name(args)``


def test_help_create_secure_context_lists_the_options() -> None:
    text = pydoc.render_doc(nodessl.createSecureContext, renderer=pydoc.plaintext)
    for option in ("ca", "cert", "key", "passphrase", "pfx", "crl", "ciphers", "sigalgs",
                   "ecdhCurve", "dhparam", "minVersion", "maxVersion", "secureOptions",
                   "sessionTimeout", "ticketKeys"):
        assert f"``{option}" in text, option  # ``name`` or ``name(args)``

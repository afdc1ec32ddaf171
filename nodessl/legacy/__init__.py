"""Node's old TLS forms, on the same engine as TLSSocket: ``import nodessl.legacy as tls``.

For programs from the Node 0.4-0.12 era (seeds 001, 002, 004) and IoT.js (seed 000):

* :func:`createSecurePair` / :class:`SecurePair` (``cleartext`` is a real
  :class:`~nodessl.TLSSocket` over an in-memory channel, ``encrypted`` the ciphertext
  stream to pipe to and from the network), :class:`CryptoStream` and
  :data:`CleartextStream`;
* :func:`createCredentials` (``crypto.createCredentials``), accepted wherever a context is;
* :func:`connect` with the old defaults (the callback runs for unauthorized servers too,
  as in Node 0.4 and IoT.js: ``rejectUnauthorized`` defaults to False);
* :func:`getLegacyCiphers` and the ``NODE_LEGACY_CIPHER_LIST`` / ``NODE_CIPHER_LIST``
  switches;
* ``NPNProtocols`` / ``npnProtocol`` (real NPN on the shared backend, served through ALPN
  on the bundled one with :class:`NPNWarning`; see :mod:`nodessl.legacy.npn`), the
  one-argument ``SNICallback(servername)``, the server's ``clientError`` event and
  ``server.connections`` work on the modern objects themselves.

This package is a leaf: the core never imports it.  Importing it registers its option
adapters (and, for NPN, a connection hook) with :mod:`nodessl.extensions`, so from then on
every ``TLSSocket`` and ``tls.Server`` (``nodessl.createServer`` too) takes the old option
forms; a program that imports only ``nodessl`` gets Node 20's behaviour, which ignores
``NPNProtocols``.

The rest of the ``tls`` surface (``createServer``, ``createSecureContext``, ``TLSSocket``
…) is re-exported, so an old program needs one import.  Importing this package warns
nothing; only ``nodessl.createSecurePair`` (Node's deprecated spelling) does.  Names load
on first use (PEP 562), so :mod:`nodessl.context` can read the cipher presets while the
package itself is still being imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import extensions as _extensions
from .. import optionnames as _optionnames

__all__ = [
    "CleartextStream",
    "Credentials",
    "CryptoStream",
    "LEGACY_CIPHERS",
    "LegacyCipherWarning",
    "NPNWarning",
    "SecureContext",
    "SecurePair",
    "Server",
    "TLSSocket",
    "connect",
    "createCredentials",
    "createSecureContext",
    "createSecurePair",
    "createServer",
    "getCiphers",
    "getLegacyCiphers",
]

_WHERE = {
    "CleartextStream": ".securepair",
    "CryptoStream": ".securepair",
    "SecurePair": ".securepair",
    "createSecurePair": ".securepair",
    "Credentials": ".credentials",
    "createCredentials": ".credentials",
    "LEGACY_CIPHERS": ".ciphers",
    "LegacyCipherWarning": ".ciphers",
    "getLegacyCiphers": ".ciphers",
    "NPNWarning": ".npn",
    "connect": ".connect",
    "SecureContext": "..context",
    "createSecureContext": "..context",
    "getCiphers": "..context",
    "Server": "..server",
    "createServer": "..server",
    "TLSSocket": "..socket",
}

if TYPE_CHECKING:
    from ..context import SecureContext, createSecureContext, getCiphers
    from ..server import Server, createServer
    from ..socket import TLSSocket
    from .ciphers import LEGACY_CIPHERS, LegacyCipherWarning, getLegacyCiphers
    from .connect import connect
    from .credentials import Credentials, createCredentials
    from .npn import NPNWarning
    from .securepair import CleartextStream, CryptoStream, SecurePair, createSecurePair


def _socket_options(options: Mapping[str, Any]) -> dict[str, Any]:
    if options.get("NPNProtocols") is None:
        return dict(options)
    from .npn import adapt

    return adapt(options)


def _server_options(options: Mapping[str, Any]) -> dict[str, Any]:
    if options.get("NPNProtocols") is None and not callable(options.get("SNICallback")):
        return dict(options)
    from .options import modernize

    return modernize(options)


def _configure_connection(sock: Any, conn: Any) -> None:
    if getattr(sock, "_npn", None) is None and sock._tlsOptions.get("NPNProtocols") is None:
        return  # the common case: nothing of this layer's
    from .. import backend

    if backend.is_shared():
        from .npn import configure

        configure(sock, conn)


# This layer plugs into the core, never the other way round: from now on TLSSockets and
# servers accept the old option forms, and (shared backend) NPN is negotiated for real.
# (Lazy: the core may still be importing.)
_extensions.add_socket_adapter(_socket_options)
_extensions.add_server_adapter(_server_options)
_extensions.add_connection_hook(_configure_connection)
# ... and take NPNProtocols as a keyword option too
_optionnames.add_known_options("connect", ("NPNProtocols",))
_optionnames.add_known_options("createServer", ("NPNProtocols",))
_optionnames.add_known_options("TLSSocket", ("NPNProtocols",))


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

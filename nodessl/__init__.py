"""nodessl: Node.js's ``tls`` module for Python, on pyOpenSSL and asyncio.

The names here are Node's (``require('tls')``), so Node code ports line by line::

    import nodessl as tls

    def main():
        server = tls.createServer({"key": key, "cert": cert}, lambda s: s.end("hi\\n"))
        server.listen(8000)

    tls.run(main)

Module values ``DEFAULT_CIPHERS``, ``DEFAULT_ECDH_CURVE``, ``DEFAULT_MIN_VERSION``,
``DEFAULT_MAX_VERSION``, ``CLIENT_RENEG_LIMIT`` and ``CLIENT_RENEG_WINDOW`` are
assignable: contexts created afterwards use the new values, as in Node.
"""

from typing import Any

from . import net, stream
from .alpn import convertALPNProtocols
from .context import (
    DEFAULT_CIPHERS,
    DEFAULT_ECDH_CURVE,
    DEFAULT_MAX_VERSION,
    DEFAULT_MIN_VERSION,
    SecureContext,
    createSecureContext,
    getCiphers,
    rootCertificates,
)
from .errors import NodeError
from .identity import checkServerIdentity
from .legacy.ciphers import getLegacyCiphers
from .loop import run
from .server import Server, createServer
from .socket import TLSSocket, connect

CLIENT_RENEG_LIMIT = 3
CLIENT_RENEG_WINDOW = 600


def createSecurePair(*args: Any, **kwargs: Any) -> Any:
    """Deprecated (DEP0064): :func:`nodessl.legacy.createSecurePair`, which does not warn."""
    import warnings

    from .legacy.securepair import createSecurePair as _create

    warnings.warn("[DEP0064] tls.createSecurePair() is deprecated. Please use tls.TLSSocket "
                  "instead.", DeprecationWarning, stacklevel=2)
    return _create(*args, **kwargs)


__all__ = [
    "CLIENT_RENEG_LIMIT",
    "CLIENT_RENEG_WINDOW",
    "DEFAULT_CIPHERS",
    "DEFAULT_ECDH_CURVE",
    "DEFAULT_MAX_VERSION",
    "DEFAULT_MIN_VERSION",
    "NodeError",
    "SecureContext",
    "Server",
    "TLSSocket",
    "checkServerIdentity",
    "convertALPNProtocols",
    "connect",
    "createSecureContext",
    "createSecurePair",
    "createServer",
    "getCiphers",
    "getLegacyCiphers",
    "net",
    "rootCertificates",
    "run",
    "stream",
]

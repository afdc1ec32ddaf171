"""nodessl: Node.js's ``tls`` module for Python, on pyOpenSSL and asyncio.

The names here are Node's (``require('tls')``), so Node code ports line by line::

    import nodessl as tls

    def main():
        server = tls.createServer({"key": key, "cert": cert}, lambda s: s.end("hi\\n"))
        server.listen(8000)

    tls.run(main)

Node's timers are here too (``setTimeout``, ``setInterval``, ``setImmediate``, their
``clear*`` functions, ``nextTick`` for ``process.nextTick``; see :mod:`nodessl.timers`):
refed ones keep ``run`` alive as they keep a Node process alive.

Beyond Node, for asyncio code (see :mod:`nodessl.aio` and :mod:`nodessl.streams`):
``await once(emitter, event)`` (Node's ``events.once``), ``await connectAsync(...)``,
``await server.listenAsync(...)``, ``async for chunk in socket``, ``async with`` on sockets
and servers, and asyncio's stream API with Node's TLS options: ``open_connection`` and
``start_server``.

Module values ``DEFAULT_CIPHERS``, ``DEFAULT_ECDH_CURVE``, ``DEFAULT_MIN_VERSION``,
``DEFAULT_MAX_VERSION``, ``CLIENT_RENEG_LIMIT`` and ``CLIENT_RENEG_WINDOW`` are
assignable: contexts created afterwards use the new values, as in Node.
"""

import sys
import types
from typing import Any

from . import backend, constants, events, net, results, stream, timers
from .abort import AbortController, AbortSignal
from .aio import connectAsync, once
from .alpn import convertALPNProtocols
from .client import connect
from .context import (
    DEFAULT_CIPHERS,
    DEFAULT_ECDH_CURVE,
    DEFAULT_MAX_VERSION,
    DEFAULT_MIN_VERSION,
    SecureContext,
    createSecureContext,
    getCiphers,
)
from .errors import NodeError
from .identity import checkServerIdentity
from .loop import run
from .options import ConnectOptions, SecureContextOptions, ServerOptions, TLSSocketOptions
from .results import CipherInfo, DetailedPeerCertificate, EphemeralKeyInfo, PeerCertificate
from .server import Server, createServer
from .socket import TLSSocket
from .streams import open_connection, start_server
from .timers import (
    clearImmediate,
    clearInterval,
    clearTimeout,
    nextTick,
    queueMicrotask,
    setImmediate,
    setInterval,
    setTimeout,
)
from .x509 import X509Certificate

CLIENT_RENEG_LIMIT = 3
CLIENT_RENEG_WINDOW = 600


def __getattr__(name: str) -> Any:
    # nodessl.legacy is a leaf the core never imports: its public names here load it on
    # first use (PEP 562)
    if name == "getLegacyCiphers":
        from .legacy.ciphers import getLegacyCiphers

        globals()[name] = getLegacyCiphers
        return getLegacyCiphers
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def createSecurePair(*args: Any, **kwargs: Any) -> Any:
    """Deprecated (DEP0064): :func:`nodessl.legacy.createSecurePair`, which does not warn."""
    import warnings

    from .legacy.securepair import createSecurePair as _create

    warnings.warn("[DEP0064] tls.createSecurePair() is deprecated. Please use tls.TLSSocket "
                  "instead.", DeprecationWarning, stacklevel=2)
    return _create(*args, **kwargs)


__all__ = [
    "AbortController",
    "AbortSignal",
    "backend",
    "CLIENT_RENEG_LIMIT",
    "CLIENT_RENEG_WINDOW",
    "DEFAULT_CIPHERS",
    "DEFAULT_ECDH_CURVE",
    "DEFAULT_MAX_VERSION",
    "DEFAULT_MIN_VERSION",
    "events",
    "NodeError",
    "SecureContext",
    "Server",
    "TLSSocket",
    "X509Certificate",
    "checkServerIdentity",
    "clearImmediate",
    "clearInterval",
    "clearTimeout",
    "convertALPNProtocols",
    "connect",
    "connectAsync",
    "constants",
    "createSecureContext",
    "createSecurePair",
    "createServer",
    "getCiphers",
    "getLegacyCiphers",
    "net",
    "nextTick",
    "once",
    "open_connection",
    "queueMicrotask",
    "rootCertificates",
    "run",
    "setImmediate",
    "setInterval",
    "setTimeout",
    "start_server",
    "timers",
    "stream",
]
# the options' TypedDicts (nodessl.options; net's are in nodessl.net)
__all__ += ["ConnectOptions", "SecureContextOptions", "ServerOptions", "TLSSocketOptions"]
__all__ += [  # the shapes of what the API returns, for annotations (nodessl.results)
    "results",
    "CipherInfo",
    "DetailedPeerCertificate",
    "EphemeralKeyInfo",
    "PeerCertificate",
]


class _TLSModule(types.ModuleType):
    """The type of the ``nodessl`` module: ``rootCertificates`` is read-only, as Node's
    ``tls.rootCertificates`` is a getter (assigning or deleting it throws a TypeError); every
    other name (``DEFAULT_*``, ``CLIENT_RENEG_*``) stays assignable."""

    @property
    def rootCertificates(self) -> tuple[str, ...]:
        """Node's ``tls.rootCertificates``: the bundled root CAs as PEM strings (a tuple)."""
        from . import context

        return context.rootCertificates

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "rootCertificates":
            raise TypeError("Cannot set property rootCertificates of #<Object> which has only "
                            "a getter")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name == "rootCertificates":
            raise TypeError("Cannot delete property 'rootCertificates' of #<Object>")
        super().__delattr__(name)


sys.modules[__name__].__class__ = _TLSModule

"""The option names each entry point knows, and the check of *keyword* options against them.

Node's option bags are plain objects: ``tls.connect({requestCrt: true})`` ignores the unknown
key, and a dict ported from Node may carry such keys, so a dict passed positionally keeps
that leniency.  Keyword arguments are Python's own call syntax, where a misspelt name is a
``TypeError`` (``f() got an unexpected keyword argument``); nodessl says the same, with the
nearest known name when there is one::

    >>> nodessl.connect(port=443, requestCrt=True)
    NodeTypeError: connect() got an unexpected keyword argument 'requestCrt'
    (did you mean 'requestCert'?) [ERR_INVALID_ARG_VALUE]

The error is a :class:`~nodessl.errors.NodeTypeError` (so ``except TypeError`` catches it)
with Node's code for an option it refuses, ``ERR_INVALID_ARG_VALUE``, and the name in
``err.argument``.

One list per entry point, from what the code reads: :data:`SECURE_CONTEXT_OPTIONS`
(``createSecureContext``, context.py's build steps), :data:`CONNECT_OPTIONS`
(``tls.connect``: the context's, a TLSSocket's, net's connect and socket options) and
:data:`SERVER_OPTIONS` (``tls.createServer``/``tls.Server``: the context's, the server's and
net.Server's).  A layer that reads more options (nodessl.legacy's ``NPNProtocols``) adds
them with :func:`add_known_options`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import NodeTypeError

__all__ = ["SECURE_CONTEXT_OPTIONS", "CONNECT_OPTIONS", "SERVER_OPTIONS", "add_known_options",
           "check_keywords", "known_options"]

SECURE_CONTEXT_OPTIONS: frozenset[str] = frozenset({
    "ca", "cert", "key", "passphrase", "pfx", "crl", "ciphers", "sigalgs", "ecdhCurve",
    "dhparam", "honorCipherOrder", "minVersion", "maxVersion", "secureProtocol",
    "secureOptions", "sessionIdContext", "sessionTimeout", "ticketKeys",
    "allowPartialTrustChain", "privateKeyEngine", "privateKeyIdentifier", "clientCertEngine",
})

# net.Socket's constructor and socket.connect()'s options, as Node 20 documents them
_NET_SOCKET_OPTIONS = frozenset({
    "fd", "allowHalfOpen", "readable", "writable", "signal", "onread", "noDelay", "keepAlive",
    "keepAliveInitialDelay", "highWaterMark", "readableHighWaterMark", "writableHighWaterMark",
})
_NET_CONNECT_OPTIONS = frozenset({
    "port", "host", "path", "localAddress", "localPort", "family", "hints", "lookup",
    "autoSelectFamily", "autoSelectFamilyAttemptTimeout", "timeout",
})

# new tls.TLSSocket(socket, options) and tls.connect's own (socket.py's _SOCKET_OPTIONS,
# client.py)
_TLS_SOCKET_OPTIONS = frozenset({
    "isServer", "server", "requestCert", "rejectUnauthorized", "secureContext", "session",
    "ALPNProtocols", "SNICallback", "requestOCSP", "enableTrace", "pskCallback",
    "pskIdentityHint", "handshakeTimeout",
})
_TLS_CONNECT_OPTIONS = frozenset({"socket", "servername", "checkServerIdentity", "minDHSize"})

CONNECT_OPTIONS: frozenset[str] = (SECURE_CONTEXT_OPTIONS | _NET_SOCKET_OPTIONS
                                   | _NET_CONNECT_OPTIONS | _TLS_SOCKET_OPTIONS
                                   | _TLS_CONNECT_OPTIONS)

# tls.createServer's own (server.py) and net.createServer's
SERVER_OPTIONS: frozenset[str] = SECURE_CONTEXT_OPTIONS | frozenset({
    "handshakeTimeout", "requestCert", "rejectUnauthorized", "ALPNProtocols", "ALPNCallback",
    "SNICallback", "pskCallback", "pskIdentityHint", "enableTrace",
    "allowHalfOpen", "pauseOnConnect", "highWaterMark", "noDelay", "keepAlive",
    "keepAliveInitialDelay",
})

_KNOWN: dict[str, set[str]] = {
    "createSecureContext": set(SECURE_CONTEXT_OPTIONS),
    "connect": set(CONNECT_OPTIONS),
    "createServer": set(SERVER_OPTIONS),
}


def add_known_options(entry: str, names: Iterable[str]) -> None:
    """Let ``entry`` (``'connect'``, ``'createServer'``, ``'createSecureContext'``) take
    ``names`` as keywords too: for a layer that reads options the core does not."""
    _KNOWN.setdefault(entry, set()).update(names)


def known_options(entry: str) -> frozenset[str]:
    """The option names ``entry`` takes as keyword arguments."""
    return frozenset(_KNOWN[entry])


def check_keywords(entry: str, kwargs: Mapping[str, Any], shown: str | None = None) -> None:
    """Raise ``TypeError`` (``ERR_INVALID_ARG_VALUE``) for the first keyword in ``kwargs``
    that ``entry`` does not know, naming the nearest known one; ``shown`` is the function's
    name in the message (default ``entry``)."""
    known = _KNOWN[entry]
    for name in kwargs:
        if name in known:
            continue
        message = f"{shown or entry}() got an unexpected keyword argument {name!r}"
        # a slip of case first (alpnProtocols: ALPNProtocols, not the nearer NPNProtocols)
        close = [k for k in sorted(known) if k.lower() == name.lower()][:1]
        if not close:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        raise NodeTypeError(message, "ERR_INVALID_ARG_VALUE", argument=name)

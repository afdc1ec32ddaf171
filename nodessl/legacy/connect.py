"""``tls.connect`` as Node 0.4 and IoT.js programs call it.

Both forms of the modern :func:`nodessl.connect` work (``connect(port[, host][, options]
[, callback])`` of seed 001, ``connect(options[, callback])`` of seed 000) and return the
cleartext stream, a :class:`~nodessl.TLSSocket` (``authorized``, ``authorizationError``,
``npnProtocol`` …).  What differs is the default of ``rejectUnauthorized``: False, because
in Node 0.4 and in IoT.js the callback runs whether or not the server was verified and
the program looks at ``authorized`` itself (seed 001's example prints "authorized" or
"unauthorized").  Pass ``rejectUnauthorized: True`` for the modern behaviour.
"""

from __future__ import annotations

from typing import Any

from .. import net
from ..client import connect as _connect
from ..socket import TLSSocket
from .npn import ask_as_old_node
from .options import modernize

__all__ = ["connect"]


def connect(*args: Any, **kwargs: Any) -> TLSSocket:
    """``tls.connect(port[, host][, options][, callback])`` or ``connect(options[, callback])``
    with the old default ``rejectUnauthorized: False`` and the old option forms
    (``NPNProtocols``, a ``createCredentials`` object as ``secureContext``)."""
    options, cb = net._normalize_connect_args(args)
    options.update(kwargs)
    options = modernize(options)
    options.setdefault("rejectUnauthorized", False)
    sock = _connect(options, cb) if cb is not None else _connect(options)
    ask_as_old_node(sock)  # NPN's "http/1.1" without NPNProtocols (shared backend)
    return sock

"""``NPNProtocols`` and ``npnProtocol``, served through ALPN.

NPN (Next Protocol Negotiation, the SPDY-era extension of seeds 001 and 004) is gone: the
OpenSSL pyOpenSSL ships is built without it and Node dropped it in v10.  Old programs
still pass ``NPNProtocols`` and read ``socket.npnProtocol``; both keep working by
offering / selecting the same names with ALPN, which every current peer speaks:

* a client's or server's ``NPNProtocols`` (a list, or bytes in wire format) becomes its
  ``ALPNProtocols`` when that option is not given too (an explicit ``ALPNProtocols`` wins);
* ``socket.npnProtocol`` is then the protocol ALPN agreed on (False when none), None
  before the handshake and on sockets that did not ask for NPN (the core's property).

The first use warns once per process with :class:`NPNWarning`.  A peer that really speaks
only NPN (no ALPN) agrees on no protocol: ``npnProtocol`` is False there.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

__all__ = ["NPNWarning", "serve_through_alpn"]


class NPNWarning(UserWarning):
    """``NPNProtocols`` was given: this OpenSSL has no NPN, the names are negotiated with ALPN."""


_warned = False


def serve_through_alpn(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` with ``NPNProtocols`` turned into ``ALPNProtocols`` (unless both are given)."""
    global _warned
    opts = dict(options)
    npn = opts.get("NPNProtocols")
    if npn is None:
        return opts
    if not _warned:
        _warned = True
        warnings.warn("NPN is not available (OpenSSL without NPN, Node >= 10); NPNProtocols "
                      "are negotiated with ALPN and npnProtocol reports ALPN's choice",
                      NPNWarning, stacklevel=4)
    if opts.get("ALPNProtocols") is None:
        opts["ALPNProtocols"] = npn
    return opts


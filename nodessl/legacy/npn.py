"""``NPNProtocols`` and ``npnProtocol``: real NPN on the shared backend, ALPN on the bundled one.

NPN (Next Protocol Negotiation, the SPDY-era TLS <= 1.2 extension of seeds 001 and 004) is
gone from Node (v10 was the last with it) and from the OpenSSL the PyPI wheels carry.  Old
programs still pass ``NPNProtocols`` and read ``socket.npnProtocol``.

**Shared backend** (pyOpenSSL on the system's libssl, which has NPN): the real thing, as
Node <= 10 did it, with OpenSSL's callbacks (see the NPN section of :mod:`nodessl.openssl`):

* a server's ``NPNProtocols`` are advertised to clients that send the NPN extension;
* a client's ``NPNProtocols`` choose among the server's (``SSL_select_next_proto``: the first
  of the server's list the client also has; with no overlap the client's first, which it
  then reports as False);
* ``npnProtocol`` is the chosen protocol on both ends, False when NPN was not negotiated
  (the peer did not take part, TLS 1.3, or ALPN was agreed on: OpenSSL skips NPN then),
  None before the handshake and on sockets that did not ask for NPN;
* NPN exists in TLS <= 1.2 only, and every Node that had it spoke TLS 1.2 at most: a client
  with ``NPNProtocols`` and no ``maxVersion``/``secureProtocol`` of its own is limited to
  TLS 1.2 (servers are not: a TLS 1.3 client gets no NPN, as with ``openssl s_server``);
* a :func:`nodessl.legacy.connect` client without ``NPNProtocols`` answers a server that
  advertises NPN with "http/1.1" and reports False, as Node <= 10 did (the server sees
  "http/1.1").
``NPNProtocols`` does not turn into ALPN there: pass ``ALPNProtocols`` too for ALPN peers.

**Bundled backend** (no NPN in that OpenSSL): the names are negotiated with ALPN instead:

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

from .. import alpn, backend
from .. import openssl as _ossl

__all__ = ["NPNWarning", "Negotiation", "adapt", "ask_as_old_node", "configure",
           "serve_through_alpn"]

# the options by which a client chose its protocol versions itself (then NPN does not cap them)
_VERSION_OPTIONS = ("maxVersion", "secureProtocol")


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


def adapt(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` as this backend serves ``NPNProtocols``: unchanged (real NPN, the value
    checked) on the shared backend, through ALPN (:func:`serve_through_alpn`) on the bundled."""
    if not backend.is_shared():
        return serve_through_alpn(options)
    opts = dict(options)
    alpn.to_wire(opts.get("NPNProtocols"))  # Node's checks of the list, at the call
    return opts


class Negotiation:
    """One socket's NPN on the shared backend: what it offers, and what was agreed."""

    def __init__(self, wire: bytes | None, *, server: bool) -> None:
        # None: a legacy.connect client without NPNProtocols (old Node's "http/1.1" answer)
        self.wire = wire
        self.server = server
        self._result: str | bool | None = None

    def advertise(self) -> bytes | None:
        """Server: the protocols to advertise (None: no NPN extension)."""
        return self.wire

    def select(self, advertised: bytes) -> bytes:
        """Client: the protocol to answer the server's ``advertised`` list with."""
        if self.wire is None:
            self._result = False
            return b"http/1.1"
        status, chosen = _ossl.select_next_proto(advertised, self.wire)
        self._result = (chosen.decode("latin-1") if status == _ossl.OPENSSL_NPN_NEGOTIATED
                        else False)
        return chosen

    def result(self, sock: Any) -> str | bool | None:
        """``sock.npnProtocol``: the agreed protocol, False when none, None before the
        handshake (and for a legacy.connect client no server asked to take part)."""
        if self._result is not None or not sock._secureEstablished:
            return self._result
        if self.server:
            chosen = _ossl.npn_negotiated(sock._engine.conn)
            self._result = chosen.decode("latin-1") if chosen else False
        elif self.wire is not None:
            self._result = False  # the server advertised nothing: select() never ran
        return self._result


def configure(sock: Any, conn: Any) -> None:
    """The connection hook (shared backend): NPN's callbacks for ``sock``, when it asked for
    NPN, on the context ``conn`` uses now (again after an SNI switch)."""
    npn: Negotiation | None = getattr(sock, "_npn", None)
    if npn is None:
        given = sock._tlsOptions.get("NPNProtocols")
        if given is None:
            return
        npn = sock._npn = Negotiation(alpn.to_wire(given) or None, server=sock._isServer)
        if not sock._isServer and npn.wire is not None and not any(
                sock._tlsOptions.get(name) for name in _VERSION_OPTIONS):
            _ossl.limit_max_proto_version(conn, _ossl.TLS1_2_VERSION)
    if npn.server:
        sock._hook_npn_advertise = npn.advertise
    else:
        sock._hook_npn_select = npn.select
    _ossl.install_npn(conn, server=npn.server)


def ask_as_old_node(sock: Any) -> None:
    """A :func:`nodessl.legacy.connect` client takes part in NPN even without
    ``NPNProtocols``, as every Node <= 10 client did (shared backend; before its handshake)."""
    if (backend.is_shared() and getattr(sock, "_npn", None) is None
            and sock._tlsOptions.get("NPNProtocols") is None
            and sock._engine is None and not sock._isServer):
        sock._npn = Negotiation(None, server=False)

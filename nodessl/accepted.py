"""A tls.Server's sockets, made from a prototype of the server's options.

Every connection a server accepts gets a TLSSocket built from the same options, and most of
what ``TLSSocket.__init__`` does (reading some thirty options through four constructors,
checking them, deriving settings) gives the same values each time.  So the first socket of
an options set is built the ordinary way, twice, and what the two share is kept: a new
connection's socket is that dictionary copied, plus fresh objects for the few members that
each socket owns (its listeners, stream states, held writes, feature state).

Which members a socket owns is found, not listed by hand: a member whose two ordinary builds
are distinct objects is one.  Each must be one this module knows how to make afresh; a
member it does not know (a constructor grown since), options it does not cover (a trace, an
abort signal), or a prototype whose result differs from an ordinary build in anything sends
the server back to the ordinary constructor for that options set, never to a socket built
differently.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from . import extensions, net, sni, trace
from .features import Features
from .socket import TLSSocket, UntilSecure
from .stream.state import ReadableState, WritableState

# the members each socket owns, and how a new one is made (from the prototype and options)
_Fresh = Callable[["Prototype", Mapping[str, Any]], Any]
_OWN: dict[str, _Fresh] = {
    "_events": lambda p, o: {},
    "_lock": lambda p, o: threading.Lock(),  # pyee's, per emitter
    "_readableState": lambda p, o: ReadableState(p.stream_options, True),
    "_writableState": lambda p, o: WritableState(p.stream_options, True),
    "_onread_pending": lambda p, o: bytearray(),
    "_tlsOptions": lambda p, o: dict(p.options),  # setSession / setServername change it
    "_until_secure": lambda p, o: UntilSecure(),
    "_cancelled": lambda p, o: [],
    "_features": lambda p, o: Features(server=True, alpn_wire=p.features.alpn_wire,
                                       alpn_callback=p.features.alpn_callback,
                                       psk_callback=p.features.psk_callback),
}
_UNSET = object()  # a state's slot set only when first used


class Prototype:
    """What the sockets of one options set share, and how to make one."""

    __slots__ = ("source", "adapters", "shared", "options", "stream_options", "features")
    # declared here for _OWN's lambdas above, which read them before __init__ is seen
    source: Mapping[str, Any]
    adapters: int
    shared: dict[str, Any]
    options: Mapping[str, Any]
    stream_options: dict[str, Any]
    features: Features

    def __init__(self, source: Mapping[str, Any], shared: dict[str, Any],
                 options: Mapping[str, Any], features: Features) -> None:
        self.source = source  # the server's options dict this was made from (identity)
        self.adapters = len(extensions._socket_adapters)
        self.shared = shared
        self.options = options  # as adapted, as TLSSocket keeps them
        self.stream_options = net.Socket._stream_options(TLSSocket._net_options(options, None))
        self.features = features

    def make(self) -> TLSSocket:
        """A new socket of this options set (as ``TLSSocket(None, options, _tls_server=server)``
        for the server the prototype was made for: it is among the shared members)."""
        sock = TLSSocket.__new__(TLSSocket)
        members = sock.__dict__
        members.update(self.shared)
        opts = self.options
        for name, fresh in _OWN.items():
            members[name] = fresh(self, opts)
        # as TLSSocket.__init__: the server's SNI contexts and OCSPRequest listeners now
        sock._features.cert_phase = sni.CertPhase.for_socket(sock, opts)
        return sock


def socket_for(server: Any, options: Mapping[str, Any]) -> TLSSocket:
    """The TLSSocket for a connection ``server`` accepted, ``options`` its socket options
    (the same dict while they do not change)."""
    proto = server.__dict__.get("_tls_prototype")
    if proto is None or proto.source is not options \
            or proto.adapters != len(extensions._socket_adapters):
        proto = server._tls_prototype = _prototype(server, options) or _NoPrototype(options)
    if isinstance(proto, _NoPrototype):
        return TLSSocket(None, options, _tls_server=server)
    result: TLSSocket = proto.make()
    return result


class _NoPrototype:
    """An options set the ordinary constructor serves."""

    __slots__ = ("source", "adapters")

    def __init__(self, source: Mapping[str, Any]) -> None:
        self.source = source
        self.adapters = len(extensions._socket_adapters)


def _prototype(server: Any, options: Mapping[str, Any]) -> Prototype | None:
    adapted = extensions.adapt_socket_options(options)
    if adapted.get("signal") is not None or trace.wanted(adapted):
        return None  # both register the socket somewhere: built the ordinary way
    first = TLSSocket(None, options, _tls_server=server)
    second = TLSSocket(None, options, _tls_server=server)
    a, b = first.__dict__, second.__dict__
    if a.keys() != b.keys():
        return None
    own = {name for name in a if a[name] is not b[name]}
    if not own <= _OWN.keys() or not _OWN.keys() <= a.keys():
        return None
    shared = {name: value for name, value in a.items() if name not in own}
    proto = Prototype(options, shared, first._tlsOptions, first._features)
    made = proto.make()
    return proto if _same(first, made) else None


def _same(built: TLSSocket, made: TLSSocket) -> bool:
    """Whether ``made`` is what the ordinary constructor built, member by member."""
    a, b = built.__dict__, made.__dict__
    if a.keys() != b.keys():
        return False
    for name, value in a.items():
        other = b[name]
        if name == "_features":
            if any(not _alike(getattr(value, f), getattr(other, f))
                   for f in value.__dataclass_fields__ if f != "cert_phase"):
                return False
            if (value.cert_phase is None) != (other.cert_phase is None) \
                    or value.message_observers:
                return False  # (OCSPRequest listeners: per connection, ordinary sockets)
        elif not _alike(value, other):
            return False
    return True


def _alike(x: Any, y: Any) -> bool:
    """Equal, or objects of one type whose members are equal (stream states, a lock)."""
    if x is y:
        return True
    if type(x) is not type(y):
        return False
    try:
        if x == y:
            return True
    except Exception:  # noqa: BLE001 - incomparable: decided by the members below
        pass
    slots = getattr(type(x), "__slots__", None)
    if slots is not None:
        return all(getattr(x, slot, _UNSET) == getattr(y, slot, _UNSET) for slot in slots)
    members = getattr(x, "__dict__", None)
    if members is not None:
        return members.keys() == y.__dict__.keys() and all(
            _alike(v, y.__dict__[k]) for k, v in members.items())
    return isinstance(x, type(threading.Lock()))  # a fresh lock is like any other

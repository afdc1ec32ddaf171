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

The names come from the entry points' ``TypedDict``s in :mod:`nodessl.options` (the one
list, read by type checkers too): ``createSecureContext`` takes
:class:`~nodessl.options.SecureContextOptions`, ``connect``
:class:`~nodessl.options.ConnectOptions`, ``createServer``/``Server``
:class:`~nodessl.options.ServerOptions`, ``TLSSocket``
:class:`~nodessl.options.TLSSocketOptions`, ``net.connect``
:class:`~nodessl.options.NetConnectOptions`, ``net.Socket``
:class:`~nodessl.options.NetSocketOptions` and ``net.createServer``/``net.Server``
:class:`~nodessl.options.NetServerOptions`.  Names only a layer reads (nodessl.legacy's
``NPNProtocols``) are typed there but taken as keywords once that layer adds them with
:func:`add_known_options`.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import NodeTypeError

__all__ = ["ENTRY_POINTS", "add_known_options", "check_keywords", "known_options",
           "typed_options"]

# each entry point's TypedDict in nodessl.options
ENTRY_POINTS: dict[str, str] = {
    "createSecureContext": "SecureContextOptions",
    "connect": "ConnectOptions",
    "createServer": "ServerOptions",
    "TLSSocket": "TLSSocketOptions",
    "net.connect": "NetConnectOptions",
    "net.Socket": "NetSocketOptions",
    "net.createServer": "NetServerOptions",
}

# typed in nodessl.options, read only by the layer that adds them (add_known_options)
_LAYERED = frozenset({"NPNProtocols"})

_ADDED: dict[str, set[str]] = {}
# _known's answers: every socket a server or a connect builds checks its keywords, so the
# sets are made once per entry point (again after add_known_options)
_KNOWN: dict[str, frozenset[str]] = {}


@functools.cache
def typed_options(entry: str) -> frozenset[str]:
    """Every option name ``entry``'s TypedDict declares (``NPNProtocols`` too)."""
    from . import options  # here: nodessl.options and nodessl.context import each other

    typed = getattr(options, ENTRY_POINTS[entry])
    return frozenset(typed.__required_keys__ | typed.__optional_keys__)


def _known(entry: str) -> frozenset[str]:
    known = _KNOWN.get(entry)
    if known is None:
        known = _KNOWN[entry] = (typed_options(entry) - _LAYERED) | _ADDED.get(entry, set())
    return known


def add_known_options(entry: str, names: Iterable[str]) -> None:
    """Let ``entry`` (a key of :data:`ENTRY_POINTS`: ``'connect'``, ``'createServer'`` …) take
    ``names`` as keywords too: for a layer that reads options the core does not."""
    _ADDED.setdefault(entry, set()).update(names)
    _KNOWN.pop(entry, None)


def known_options(entry: str) -> frozenset[str]:
    """The option names ``entry`` takes as keyword arguments."""
    return _known(entry)


def check_keywords(entry: str, kwargs: Mapping[str, Any], shown: str | None = None) -> None:
    """Raise ``TypeError`` (``ERR_INVALID_ARG_VALUE``) for the first keyword in ``kwargs``
    that ``entry`` does not know, naming the nearest known one; ``shown`` is the function's
    name in the message (default ``entry``)."""
    known = _known(entry)
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

"""``tls.connect``, the client's entry point: Node's argument forms, its defaults and its
option checks in Node's order (``_tls_wrap.js``), then a client :class:`TLSSocket` that
connects (or wraps the given ``socket``).

Kept apart from ``socket.py``, which is the connection alone.
"""

from __future__ import annotations

import functools
import ipaddress
import sys
from collections.abc import Callable, Mapping
from typing import Any, Unpack, overload

from . import context as _context
from . import net
from .errors import NodeRangeError, NodeTypeError, invalid_arg_type, js_string
from .optionnames import check_keywords
from .options import ConnectOptions
from .socket import TLSSocket, _default_check_server_identity, create_secure_context

__all__ = ["connect"]


def _module_default(name: str) -> Any:
    """``tls.<name>`` as assigned on the ``nodessl`` module now (Node reads ``tls.DEFAULT_*``
    at each call)."""
    return getattr(sys.modules.get("nodessl"), name, getattr(_context, name))


# what tls.connect passes on to the socket's connect
_CONNECT_KEYS = ("host", "port", "path", "localAddress", "localPort", "family", "lookup", "hints",
                 "autoSelectFamily")


@functools.lru_cache(maxsize=64)
def _host_is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False




def _check_min_dh_size(options: Mapping[str, Any]) -> None:
    """``minDHSize``: a number, above 0.  Codes and classes are those of Node 22's
    ``validateNumber`` (ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE); the wording is Node 20's,
    whose internal assertion says "options.minDHSize is not a (positive) number: x"."""
    if "minDHSize" not in options:
        return
    value = options["minDHSize"]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise NodeTypeError(f"options.minDHSize is not a number: {js_string(value, none='null')}",
                            "ERR_INVALID_ARG_TYPE")
    if not value > 0:  # NaN too
        raise NodeRangeError(f"options.minDHSize is not a positive number: "
                             f"{js_string(value, none='null')}", "ERR_OUT_OF_RANGE")


# Node's argument forms, for a type checker (the implementation below takes them all);
# keyword arguments are ConnectOptions, merged over the options dict.
_Callback = Callable[..., Any]
_Options = ConnectOptions | dict[str, Any]


@overload
def connect(options: _Options, callback: _Callback | None = None, /,
            **kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...
@overload
def connect(port: int | str, host: str | None = None, options: _Options | None = None,
            callback: _Callback | None = None, /,
            **kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...
@overload
def connect(port: int | str, host: str | None, callback: _Callback, /,
            **kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...
@overload
def connect(port: int | str, options: _Options, callback: _Callback | None = None, /,
            **kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...
@overload
def connect(port: int | str, callback: _Callback, /,
            **kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...
@overload
def connect(**kwargs: Unpack[ConnectOptions]) -> TLSSocket: ...


def connect(*args: Any, **kwargs: Any) -> TLSSocket:
    """``tls.connect(options[, cb])``, ``connect(port[, host][, options][, cb])``, ``connect(path…)``.

    Returns the :class:`TLSSocket` at once; ``cb`` becomes a ``secureConnect`` listener.

    Options are checked in the order of Node's ``tls.connect``, so a call with several bad
    options fails on the same one as in Node: ``checkServerIdentity``, ``minDHSize``, the
    context's options (``nodessl.createSecureContext``), the socket's (``secureContext``,
    ``enableTrace``, ``session``, ``pskCallback``), ``timeout``, then the connection's
    (``path``, ``localAddress``, ``localPort``, ``port``, ``lookup``, ``family``), then
    ``servername``.

    Options (a dict, or keyword arguments merged over it; ``None`` means Node's default):

    - where: ``host``, ``port``, ``path`` (Unix socket), ``socket`` (an existing
      ``net.Socket``, Python socket or Duplex), ``localAddress``, ``localPort``,
      ``family``, ``lookup``, ``timeout``, ``signal``, ``allowHalfOpen``,
      ``highWaterMark``, ``onread``.
    - verification: ``ca``, ``rejectUnauthorized`` (default True), ``servername`` (SNI),
      ``checkServerIdentity(hostname, cert)``, ``minDHSize`` (default 1024).
    - TLS: ``secureContext``, or any :func:`createSecureContext` option (``cert``,
      ``key``, ``pfx``, ``passphrase``, ``ciphers``, ``minVersion``, ``maxVersion``, …);
      ``ALPNProtocols``, ``session`` (resume), ``requestOCSP``, ``pskCallback(hint)``,
      ``enableTrace``.

    Example::

        sock = nodessl.connect(8443, "example.com", {"servername": "example.com"},
                               lambda: print(sock.getProtocol()))
    """
    check_keywords("connect", kwargs)  # a dict keeps Node's leniency; keywords do not
    options, cb = net._normalize_connect_args(args)
    options.update(kwargs)
    # Node spreads the caller's options over its defaults ({ciphers: tls.DEFAULT_CIPHERS,
    # checkServerIdentity: tls.checkServerIdentity, ...options}): a key given as undefined or
    # null (None) overrides the default and then fails the check, as in Node.
    options = {"ciphers": _module_default("DEFAULT_CIPHERS"),
               "checkServerIdentity": _default_check_server_identity(), **options}
    check = options["checkServerIdentity"]
    if not callable(check):
        raise invalid_arg_type("options.checkServerIdentity", "of type function", check)
    _check_min_dh_size(options)
    context = options.get("secureContext")
    if context is None:
        context = create_secure_context(options)
    trace_on = options.get("enableTrace")
    if trace_on is not None and not isinstance(trace_on, bool):
        raise invalid_arg_type("options.enableTrace", "of type boolean", trace_on)
    lower = options.get("socket")
    sock = TLSSocket(lower, {**options, "isServer": False, "secureContext": context},
                     _from_connect=True)
    try:
        if lower is None:
            timeout = options.get("timeout")
            if timeout:
                sock.setTimeout(timeout)
            sock._connect_with({k: options[k] for k in _CONNECT_KEYS if k in options}, None)
        servername = options.get("servername")
        if servername:
            if not isinstance(servername, str):
                raise invalid_arg_type("name", "of type string", servername)
            if _host_is_ip(servername):
                import warnings

                warnings.warn("[DEP0123] Setting the TLS ServerName to an IP address is not "
                              "permitted by RFC 6066. This will be ignored in a future "
                              "version.", DeprecationWarning, stacklevel=2)
    except BaseException:
        # Node leaves the half-made socket connecting; here it would outlive the throw
        sock.destroy()
        raise
    if cb is not None:
        sock.once("secureConnect", cb)
    return sock

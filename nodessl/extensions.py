"""Where layers above the core plug in: option adapters, and connection hooks.

The core (``TLSSocket``, ``tls.Server``) knows Node 20's options only.  A layer that
accepts older forms (:mod:`nodessl.legacy`: ``NPNProtocols``, the one-argument
``SNICallback``) registers an adapter here when it is imported, and the core runs every
registered adapter over the options it is given, before it reads them.  A layer that sets
up the OpenSSL connection itself (:mod:`nodessl.legacy`: real NPN on the shared backend)
registers a connection hook, which a TLSSocket runs once its ``SSL.Connection`` is configured
and again whenever the connection changes context (SNI).  The dependency points one way: the
layer imports this module; the core never imports the layer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["ConnectionHook", "OptionAdapter", "add_connection_hook", "add_server_adapter",
           "add_socket_adapter", "adapt_server_options", "adapt_socket_options",
           "configure_connection"]

OptionAdapter = Callable[[Mapping[str, Any]], dict[str, Any]]
"""Takes options, returns them (a new dict) in the form the core understands."""

ConnectionHook = Callable[[Any, Any], None]
"""Called with ``(tls_socket, ssl_connection)`` before the handshake, and after an SNI switch."""

_socket_adapters: list[OptionAdapter] = []
_connection_hooks: list[ConnectionHook] = []
_server_adapters: list[OptionAdapter] = []


def add_socket_adapter(adapter: OptionAdapter) -> None:
    """Run ``adapter`` over the options of every TLSSocket created from now on."""
    if adapter not in _socket_adapters:
        _socket_adapters.append(adapter)


def add_server_adapter(adapter: OptionAdapter) -> None:
    """Run ``adapter`` over the options of every tls.Server created from now on."""
    if adapter not in _server_adapters:
        _server_adapters.append(adapter)


def adapt_socket_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` as every registered socket adapter leaves them."""
    opts = dict(options)
    for adapter in _socket_adapters:
        opts = adapter(opts)
    return opts


def adapt_server_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` as every registered server adapter leaves them."""
    opts = dict(options)
    for adapter in _server_adapters:
        opts = adapter(opts)
    return opts


def add_connection_hook(hook: ConnectionHook) -> None:
    """Run ``hook(socket, conn)`` on every TLSSocket's connection from now on (idempotent
    hooks only: it runs again when the connection changes context)."""
    if hook not in _connection_hooks:
        _connection_hooks.append(hook)


def configure_connection(socket: Any, conn: Any) -> None:
    """Run every registered connection hook over ``socket``'s ``conn``."""
    for hook in _connection_hooks:
        hook(socket, conn)

"""Where layers above the core plug in: option adapters for sockets and servers.

The core (``TLSSocket``, ``tls.Server``) knows Node 20's options only.  A layer that
accepts older forms (:mod:`nodessl.legacy`: ``NPNProtocols``, the one-argument
``SNICallback``) registers an adapter here when it is imported, and the core runs every
registered adapter over the options it is given, before it reads them.  The dependency
points one way: the layer imports this module; the core never imports the layer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["OptionAdapter", "add_server_adapter", "add_socket_adapter", "adapt_server_options",
           "adapt_socket_options"]

OptionAdapter = Callable[[Mapping[str, Any]], dict[str, Any]]
"""Takes options, returns them (a new dict) in the form the core understands."""

_socket_adapters: list[OptionAdapter] = []
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

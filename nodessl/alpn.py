"""ALPN: Node's ``ALPNProtocols`` forms, ``convertALPNProtocols``, and the server's choice.

Node takes a list of str/bytes, or one bytes value already in wire format
(length-prefixed names).  The server picks the first of *its* protocols that
the client offered (``SSL_select_next_proto``); with Node 20's ``ALPNCallback``
the user picks instead.  No overlap ends the handshake with the
no_application_protocol alert (RFC 7301), as Node with OpenSSL 3 does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import encodings
from .errors import NodeError, NodeRangeError, NodeTypeError, invalid_arg_type

__all__ = ["convertALPNProtocols", "to_wire", "select"]


def to_wire(protocols: Any) -> bytes | None:
    """The wire form of an ``ALPNProtocols`` value (None when not given)."""
    if protocols is None:
        return None
    if isinstance(protocols, (bytes, bytearray, memoryview)):
        return bytes(protocols)
    if isinstance(protocols, (list, tuple)):
        out = bytearray()
        for index, proto in enumerate(protocols):
            if isinstance(proto, str):
                raw = encodings.encode(proto)  # Buffer.from(string): utf8
            elif isinstance(proto, (bytes, bytearray, memoryview)):
                raw = bytes(proto)
            else:
                raise invalid_arg_type("string", "of type string or an instance of Buffer or "
                                       "ArrayBuffer", proto)
            if len(raw) > 255:
                raise NodeRangeError(
                    f"The byte length of the protocol at index {index} exceeds the maximum "
                    f"length. It must be <= 255. Received {len(raw)}", "ERR_OUT_OF_RANGE")
            out.append(len(raw))
            out += raw
        return bytes(out)
    return b""  # Node ignores other types here (a string sets nothing)


def convertALPNProtocols(protocols: Any, out: dict[str, Any]) -> None:
    """Node's ``tls.convertALPNProtocols(protocols, out)``: sets ``out['ALPNProtocols']``."""
    wire = to_wire(protocols)
    if wire:
        out["ALPNProtocols"] = wire


def names(wire: bytes) -> list[bytes]:
    """The protocol names of a wire-format list."""
    out, pos = [], 0
    while pos < len(wire):
        size = wire[pos]
        out.append(wire[pos + 1:pos + 1 + size])
        pos += 1 + size
    return out


def check_server_options(protocols: Any, callback: Any) -> None:
    """Node's createServer checks for the two ALPN options."""
    if callback is not None:
        if protocols is not None:
            raise NodeTypeError("The ALPNCallback and ALPNProtocols TLS options are mutually "
                                "exclusive", "ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS")
        if not callable(callback):
            raise invalid_arg_type("options.ALPNCallback", "of type function", callback)
    to_wire(protocols)


def select(offered: list[bytes], mine: bytes | None,
           callback: Callable[[dict[str, Any]], Any] | None,
           servername: str | None) -> bytes | None:
    """The server's pick among the client's ``offered`` protocols (None: no overlap)."""
    if callback is not None:
        protocols = [p.decode("latin-1") for p in offered]
        chosen = callback({"servername": servername, "protocols": protocols})
        if chosen is None:
            return None
        if chosen not in protocols:
            raise NodeError(
                f"ALPN callback returned a value ({chosen}) that did not match any of the "
                f"client's offered protocols ({', '.join(protocols)})",
                "ERR_TLS_ALPN_CALLBACK_INVALID_RESULT")
        return str(chosen).encode("latin-1")
    for proto in names(mine or b""):
        if proto in offered:
            return proto
    return None

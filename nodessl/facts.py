"""Handshake facts and record sizing: ``exportKeyingMaterial``, ``getFinished`` /
``getPeerFinished`` and ``setMaxSendFragment``.

* ``exportKeyingMaterial`` validates its arguments exactly as Node's
  ``TLSSocket.prototype.exportKeyingMaterial`` (``validateUint32`` with
  positive, ``validateString``, ``validateBuffer``), then the state, then asks
  OpenSSL through :func:`nodessl.openssl.export_keying_material`.
* ``setMaxSendFragment``: on the shared backend the engine calls OpenSSL's
  ``SSL_set_max_send_fragment``, as Node does, and OpenSSL cuts every record it
  writes (handshake records too).  The bundled binding has no such call, so there
  the engine cuts plaintext into pieces of at most ``size`` bytes before
  ``SSL_write`` (one piece, one record: no application-data record is larger).
  The engine's normal ``write`` is only replaced once a limit is set, so
  connections without one pay nothing per write.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from . import encodings
from .errors import NodeError, invalid_arg_type, out_of_range

__all__ = [
    "validate_keying_args",
    "not_secure",
    "validate_fragment_size",
    "fragmenting_writer",
    "MIN_FRAGMENT",
    "MAX_FRAGMENT",
]

MIN_FRAGMENT, MAX_FRAGMENT = 512, 16384
_BUFFER_TYPES = (bytes, bytearray, memoryview)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def validate_keying_args(length: Any, label: Any, context: Any) -> tuple[int, bytes,
                                                                          bytes | None]:
    """Node's checks, in Node's order; returns (length, label bytes, context bytes)."""
    if not _is_number(length):
        raise invalid_arg_type("length", "of type number", length)
    if isinstance(length, float) and not (math.isfinite(length) and length.is_integer()):
        raise out_of_range("length", "an integer", _js_number(length))
    if not 1 <= length <= 0xFFFFFFFF:
        raise out_of_range("length", ">= 1 && <= 4294967295", _js_number(length))
    if not isinstance(label, str):
        raise invalid_arg_type("label", "of type string", label)
    if context is not None and not isinstance(context, _BUFFER_TYPES):
        raise invalid_arg_type("context", "an instance of Buffer, TypedArray, or DataView",
                               context)
    return int(length), encodings.encode(label), bytes(context) if context is not None else None


def not_secure() -> NodeError:
    """``ERR_TLS_INVALID_STATE``: exporting keys before the handshake completed."""
    return NodeError("TLS socket connection must be securely established",
                     "ERR_TLS_INVALID_STATE")


def _js_number(value: float | int) -> Any:
    # Node prints integral floats without ".0" (Received 0, not 0.0)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return _JsNumber(value) if isinstance(value, float) else value


class _JsNumber(float):
    def __repr__(self) -> str:
        if math.isnan(self):
            return "NaN"
        if math.isinf(self):
            return "Infinity" if self > 0 else "-Infinity"
        return float.__repr__(self)


def validate_fragment_size(size: Any) -> int:
    """Node's ``validateInt32(size, 'size')``."""
    if not _is_number(size):
        raise invalid_arg_type("size", "of type number", size)
    if isinstance(size, float) and not (math.isfinite(size) and size.is_integer()):
        raise out_of_range("size", "an integer", _js_number(size))
    if not -(2**31) <= size <= 2**31 - 1:
        raise out_of_range("size", f">= {-(2**31)} && <= {2**31 - 1}", _js_number(size))
    return int(size)


def fragmenting_writer(write: Callable[[bytes], bytes], size: int) -> Callable[[bytes], bytes]:
    """A ``write(data) -> rest`` that hands ``write`` at most ``size`` bytes at a time; what
    is refused (``write`` returned a rest, mid-renegotiation) comes back with what follows."""

    def write_pieces(data: bytes) -> bytes:
        if len(data) <= size:
            return write(data)
        view = memoryview(data)
        for start in range(0, len(view), size):
            rest = write(view[start:start + size])  # type: ignore[arg-type]
            if rest:
                return rest + bytes(view[start + size:])
        return b""

    return write_pieces

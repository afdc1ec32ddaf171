"""Node's character encodings, one table for reading and writing.

Node names (case-insensitive, as ``Buffer.isEncoding``): ``utf8``/``utf-8``,
``utf16le``/``utf-16le``/``ucs2``/``ucs-2``, ``latin1``/``binary``, ``ascii``,
``base64``, ``base64url`` and ``hex``.  Each is normalized to Node's canonical
name (``normalize('UCS-2') == 'utf16le'``, ``normalize('binary') == 'latin1'``).

* :func:`encode` is ``Buffer.from(string, encoding)``: Node's lenient rules
  (hex stops at the first bad pair, base64 ignores what is not base64 and takes
  both alphabets, latin1/ascii keep the low byte of each code unit, lone
  surrogates become U+FFFD in UTF-8).
* :func:`decode` is ``buf.toString(encoding)`` (``ascii`` drops the high bit).
* :class:`StringDecoder` is Node's ``string_decoder``: incremental decoding in
  which a character split across chunks comes out whole (UTF-8, UTF-16), and
  base64 is emitted in complete 3-byte groups; ``end()`` flushes the rest.

An unknown name is Node's ``ERR_UNKNOWN_ENCODING`` (a ``TypeError``).
"""

from __future__ import annotations

import base64 as _b64
import binascii
import re
from collections.abc import Callable
from typing import Any

from .errors import NodeTypeError

__all__ = ["ENCODINGS", "StringDecoder", "decode", "encode", "isEncoding", "normalize",
           "unknown_encoding", "canonical"]

# Node's spellings → its canonical names (Buffer.isEncoding / normalizeEncoding).
ENCODINGS: dict[str, str] = {
    "utf8": "utf8", "utf-8": "utf8",
    "utf16le": "utf16le", "utf-16le": "utf16le", "ucs2": "utf16le", "ucs-2": "utf16le",
    "latin1": "latin1", "binary": "latin1",
    "ascii": "ascii",
    "base64": "base64",
    "base64url": "base64url",
    "hex": "hex",
}


def normalize(encoding: Any) -> str | None:
    """Node's canonical name for ``encoding`` (``None``/``''`` mean utf8); None if unknown."""
    if encoding is None or encoding == "":
        return "utf8"
    if not isinstance(encoding, str):
        return None
    name = ENCODINGS.get(encoding)
    if name is None:
        name = ENCODINGS.get(encoding.lower())
    return name


def isEncoding(encoding: Any) -> bool:
    """``Buffer.isEncoding``: whether ``encoding`` is one of Node's names."""
    return isinstance(encoding, str) and encoding.lower() in ENCODINGS


def unknown_encoding(encoding: Any) -> NodeTypeError:
    """Node's ``ERR_UNKNOWN_ENCODING``."""
    return NodeTypeError(f"Unknown encoding: {encoding}", "ERR_UNKNOWN_ENCODING")


def canonical(encoding: Any) -> str:
    """Like :func:`normalize`, but an unknown name raises ``ERR_UNKNOWN_ENCODING``."""
    name = normalize(encoding)
    if name is None:
        raise unknown_encoding(encoding)
    return name


# -- string → bytes -------------------------------------------------------------------------

_HEX_PAIRS = re.compile(r"(?:[0-9a-fA-F]{2})*")
_NOT_B64 = re.compile(r"[^A-Za-z0-9+/\-_]")


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # lone surrogates (a JS string's) become U+FFFD, as V8 writes them; pairs join
        return (text.encode("utf-16-le", "surrogatepass")
                .decode("utf-16-le", "replace").encode("utf-8"))


def _low_bytes(text: str) -> bytes:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        # Node keeps the low byte of each UTF-16 code unit
        units = text.encode("utf-16-le", "surrogatepass")
        return units[::2]


def _low_chars(text: str) -> str:
    # Node reads a two-byte string's code units through a uint8_t for hex and base64
    if text.isascii():
        return text
    return _low_bytes(text).decode("latin-1")


def _hex(text: str) -> bytes:
    # Node decodes pairs up to the first one that is not hex; an odd tail is dropped
    text = _low_chars(text)
    match = _HEX_PAIRS.match(text)
    return bytes.fromhex(match.group(0)) if match else b""


def _base64(text: str) -> bytes:
    # Node takes both alphabets, skips anything else and stops at padding
    text = _low_chars(text).split("=", 1)[0]
    text = _NOT_B64.sub("", text).replace("-", "+").replace("_", "/")
    if len(text) % 4 == 1:
        text = text[:-1]  # a lone sextet carries no whole byte
    try:
        return _b64.b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error:  # pragma: no cover - filtered above
        return b""


_ENCODERS: dict[str, Callable[[str], bytes]] = {
    "utf8": _utf8,
    "utf16le": lambda text: text.encode("utf-16-le", "surrogatepass"),
    "latin1": _low_bytes,
    "ascii": _low_bytes,
    "base64": _base64,
    "base64url": _base64,
    "hex": _hex,
}


def encode(text: str, encoding: Any = "utf8") -> bytes:
    """``Buffer.from(text, encoding)``."""
    if encoding is None or encoding == "utf8":
        return _utf8(text)
    return _ENCODERS[canonical(encoding)](text)


# -- bytes → string -------------------------------------------------------------------------

_ASCII_TABLE = bytes(range(128)) * 2


def _b64text(data: bytes) -> str:
    return _b64.b64encode(data).decode("ascii")


def _b64urltext(data: bytes) -> str:
    return _b64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


_DECODERS: dict[str, Callable[[bytes], str]] = {
    "utf8": lambda data: data.decode("utf-8", "replace"),
    "utf16le": lambda data: data[: len(data) & ~1].decode("utf-16-le", "surrogatepass"),
    "latin1": lambda data: data.decode("latin-1"),
    "ascii": lambda data: data.translate(_ASCII_TABLE).decode("ascii"),
    "base64": _b64text,
    "base64url": _b64urltext,
    "hex": lambda data: data.hex(),
}


def decode(data: bytes | bytearray | memoryview, encoding: Any = "utf8") -> str:
    """``buf.toString(encoding)``."""
    return _DECODERS[canonical(encoding)](bytes(data))


class _Utf8Decoder:
    """Node's UTF-8 StringDecoder (src/string_decoder.cc): what looks like the start of an
    unfinished character at the end of a chunk is held back, judged by its lead byte
    alone (so F5..F7 wait for 4 bytes, as in Node); a byte that cannot continue it ends
    it early.  Complete text is decoded as V8 does (U+FFFD per maximal subpart)."""

    __slots__ = ("pending", "missing")

    def __init__(self) -> None:
        self.pending = b""
        self.missing = 0

    def decode(self, data: bytes | bytearray | memoryview, final: bool = False) -> str:
        data = bytes(data)
        out = ""
        if self.missing:
            n = min(self.missing, len(data))
            for i in range(n):
                if data[i] & 0xC0 != 0x80:
                    n = i  # not a continuation: the held character ends here
                    self.missing = 0
                    break
            else:
                self.missing -= n
            self.pending += data[:n]
            data = data[n:]
            if self.missing and not final:
                return ""
            out = self.pending.decode("utf-8", "replace")
            self.pending = b""
            self.missing = 0
        if not data:
            return out
        if not final:
            buffered = missing = 0
            i = len(data) - 1
            while True:
                buffered += 1
                byte = data[i]
                if byte & 0xC0 == 0x80:
                    if buffered >= 4 or i == 0:
                        buffered = 0
                        break
                    i -= 1
                    continue
                if byte & 0xE0 == 0xC0:
                    missing = 2
                elif byte & 0xF0 == 0xE0:
                    missing = 3
                elif byte & 0xF8 == 0xF0:
                    missing = 4
                else:
                    buffered = 0
                    break
                if buffered >= missing:
                    missing = buffered = 0
                missing -= buffered
                break
            if buffered:
                self.pending = data[-buffered:]
                self.missing = missing
                data = data[:-buffered]
        return out + data.decode("utf-8", "replace")

    def flush(self) -> str:
        out = self.pending.decode("utf-8", "replace") if self.pending else ""
        self.pending = b""
        self.missing = 0
        return out


class _Utf16Decoder:
    """Node's UTF-16LE StringDecoder: an odd byte waits for its pair, and a high surrogate
    ending an even chunk waits for the low one; everything else comes out as it is
    (a lone surrogate too, as a JS string holds it)."""

    __slots__ = ("pending", "missing")

    def __init__(self) -> None:
        self.pending = b""
        self.missing = 0

    def decode(self, data: bytes | bytearray | memoryview, final: bool = False) -> str:
        data = bytes(data)
        out = ""
        if self.missing:
            n = min(self.missing, len(data))
            self.pending += data[:n]
            data = data[n:]
            self.missing -= n
            if self.missing:
                return ""
            out = self.pending.decode("utf-16-le", "surrogatepass")
            self.pending = b""
        if not data:
            return out
        keep = 1 if len(data) % 2 else (2 if data[-1] & 0xFC == 0xD8 else 0)
        if keep:
            self.pending, self.missing = data[-keep:], keep
            data = data[:-keep]
        body = data.decode("utf-16-le", "surrogatepass")
        if out and body and "\ud800" <= out[-1] <= "\udbff" and "\udc00" <= body[0] <= "\udfff":
            # a JS string joins the two halves into one character: so does Python's here
            return out[:-1] + (out[-1] + body[0]).encode("utf-16-le", "surrogatepass").decode(
                "utf-16-le") + body[1:]
        return out + body

    def flush(self) -> str:
        pending = self.pending[: len(self.pending) & ~1]  # an odd last byte is dropped
        self.pending = b""
        self.missing = 0
        return pending.decode("utf-16-le", "surrogatepass")


class StringDecoder:
    """Node's ``StringDecoder``: ``write(bytes) -> str`` across chunk boundaries, ``end()``."""

    __slots__ = ("encoding", "_inc", "_pending", "_group", "_whole")

    _inc: _Utf8Decoder | _Utf16Decoder | None

    def __init__(self, encoding: Any = "utf8") -> None:
        self.encoding = canonical(encoding)
        self._inc = None
        self._pending = b""
        self._group = 0
        self._whole = _DECODERS[self.encoding]
        if self.encoding == "utf8":
            self._inc = _Utf8Decoder()
        elif self.encoding == "utf16le":
            self._inc = _Utf16Decoder()
        elif self.encoding in ("base64", "base64url"):
            self._group = 3  # whole 3-byte groups only, so no padding mid-stream

    def write(self, data: bytes | bytearray | memoryview) -> str:
        """Decode ``data``; bytes of an unfinished character are kept for the next call."""
        inc = self._inc
        if inc is not None:
            return inc.decode(data)
        if self._group:
            buf = self._pending + bytes(data) if self._pending else bytes(data)
            cut = len(buf) - len(buf) % 3
            self._pending = buf[cut:]
            return self._whole(buf[:cut]) if cut else ""
        return self._whole(bytes(data))

    def end(self, data: bytes | bytearray | memoryview | None = None) -> str:
        """Decode ``data`` (if any) and flush what is left (U+FFFD for a cut UTF-8 character)."""
        out = self.write(data) if data else ""
        inc = self._inc
        if inc is not None:
            return out + inc.flush()
        if self._pending:
            out += self._whole(self._pending)
            self._pending = b""
        return out

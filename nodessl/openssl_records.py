"""(to be merged into openssl.py) The engine's per-record calls, with return codes."""

from __future__ import annotations

from OpenSSL import SSL
from OpenSSL._util import ffi as _ffi
from OpenSSL._util import lib as _lib

from .errors import NodeError, SSLError, openssl_code

_SSL_ERROR_WANT_READ = _lib.SSL_ERROR_WANT_READ
_SSL_ERROR_ZERO_RETURN = _lib.SSL_ERROR_ZERO_RETURN
_SSL_ERROR_SSL = _lib.SSL_ERROR_SSL
_SSL_ERROR_SYSCALL = _lib.SSL_ERROR_SYSCALL


def error_queue() -> list[tuple[int, str, str]]:
    """Drain OpenSSL's error queue as (packed code, library, reason)."""
    out = []
    while True:
        code = _lib.ERR_get_error()
        if code == 0:
            return out
        lib_s = _lib.ERR_lib_error_string(code)
        reason_s = _lib.ERR_reason_error_string(code)
        out.append((
            code,
            _ffi.string(lib_s).decode("latin-1") if lib_s != _ffi.NULL else "",
            _ffi.string(reason_s).decode("latin-1") if reason_s != _ffi.NULL else "",
        ))


def ssl_error_from_queue() -> SSLError:
    """The first queued OpenSSL error as Node shows it (``error:0A000086:SSL routines::...``)."""
    queue = error_queue()
    if not queue:
        return SSLError("Unknown OpenSSL error", None, library=None, reason=None)
    code, lib_s, reason = queue[0]
    return SSLError(
        f"error:{code:08X}:{lib_s}::{reason}", openssl_code(lib_s, reason),
        library=lib_s, reason=reason,
        opensslErrorStack=[f"error:{c:08X}:{lb}::{r}" for c, lb, r in queue[1:]],
    )


# Scratch buffers shared by every connection: each call below fills and copies out of
# them before returning, on the loop thread, so per-connection buffers would only cost
# memory (128 KiB per idle connection).
_READ_BUF = _ffi.new("char[]", 64 * 1024)
_READ_VIEW = _ffi.buffer(_READ_BUF)
_OUT_BUF = _ffi.new("char[]", 64 * 1024)
_OUT_VIEW = _ffi.buffer(_OUT_BUF)


class RecordIO:
    """SSL_read/SSL_write/BIO_read/BIO_write on one connection, with return codes."""

    __slots__ = ("_conn", "_ssl", "_in", "_out", "_rbuf", "_obuf", "_rview", "_oview")

    def __init__(self, conn: SSL.Connection) -> None:
        self._conn = conn  # keeps the SSL* alive
        self._ssl = conn._ssl
        self._in = conn._into_ssl
        self._out = conn._from_ssl
        self._rbuf, self._rview = _READ_BUF, _READ_VIEW
        self._obuf, self._oview = _OUT_BUF, _OUT_VIEW

    def feed(self, data: bytes | memoryview) -> None:
        """Ciphertext into the incoming memory BIO."""
        if not data:
            return
        src = _ffi.from_buffer(data)
        n = _lib.BIO_write(self._in, src, len(data))
        if n != len(data):
            raise NodeError("BIO_write failed", "ERR_SSL_BIO_WRITE")

    def read_all(self, size: int) -> tuple[list[bytes], bool]:
        """Decrypt every complete record: (chunks, peer sent close_notify)."""
        chunks: list[bytes] = []
        ssl, buf, view = self._ssl, self._rbuf, self._rview
        size = min(size, len(view))
        while True:
            n = _lib.SSL_read(ssl, buf, size)
            if n > 0:
                chunks.append(view[:n])
                continue
            err = _lib.SSL_get_error(ssl, n)
            if err == _SSL_ERROR_WANT_READ:
                return chunks, False
            if err == _SSL_ERROR_ZERO_RETURN:
                return chunks, True
            if err == _SSL_ERROR_SSL:
                raise ssl_error_from_queue()
            if err == _SSL_ERROR_SYSCALL:
                error_queue()
                return chunks, True
            # WANT_X509_LOOKUP etc. do not happen after the handshake here
            return chunks, False

    def write(self, data: bytes) -> None:
        """Encrypt ``data`` into records (a memory BIO accepts everything)."""
        ssl = self._ssl
        view = memoryview(data)
        while view:
            piece = view[: 1 << 30]
            n = _lib.SSL_write(ssl, _ffi.from_buffer(piece), len(piece))
            if n <= 0:
                err = _lib.SSL_get_error(ssl, n)
                if err == _SSL_ERROR_SSL:
                    raise ssl_error_from_queue()
                raise NodeError("SSL_write failed", "ERR_SSL_WRITE_FAILED")
            view = view[n:]

    def drain(self) -> bytes:
        """Everything in the outgoing BIO."""
        out, buf, view = self._out, self._obuf, self._oview
        size = len(view)
        n = _lib.BIO_read(out, buf, size)
        if n <= 0:
            return b""
        first = view[:n]
        if n < size:
            return first
        parts = [first]
        while True:
            n = _lib.BIO_read(out, buf, size)
            if n <= 0:
                return b"".join(parts)
            parts.append(view[:n])

    def shutdown(self) -> None:
        """Queue close_notify."""
        _lib.SSL_shutdown(self._ssl)
        error_queue()

    def verify_result(self) -> int:
        """X509 verification result of the peer chain (0 is OK)."""
        return int(_lib.SSL_get_verify_result(self._ssl))

    def session_reused(self) -> bool:
        """Whether the handshake resumed a session."""
        return bool(_lib.SSL_session_reused(self._ssl))


# X509_V_ERR_* constant values to Node's verify-error codes (the names without the prefix).
VERIFY_CODES: dict[int, str] = {
    getattr(_lib, name): name[len("X509_V_ERR_"):]
    for name in dir(_lib)
    if name.startswith("X509_V_ERR_")
}


def verify_error_message(code: int) -> str:
    """OpenSSL's text for a verify result, e.g. ``self-signed certificate``."""
    return _ffi.string(_lib.X509_verify_cert_error_string(code)).decode("latin-1")

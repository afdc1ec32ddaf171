"""The ``keylog`` events and ``--tls-keylog=FILE``: a connection's secrets in NSS key-log format.

Why: Wireshark (or tshark) decrypts a capture with these lines; Node emits them as
``keylog(line)`` on a client socket and ``keylog(line, tlsSocket)`` on a server, ``line``
being the Buffer OpenSSL's keylog callback produced plus a newline.  TLS 1.3 gives five
lines per side (handshake and traffic secrets, exporter), TLS 1.2 one ``CLIENT_RANDOM``.

How: OpenSSL's keylog callback lives on the context (``SSL_CTX_set_keylog_callback``, no
per-connection setter) and is read each time OpenSSL has a line, so it is installed on the
SecureContext's one SSL_CTX the first time a connection asks (hook ``keylog``, hooks.py)
and hands lines only to connections that asked.  As in Node the callback is asked for on
demand: by a client when it has a ``keylog`` listener (also one added after TLS started,
as Node's ``newListener`` handler does: it sees the secrets derived from then on); for a
server connection, when the server has a ``keylog`` listener as the connection starts; and
by every connection when ``NODE_OPTIONS`` has ``--tls-keylog=FILE``, whose lines are
appended to FILE (created with mode 0600) like Node's.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from . import context

__all__ = ["Host", "wanted", "deliver"]


@runtime_checkable
class Host(Protocol):
    """What key logging needs from its TLSSocket (``socket.py`` implements it): its role,
    its options (a server socket's ``server``) and its events."""

    _isServer: bool

    @property
    def _tlsOptions(self) -> Mapping[str, Any]:
        """The options the socket was made with (read only here)."""

    def listenerCount(self, event: str) -> int:
        """How many listeners ``event`` has."""

    def emit(self, event: str, *args: Any) -> bool:
        """Emit ``event``."""

_warned = False
_write_failed = False


def _file() -> str | None:
    return context.NODE_OPTIONS_KEYLOG


def wanted(sock: Host) -> bool:
    """Whether ``sock`` (about to start its handshake) needs the keylog callback."""
    path = _file()
    if path:
        _warn_once(path)
        return True
    if sock._isServer:
        server = sock._tlsOptions.get("server")
        return server is not None and server.listenerCount("keylog") > 0
    return sock.listenerCount("keylog") > 0


def deliver(sock: Host, line: bytes) -> None:
    """One key-log line from OpenSSL: to the listeners, then to the ``--tls-keylog`` file."""
    if sock._isServer:
        server = sock._tlsOptions.get("server")
        if server is not None:
            server.emit("keylog", line, sock)
    else:
        sock.emit("keylog", line)
    path = _file()
    if path:
        _append(path, line)


def _warn_once(path: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        warnings.warn("Using --tls-keylog makes TLS connections insecure by writing secret "
                      f"key material to file {path}", RuntimeWarning, stacklevel=4)


def _append(path: str, line: bytes) -> None:
    global _write_failed
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError as err:
        if not _write_failed:
            _write_failed = True
            warnings.warn("Failed to write TLS keylog (this warning will not be repeated): "
                          f"{err}", RuntimeWarning, stacklevel=2)

"""Every entry point's options as ``TypedDict``s: the one list of option names.

``createSecureContext``, ``connect``, ``createServer``, ``new TLSSocket``, ``net.connect``,
``new net.Socket``, ``net.createServer`` (and the asyncio forms over them) each take one of
these.  :mod:`nodessl.optionnames` derives the names each entry point accepts as keywords
from them, and tests/test_option_names.py checks every name the code reads is declared.

Types only: an editor completes the option names and a type checker flags a misspelt
keyword (``requestCrt=True``).  At runtime the options stay plain dicts (a ``TypedDict`` is
one) and keyword arguments; a dict ported from Node may carry keys nodessl does not read, as
Node allows, so the functions also accept any ``dict[str, Any]``.

``None`` stands for JavaScript's ``undefined`` (the option's default) wherever an option is
accepted, as the functions document.  Strings and bytes-like objects are accepted wherever
Node takes a string or a Buffer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypedDict

__all__ = [
    "BufferLike",
    "PEM",
    "TLSVersion",
    "SecureContextOptions",
    "ConnectOptions",
    "ServerOptions",
    "TLSSocketOptions",
    "OpenConnectionOptions",
    "NetSocketOptions",
    "NetConnectOptions",
    "NetServerOptions",
]

BufferLike = bytes | bytearray | memoryview
"""Node's ``Buffer``/``TypedArray``/``DataView``: any bytes-like object."""

PEM = str | BufferLike
"""PEM text, as a string or as bytes."""

TLSVersion = Literal["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
"""The names ``minVersion``/``maxVersion`` take (Node's ``tls.DEFAULT_MIN_VERSION`` …)."""

_Protocols = Sequence[str | BufferLike] | BufferLike
# ALPNProtocols / NPNProtocols: a list of names, or Node's wire format (length-prefixed)


class SecureContextOptions(TypedDict, total=False):
    """The options of ``createSecureContext`` (also read by ``connect``, ``createServer``
    and ``TLSSocket``), in Node 20's names."""

    ca: PEM | Sequence[PEM] | None
    cert: PEM | Sequence[PEM] | None
    # a PEM, or a list of PEMs and {"pem": ..., "passphrase": ...} objects
    key: PEM | Sequence[PEM | Mapping[str, Any]] | None
    passphrase: str | None
    # PKCS#12 bytes, or a list of them and {"buf": ..., "passphrase": ...} objects
    pfx: BufferLike | Sequence[BufferLike | Mapping[str, Any]] | None
    crl: PEM | Sequence[PEM] | None
    ciphers: str | None
    sigalgs: str | None
    ecdhCurve: str | None
    dhparam: PEM | None
    honorCipherOrder: bool | None
    minVersion: TLSVersion | None
    maxVersion: TLSVersion | None
    secureProtocol: str | None
    secureOptions: int | None
    sessionIdContext: str | None
    sessionTimeout: int | None
    ticketKeys: BufferLike | None
    allowPartialTrustChain: bool | None
    privateKeyEngine: str | None
    privateKeyIdentifier: str | None
    clientCertEngine: str | None


class _StreamOptions(TypedDict, total=False):
    # what a net.Socket and a TLSSocket both take for their stream (Node's Duplex options
    # net.Socket passes on, and the connection's read buffer and abort signal)
    allowHalfOpen: bool | None
    highWaterMark: int | None
    readableHighWaterMark: int | None
    writableHighWaterMark: int | None
    # {"buffer": bytearray | callable, "callback": fn(nread, buf)}: reads into the caller's buffer
    onread: Mapping[str, Any] | None
    signal: Any  # an AbortSignal: aborting it destroys the socket
    captureRejections: bool | None  # EventEmitter's: a rejected async listener is an 'error'


class NetSocketOptions(_StreamOptions, total=False):
    """The options of ``new net.Socket(options)`` (:class:`nodessl.net.Socket`)."""

    fd: int | None  # refused: nodessl makes its own connections
    readable: bool | None
    writable: bool | None
    noDelay: bool | None
    keepAlive: bool | None
    keepAliveInitialDelay: float | None


class _RouteOptions(TypedDict, total=False):
    # socket.connect()'s, but where: the host and port are apart (open_connection takes them
    # as its own arguments)
    path: str | None
    localAddress: str | None
    localPort: int | None
    family: int | str | None  # 0, 4, 6 (or "IPv4"/"IPv6")
    hints: int | None
    lookup: Callable[..., Any] | None  # lookup(hostname, options, callback), dns.lookup's form
    autoSelectFamily: bool | None
    autoSelectFamilyAttemptTimeout: float | None
    timeout: float | None  # net.connect's: socket.setTimeout(timeout), in milliseconds


class NetConnectOptions(NetSocketOptions, _RouteOptions, total=False):
    """The options of ``net.connect``/``net.createConnection`` (:func:`nodessl.net.connect`):
    ``new net.Socket``'s and ``socket.connect``'s."""

    host: str | None
    port: int | str | None


class NetServerOptions(TypedDict, total=False):
    """The options of ``net.createServer`` (:func:`nodessl.net.createServer`)."""

    allowHalfOpen: bool | None
    highWaterMark: int | None
    keepAlive: bool | None
    keepAliveInitialDelay: float | None
    noDelay: bool | None
    pauseOnConnect: bool | None


class TLSSocketOptions(SecureContextOptions, _StreamOptions, total=False):
    """The options of ``new tls.TLSSocket(socket, options)`` (:class:`nodessl.TLSSocket`):
    the socket's, and the context's when ``secureContext`` is not given."""

    isServer: bool | None
    server: Any  # a tls.Server: lends its SNI contexts and OCSPRequest listeners
    requestCert: bool | None
    rejectUnauthorized: bool | None
    secureContext: _context.SecureContext | None
    session: BufferLike | None
    servername: str | None
    ALPNProtocols: _Protocols | None
    # ALPNCallback({"servername": ..., "protocols": [...]}) -> the protocol chosen, or None
    ALPNCallback: _results.ALPNCallback | None
    # SNICallback(servername, cb): cb(None, secure_context)
    SNICallback: _results.SNICallback | None
    NPNProtocols: _Protocols | None  # nodessl.legacy's
    requestOCSP: bool | None
    enableTrace: bool | None
    # a client's pskCallback(hint) -> {"psk": bytes, "identity": str} or None; a server's
    # pskCallback(socket, identity) -> the key (bytes) or None
    pskCallback: Callable[..., Any] | None
    pskIdentityHint: str | None
    handshakeTimeout: float | None
    minDHSize: int | None


class _ConnectOptions(TLSSocketOptions, NetSocketOptions, _RouteOptions, total=False):
    # tls.connect's, but where (host, port)
    socket: Any  # a nodessl.net.Socket, a Python socket or any Duplex
    checkServerIdentity: _results.CheckServerIdentity | None


class ConnectOptions(_ConnectOptions, total=False):
    """The options of ``connect`` (``tls.connect``): the context's, the TLS socket's and the
    connection's (``net.connect``'s)."""

    host: str | None
    port: int | str | None


class OpenConnectionOptions(_ConnectOptions, total=False):
    """The keyword options of :func:`nodessl.open_connection`: ``tls.connect``'s (its
    ``host`` and ``port`` are the function's arguments) and asyncio's spellings of three."""

    server_hostname: str | None  # servername
    sock: Any  # socket
    local_addr: tuple[str, int] | None  # localAddress, localPort


class ServerOptions(SecureContextOptions, NetServerOptions, total=False):
    """The options of ``createServer`` (``tls.createServer``): the context's, the TLS
    server's and ``net.createServer``'s."""

    ALPNProtocols: _Protocols | None
    # ALPNCallback({"servername": ..., "protocols": [...]}) -> the protocol chosen, or None
    ALPNCallback: _results.ALPNCallback | None
    # SNICallback(servername, cb): cb(None, secure_context)
    SNICallback: _results.SNICallback | None
    NPNProtocols: _Protocols | None  # nodessl.legacy's
    handshakeTimeout: float | None
    requestCert: bool | None
    rejectUnauthorized: bool | None
    # pskCallback(socket, identity) -> the key (bytes) or None
    pskCallback: _results.ServerPSKCallback | None
    pskIdentityHint: str | None
    enableTrace: bool | None


# Last: nodessl.context imports this module while it loads, and nodessl.net (loaded before
# it) imports this one; the module, not a name, so either order works.  Only the
# annotations above name it, evaluated on demand (typing.get_type_hints).
from . import context as _context  # noqa: E402

# The callbacks' types: for the type checker, and for its TYPE_CHECKING names to lend
# (docs/_ext/refpages.py), imported under TYPE_CHECKING; at runtime too, so that
# typing.get_type_hints resolves them (nodessl.results imports nothing of nodessl at load)
if TYPE_CHECKING:
    from . import results as _results
else:
    from . import results as _results

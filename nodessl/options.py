"""The options of ``createSecureContext``, ``connect`` and ``createServer`` as ``TypedDict``s.

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

# the module, not the name: nodessl.context imports this module while it loads
from . import context as _context

if TYPE_CHECKING:
    from . import results as _results

__all__ = [
    "BufferLike",
    "PEM",
    "TLSVersion",
    "SecureContextOptions",
    "ConnectOptions",
    "ServerOptions",
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


class ConnectOptions(SecureContextOptions, total=False):
    """The options of ``connect`` (``tls.connect``): the context's, the TLS socket's and the
    connection's (``net.connect``'s)."""

    # where to connect (or an existing connection to secure)
    host: str | None
    port: int | str | None
    path: str | None
    socket: Any  # a nodessl.net.Socket or any Duplex
    family: int | None
    localAddress: str | None
    localPort: int | None
    lookup: Callable[..., Any] | None
    hints: int | None
    autoSelectFamily: bool | None
    timeout: float | None
    signal: Any  # an AbortSignal
    allowHalfOpen: bool | None
    highWaterMark: int | None
    onread: Mapping[str, Any] | None
    # TLS
    servername: str | None
    rejectUnauthorized: bool | None
    checkServerIdentity: _results.CheckServerIdentity | None
    ALPNProtocols: _Protocols | None
    NPNProtocols: _Protocols | None
    session: BufferLike | None
    minDHSize: int | None
    secureContext: _context.SecureContext | None
    requestOCSP: bool | None
    enableTrace: bool | None
    # pskCallback(hint) -> {"psk": bytes, "identity": str} or None
    pskCallback: _results.ClientPSKCallback | None


class ServerOptions(SecureContextOptions, total=False):
    """The options of ``createServer`` (``tls.createServer``): the context's, the TLS
    server's and ``net.createServer``'s."""

    ALPNProtocols: _Protocols | None
    # ALPNCallback({"servername": ..., "protocols": [...]}) -> the protocol chosen, or None
    ALPNCallback: _results.ALPNCallback | None
    # SNICallback(servername, cb): cb(None, secure_context)
    SNICallback: _results.SNICallback | None
    NPNProtocols: _Protocols | None
    handshakeTimeout: float | None
    requestCert: bool | None
    rejectUnauthorized: bool | None
    # pskCallback(socket, identity) -> the key (bytes) or None
    pskCallback: _results.ServerPSKCallback | None
    pskIdentityHint: str | None
    enableTrace: bool | None
    # net.createServer's
    allowHalfOpen: bool | None
    pauseOnConnect: bool | None
    highWaterMark: int | None
    keepAliveInitialDelay: float | None

"""asyncio's stream API over nodessl (beyond Node): ``open_connection`` and ``start_server``.

They behave as :func:`asyncio.open_connection` and :func:`asyncio.start_server` do (a real
:class:`asyncio.StreamReader` / :class:`asyncio.StreamWriter`; a server with ``close()``,
``wait_closed()``, ``serve_forever()``, ``sockets``, ``async with``), but take Node's TLS
options as keyword arguments, so existing asyncio code gets PSK, OCSP stapling, SNI
callbacks and the rest by changing one import::

    reader, writer = await nodessl.open_connection("example.com", 443,
                                                   ALPNProtocols=["http/1.1"])
    writer.get_extra_info("tls_socket").alpnProtocol   # the TLSSocket underneath

There is no second TLS implementation: a connection is a :class:`~nodessl.TLSSocket` (made
by :func:`nodessl.connect` or a :class:`nodessl.Server`) driven through
:class:`TLSSocketTransport`, an :class:`asyncio.Transport` over it.

``get_extra_info`` keys: ``"tls_socket"`` (the TLSSocket), ``"peername"``,
``"sockname"``, ``"socket"`` (as asyncio's), ``"peercert"`` (the peer's certificate as
:meth:`ssl.SSLSocket.getpeercert` returns it, a dict with ``subject``, ``issuer``,
``notAfter``, ``subjectAltName`` …, the form asyncio code reads; None without a
certificate; Node's object is ``tls_socket.getPeerCertificate()``), ``"cipher"`` (ssl's
``(name, version, secret_bits)``), ``"compression"`` (None) and ``"ssl_object"`` (an
:class:`SSLObjectView`: ``getpeercert()``, ``version()``, ``cipher()``,
``selected_alpn_protocol()`` … as :class:`ssl.SSLObject`).  ``"sslcontext"`` is None: there
is no :class:`ssl.SSLContext` (asyncio's stream protocol then keeps half-closed
connections open as it does for TCP; with Node's default ``allowHalfOpen: False`` the socket
ends itself when the peer ends, as an asyncio TLS connection does).
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Unpack

from .aio import until
from .optionnames import check_keywords
from .options import OpenConnectionOptions, ServerOptions

__all__ = ["SSLObjectView", "StreamServer", "TLSSocketTransport", "open_connection",
           "start_server"]

_DEFAULT_LIMIT = 2 ** 16  # asyncio.streams._DEFAULT_LIMIT
_HIGH_WATER = 64 * 1024  # asyncio's default write-buffer limits (FlowControlMixin)
_SHUTDOWN_TIMEOUT = 30.0  # asyncio.constants.SSL_SHUTDOWN_TIMEOUT


class TLSSocketTransport(asyncio.Transport):
    """An :class:`asyncio.Transport` over a connected TLSSocket (or any nodessl socket).

    ``'data'`` goes to ``protocol.data_received``, ``'end'`` to ``eof_received`` and
    ``'close'`` to ``connection_lost`` (with the socket's error); ``pause_reading`` /
    ``resume_reading`` are the socket's ``pause`` / ``resume``; ``write`` pauses the
    protocol's writing above the high-water mark and resumes it once what was written has
    been flushed down to the low-water mark (``writer.drain()`` waits on that).
    ``close()`` ends the socket (what was written goes first, then close_notify and FIN)
    and ``connection_lost`` follows at ``'close'``, once the peer has ended too (as
    asyncio's TLS transports wait for the peer's close_notify; closing earlier could reset
    a peer that has not read everything yet), or after ``shutdown_timeout`` seconds
    (asyncio's ``ssl_shutdown_timeout``, 30 by default) by destroying it; input arriving
    meanwhile is discarded.  ``abort()`` destroys it at once.
    """

    def __init__(self, sock: Any, protocol: asyncio.BaseProtocol,
                 loop: asyncio.AbstractEventLoop | None = None, *,
                 shutdown_timeout: float | None = None) -> None:
        super().__init__({"tls_socket": sock})
        self._sock = sock
        self._loop = loop or asyncio.get_running_loop()
        self._protocol = protocol
        self._closing = False
        self._writing_paused = False
        self._high = _HIGH_WATER
        self._low = _HIGH_WATER // 4
        self._error: BaseException | None = None
        self._lost = False
        self._shutdown_timeout = _SHUTDOWN_TIMEOUT if shutdown_timeout is None \
            else shutdown_timeout
        self._shutdown_timer: asyncio.TimerHandle | None = None
        self._peer_der = _peer_der(sock)
        sock.on("error", self._on_error)
        sock.on("close", self._on_close)
        sock.on("end", self._on_end)
        protocol.connection_made(self)
        # after connection_made, as asyncio's transports: data buffered meanwhile flows now
        sock.on("data", self._on_data)

    # -- socket events ---------------------------------------------------------------------

    def _on_data(self, chunk: Any) -> None:
        if self._closing:
            return  # as asyncio: no more data once close() was called
        if isinstance(chunk, str):
            chunk = chunk.encode()  # a setEncoding() on the socket beneath: asyncio reads bytes
        self._protocol.data_received(chunk)  # type: ignore[attr-defined]

    def _on_end(self, *_: Any) -> None:
        keep_open = self._protocol.eof_received()  # type: ignore[attr-defined]
        if not keep_open and not self._closing:
            self.close()

    def _on_error(self, err: BaseException) -> None:
        if self._error is None:
            self._error = err

    def _on_close(self, *_: Any) -> None:
        if self._lost:
            return
        self._lost = True
        self._closing = True
        if self._shutdown_timer is not None:
            self._shutdown_timer.cancel()
            self._shutdown_timer = None
        err = self._error
        if err is not None and not isinstance(err, Exception):
            err = ConnectionError(str(err))
        if self._writing_paused:
            self._writing_paused = False
            self._protocol.resume_writing()
        self._protocol.connection_lost(err)

    def _on_written(self, err: BaseException | None = None) -> None:
        if self._writing_paused and self.get_write_buffer_size() <= self._low:
            self._writing_paused = False
            self._protocol.resume_writing()

    # -- asyncio.Transport -----------------------------------------------------------------

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """``tls_socket``, ``peername``, ``sockname``, ``socket``, ``peercert``,
        ``cipher``, ``compression``, ``ssl_object``, ``sslcontext`` (see the module)."""
        sock = self._sock
        if name == "tls_socket":
            return sock
        if name == "peercert":
            return None if self._peer_der is None else decode_cert(self._peer_der)
        if name == "ssl_object":
            return SSLObjectView(sock, self._peer_der) if getattr(sock, "encrypted", False) \
                else default
        if name == "cipher":
            if not getattr(sock, "encrypted", False):
                return default
            return SSLObjectView(sock, self._peer_der).cipher() or default
        if name == "compression":
            return None
        if name == "sslcontext":
            return default
        if name in ("peername", "sockname", "socket"):
            found = _wire_info(sock, name)
            return default if found is None else found
        return super().get_extra_info(name, default)

    def is_closing(self) -> bool:
        """Whether :meth:`close` or :meth:`abort` was called or the socket is gone."""
        return self._closing or bool(self._sock.destroyed)

    def close(self) -> None:
        """End the socket after what was written; ``connection_lost`` at its ``'close'``
        (the peer's end, or the shutdown timeout)."""
        if self._closing:
            return
        self._closing = True
        sock = self._sock
        if sock.destroyed:
            return
        sock.end()
        sock.resume()  # discarded (_on_data), but read: the peer's end must be seen
        self._shutdown_timer = self._loop.call_later(self._shutdown_timeout, sock.destroy)

    def abort(self) -> None:
        """Destroy the socket now; what was not yet sent is dropped."""
        self._closing = True
        self._sock.destroy()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        """Hand the connection to another protocol."""
        self._protocol = protocol

    def get_protocol(self) -> asyncio.BaseProtocol:
        """The current protocol."""
        return self._protocol

    def is_reading(self) -> bool:
        """Whether data is delivered (the socket flows)."""
        return not self._closing and not self._sock.isPaused()

    def pause_reading(self) -> None:
        """``socket.pause()``: no ``data_received`` until :meth:`resume_reading`."""
        self._sock.pause()

    def resume_reading(self) -> None:
        """``socket.resume()``."""
        if not self._closing:
            self._sock.resume()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        """asyncio's flow-control limits (64 KiB / 16 KiB by default)."""
        if high is None:
            high = _HIGH_WATER if low is None else 4 * low
        if low is None:
            low = high // 4
        if not high >= low >= 0:
            raise ValueError(f"high ({high!r}) must be >= low ({low!r}) must be >= 0")
        self._high, self._low = high, low
        self._maybe_pause()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        """``(low, high)``, as asyncio's transports."""
        return self._low, self._high

    def get_write_buffer_size(self) -> int:
        """Bytes written and not yet flushed (the socket's ``writableLength``)."""
        return int(self._sock.writableLength or 0)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Write ``data`` (bytes-like); flow control as asyncio's transports."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be a bytes-like object, not "
                            f"{type(data).__name__!r}")
        if self._closing or self._sock.destroyed or not data:
            return  # asyncio drops writes after close (it logs); nothing to raise here
        self._sock.write(bytes(data), None, self._on_written)
        self._maybe_pause()

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        """Write each buffer (one write, as asyncio joins them)."""
        self.write(b"".join(list_of_data))

    def write_eof(self) -> None:
        """``socket.end()``: close_notify and FIN after what was written (half-close)."""
        if not self._sock.destroyed:
            self._sock.end()

    def can_write_eof(self) -> bool:
        """True: a TLSSocket ends its side with close_notify and FIN."""
        return True

    def _maybe_pause(self) -> None:
        if not self._writing_paused and self.get_write_buffer_size() > self._high:
            self._writing_paused = True
            self._protocol.pause_writing()

    def __repr__(self) -> str:
        state = "closing" if self.is_closing() else "open"
        return f"<TLSSocketTransport {state} {self._sock!r}>"


def _wire_info(sock: Any, name: str) -> Any:
    """peername / sockname / socket of the TCP (or Unix) connection under ``sock``."""
    current = sock
    for _ in range(8):  # down through TLS-in-TLS and wrapped sockets
        transport = getattr(current, "_transport", None)
        if transport is not None:
            return transport.get_extra_info(name)
        current = getattr(current, "_parent", None) or getattr(current, "_lower", None)
        if current is None:
            return None
    return None


def _peer_der(sock: Any) -> bytes | None:
    get = getattr(sock, "getPeerX509Certificate", None)
    cert = get() if get is not None else None
    return cert.raw if cert is not None else None


# -- ssl's certificate dict ------------------------------------------------------------------

# OpenSSL's long names, as ssl.getpeercert() spells them
_ATTR_NAMES = {
    "2.5.4.3": "commonName", "2.5.4.6": "countryName", "2.5.4.7": "localityName",
    "2.5.4.8": "stateOrProvinceName", "2.5.4.10": "organizationName",
    "2.5.4.11": "organizationalUnitName", "1.2.840.113549.1.9.1": "emailAddress",
    "2.5.4.5": "serialNumber", "2.5.4.9": "streetAddress", "2.5.4.17": "postalCode",
    "2.5.4.4": "surname", "2.5.4.42": "givenName", "2.5.4.12": "title",
    "0.9.2342.19200300.100.1.25": "domainComponent", "0.9.2342.19200300.100.1.1": "userId",
    "2.5.4.46": "dnQualifier", "2.5.4.65": "pseudonym", "2.5.4.43": "initials",
    "2.5.4.44": "generationQualifier", "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
    "2.5.4.15": "businessCategory",
}


def _name(name: Any) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple(
        tuple((_ATTR_NAMES.get(a.oid.dotted_string, a.oid.dotted_string), str(a.value))
              for a in rdn)
        for rdn in name.rdns)


def _asn1_time(when: datetime.datetime) -> str:
    # ASN1_TIME_print's form, as ssl returns it: 'Jan  5 09:34:43 2018 GMT'
    return f"{when:%b} {when.day:2d} {when:%H:%M:%S %Y} GMT"


def decode_cert(der: bytes) -> dict[str, Any]:
    """A DER certificate as :meth:`ssl.SSLSocket.getpeercert` returns it (a dict with
    ``subject``, ``issuer``, ``version``, ``serialNumber``, ``notBefore``, ``notAfter``,
    ``subjectAltName``, ``OCSP``, ``caIssuers``, ``crlDistributionPoints`` when present)."""
    from cryptography import x509
    from cryptography.x509.oid import AuthorityInformationAccessOID

    from .compat import not_valid_after, not_valid_before

    cert = x509.load_der_x509_certificate(der)
    serial = f"{cert.serial_number:X}"
    out: dict[str, Any] = {
        "subject": _name(cert.subject),
        "issuer": _name(cert.issuer),
        "version": cert.version.value + 1,
        "serialNumber": serial if len(serial) % 2 == 0 else "0" + serial,
        "notBefore": _asn1_time(not_valid_before(cert)),
        "notAfter": _asn1_time(not_valid_after(cert)),
    }
    exts = cert.extensions
    try:
        san = exts.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        san = None
    if san is not None:
        names: list[tuple[str, str]] = []
        for general in san:
            if isinstance(general, x509.DNSName):
                names.append(("DNS", general.value))
            elif isinstance(general, x509.IPAddress):
                ip = general.value
                text = (str(ip) if isinstance(ip, ipaddress.IPv4Address)
                        else ":".join(f"{int(p, 16):X}" for p in ip.exploded.split(":")))
                names.append(("IP Address", text))
            elif isinstance(general, x509.RFC822Name):
                names.append(("email", general.value))
            elif isinstance(general, x509.UniformResourceIdentifier):
                names.append(("URI", general.value))
            elif isinstance(general, x509.RegisteredID):
                names.append(("Registered ID", general.value.dotted_string))
            elif isinstance(general, x509.DirectoryName):
                names.append(("DirName", _name(general.value)))  # type: ignore[arg-type]
        out["subjectAltName"] = tuple(names)
    try:
        aia = exts.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        aia = None
    if aia is not None:
        for method, key in ((AuthorityInformationAccessOID.OCSP, "OCSP"),
                            (AuthorityInformationAccessOID.CA_ISSUERS, "caIssuers")):
            uris = tuple(d.access_location.value for d in aia if d.access_method == method
                         and isinstance(d.access_location, x509.UniformResourceIdentifier))
            if uris:
                out[key] = uris
    try:
        cdp = exts.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        cdp = None
    if cdp is not None:
        uris = tuple(n.value for point in cdp for n in (point.full_name or ())
                     if isinstance(n, x509.UniformResourceIdentifier))
        if uris:
            out["crlDistributionPoints"] = uris
    return out


class SSLObjectView:
    """What asyncio code reads off ``get_extra_info("ssl_object")`` (an
    :class:`ssl.SSLObject`), answered by the TLSSocket: ``getpeercert(binary_form)``,
    ``version()``, ``cipher()``, ``selected_alpn_protocol()``, ``compression()``,
    ``server_side``, ``server_hostname``, ``session_reused``."""

    def __init__(self, sock: Any, peer_der: bytes | None) -> None:
        self._sock = sock
        self._peer_der = peer_der

    def getpeercert(self, binary_form: bool = False) -> Any:
        """The peer's certificate: ssl's dict, or DER with ``binary_form``; None without one."""
        if self._peer_der is None:
            return None
        return self._peer_der if binary_form else decode_cert(self._peer_der)

    def version(self) -> str | None:
        """``'TLSv1.3'`` …, as ``getProtocol()``."""
        result: str | None = self._sock.getProtocol()
        return result

    def cipher(self) -> tuple[str, str, int | None] | None:
        """``(OpenSSL name, protocol version, secret bits)``."""
        info = self._sock.getCipher()
        if not info:
            return None
        conn = self._sock._conn()
        bits = conn.get_cipher_bits() if conn is not None else None
        return info["name"], info["version"], bits

    def selected_alpn_protocol(self) -> str | None:
        """The ALPN protocol agreed on (``alpnProtocol``), None when none was."""
        return self._sock.alpnProtocol or None

    def compression(self) -> None:
        """None: TLS compression is never on."""
        return None

    @property
    def server_side(self) -> bool:
        """Whether this is the server's end."""
        return bool(self._sock._isServer)

    @property
    def server_hostname(self) -> str | None:
        """The SNI name sent (client) or received (server)."""
        name = self._sock.servername
        return name if isinstance(name, str) and name else None

    @property
    def session_reused(self) -> bool:
        """Whether the handshake resumed a session."""
        reused = self._sock.isSessionReused
        return bool(reused() if callable(reused) else reused)


# -- open_connection / start_server -----------------------------------------------------------

def _connect_options(host: str | None, port: int | None,
                     kwargs: OpenConnectionOptions) -> dict[str, Any]:
    opts: dict[str, Any] = dict(kwargs)
    if "ssl" in opts:
        raise TypeError("nodessl.open_connection takes Node's TLS options as keywords "
                        "(ca=..., rejectUnauthorized=..., servername=...), not ssl=")
    # asyncio's spellings of what Node's options say
    if "server_hostname" in opts:
        opts.setdefault("servername", opts.pop("server_hostname"))
    if "sock" in opts:
        opts.setdefault("socket", opts.pop("sock"))
    if "local_addr" in opts:
        local = opts.pop("local_addr")
        if local is not None:
            opts.setdefault("localAddress", local[0])
            if local[1]:
                opts.setdefault("localPort", local[1])
    check_keywords("connect", opts, "open_connection")  # keywords: a misspelling is an error
    if host is not None:
        opts["host"] = host
    if port is not None:
        opts["port"] = port
    return opts


async def open_connection(host: str | None = None, port: int | None = None, *,
                          limit: int = _DEFAULT_LIMIT,
                          listeners: Mapping[str, Callable[..., Any]] | None = None,
                          ssl_shutdown_timeout: float | None = None,
                          **tls_options: Unpack[OpenConnectionOptions]
                          ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """:func:`asyncio.open_connection` over :func:`nodessl.connect`: connect, finish the TLS
    handshake and return ``(reader, writer)``.

    ``tls_options`` are ``tls.connect``'s (``ca``, ``cert``, ``key``, ``servername``,
    ``rejectUnauthorized``, ``ALPNProtocols``, ``pskCallback``, ``requestOCSP``,
    ``session``, ``minVersion`` …; asyncio's ``server_hostname``, ``sock`` and ``local_addr``
    are accepted for ``servername``, ``socket`` and ``localAddress``/``localPort``;
    ``ssl_shutdown_timeout`` bounds ``writer.close()``'s wait for the peer's end).  The
    connection's error is raised with Node's ``code`` (a certificate that does not verify:
    ``UNABLE_TO_VERIFY_LEAF_SIGNATURE``, ``ERR_TLS_CERT_ALTNAME_INVALID`` …; a refused
    connection is also a :class:`ConnectionRefusedError`).  ``writer.get_extra_info(
    "tls_socket")`` is the TLSSocket (session, ``exportKeyingMaterial`` …).  Events the
    socket emits during the handshake (``OCSPResponse``, ``keylog``, ``session``) need their
    listeners before it: ``listeners={"OCSPResponse": fn}`` adds them to the socket first.
    """
    from .client import connect

    loop = asyncio.get_running_loop()
    opts = _connect_options(host, port, tls_options)
    reader = asyncio.StreamReader(limit=limit, loop=loop)
    protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
    sock = connect(opts)
    for event, listener in (listeners or {}).items():
        sock.on(event, listener)
    made: list[TLSSocketTransport] = []

    def on_secure(*_: Any) -> None:
        # in the event itself, so nothing the peer sends next can come before the transport
        made.append(TLSSocketTransport(sock, protocol, loop,
                                       shutdown_timeout=ssl_shutdown_timeout))

    sock.once("secureConnect", on_secure)
    try:
        await until(sock, "secureConnect",
                    closed_error="The socket closed before the TLS connection was established")
    except BaseException:
        sock.removeListener("secureConnect", on_secure)
        sock.destroy()
        raise
    transport = made[0]
    writer = asyncio.StreamWriter(transport, protocol, reader, loop)
    return reader, writer


ClientConnected = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None] | None]


class StreamServer(asyncio.AbstractServer):
    """What :func:`start_server` returns: :class:`asyncio.Server`'s API over a
    :class:`nodessl.Server` (``tls_server``).  ``close()`` stops listening (Node's
    ``server.close()``); ``wait_closed()`` returns once it has closed and every connection
    has ended (as asyncio 3.12's and Node's ``'close'``); ``close_clients()`` /
    ``abort_clients()`` close / abort the connections."""

    def __init__(self, tls_server: Any, listen_args: tuple[Any, ...],
                 loop: asyncio.AbstractEventLoop) -> None:
        self.tls_server = tls_server
        self._listen_args = listen_args
        self._loop = loop
        self._transports: set[TLSSocketTransport] = set()
        self._closed: asyncio.Future[None] = loop.create_future()
        self._serving_forever: asyncio.Future[None] | None = None
        self._closing = False
        tls_server.on("close", self._on_close)

    def _on_close(self, *_: Any) -> None:
        if self._closing and not self._closed.done():
            self._closed.set_result(None)

    def close(self) -> None:
        """Stop listening; the connections stay until they end (see ``close_clients``)."""
        if self._closing:
            return
        self._closing = True
        if self._serving_forever is not None and not self._serving_forever.done():
            self._serving_forever.cancel()
        # (never listened: Node's close() still emits 'close', its callback would get
        # ERR_SERVER_NOT_RUNNING)
        self.tls_server.close()

    def close_clients(self) -> None:
        """Close every connection (``transport.close()``: after what was written)."""
        for transport in list(self._transports):
            transport.close()

    def abort_clients(self) -> None:
        """Abort every connection at once."""
        for transport in list(self._transports):
            transport.abort()

    def get_loop(self) -> asyncio.AbstractEventLoop:
        """The loop the server runs on."""
        return self._loop

    def is_serving(self) -> bool:
        """Whether the server accepts connections."""
        return bool(self.tls_server.listening)

    async def start_serving(self) -> None:
        """Listen (when ``start_server(start_serving=False)``); returns once listening."""
        if self.tls_server.listening or self._closing:
            return
        await self.tls_server.listenAsync(*self._listen_args)

    async def serve_forever(self) -> None:
        """Serve until cancelled; the cancellation closes the server and waits for it."""
        if self._serving_forever is not None:
            raise RuntimeError(f"server {self!r} is already being awaited on serve_forever()")
        if self._closing:
            raise RuntimeError(f"server {self!r} is closed")
        await self.start_serving()
        self._serving_forever = self._loop.create_future()
        try:
            await self._serving_forever
        except asyncio.CancelledError:
            try:
                self.close()
                await self.wait_closed()
            finally:
                raise
        finally:
            self._serving_forever = None

    async def wait_closed(self) -> None:
        """Return once the server was closed and its connections have ended."""
        if not self._closing:
            # asyncio 3.12 waits for close() to be called; so does this
            await until(self.tls_server, "close")
            return
        await asyncio.shield(self._closed)

    @property
    def sockets(self) -> tuple[Any, ...]:
        """The listening sockets (asyncio's ``TransportSocket`` objects)."""
        inner = getattr(self.tls_server, "_server", None)
        if inner is not None:
            return tuple(inner.sockets)
        return ()

    def __repr__(self) -> str:
        return f"<StreamServer sockets={self.sockets!r}>"


async def start_server(client_connected_cb: ClientConnected, host: str | None = None,
                       port: int | None = None, *, limit: int = _DEFAULT_LIMIT,
                       backlog: int = 100, start_serving: bool = True,
                       listeners: Mapping[str, Callable[..., Any]] | None = None,
                       ssl_shutdown_timeout: float | None = None,
                       **tls_options: Unpack[ServerOptions]) -> StreamServer:
    """:func:`asyncio.start_server` over :func:`nodessl.createServer`.

    ``client_connected_cb(reader, writer)`` (a function or a coroutine function, run as a
    task as asyncio does) is called for every connection once its TLS handshake is done
    (``'secureConnection'``).  ``tls_options`` are ``tls.createServer``'s (``key``,
    ``cert``, ``ca``, ``requestCert``, ``SNICallback``, ``pskCallback``,
    ``ALPNProtocols``, ``ticketKeys`` …); the server's event listeners Node programs add
    (``OCSPRequest``, ``keylog``, ``tlsClientError``, ``newSession`` …) are given as
    ``listeners={"OCSPRequest": fn}`` (the server is ``server.tls_server``).  ``host`` None listens on every
    interface (Node's default, ``::`` with IPv4 too).  Returns a :class:`StreamServer`
    listening (unless ``start_serving=False``); the bind error is raised (``EADDRINUSE``).
    """
    from .server import createServer

    if "ssl" in tls_options:
        raise TypeError("nodessl.start_server takes Node's TLS options as keywords "
                        "(key=..., cert=..., requestCert=...), not ssl=")
    if host is not None and not isinstance(host, str):
        raise TypeError("nodessl.start_server listens on one host (a str or None)")
    check_keywords("createServer", tls_options, "start_server")
    loop = asyncio.get_running_loop()
    tls_server = createServer(tls_options)
    for event, listener in (listeners or {}).items():
        tls_server.on(event, listener)
    listen: dict[str, Any] = {"port": port or 0, "backlog": backlog}
    if host is not None:
        listen["host"] = host
    server = StreamServer(tls_server, (listen,), loop)

    def on_secure(sock: Any) -> None:
        reader = asyncio.StreamReader(limit=limit, loop=loop)
        protocol = asyncio.StreamReaderProtocol(reader, client_connected_cb, loop=loop)
        transport = TLSSocketTransport(sock, protocol, loop,
                                       shutdown_timeout=ssl_shutdown_timeout)
        server._transports.add(transport)
        sock.once("close", lambda *_: server._transports.discard(transport))

    tls_server.on("secureConnection", on_secure)
    tls_server.on("error", lambda err: _report(loop, err, server))
    if start_serving:
        try:
            await server.start_serving()
        except BaseException:
            server.close()
            raise
    return server


def _report(loop: asyncio.AbstractEventLoop, err: BaseException, server: StreamServer) -> None:
    # an error after listening (a bind error is raised by start_serving)
    if server.is_serving():
        loop.call_exception_handler({"message": "nodessl.start_server: server error",
                                     "exception": err})

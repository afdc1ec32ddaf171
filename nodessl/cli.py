"""``python -m nodessl``: a probe CLI in Node's terms, like ``openssl s_client`` / ``s_server``.

Beyond Node (Node ships no such tool): the two commands print what Node's ``tls`` API tells
about a connection, so a script or a person sees a server or a client as a Node program would.
They use nodessl's public API only (``connect``, ``createServer``, ``run``).

``python -m nodessl connect HOST:PORT [options]``
    Connects, verifies as Node does (against Mozilla's roots, or ``--ca``) without rejecting,
    and prints ``authorized`` / ``authorizationError``, ``getProtocol()``, ``getCipher()``,
    ``alpnProtocol``, the servername sent, the peer's chain (``getPeerCertificate(true)``
    walked along ``issuerCertificate``), ``getPeerX509Certificate()``,
    ``getEphemeralKeyInfo()``, the OCSP staple decoded (``--ocsp``) and, with
    ``--reconnect``, whether a second connection offering the first one's session resumed it
    (``isSessionReused()``).  The servername defaults to HOST unless it is an IP address (as
    Node's ``https`` and ``openssl s_client`` do; bare ``tls.connect`` sends none): ``--servername
    ''`` sends none.  Exit status: 0 authorized, 1 not authorized or the connection failed
    (the Node error code is printed), 2 bad arguments.

    With ``--json`` one JSON object is printed (also on failure), with these keys:

    ``host``, ``port``, ``servername`` (str or null: the SNI name sent),
    ``authorized`` (bool), ``authorizationError`` (str or null),
    ``protocol`` (str or null), ``cipher`` (``{name, standardName, version}`` or null),
    ``alpnProtocol`` (str, or false when none was negotiated, as Node),
    ``ephemeralKeyInfo`` (``{type, name, size}``, ``{}`` when the exchange was not ephemeral),
    ``peerCertificateChain`` (list, leaf first: ``{subject, issuer, valid_from, valid_to,
    subjectaltname, serialNumber, fingerprint256}``, ``subject`` / ``issuer`` as Node's
    objects, ``subjectaltname`` null when absent),
    ``peerX509Certificate`` (``{subject, issuer, serialNumber, validFrom, validTo,
    subjectAltName, fingerprint256, ca, publicKey: {type, size}}`` or null),
    ``ocsp`` (null unless ``--ocsp``; ``{stapled: false}``; or ``{stapled: true, length,
    responseStatus, certStatus, thisUpdate, nextUpdate, producedAt, revocationTime,
    serialNumber, responder}``, times in ISO 8601 UTC, ``error`` when it does not parse),
    ``sessionReused`` (bool, the first connection),
    ``reconnect`` (null unless ``--reconnect``; ``{sessionOffered, sessionReused, protocol,
    authorized, error}``),
    ``error`` (null, or ``{code, message}`` when the connection failed: the facts above are
    null when it failed before the handshake finished).

``python -m nodessl serve --port P --key F --cert F [options]``
    A test server: prints ``LISTENING <port>`` once listening (also with ``--json``), then one
    line per secured connection (``secureConnection``) or failed one (``tlsClientError``);
    with ``--json`` each is a JSON object with ``event`` (``"secureConnection"``:
    ``remoteAddress``, ``remotePort``, ``servername``, ``protocol``, ``cipher``,
    ``alpnProtocol``, ``authorized``, ``authorizationError``, ``peerSubject``;
    ``"tlsClientError"``: ``code``, ``message``).  ``--ocsp-response F`` staples F's DER
    bytes through ``'OCSPRequest'``; ``--psk`` answers ``pskCallback`` (``--key`` /
    ``--cert`` are then optional); ``--request-cert`` asks for a client certificate and
    reports, not rejects, one that does not verify.  Runs until SIGINT or SIGTERM, then
    exits 0 (1 when it cannot listen).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import ipaddress
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from . import (
    NodeError,
    TLSSocket,
    checkServerIdentity,
    connect,
    createSecureContext,
    createServer,
    run,
)
from .aio import settle

if TYPE_CHECKING:
    from .results import DetailedPeerCertificate

__all__ = ["main", "build_parser"]

TLS_VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")

# exit statuses
OK, FAILED, USAGE = 0, 1, 2

# how long a probe waits for the server's session tickets (TLS 1.3 sends them after the
# handshake; a server that sends none must not hold the probe for its whole --timeout)
SESSION_WAIT = 2.0
# how long a probe waits for the server's answer to its close before it destroys the socket
CLOSE_WAIT = 2.0


# -- argument types: each raises ArgumentTypeError, which argparse turns into exit 2 -----------

def _host_port(value: str) -> tuple[str, int]:
    """``HOST:PORT`` or ``[IPv6]:PORT``."""
    host, sep, port = value.rpartition(":")
    if not sep or not host:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise argparse.ArgumentTypeError(
            f"an IPv6 address goes in brackets: [{host}]:{port}, got {value!r}")
    return host, _port_number(port, lowest=1)


def _port_number(value: str, lowest: int = 0) -> int:
    try:
        port = int(value, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not lowest <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} out of range {lowest}..65535")
    return port


def _listen_port(value: str) -> int:
    return _port_number(value, lowest=0)


def _file_bytes(value: str) -> bytes:
    """The contents of a file (key, certificate, CA bundle, OCSP response)."""
    try:
        with open(value, "rb") as f:
            return f.read()
    except OSError as err:
        raise argparse.ArgumentTypeError(f"cannot read {value!r}: {err.strerror}") from None


def _writable_file(value: str) -> str:
    try:
        with open(value, "ab"):
            pass
    except OSError as err:
        raise argparse.ArgumentTypeError(f"cannot write {value!r}: {err.strerror}") from None
    return value


def _psk(value: str) -> tuple[str, bytes]:
    """``IDENTITY:HEX``: the identity (may itself hold colons) and the key's bytes."""
    identity, sep, hexkey = value.rpartition(":")
    if not sep or not identity:
        raise argparse.ArgumentTypeError(f"expected IDENTITY:HEXKEY, got {value!r}")
    try:
        psk = bytes.fromhex(hexkey)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the key is not hex: {hexkey!r}") from None
    if not psk:
        raise argparse.ArgumentTypeError("the key is empty")
    return identity, psk


def _alpn(value: str) -> list[str]:
    protocols = value.split(",")
    for name in protocols:
        if not name:
            raise argparse.ArgumentTypeError(f"an empty protocol name in {value!r}")
        if len(name.encode()) > 255:
            raise argparse.ArgumentTypeError(f"protocol name longer than 255 bytes: {name!r}")
    return protocols


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"timeout {value} out of range (0, 3600]")
    return seconds


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m nodessl`` argument parser (``connect`` and ``serve``)."""
    parser = argparse.ArgumentParser(
        prog="python -m nodessl",
        description="Probe TLS servers and clients in Node's terms (getProtocol, getCipher, "
                    "authorized, getPeerCertificate, ...).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    probe = commands.add_parser(
        "connect", help="connect to HOST:PORT and print what Node's API tells",
        description="Connect to HOST:PORT, verify as Node does (without rejecting) and print "
                    "what Node's API tells about the connection. Exit status: 0 authorized, "
                    "1 not authorized or failed, 2 bad arguments.")
    probe.add_argument("target", metavar="HOST:PORT", type=_host_port,
                       help="the server, e.g. example.com:443 or [::1]:8443")
    probe.add_argument("--servername", metavar="NAME",
                       help="SNI name to send (default: HOST unless it is an IP address; "
                            "'' sends none); also the name the certificate is checked for")
    probe.add_argument("--ca", metavar="FILE", type=_file_bytes,
                       help="PEM CA certificates to trust instead of Mozilla's roots")
    probe.add_argument("--cert", metavar="FILE", type=_file_bytes,
                       help="PEM client certificate (chain), with --key")
    probe.add_argument("--key", metavar="FILE", type=_file_bytes,
                       help="PEM private key of --cert")
    probe.add_argument("--alpn", metavar="P1,P2", type=_alpn,
                       help="ALPN protocols to offer (ALPNProtocols)")
    probe.add_argument("--ocsp", action="store_true",
                       help="ask for an OCSP staple (requestOCSP) and decode it")
    probe.add_argument("--psk", metavar="IDENTITY:HEX", type=_psk,
                       help="pre-shared key to offer (pskCallback)")
    probe.add_argument("--ciphers", metavar="LIST",
                       help="cipher list (e.g. PSK for TLS 1.2 PSK suites)")
    probe.add_argument("--min-version", choices=TLS_VERSIONS, help="minVersion")
    probe.add_argument("--max-version", choices=TLS_VERSIONS, help="maxVersion")
    probe.add_argument("--keylog", metavar="FILE", type=_writable_file,
                       help="append the connection's 'keylog' lines (NSS key log format)")
    probe.add_argument("--reconnect", action="store_true",
                       help="connect again offering the first connection's session and "
                            "print isSessionReused()")
    probe.add_argument("--timeout", metavar="SECONDS", type=_timeout, default=10.0,
                       help="give up a connection after this long (default: 10)")
    probe.add_argument("--json", action="store_true", help="print one JSON object")
    probe.set_defaults(command_parser=probe)

    serve = commands.add_parser(
        "serve", help="a TLS test server that prints each connection",
        description="Listen, print 'LISTENING <port>', then one line per connection, until "
                    "SIGINT or SIGTERM.")
    serve.add_argument("--port", metavar="P", type=_listen_port, required=True,
                       help="port to listen on (0: any free port)")
    serve.add_argument("--host", metavar="H", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--key", metavar="FILE", type=_file_bytes, help="PEM private key")
    serve.add_argument("--cert", metavar="FILE", type=_file_bytes,
                       help="PEM certificate (chain)")
    serve.add_argument("--ca", metavar="FILE", type=_file_bytes,
                       help="PEM CA certificates that client certificates are checked against")
    serve.add_argument("--request-cert", action="store_true",
                       help="ask for a client certificate (requestCert); one that does not "
                            "verify is reported, not rejected")
    serve.add_argument("--ocsp-response", metavar="FILE", type=_file_bytes,
                       help="DER OCSP response to staple ('OCSPRequest')")
    serve.add_argument("--psk", metavar="IDENTITY:HEX", type=_psk,
                       help="pre-shared key to accept (pskCallback)")
    serve.add_argument("--alpn", metavar="P1,P2", type=_alpn,
                       help="ALPN protocols to select from (ALPNProtocols)")
    serve.add_argument("--ciphers", metavar="LIST", help="cipher list")
    serve.add_argument("--min-version", choices=TLS_VERSIONS, help="minVersion")
    serve.add_argument("--max-version", choices=TLS_VERSIONS, help="maxVersion")
    answer = serve.add_mutually_exclusive_group()
    answer.add_argument("--echo", action="store_true", help="send back what a client sends")
    answer.add_argument("--reply", metavar="TEXT",
                        help="send TEXT to each client, then end the connection")
    serve.add_argument("--json", action="store_true", help="one JSON object per line")
    serve.set_defaults(command_parser=serve)
    return parser


# -- shared ----------------------------------------------------------------------------------

def _error_info(err: BaseException) -> dict[str, str]:
    code = getattr(err, "code", None)
    message = getattr(err, "message", None) or str(err)
    return {"code": str(code) if code else type(err).__name__, "message": str(message)}


def _name_text(name: Any) -> str | None:
    """A Node certificate name object (``{'CN': 'agent1', ...}``) as ``CN=agent1, ...``."""
    if not name:
        return None
    parts: list[str] = []
    for field, value in name.items():
        for one in value if isinstance(value, list) else [value]:
            parts.append(f"{field}={one}")
    return ", ".join(parts)


def _emit(text: str) -> None:
    print(text, flush=True)


def _fail_usage(args: argparse.Namespace, message: str) -> NoReturn:
    """argparse's own usage error (the command's usage, ``error: message``, exit status 2)."""
    parser: argparse.ArgumentParser = args.command_parser
    parser.error(message)


# -- connect ---------------------------------------------------------------------------------

def _iso(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # cryptography < 43 gives naive UTC datetimes
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.isoformat().replace("+00:00", "Z")


def _ocsp_time(response: Any, name: str) -> str | None:
    # cryptography 43 added the *_utc forms and deprecated the naive ones
    utc = getattr(response, f"{name}_utc", None) if hasattr(type(response), f"{name}_utc") \
        else getattr(response, name)
    return _iso(utc)


def _serial_hex(serial: int) -> str:
    # as Node writes serialNumber: whole bytes, upper case
    text = format(serial, "X")
    return text.zfill(len(text) + len(text) % 2)


def decode_ocsp(der: bytes) -> dict[str, Any]:
    """A stapled OCSP response decoded with ``cryptography``: its status, times and responder."""
    from cryptography.x509 import ocsp

    info: dict[str, Any] = {"stapled": True, "length": len(der)}
    try:
        response = ocsp.load_der_ocsp_response(der)
    except ValueError as err:
        info["error"] = f"not an OCSP response: {err}"
        return info
    info["responseStatus"] = response.response_status.name.lower()
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return info
    try:
        info["certStatus"] = response.certificate_status.name.lower()
        info["thisUpdate"] = _ocsp_time(response, "this_update")
        info["nextUpdate"] = _ocsp_time(response, "next_update")
        info["producedAt"] = _ocsp_time(response, "produced_at")
        info["revocationTime"] = _ocsp_time(response, "revocation_time")
        info["serialNumber"] = _serial_hex(response.serial_number)
    except ValueError as err:  # several single responses: the summary properties refuse
        info["error"] = str(err)
    if response.responder_name is not None:
        info["responder"] = response.responder_name.rfc4514_string()
    elif response.responder_key_hash is not None:
        info["responder"] = "key hash " + response.responder_key_hash.hex().upper()
    return info


def _chain(sock: TLSSocket) -> list[dict[str, Any]]:
    """``getPeerCertificate(true)`` walked along ``issuerCertificate`` until it repeats."""
    chain: list[dict[str, Any]] = []
    seen: set[str] = set()
    cert = sock.getPeerCertificate(True)
    while cert:
        fingerprint = str(cert.get("fingerprint256"))
        if fingerprint in seen:
            break
        seen.add(fingerprint)
        chain.append({"subject": cert.get("subject"), "issuer": cert.get("issuer"),
                      "valid_from": cert.get("valid_from"), "valid_to": cert.get("valid_to"),
                      "subjectaltname": cert.get("subjectaltname"),
                      "serialNumber": cert.get("serialNumber"),
                      "fingerprint256": fingerprint})
        cert = cert.get("issuerCertificate")
    return chain


def _x509(sock: TLSSocket) -> dict[str, Any] | None:
    x509 = sock.getPeerX509Certificate()
    if x509 is None:
        return None
    key = x509.publicKey
    kind = type(key).__name__.removeprefix("_").lower()
    for prefix, name in (("rsa", "rsa"), ("ellipticcurve", "ec"), ("ed25519", "ed25519"),
                         ("ed448", "ed448"), ("dsa", "dsa"), ("x25519", "x25519"),
                         ("x448", "x448")):
        if kind.startswith(prefix):
            kind = name
            break
    return {"subject": x509.subject, "issuer": x509.issuer,
            "serialNumber": x509.serialNumber, "validFrom": x509.validFrom,
            "validTo": x509.validTo, "subjectAltName": x509.subjectAltName,
            "fingerprint256": x509.fingerprint256, "ca": x509.ca,
            "publicKey": {"type": kind, "size": getattr(key, "key_size", None)}}


class _Probe:
    """One connection: the futures its events settle, and what it saw."""

    def __init__(self, sock: TLSSocket) -> None:
        loop = asyncio.get_running_loop()
        self.sock = sock
        self.secure: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.session_seen: asyncio.Future[None] = loop.create_future()
        self.ocsp: list[bytes | None] = []
        self.sessions: list[bytes] = []
        self.late_error: BaseException | None = None  # after secureConnect
        self.closing = False
        self.facts: dict[str, Any] = {}
        sock.once("secureConnect", self._on_secure)
        sock.on("error", self._on_error)
        sock.on("close", self._on_close)
        sock.on("OCSPResponse", self.ocsp.append)
        sock.on("session", self._on_session)

    def _on_secure(self) -> None:
        # read now, in the listener: an error right behind the handshake (an alert in the
        # same read) may destroy the socket before the awaiting coroutine runs again
        sock = self.sock
        self.facts = {
            "authorized": bool(sock.authorized), "authorizationError": sock.authorizationError,
            "protocol": sock.getProtocol(), "cipher": sock.getCipher(),
            "alpnProtocol": sock.alpnProtocol, "ephemeralKeyInfo": sock.getEphemeralKeyInfo(),
            "peerCertificateChain": _chain(sock), "peerX509Certificate": _x509(sock),
            "sessionReused": sock.isSessionReused()}
        settle(self.secure, None)

    def _on_error(self, err: BaseException) -> None:
        if self.secure.done():
            # a server that resets the connection this probe is closing did no wrong; any
            # other error (a TLS 1.3 server refusing the client's certificate after the
            # client's handshake finished, say) is the connection's failure
            if not (self.closing and getattr(err, "code", None) in ("ECONNRESET", "EPIPE")):
                self.late_error = self.late_error or err
        settle(self.secure, err)

    def _on_close(self, *_: Any) -> None:
        settle(self.secure, NodeError(
            "the connection closed before the TLS handshake finished", "ECONNRESET"))
        settle(self.closed, None)
        settle(self.session_seen, None)

    def _on_session(self, session: bytes) -> None:
        self.sessions.append(session)
        settle(self.session_seen, None)

    async def wait_secure(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(self.secure), timeout)
        except TimeoutError:
            err = NodeError(f"no secure connection within {timeout:g} s", "ETIMEDOUT")
            settle(self.secure, err)  # first: the destroy's 'close' settles nothing
            self.secure.exception()  # retrieved (raised below), so asyncio does not log it
            self.sock.destroy()
            raise err from None

    async def session(self, timeout: float) -> bytes | None:
        """The newest session the server sent (waiting a little for TLS 1.3's tickets)."""
        if not self.sessions:
            self.sock.resume()  # the tickets come as records after the handshake
            try:
                await asyncio.wait_for(asyncio.shield(self.session_seen), timeout)
            except TimeoutError:
                pass
        return self.sessions[-1] if self.sessions else self.sock.getSession()

    async def close(self) -> None:
        self.closing = True
        if not self.closed.done():
            self.sock.resume()  # 'close' waits for the readable side's 'end' too
            self.sock.end()
            try:
                await asyncio.wait_for(asyncio.shield(self.closed), CLOSE_WAIT)
            except TimeoutError:
                pass
        self.sock.destroy()


def _empty_report(host: str, port: int, servername: str | None) -> dict[str, Any]:
    return {"host": host, "port": port, "servername": servername, "authorized": False,
            "authorizationError": None, "protocol": None, "cipher": None,
            "alpnProtocol": False, "ephemeralKeyInfo": None, "peerCertificateChain": None,
            "peerX509Certificate": None, "ocsp": None, "sessionReused": False,
            "reconnect": None, "error": None}


def _connect_options(args: argparse.Namespace, servername: str | None) -> dict[str, Any]:
    host, port = args.target
    context_options: dict[str, Any] = {}
    for option, value in (("ca", args.ca), ("cert", args.cert), ("key", args.key),
                          ("ciphers", args.ciphers), ("minVersion", args.min_version),
                          ("maxVersion", args.max_version)):
        if value is not None:
            context_options[option] = value
    options: dict[str, Any] = {
        "host": host, "port": port,
        # verification is reported (authorized / authorizationError), never fatal
        "rejectUnauthorized": False,
        "secureContext": createSecureContext(context_options),
    }
    if servername:
        options["servername"] = servername
    if args.alpn:
        options["ALPNProtocols"] = args.alpn
    if args.ocsp:
        options["requestOCSP"] = True
    if args.psk:
        identity, psk = args.psk
        options["pskCallback"] = lambda hint: {"psk": psk, "identity": identity}
        # The key authenticates the server; Node would still check a TLS 1.2 PSK server's
        # (absent) certificate against the host name (TLS 1.3 PSK counts as a resumption,
        # which skips the check), so without a certificate there is nothing to check.
        options["checkServerIdentity"] = _psk_identity_check
    return options


def _psk_identity_check(hostname: str, cert: DetailedPeerCertificate) -> BaseException | None:
    """``checkServerIdentity`` for ``--psk``: Node's own, unless the server sent no
    certificate (a PSK-only handshake)."""
    if not cert:
        return None
    return checkServerIdentity(hostname, cert)


async def _probe(args: argparse.Namespace, options: dict[str, Any],
                 session: bytes | None = None) -> _Probe:
    if session is not None:
        options = {**options, "session": session}
    sock = connect(options)
    probe = _Probe(sock)
    if args.keylog:
        path = args.keylog

        def keylog(line: bytes) -> None:
            with open(path, "ab") as f:
                f.write(line)

        sock.on("keylog", keylog)
    await probe.wait_secure(args.timeout)
    return probe


async def _connect_main(args: argparse.Namespace) -> int:
    host, port = args.target
    servername = args.servername
    if servername is None:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            servername = host
    servername = servername or None
    report = _empty_report(host, port, servername)
    try:
        options = _connect_options(args, servername)
    except NodeError as err:  # a key, certificate or version that nodessl refuses
        _fail_usage(args, "{code}: {message}".format(**_error_info(err)))
    try:
        probe = await _probe(args, options)
    except NodeError as err:
        report["error"] = _error_info(err)
        _print_report(args, report)
        return FAILED
    report.update(probe.facts)
    if args.ocsp:
        staple = next((r for r in probe.ocsp if r), None)
        report["ocsp"] = decode_ocsp(staple) if staple else {"stapled": False}
    session = await probe.session(min(SESSION_WAIT, args.timeout)) if args.reconnect else None
    await probe.close()
    if probe.late_error is not None:
        report["error"] = _error_info(probe.late_error)
        _print_report(args, report)
        return FAILED
    if args.reconnect:
        again: dict[str, Any] = {"sessionOffered": session is not None, "sessionReused": False,
                                 "protocol": None, "authorized": False, "error": None}
        try:
            second = await _probe(args, options, session)
        except NodeError as err:
            again["error"] = _error_info(err)
        else:
            await second.close()
            again.update({k: second.facts[k]
                          for k in ("sessionReused", "protocol", "authorized")})
            if second.late_error is not None:
                again["error"] = _error_info(second.late_error)
        report["reconnect"] = again
    _print_report(args, report)
    if report["reconnect"] is not None and report["reconnect"]["error"] is not None:
        return FAILED
    return OK if report["authorized"] else FAILED


def _print_report(args: argparse.Namespace, report: dict[str, Any]) -> None:
    if args.json:
        _emit(json.dumps(report, indent=2, sort_keys=False))
        return
    error = report["error"]
    if error is not None:
        if report["protocol"] is not None:  # the handshake finished: what it told, first
            _print_facts(report)
        print(f"nodessl connect: {error['code']}: {error['message']}", file=sys.stderr,
              flush=True)
        return
    _print_facts(report)


def _print_facts(report: dict[str, Any]) -> None:
    lines = [f"connected to {report['host']}:{report['port']}"
             + (f" (servername {report['servername']})" if report["servername"] else "")]

    def row(label: str, value: Any) -> None:
        lines.append(f"{label + ':':<20}{value}")

    row("authorized", str(report["authorized"]).lower())
    if report["authorizationError"]:
        row("authorizationError", report["authorizationError"])
    row("protocol", report["protocol"])
    cipher = report["cipher"] or {}
    row("cipher", f"{cipher.get('name')} ({cipher.get('standardName')}, "
                  f"{cipher.get('version')})")
    row("alpnProtocol", report["alpnProtocol"] if report["alpnProtocol"] else "false")
    key = report["ephemeralKeyInfo"] or {}
    row("ephemeral key", " ".join(str(key[k]) for k in ("type", "name", "size") if k in key)
        + (" bits" if "size" in key else "") if key else "none")
    chain = report["peerCertificateChain"] or []
    row("peer certificates", len(chain) or "none")
    for depth, cert in enumerate(chain):
        # Node's key names, as getPeerCertificate() has them
        for n, (field, value) in enumerate((
                ("subject", _name_text(cert["subject"])), ("issuer", _name_text(cert["issuer"])),
                ("valid_from", cert["valid_from"]), ("valid_to", cert["valid_to"]),
                ("subjectaltname", cert["subjectaltname"]),
                ("serialNumber", cert["serialNumber"]),
                ("fingerprint256", cert["fingerprint256"]))):
            if value is not None:
                lines.append(f"  {f'[{depth}]' if n == 0 else '':<4}{field + ':':<16}{value}")
    x509 = report["peerX509Certificate"]
    if x509 is not None:
        public = x509["publicKey"]
        row("peer X509", f"serial {x509['serialNumber']}, ca {str(x509['ca']).lower()}, "
                         f"key {public['type']} {public['size']}")
    ocsp = report["ocsp"]
    if ocsp is not None:
        if not ocsp["stapled"]:
            row("OCSP", "no staple")
        elif "certStatus" in ocsp:
            row("OCSP", f"{ocsp['certStatus']} (this update {ocsp['thisUpdate']}, next update "
                        f"{ocsp['nextUpdate']}, responder {ocsp.get('responder')})")
        else:
            row("OCSP", f"{ocsp.get('responseStatus', 'unparsable')} "
                        f"{ocsp.get('error', '')}".strip())
    row("sessionReused", str(report["sessionReused"]).lower())
    again = report["reconnect"]
    if again is not None:
        if again["error"] is not None:
            row("reconnect", f"failed: {again['error']['code']}: {again['error']['message']}")
        else:
            row("reconnect", f"sessionReused {str(again['sessionReused']).lower()}"
                             + ("" if again["sessionOffered"] else " (no session to offer)"))
    _emit("\n".join(lines))


# -- serve -----------------------------------------------------------------------------------

def _serve_main(args: argparse.Namespace, status: list[int]) -> None:
    loop = asyncio.get_running_loop()
    options: dict[str, Any] = {}
    for option, value in (("key", args.key), ("cert", args.cert), ("ca", args.ca),
                          ("ciphers", args.ciphers), ("minVersion", args.min_version),
                          ("maxVersion", args.max_version), ("ALPNProtocols", args.alpn)):
        if value is not None:
            options[option] = value
    if args.request_cert:
        # reported in each connection's line rather than refused, as a probe server should
        options.update(requestCert=True, rejectUnauthorized=False)
    if args.psk:
        identity, psk = args.psk

        def psk_callback(sock: TLSSocket, offered: str) -> bytes | None:
            return psk if offered == identity else None

        options["pskCallback"] = psk_callback
    try:
        server = createServer(options)
    except NodeError as err:
        _fail_usage(args, "{code}: {message}".format(**_error_info(err)))
    # every accepted connection, the handshaking ones too: a client that never finishes its
    # handshake must not keep a stopped server alive (server.close() waits for them, as Node's)
    sockets: set[Any] = set()

    def on_connection(plain: Any) -> None:
        sockets.add(plain)
        plain.on("close", lambda *_: sockets.discard(plain))

    def out(event: str, fields: dict[str, Any], text: str) -> None:
        _emit(json.dumps({"event": event, **fields}) if args.json else text)

    def on_secure(sock: TLSSocket) -> None:
        sockets.add(sock)
        sock.on("close", lambda *_: sockets.discard(sock))
        sock.on("error", lambda err: None)  # a client's reset is not this server's failure
        cipher = sock.getCipher()
        peer = sock.getPeerCertificate()
        fields = {"remoteAddress": sock.remoteAddress, "remotePort": sock.remotePort,
                  "servername": sock.servername or None, "protocol": sock.getProtocol(),
                  "cipher": cipher, "alpnProtocol": sock.alpnProtocol,
                  "authorized": bool(sock.authorized),
                  "authorizationError": sock.authorizationError,
                  "peerSubject": peer.get("subject") if peer else None}
        text = " ".join([
            "CONNECTION", f"remote={sock.remoteAddress}:{sock.remotePort}",
            f"servername={fields['servername'] or '-'}", f"protocol={fields['protocol']}",
            f"cipher={cipher['name'] if cipher else None}", f"alpn={sock.alpnProtocol or '-'}",
            f"authorized={str(fields['authorized']).lower()}",
            f"authorizationError={sock.authorizationError or '-'}",
            f"peer={_name_text(fields['peerSubject']) or '-'}"])
        out("secureConnection", fields, text)
        if args.echo:
            sock.pipe(sock)
        elif args.reply is not None:
            sock.end(args.reply)
        else:
            sock.resume()  # read and drop; the client's end ends the connection

    def on_client_error(err: BaseException, sock: Any) -> None:
        info = _error_info(err)
        out("tlsClientError", info, f"TLSCLIENTERROR {info['code']} {info['message']}")

    def on_error(err: BaseException) -> None:
        info = _error_info(err)
        print(f"nodessl serve: {info['code']}: {info['message']}", file=sys.stderr, flush=True)
        status[0] = FAILED
        stop()

    def stop() -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        server.close()
        for sock in list(sockets):
            sock.destroy()

    server.on("connection", on_connection)
    server.on("secureConnection", on_secure)
    server.on("tlsClientError", on_client_error)
    server.on("error", on_error)
    if args.ocsp_response is not None:
        response = args.ocsp_response
        server.on("OCSPRequest", lambda cert, issuer, callback: callback(None, response))
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
    def on_listening() -> None:
        address = server.address()
        assert not isinstance(address, str | None)  # a TCP server
        _emit(f"LISTENING {address['port']}")

    server.listen(args.port, args.host, on_listening)


# -- entry point -----------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m nodessl`` with ``argv`` (default ``sys.argv[1:]``); the exit status."""
    args = build_parser().parse_args(argv)
    status = [OK]  # serve: what its listeners decide (1 when it cannot listen)
    if args.command == "connect":
        if (args.cert is None) != (args.key is None):
            _fail_usage(args, "--cert and --key go together")
        program: Callable[[], Any] = lambda: _connect_main(args)  # noqa: E731
    else:
        if args.psk is None and (args.key is None or args.cert is None):
            _fail_usage(args, "--key and --cert are required (unless --psk)")
        if (args.cert is None) != (args.key is None):
            _fail_usage(args, "--cert and --key go together")
        program = lambda: _serve_main(args, status)  # noqa: E731
    try:
        result = run(program)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # stdout went away (``| head``): as quiet as a killed pipe writer
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's last flush fails no more
        return FAILED
    except NodeError as err:  # raised from a listener: still no traceback for the user
        print(f"nodessl {args.command}: {err.code}: {err}", file=sys.stderr)
        return FAILED
    return int(result) if args.command == "connect" else status[0]

"""The per-entry reference (issue 12): every option, event and method with its Node 20
documentation link, a one-line summary and a short Python example.

Data only.  docs/_ext/refpages.py turns it into the pages "Options", "Events" and "Methods"
at `make docs` time, taking each option's type from nodessl.options' TypedDicts and each
method's signature from the code (so types never drift from it); tests/test_docs.py checks
that the code's options, methods and events all have an entry here, that every example
compiles and passes only option names nodessl knows, and that the Node anchors exist.

``node`` is ``"page#anchor"`` on https://nodejs.org/docs/latest-v20.x/api/ (Node's anchor
rule: the heading lowercased, punctuation other than ``-``/``_`` dropped, spaces to ``-``,
``_1`` on a repeated heading).  An entry with no Node counterpart has ``node=None`` and a
``note`` saying why (beyond Node, undocumented in Node, removed from Node).

Examples assume ``import nodessl as tls``, ``socket`` a connected TLSSocket (or net.Socket),
``server`` a listening server, ``ctx`` a SecureContext and ``key``, ``cert``, ``ca`` PEM
bytes read from files.
"""

from __future__ import annotations

from dataclasses import dataclass

NODE_DOCS = "https://nodejs.org/docs/latest-v20.x/api/"


@dataclass(frozen=True)
class Entry:
    """One option, event, method, property or function of the reference."""

    kind: str  # "option" | "event" | "method" | "property" | "attribute" | "function" | "value"
    owner: str  # options: "" or a TypedDict's name; others: the Python owner (nodessl.TLSSocket)
    name: str
    node: str | None  # "tls#tlssocketgetcipher"; None: see note
    summary: str
    example: str
    listener: str = ""  # events: the listener's parameters, as a Python signature
    type: str = ""  # attributes the code does not annotate where Python can read it
    note: str = ""  # why there is no Node link

    @property
    def url(self) -> str | None:
        """Node 20's documentation of this entry."""
        if self.node is None:
            return None
        page, _, anchor = self.node.partition("#")
        return f"{NODE_DOCS}{page}.html#{anchor}"


# ---------------------------------------------------------------------------------------------
# Options (the keys of nodessl.options' TypedDicts).  owner "" is an option's meaning wherever
# it is taken; an entry owned by a TypedDict's name overrides it there.

_CSC = "tls#tlscreatesecurecontextoptions"
_CON = "tls#tlsconnectoptions-callback"
_SRV = "tls#tlscreateserveroptions-secureconnectionlistener"
_SOCK = "tls#new-tlstlssocketsocket-options"
_NETC = "net#socketconnectoptions-connectlistener"
_NETS = "net#new-netsocketoptions"
_NETSRV = "net#netcreateserveroptions-connectionlistener"


def _o(name: str, node: str | None, summary: str, example: str, owner: str = "",
       note: str = "") -> Entry:
    return Entry("option", owner, name, node, summary, example, note=note)


OPTIONS: list[Entry] = [
    # createSecureContext's
    _o("ca", _CSC, "Trusted CA certificates (PEM) replacing the default roots.",
       'ctx = tls.createSecureContext(ca=open("ca.pem", "rb").read())'),
    _o("cert", _CSC, "This side's certificate chain (PEM), leaf first.",
       "server = tls.createServer(key=key, cert=cert)"),
    _o("key", _CSC, "The private key(s) (PEM), or ``{\"pem\": ..., \"passphrase\": ...}`` objects.",
       'ctx = tls.createSecureContext(key=[{"pem": key, "passphrase": "secret"}], cert=cert)'),
    _o("passphrase", _CSC, "The passphrase of an encrypted ``key`` or ``pfx``.",
       'ctx = tls.createSecureContext(key=key, cert=cert, passphrase="secret")'),
    _o("pfx", _CSC, "A PKCS#12 bundle (key, certificate and CAs) instead of key/cert/ca.",
       'ctx = tls.createSecureContext(pfx=open("agent.pfx", "rb").read(), passphrase="sample")'),
    _o("crl", _CSC, "Certificate revocation lists (PEM) the peer's chain is checked against.",
       'ctx = tls.createSecureContext(ca=ca, crl=open("ca.crl", "rb").read())'),
    _o("ciphers", _CSC, "The OpenSSL cipher list (TLS 1.3 suites and TLS 1.2 ciphers).",
       'ctx = tls.createSecureContext(ciphers="TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256")'),
    _o("sigalgs", _CSC, "The signature algorithms offered, colon-separated.",
       'ctx = tls.createSecureContext(sigalgs="ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256")'),
    _o("ecdhCurve", _CSC, "The ECDH groups, colon-separated, or ``\"auto\"``.",
       'ctx = tls.createSecureContext(ecdhCurve="X25519:P-256")'),
    _o("dhparam", _CSC, "Finite-field DH parameters (PEM) or ``\"auto\"``.",
       'server = tls.createServer(key=key, cert=cert, dhparam="auto")'),
    _o("honorCipherOrder", _CSC, "The server picks the cipher by its own preference order.",
       "server = tls.createServer(key=key, cert=cert, honorCipherOrder=True)"),
    _o("minVersion", _CSC, "The lowest TLS version allowed.",
       'socket = tls.connect(443, "example.com", minVersion="TLSv1.2")'),
    _o("maxVersion", _CSC, "The highest TLS version allowed.",
       'server = tls.createServer(key=key, cert=cert, maxVersion="TLSv1.2")'),
    _o("secureProtocol", _CSC, "A legacy OpenSSL method name pinning the protocol version.",
       'ctx = tls.createSecureContext(secureProtocol="TLSv1_2_method")'),
    _o("secureOptions", _CSC, "OpenSSL ``SSL_OP_*`` flags, OR-ed together.",
       "ctx = tls.createSecureContext(secureOptions=tls.constants.SSL_OP_NO_TICKET)"),
    _o("sessionIdContext", _CSC, "The server's session ID context, so sessions resume only here.",
       'server = tls.createServer(key=key, cert=cert, sessionIdContext="my-service")'),
    _o("sessionTimeout", _CSC, "Seconds a server's sessions and tickets stay resumable.",
       "server = tls.createServer(key=key, cert=cert, sessionTimeout=300)"),
    _o("ticketKeys", _CSC, "48 bytes of session ticket keys, shared across servers (shared backend).",
       "server = tls.createServer(key=key, cert=cert, ticketKeys=os.urandom(48))"),
    _o("allowPartialTrustChain", _CSC,
       "Treat intermediate CAs in ``ca`` as trust anchors (OpenSSL's X509_V_FLAG_PARTIAL_CHAIN).",
       'ctx = tls.createSecureContext(ca=open("intermediate.pem", "rb").read(), '
       "allowPartialTrustChain=True)"),
    _o("privateKeyEngine", _CSC, "The OpenSSL engine holding the private key (shared backend).",
       'ctx = tls.createSecureContext(privateKeyEngine="pkcs11", '
       'privateKeyIdentifier="pkcs11:object=key", cert=cert)'),
    _o("privateKeyIdentifier", _CSC, "The key's identifier within ``privateKeyEngine``.",
       'ctx = tls.createSecureContext(privateKeyEngine="pkcs11", '
       'privateKeyIdentifier="pkcs11:object=key", cert=cert)'),
    _o("clientCertEngine", _CSC, "An OpenSSL engine that supplies the client certificate.",
       'ctx = tls.createSecureContext(clientCertEngine="pkcs11")'),
    # where to connect (tls.connect, net's socket.connect)
    _o("host", _CON, "The host to connect to (default ``\"localhost\"``).",
       'socket = tls.connect(host="example.com", port=443)'),
    _o("port", _CON, "The port to connect to.",
       'socket = tls.connect(port=443, host="example.com")'),
    _o("path", "tls#tlsconnectpath-options-callback", "A Unix socket path to connect to instead.",
       'socket = tls.connect(path="/run/app.sock", servername="app")'),
    _o("socket", _CON, "Secure an existing connection (a net.Socket or any Duplex) instead.",
       'raw = tls.net.connect(443, "example.com")\n'
       'socket = tls.connect(socket=raw, servername="example.com")'),
    _o("family", _NETC, "The IP family to resolve ``host`` to: 4, 6 or 0 (both).",
       'socket = tls.connect(443, "example.com", family=6)'),
    _o("localAddress", _NETC, "The local address to connect from.",
       'socket = tls.connect(443, "example.com", localAddress="192.0.2.10")'),
    _o("localPort", _NETC, "The local port to connect from.",
       'socket = tls.connect(443, "example.com", localPort=50000)'),
    _o("lookup", _NETC, "A custom resolver, ``lookup(host, options, callback)``.",
       "def lookup(host, options, callback):\n"
       '    callback(None, "127.0.0.1", 4)\n'
       'socket = tls.connect(8443, "app.internal", lookup=lookup)'),
    _o("hints", _NETC, "``getaddrinfo`` flags for the default lookup.",
       'import socket as pysocket\n'
       'sock = tls.connect(443, "example.com", hints=pysocket.AI_ADDRCONFIG)'),
    _o("autoSelectFamily", _NETC, "Try IPv6 and IPv4 addresses in turn (Happy Eyeballs).",
       'socket = tls.connect(443, "example.com", autoSelectFamily=True)'),
    _o("autoSelectFamilyAttemptTimeout", _NETC,
       "Milliseconds to wait for each address when ``autoSelectFamily`` is on.",
       'sock = tls.net.connect(port=443, host="example.com", autoSelectFamily=True, '
       "autoSelectFamilyAttemptTimeout=500)"),
    _o("timeout", _CON, "Idle timeout in milliseconds, as ``socket.setTimeout()``.",
       'socket = tls.connect(443, "example.com", timeout=5000)\n'
       'socket.on("timeout", socket.destroy)'),
    _o("signal", _NETC, "An AbortSignal that destroys the socket when aborted.",
       "controller = tls.AbortController()\n"
       'socket = tls.connect(443, "example.com", signal=controller.signal)'),
    _o("allowHalfOpen", _NETS, "Keep the writable side open after the peer ends (no automatic end).",
       'socket = tls.connect(443, "example.com", allowHalfOpen=True)'),
    _o("highWaterMark", _CON, "The readable side's buffer limit in bytes.",
       'socket = tls.connect(443, "example.com", highWaterMark=64 * 1024)'),
    _o("readableHighWaterMark", _NETS, "The readable side's buffer limit in bytes.",
       "sock = tls.net.Socket(readableHighWaterMark=64 * 1024)"),
    _o("writableHighWaterMark", _NETS, "The writable side's buffer limit in bytes.",
       "sock = tls.net.Socket(writableHighWaterMark=64 * 1024)"),
    _o("onread", _CON, "Read into one reused buffer: ``{\"buffer\": bytearray, \"callback\": fn}``.",
       "buf = bytearray(16384)\n"
       'socket = tls.connect(443, "example.com", onread={"buffer": buf, '
       '"callback": lambda n, b: print(bytes(b[:n]))})'),
    _o("fd", _NETS, "Wrap an existing file descriptor. Not supported by nodessl: "
       "``net.Socket(fd=...)`` raises ``ERR_INVALID_ARG_VALUE``; a TLSSocket takes the "
       "Python socket made from it instead (the example).",
       "raw = socket.socket(fileno=3)\nsock = tls.TLSSocket(raw, isServer=True, "
       "secureContext=ctx)",
       note="not supported by nodessl (raises); the example is the Python way"),
    _o("readable", _NETS, "With ``fd``: allow reads. Not supported, as ``fd``.",
       "sock = tls.net.Socket(fd=3, readable=True)  # Node's form: nodessl raises",
       note="not supported by nodessl (only with fd)"),
    _o("writable", _NETS, "With ``fd``: allow writes. Not supported, as ``fd``.",
       "sock = tls.net.Socket(fd=3, writable=True)  # Node's form: nodessl raises",
       note="not supported by nodessl (only with fd)"),
    _o("noDelay", _NETS, "Disable Nagle's algorithm on the connection(s). nodessl disables "
       "it on every TCP connection already (Node 20 leaves it on unless asked).",
       "server = tls.createServer(key=key, cert=cert, noDelay=True)"),
    _o("keepAlive", _NETS, "Enable TCP keep-alive: on a ``net.Socket``/``net.connect`` "
       "connection once connected, and on every connection a server accepts. "
       "``tls.connect`` does not pass it to its socket (nor does Node's); call "
       "``socket.setKeepAlive()`` there.",
       "server = tls.createServer(key=key, cert=cert, keepAlive=True)"),
    _o("keepAliveInitialDelay", _NETS, "Milliseconds of idleness before the first keep-alive probe.",
       "server = tls.createServer(key=key, cert=cert, keepAlive=True, "
       "keepAliveInitialDelay=60000)"),
    # TLS, client side
    _o("servername", _CON, "The SNI name to send (``\"\"`` sends none); also the name verified.",
       'socket = tls.connect(443, "93.184.215.14", servername="example.com")'),
    _o("rejectUnauthorized", _CON,
       "Fail the handshake when the peer's certificate does not verify (default ``True``).",
       'socket = tls.connect(8443, "localhost", rejectUnauthorized=False)'),
    _o("checkServerIdentity", _CON,
       "Check the server's name yourself: return an Exception to refuse, ``None`` to accept.",
       "def check(host, cert):\n"
       "    return tls.checkServerIdentity(host, cert)\n"
       'socket = tls.connect(443, "example.com", checkServerIdentity=check)'),
    _o("ALPNProtocols", _CON, "The ALPN protocols offered, in order of preference.",
       'socket = tls.connect(443, "example.com", ALPNProtocols=["h2", "http/1.1"])'),
    _o("NPNProtocols", None, "NPN protocols (nodessl.legacy; TLS 1.2 and the shared backend).",
       "import nodessl.legacy\n"
       'socket = tls.connect(443, "example.com", NPNProtocols=["http/1.1"])',
       note="removed from Node in v12 (NPN); nodessl.legacy keeps it"),
    _o("session", _CON, "A saved session (from the ``'session'`` event) to resume.",
       'socket = tls.connect(443, "example.com", session=saved_session)'),
    _o("minDHSize", _CON, "The smallest DHE group, in bits, the client accepts.",
       'socket = tls.connect(443, "example.com", minDHSize=2048)'),
    _o("secureContext", _CON, "A SecureContext to use instead of building one from the options.",
       "ctx = tls.createSecureContext(ca=ca)\n"
       'socket = tls.connect(443, "example.com", secureContext=ctx)'),
    _o("requestOCSP", _SOCK, "Ask the server for a stapled OCSP response (``'OCSPResponse'``).",
       'socket = tls.connect(443, "example.com", requestOCSP=True)\n'
       'socket.on("OCSPResponse", lambda response: print(len(response or b"")))'),
    _o("enableTrace", _SRV, "Print the handshake's messages to stderr (``enableTrace()``).",
       'socket = tls.connect(443, "example.com", enableTrace=True)'),
    _o("pskCallback", _CON,
       "Client PSK: ``pskCallback(hint)`` returns ``{\"psk\": bytes, \"identity\": str}``.",
       'socket = tls.connect(4433, "localhost", ciphers="PSK-AES128-GCM-SHA256", '
       'maxVersion="TLSv1.2",\n'
       '                     pskCallback=lambda hint: {"psk": bytes.fromhex("d731ef57"), '
       '"identity": "client1"})'),
    # TLS, server side and new TLSSocket(socket, options)
    _o("isServer", _SOCK, "``new TLSSocket``: act as the server end of the handshake.",
       "sock = tls.TLSSocket(raw, isServer=True, secureContext=ctx)"),
    _o("server", _SOCK, "``new TLSSocket``: the tls.Server the socket belongs to.",
       "sock = tls.TLSSocket(raw, isServer=True, server=server, secureContext=ctx)"),
    _o("requestCert", _SRV, "Ask the client for a certificate (mutual TLS).",
       "server = tls.createServer(key=key, cert=cert, ca=ca, requestCert=True)"),
    _o("handshakeTimeout", _SRV,
       "Milliseconds a handshake may take before ``'tlsClientError'`` (default 120000).",
       "server = tls.createServer(key=key, cert=cert, handshakeTimeout=5000)"),
    _o("SNICallback", _SRV,
       "Pick the SecureContext for the client's SNI name: ``SNICallback(name, cb)``.",
       "contexts = {\"example.com\": tls.createSecureContext(key=key, cert=cert)}\n"
       "server = tls.createServer(SNICallback=lambda name, cb: cb(None, contexts.get(name)))"),
    _o("ALPNCallback", _SRV,
       "Choose the ALPN protocol: gets ``{\"servername\", \"protocols\"}``, returns one or ``None``.",
       "server = tls.createServer(key=key, cert=cert, "
       'ALPNCallback=lambda o: "h2" if "h2" in o["protocols"] else None)'),
    _o("pskIdentityHint", _SRV, "The PSK identity hint the server sends (TLS 1.2).",
       'server = tls.createServer(ciphers="PSK-AES128-GCM-SHA256", pskIdentityHint="my-service",\n'
       "                          pskCallback=lambda sock, identity: keys.get(identity))"),
    _o("pauseOnConnect", _NETSRV, "Accepted sockets start paused (to hand them to another process).",
       "server = tls.net.createServer(pauseOnConnect=True)"),
    _o("captureRejections", "events#capture-rejections-of-promises",
       "A coroutine listener's exception becomes an ``'error'`` event.",
       "sock = tls.net.Socket(captureRejections=True)"),
    # asyncio's names, taken by open_connection next to Node's
    _o("server_hostname", None, "asyncio's name of ``servername``.",
       'reader, writer = await tls.open_connection("192.0.2.7", 443, server_hostname="example.com")',
       owner="OpenConnectionOptions", note="asyncio's open_connection parameter"),
    _o("sock", None, "asyncio's name of ``socket``: an already connected socket to secure.",
       'reader, writer = await tls.open_connection(sock=raw, server_hostname="example.com")',
       owner="OpenConnectionOptions", note="asyncio's open_connection parameter"),
    _o("local_addr", None, "asyncio's ``(localAddress, localPort)``.",
       'reader, writer = await tls.open_connection("example.com", 443, '
       'local_addr=("192.0.2.10", 0))',
       owner="OpenConnectionOptions", note="asyncio's open_connection parameter"),
    # server.listen(options)'s that nodessl reads (net.Server and tls.Server)
    _o("backlog", "net#serverlistenoptions-callback", "The length of the queue of pending connections.",
       'server.listen({"port": 8443, "backlog": 1024})'),
    _o("exclusive", "net#serverlistenoptions-callback",
       "Do not share the listening socket with cluster workers.",
       'server.listen({"port": 8443, "exclusive": True})'),
    _o("rejectUnauthorized", _SRV, "With ``requestCert``: refuse clients whose certificate fails "
       "to verify (default ``True``).",
       "server = tls.createServer(key=key, cert=cert, ca=ca, requestCert=True, "
       "rejectUnauthorized=False)", owner="ServerOptions"),
    _o("ALPNProtocols", _SRV, "The ALPN protocols the server accepts, in order of preference.",
       'server = tls.createServer(key=key, cert=cert, ALPNProtocols=["h2", "http/1.1"])',
       owner="ServerOptions"),
    _o("pskCallback", _SRV,
       "Server PSK: ``pskCallback(socket, identity)`` returns the key (bytes) or ``None``.",
       'keys = {"client1": bytes.fromhex("d731ef57")}\n'
       'server = tls.createServer(ciphers="PSK-AES128-GCM-SHA256", maxVersion="TLSv1.2",\n'
       "                          pskCallback=lambda sock, identity: keys.get(identity))",
       owner="ServerOptions"),
    _o("enableTrace", _SRV, "Print each connection's handshake messages to stderr.",
       "server = tls.createServer(key=key, cert=cert, enableTrace=True)", owner="ServerOptions"),
    _o("highWaterMark", _NETSRV, "The accepted sockets' readable buffer limit in bytes.",
       "server = tls.createServer(key=key, cert=cert, highWaterMark=64 * 1024)",
       owner="ServerOptions"),
    _o("allowHalfOpen", _NETSRV, "Accepted sockets stay writable after the client ends.",
       "server = tls.createServer(key=key, cert=cert, allowHalfOpen=True)", owner="ServerOptions"),
]


# ---------------------------------------------------------------------------------------------
# Events

def _e(owner: str, name: str, node: str | None, listener: str, summary: str, example: str,
       note: str = "") -> Entry:
    return Entry("event", owner, name, node, summary, example, listener=listener, note=note)


_TS, _TSV, _NS, _NSV = "nodessl.TLSSocket", "nodessl.Server", "nodessl.net.Socket", "nodessl.net.Server"

EVENTS: list[Entry] = [
    _e(_TS, "secureConnect", "tls#event-secureconnect", "()",
       "The client's handshake finished (also when the certificate did not verify).",
       'socket.on("secureConnect", lambda: print(socket.getProtocol(), socket.authorized))'),
    _e(_TS, "OCSPResponse", "tls#event-ocspresponse", "(response: bytes | None)",
       "The stapled OCSP response, with ``requestOCSP``.",
       'socket.on("OCSPResponse", lambda response: print(response and len(response)))'),
    _e(_TS, "session", "tls#event-session", "(session: bytes)",
       "A session (ticket) to resume with, later, as ``connect(session=...)``.",
       "sessions = []\n"
       'socket.on("session", sessions.append)'),
    _e(_TS, "keylog", "tls#event-keylog_1", "(line: bytes)",
       "One NSS key log line of this connection (for Wireshark).",
       'log = open("keys.log", "ab")\n'
       'socket.on("keylog", log.write)'),
    _e(_TSV, "secureConnection", "tls#event-secureconnection", "(socket: TLSSocket)",
       "A client's handshake finished.",
       'server.on("secureConnection", lambda socket: socket.end(b"hello\\n"))'),
    _e(_TSV, "tlsClientError", "tls#event-tlsclienterror", "(error: NodeError, socket: TLSSocket)",
       "A connection failed before its handshake finished.",
       'server.on("tlsClientError", lambda err, socket: print(err.code))'),
    _e(_TSV, "OCSPRequest", "tls#event-ocsprequest",
       "(certificate: bytes, issuer: bytes | None, "
       "callback: Callable[[Exception | None, bytes | None], None])",
       "A client asked for an OCSP staple: call ``callback(None, response)``.",
       'server.on("OCSPRequest", lambda cert, issuer, cb: cb(None, ocsp_response))'),
    _e(_TSV, "newSession", "tls#event-newsession",
       "(session_id: bytes, session: bytes, callback: Callable[[], None])",
       "A new TLS session to store in an external cache (shared backend).",
       "cache = {}\n"
       'server.on("newSession", lambda sid, data, cb: (cache.__setitem__(sid, data), cb()))'),
    _e(_TSV, "resumeSession", "tls#event-resumesession",
       "(session_id: bytes, callback: Callable[[Exception | None, bytes | None], None])",
       "A client asks to resume: call ``callback(None, session or None)``.",
       'server.on("resumeSession", lambda sid, cb: cb(None, cache.get(sid)))'),
    _e(_TSV, "keylog", "tls#event-keylog", "(line: bytes, socket: TLSSocket)",
       "One NSS key log line of an accepted connection.",
       'log = open("keys.log", "ab")\n'
       'server.on("keylog", lambda line, socket: log.write(line))'),
    _e(_TSV, "connection", "tls#event-connection", "(socket: net.Socket)",
       "A TCP connection arrived, before its TLS handshake.",
       'server.on("connection", lambda raw: print(raw.remoteAddress))'),
    _e(_TSV, "clientError", None, "(error: NodeError, socket: TLSSocket)",
       "``'tlsClientError'`` under its old name, emitted with it.",
       'server.on("clientError", lambda err, socket: print(err.code))',
       note="Node 0.12/io.js's name of 'tlsClientError'"),
    # net.Socket's (and so every TLSSocket's)
    _e(_NS, "connect", "net#event-connect", "()",
       "The TCP connection is established (before TLS, on a TLSSocket).",
       'socket.on("connect", lambda: print("connected to", socket.remoteAddress))'),
    _e(_NS, "ready", "net#event-ready", "()", "The socket is ready to use (right after 'connect').",
       'socket.on("ready", lambda: socket.write(b"ping"))'),
    _e(_NS, "lookup", "net#event-lookup",
       "(error: Exception | None, address: str | None, family: int | None, host: str)",
       "The host name was resolved, before connecting.",
       'socket.on("lookup", lambda err, address, family, host: print(host, "->", address))'),
    _e(_NS, "data", "net#event-data", "(chunk: bytes | str)",
       "Data arrived (``str`` after ``setEncoding``).",
       'socket.on("data", lambda chunk: print(len(chunk)))'),
    _e(_NS, "end", "net#event-end", "()", "The peer ended its side of the connection.",
       'socket.on("end", lambda: print("peer done"))'),
    _e(_NS, "drain", "net#event-drain", "()", "The write buffer emptied: write more.",
       'socket.on("drain", lambda: socket.write(next_chunk()))'),
    _e(_NS, "timeout", "net#event-timeout", "()",
       "The socket was idle for ``setTimeout``'s time (it stays open).",
       "socket.setTimeout(5000)\n"
       'socket.on("timeout", socket.destroy)'),
    _e(_NS, "error", "net#event-error_1", "(error: NodeError)",
       "The connection failed; ``'close'`` follows.",
       'socket.on("error", lambda err: print(err.code))'),
    _e(_NS, "close", "net#event-close_1", "(had_error: bool)", "The socket is fully closed.",
       'socket.on("close", lambda had_error: print("closed", had_error))'),
    _e(_NS, "readable", "stream#event-readable", "()", "Data can be ``read()``.",
       'socket.on("readable", lambda: print(socket.read()))'),
    _e(_NS, "finish", "stream#event-finish", "()", "Everything written was flushed after ``end()``.",
       'socket.on("finish", lambda: print("sent"))'),
    _e(_NS, "pause", "stream#event-pause", "()", "``pause()`` stopped the flow of 'data'.",
       'socket.on("pause", lambda: print("paused"))'),
    _e(_NS, "resume", "stream#event-resume", "()", "``resume()`` restarted the flow of 'data'.",
       'socket.on("resume", lambda: print("flowing"))'),
    _e(_NS, "pipe", "stream#event-pipe", "(source: Readable)", "A readable started piping into this socket.",
       'socket.on("pipe", lambda source: print("piped from", source))'),
    _e(_NS, "unpipe", "stream#event-unpipe", "(source: Readable)", "A readable stopped piping into it.",
       'socket.on("unpipe", lambda source: print("unpiped", source))'),
    _e(_NS, "newListener", "events#event-newlistener", "(event: str, listener: Callable[..., Any])",
       "A listener is about to be added (every EventEmitter).",
       'socket.on("newListener", lambda event, listener: print("listening to", event))'),
    # net.Server's (and so tls.Server's)
    _e(_NSV, "listening", "net#event-listening", "()", "The server is bound and accepting.",
       'server.on("listening", lambda: print(server.address()["port"]))'),
    _e(_NSV, "connection", "net#event-connection", "(socket: net.Socket)",
       "A connection was accepted (on a tls.Server: before the handshake).",
       'server.on("connection", lambda sock: sock.setNoDelay(True))'),
    _e(_NSV, "drop", "net#event-drop", "(data: dict[str, Any])",
       "A connection was dropped because of ``maxConnections``.",
       "server.maxConnections = 100\n"
       'server.on("drop", lambda data: print("dropped", data["remoteAddress"]))'),
    _e(_NSV, "error", "net#event-error", "(error: NodeError)",
       "Listening failed (``EADDRINUSE`` …).",
       'server.on("error", lambda err: print(err.code))'),
    _e(_NSV, "close", "net#event-close", "()", "The server closed and its last connection ended.",
       'server.on("close", lambda: print("server closed"))'),
]

# Emitted by nodessl but internal, as in Node (no documentation there either).
INTERNAL_EVENTS = {
    "secure": "TLSSocket's internal end-of-handshake event (Node's _tls_wrap emits it too)",
    "prefinish": "the Writable's internal step before 'finish'",
}


# ---------------------------------------------------------------------------------------------
# Methods, properties and attributes

def _m(owner: str, name: str, node: str | None, summary: str, example: str, kind: str = "method",
       note: str = "", type: str = "") -> Entry:
    return Entry(kind, owner, name, node, summary, example, note=note, type=type)


def _p(owner: str, name: str, node: str | None, summary: str, example: str, note: str = "",
       type: str = "") -> Entry:
    return _m(owner, name, node, summary, example, "property", note, type)


def _a(owner: str, name: str, node: str | None, summary: str, example: str, type: str,
       note: str = "") -> Entry:
    return _m(owner, name, node, summary, example, "attribute", note, type)


_SC = "nodessl.SecureContext"
_BEYOND = "beyond Node"

METHODS: list[Entry] = [
    # tls.TLSSocket
    _a(_TS, "authorized", "tls#tlssocketauthorized", "The peer's certificate verified.",
       "if not socket.authorized:\n    print(socket.authorizationError)", "bool"),
    _a(_TS, "authorizationError", "tls#tlssocketauthorizationerror",
       "Why the peer's certificate did not verify (an OpenSSL code).",
       'print(socket.authorizationError)  # "DEPTH_ZERO_SELF_SIGNED_CERT"', "str | None"),
    _a(_TS, "encrypted", "tls#tlssocketencrypted", "Always ``True``: tells TLS sockets from plain ones.",
       'print(getattr(socket, "encrypted", False))  # True: a TLSSocket', "bool"),
    _a(_TS, "alpnProtocol", "tls#event-secureconnection",
       "The negotiated ALPN protocol, or ``False``.",
       'if socket.alpnProtocol == "h2":\n    print("HTTP/2")', "str | bool | None"),
    _a(_TS, "servername", "tls#event-secureconnection",
       "The SNI name: the one sent (client) or received (server), or ``False``.",
       'server.on("secureConnection", lambda socket: print(socket.servername))',
       "str | bool | None"),
    _m(_TS, "address", "tls#tlssocketaddress", "The local address: ``{\"address\", \"family\", \"port\"}``.",
       'print(socket.address()["port"])'),
    _m(_TS, "disableRenegotiation", "tls#tlssocketdisablerenegotiation",
       "Refuse renegotiation from the peer from now on.",
       "socket.disableRenegotiation()"),
    _m(_TS, "enableTrace", "tls#tlssocketenabletrace",
       "Print the TLS messages of this connection to stderr.",
       "socket.enableTrace()"),
    _m(_TS, "exportKeyingMaterial", "tls#tlssocketexportkeyingmateriallength-label-context",
       "Keying material from the TLS exporter (RFC 5705).",
       'material = socket.exportKeyingMaterial(32, "EXPORTER-my-app")'),
    _m(_TS, "getCertificate", "tls#tlssocketgetcertificate",
       "This side's certificate object (``{}`` when it has none).",
       'mine = socket.getCertificate()  # {} on a client that sent none\n'
       'print(mine.get("subject"))'),
    _m(_TS, "getCipher", "tls#tlssocketgetcipher",
       "The negotiated cipher: ``{\"name\", \"standardName\", \"version\"}``.",
       'print(socket.getCipher()["name"])  # "TLS_AES_256_GCM_SHA384"'),
    _m(_TS, "getEphemeralKeyInfo", "tls#tlssocketgetephemeralkeyinfo",
       "The client's ephemeral key exchange: ``{\"type\", \"name\", \"size\"}``.",
       "print(socket.getEphemeralKeyInfo())  # {'type': 'ECDH', 'name': 'X25519', 'size': 253}"),
    _m(_TS, "getFinished", "tls#tlssocketgetfinished",
       "This side's last Finished message (for tls-unique channel binding).",
       "binding = socket.getFinished()"),
    _m(_TS, "getPeerCertificate", "tls#tlssocketgetpeercertificatedetailed",
       "The peer's certificate object; ``detailed=True`` adds ``issuerCertificate`` links.",
       "cert = socket.getPeerCertificate(True)\n"
       'print(cert["subject"], cert["fingerprint256"], cert["issuerCertificate"]["subject"])'),
    _m(_TS, "getPeerFinished", "tls#tlssocketgetpeerfinished",
       "The peer's last Finished message.",
       "binding = socket.getPeerFinished()"),
    _m(_TS, "getPeerX509Certificate", "tls#tlssocketgetpeerx509certificate",
       "The peer's certificate as an X509Certificate.",
       "print(socket.getPeerX509Certificate().subject)"),
    _m(_TS, "getProtocol", "tls#tlssocketgetprotocol",
       "The negotiated TLS version (``\"TLSv1.3\"`` …).",
       'print(socket.getProtocol())  # "TLSv1.3"'),
    _m(_TS, "getSession", "tls#tlssocketgetsession",
       "The session (TLS 1.2) to resume with; for TLS 1.3 use the ``'session'`` event.",
       "saved = socket.getSession()"),
    _m(_TS, "getSharedSigalgs", "tls#tlssocketgetsharedsigalgs",
       "The signature algorithms both ends allow.",
       'print(socket.getSharedSigalgs())  # ["ecdsa_secp256r1_sha256", ...]'),
    _m(_TS, "getTLSTicket", "tls#tlssocketgettlsticket",
       "The client's session ticket (TLS 1.2).",
       "ticket = socket.getTLSTicket()"),
    _m(_TS, "getX509Certificate", "tls#tlssocketgetx509certificate",
       "This side's certificate as an X509Certificate.",
       "print(socket.getX509Certificate().validTo)"),
    _m(_TS, "isSessionReused", "tls#tlssocketissessionreused",
       "The handshake resumed a session.",
       'socket = tls.connect(443, "example.com", session=saved)\n'
       'socket.on("secureConnect", lambda: print(socket.isSessionReused()))'),
    _m(_TS, "renegotiate", "tls#tlssocketrenegotiateoptions-callback",
       "Start a TLS 1.2 renegotiation (e.g. to ask for a client certificate).",
       'socket.renegotiate({"requestCert": True, "rejectUnauthorized": False},\n'
       "                   lambda err: print(err or socket.getPeerCertificate()))"),
    _m(_TS, "setMaxSendFragment", "tls#tlssocketsetmaxsendfragmentsize",
       "The largest TLS record to send (512 … 16384 bytes).",
       "socket.setMaxSendFragment(4096)"),
    _m(_TS, "setServername", None, "The SNI name to send (before the handshake).",
       'sock = tls.TLSSocket(raw)\nsock.setServername("example.com")',
       note="undocumented in Node (tlsSocket.setServername exists in _tls_wrap.js)"),
    _m(_TS, "setSession", None, "Offer a saved session for resumption (before the handshake).",
       "sock = tls.TLSSocket(raw)\nsock.setSession(saved)",
       note="undocumented in Node (tlsSocket.setSession exists in _tls_wrap.js)"),
    _p(_TS, "ssl", None, "The native connection handle (Node's ``tlsSocket.ssl``), None once closed.",
       "print(socket.ssl is not None)",
       note="undocumented in Node (tlsSocket.ssl, the native TLSWrap)"),
    _p(_TS, "npnProtocol", None, "The NPN protocol negotiated (nodessl.legacy), or ``False``.",
       "print(socket.npnProtocol)", note="removed from Node in v12 (NPN); nodessl.legacy keeps it"),
    # tls.Server
    _m(_TSV, "addContext", "tls#serveraddcontexthostname-context",
       "Serve another certificate for an SNI name (``*`` wildcards a label).",
       'server.addContext("*.example.com", {"key": key, "cert": cert})'),
    _m(_TSV, "setSecureContext", "tls#serversetsecurecontextoptions",
       "Replace the server's certificate/options for new connections.",
       'server.setSecureContext({"key": open("new-key.pem", "rb").read(), '
       '"cert": open("new-cert.pem", "rb").read()})'),
    _m(_TSV, "getTicketKeys", "tls#servergetticketkeys",
       "The 48 bytes of session ticket keys in use.",
       "keys = server.getTicketKeys()"),
    _m(_TSV, "setTicketKeys", "tls#serversetticketkeyskeys",
       "Set the ticket keys (rotate them, share them across servers).",
       "server.setTicketKeys(os.urandom(48))"),
    _m(_TSV, "setOptions", None, "Deprecated (DEP0122): record options as server properties.",
       'server.setOptions({"requestCert": True})',
       note="deprecated in Node (DEP0122) and undocumented since"),
    _p(_TSV, "connections", None, "Deprecated (DEP0020): the number of open connections.",
       "server.getConnections(lambda err, n: print(n))  # instead of server.connections",
       note="Node removed it (DEP0020); use getConnections()"),
    # net.Socket (and so TLSSocket)
    _m(_NS, "connect", "net#socketconnect", "Connect a socket made with ``net.Socket()``.",
       "sock = tls.net.Socket()\n"
       'sock.connect(443, "example.com", lambda: print("connected"))'),
    _m(_NS, "address", "net#socketaddress", "The local address: ``{\"address\", \"family\", \"port\"}``.",
       'print(socket.address()["address"])'),
    _m(_NS, "write", "net#socketwritedata-encoding-callback",
       "Send data; ``False`` means wait for ``'drain'``.",
       'socket.write(b"GET / HTTP/1.0\\r\\n\\r\\n")'),
    _m(_NS, "end", "net#socketenddata-encoding-callback", "Send the last data and end our side.",
       'socket.end(b"bye\\n")'),
    _m(_NS, "destroy", "net#socketdestroyerror", "Close the connection now (with an optional error).",
       "socket.destroy()"),
    _m(_NS, "destroySoon", "net#socketdestroysoon", "Destroy after the pending writes are sent.",
       "socket.destroySoon()"),
    _m(_NS, "resetAndDestroy", "net#socketresetanddestroy", "Close with a TCP RST.",
       "socket.resetAndDestroy()"),
    _m(_NS, "setEncoding", "net#socketsetencodingencoding", "Emit ``str`` instead of ``bytes``.",
       'socket.setEncoding("utf8")'),
    _m(_NS, "pause", "net#socketpause", "Stop emitting ``'data'``.", "socket.pause()"),
    _m(_NS, "resume", "net#socketresume", "Start emitting ``'data'`` again.", "socket.resume()"),
    _m(_NS, "pipe", "stream#readablepipedestination-options", "Forward everything read to a writable.",
       "socket.pipe(socket)  # echo"),
    _m(_NS, "on", "events#emitteroneventname-listener", "Add a listener (also as a decorator).",
       '@socket.on("data")\ndef on_data(chunk):\n    print(chunk)'),
    _m(_NS, "once", "events#emitteronceeventname-listener", "Add a listener called once.",
       'socket.once("end", lambda: print("done"))'),
    _m(_NS, "setKeepAlive", "net#socketsetkeepaliveenable-initialdelay", "Enable TCP keep-alive.",
       "socket.setKeepAlive(True, 60000)"),
    _m(_NS, "setNoDelay", "net#socketsetnodelaynodelay", "Disable Nagle's algorithm.",
       "socket.setNoDelay(True)"),
    _m(_NS, "setTimeout", "net#socketsettimeouttimeout-callback",
       "Emit ``'timeout'`` after that many idle milliseconds (0 disables).",
       "socket.setTimeout(30000, socket.destroy)"),
    _m(_NS, "ref", "net#socketref", "Keep ``tls.run`` running while the socket is open (default).",
       "socket.ref()"),
    _m(_NS, "unref", "net#socketunref", "Let ``tls.run`` return while the socket is still open.",
       "socket.unref()"),
    _p(_NS, "bufferSize", "net#socketbuffersize", "Deprecated: bytes waiting to be written.",
       "print(socket.bufferSize)"),
    _p(_NS, "bytesRead", "net#socketbytesread", "Bytes received.", "print(socket.bytesRead)"),
    _p(_NS, "bytesWritten", "net#socketbyteswritten", "Bytes sent (and queued).",
       "print(socket.bytesWritten)"),
    _p(_NS, "localAddress", "net#socketlocaladdress", "The local IP address.",
       "print(socket.localAddress)"),
    _p(_NS, "localFamily", "net#socketlocalfamily", "The local IP family (``\"IPv4\"``/``\"IPv6\"``).",
       "print(socket.localFamily)"),
    _p(_NS, "localPort", "net#socketlocalport", "The local port.", "print(socket.localPort)"),
    _p(_NS, "remoteAddress", "net#socketremoteaddress", "The peer's IP address.",
       "print(socket.remoteAddress)"),
    _p(_NS, "remoteFamily", "net#socketremotefamily", "The peer's IP family.",
       "print(socket.remoteFamily)"),
    _p(_NS, "remotePort", "net#socketremoteport", "The peer's port.", "print(socket.remotePort)"),
    _p(_NS, "readyState", "net#socketreadystate",
       "``\"opening\"``, ``\"open\"``, ``\"readOnly\"``, ``\"writeOnly\"`` or ``\"closed\"``.",
       "print(socket.readyState)"),
    _p(_NS, "timeout", "net#sockettimeout", "The idle timeout set by ``setTimeout`` (ms).",
       "print(socket.timeout)"),
    # net.Server (and so tls.Server)
    _m(_NSV, "listen", "net#serverlisten", "Start accepting connections.",
       'server.listen(8443, "127.0.0.1", lambda: print("listening"))'),
    _m(_NSV, "listenAsync", None, "``listen(...)`` awaited: returns once listening.",
       'await server.listenAsync(0, "127.0.0.1")\nprint(server.address()["port"])',
       note=_BEYOND),
    _m(_NSV, "address", "net#serveraddress", "The bound address: ``{\"address\", \"family\", \"port\"}``.",
       'print(server.address()["port"])'),
    _m(_NSV, "close", "net#serverclosecallback",
       "Stop accepting; ``'close'`` once the last connection ends.",
       'server.close(lambda *err: print("closed"))'),
    _m(_NSV, "closeAsync", None, "``close()`` awaited: returns once ``'close'`` was emitted.",
       "await server.closeAsync()", note=_BEYOND),
    _m(_NSV, "getConnections", "net#servergetconnectionscallback",
       "Count the open connections: ``callback(err, count)``.",
       "server.getConnections(lambda err, count: print(count))"),
    _m(_NSV, "ref", "net#serverref", "Keep ``tls.run`` running while listening (default).",
       "server.ref()"),
    _m(_NSV, "unref", "net#serverunref", "Let ``tls.run`` return while still listening.",
       "server.unref()"),
    _a(_NSV, "listening", "net#serverlistening", "The server is listening.",
       "print(server.listening)", "bool"),
    _a(_NSV, "maxConnections", "net#servermaxconnections",
       "Refuse connections beyond this many (``'drop'``).", "server.maxConnections = 1000",
       "int | None"),
    # SecureContext (beyond Node: Node's SecureContext has only its native handle)
    _a(_SC, "context", None, "The native ``SSL_CTX`` (a pyOpenSSL ``SSL.Context`` with Node's "
       "native methods).", 'ctx.context.setCiphers("ECDHE-RSA-AES128-GCM-SHA256")',
       "NativeContext", note="undocumented in Node (secureContext.context, the native handle)"),
    _m(_SC, "certificates", None, "The context's own leaf certificates (cryptography objects).",
       "print([c.subject.rfc4514_string() for c in ctx.certificates()])", note=_BEYOND),
    _m(_SC, "certificate_chain", None, "The chain sent to peers for a leaf: ``[leaf, *intermediates]``.",
       "print(len(ctx.certificate_chain()))", note=_BEYOND),
    _m(_SC, "ca_certificates", None, "The certificates of ``ca`` (and a pfx's CAs).",
       "print(len(ctx.ca_certificates()))", note=_BEYOND),
    _m(_SC, "trusted_certificates", None, "Everything the context trusts (``ca`` or the roots).",
       "print(len(ctx.trusted_certificates()))", note=_BEYOND),
    _m(_SC, "issuer_certificate", None, "The issuer of the context's certificate (as OCSP needs).",
       "issuer = ctx.issuer_certificate()", note=_BEYOND),
    _m(_SC, "fresh_context", None, "A new, unused ``SSL.Context`` configured like this one.",
       "probe = ctx.fresh_context()", note=_BEYOND),
    _m(_SC, "context_for", None, "The ``SSL_CTX`` with the callbacks a connection asks for installed.",
       'ssl_ctx = ctx.context_for(frozenset({"keylog"}))', note=_BEYOND),
]

_N, _NN = "nodessl", "nodessl.net"

FUNCTIONS: list[Entry] = [
    _m(_N, "connect", "tls#tlsconnectoptions-callback", "Open a TLS connection.",
       'socket = tls.connect(443, "example.com", lambda: print(socket.getProtocol()))',
       kind="function"),
    _m(_N, "connectAsync", None, "``connect(...)`` awaited: the socket after ``'secureConnect'``.",
       'socket = await tls.connectAsync(443, "example.com", ALPNProtocols=["h2"])\n'
       "print(socket.alpnProtocol)", kind="function", note=_BEYOND),
    _m(_N, "createServer", "tls#tlscreateserveroptions-secureconnectionlistener",
       "Make a TLS server.",
       'server = tls.createServer({"key": key, "cert": cert}, lambda s: s.end(b"hi\\n"))\n'
       "server.listen(8443)", kind="function"),
    _m(_N, "createSecureContext", "tls#tlscreatesecurecontextoptions",
       "Build a SecureContext (certificates, CAs, ciphers) to share between connections.",
       'ctx = tls.createSecureContext(key=key, cert=cert, minVersion="TLSv1.2")',
       kind="function"),
    _m(_N, "createSecurePair", "tls#tlscreatesecurepaircontext-isserver-requestcert-rejectunauthorized-options",
       "Deprecated: a SecurePair (use TLSSocket).",
       "pair = tls.createSecurePair(ctx, True)", kind="function"),
    _m(_N, "checkServerIdentity", "tls#tlscheckserveridentityhostname-cert",
       "Check a certificate object against a host name: an Exception, or ``None``.",
       'error = tls.checkServerIdentity("example.com", socket.getPeerCertificate())',
       kind="function"),
    _m(_N, "convertALPNProtocols", None, "ALPN names to the wire format, in ``out[\"ALPNProtocols\"]``.",
       "out = {}\n"
       'tls.convertALPNProtocols(["h2", "http/1.1"], out)  # out["ALPNProtocols"] == b"\\x02h2..."',
       kind="function", note="undocumented in Node (exported by lib/tls.js)"),
    _m(_N, "getCiphers", "tls#tlsgetciphers", "The names of the supported ciphers, lowercase.",
       'print("aes128-gcm-sha256" in tls.getCiphers())', kind="function"),
    _m(_N, "getLegacyCiphers", None, "The default cipher list of an old Node release.",
       'print(tls.getLegacyCiphers("v0.10.38"))', kind="function",
       note="removed from Node (Node 0.12's tls.getLegacyCiphers)"),
    _m(_N, "once", "events#eventsonceemitter-name-options",
       "Await an event's arguments (an ``'error'`` raises).",
       'server.listen(0)\nawait tls.once(server, "listening")', kind="function"),
    _m(_N, "open_connection", None,
       "asyncio's ``open_connection`` with Node's TLS options: ``(reader, writer)``.",
       'reader, writer = await tls.open_connection("example.com", 443, ALPNProtocols=["h2"])\n'
       'print(writer.get_extra_info("tls_socket").alpnProtocol)', kind="function", note=_BEYOND),
    _m(_N, "start_server", None, "asyncio's ``start_server`` with Node's TLS options.",
       "server = await tls.start_server(handle, \"127.0.0.1\", 8443, key=key, cert=cert)",
       kind="function", note=_BEYOND),
    _m(_N, "run", None, "Run a Node-style ``main`` until no server or socket is left.",
       "tls.run(main)", kind="function", note="beyond Node (Node's process does it)"),
    _m(_N, "setTimeout", "timers#settimeoutcallback-delay-args", "Call a function after a delay (ms).",
       'timer = tls.setTimeout(lambda: print("later"), 1000)', kind="function"),
    _m(_N, "clearTimeout", "timers#cleartimeouttimeout", "Cancel a ``setTimeout``.",
       "tls.clearTimeout(timer)", kind="function"),
    _m(_N, "setInterval", "timers#setintervalcallback-delay-args", "Call a function every N ms.",
       'interval = tls.setInterval(lambda: print("tick"), 1000)', kind="function"),
    _m(_N, "clearInterval", "timers#clearintervaltimeout", "Cancel a ``setInterval``.",
       "tls.clearInterval(interval)", kind="function"),
    _m(_N, "setImmediate", "timers#setimmediatecallback-args", "Call a function after I/O callbacks.",
       'immediate = tls.setImmediate(print, "next turn")', kind="function"),
    _m(_N, "clearImmediate", "timers#clearimmediateimmediate", "Cancel a ``setImmediate``.",
       "tls.clearImmediate(immediate)", kind="function"),
    _m(_N, "nextTick", "process#processnexttickcallback-args", "Call a function before any I/O.",
       'tls.nextTick(print, "soon")', kind="function"),
    _m(_N, "queueMicrotask", "globals#queuemicrotaskcallback", "Queue a microtask.",
       'tls.queueMicrotask(lambda: print("microtask"))', kind="function"),
    _m(_N, "rootCertificates", "tls#tlsrootcertificates", "The bundled root CAs as PEM strings.",
       "print(len(tls.rootCertificates))", kind="value"),
    _m(_N, "DEFAULT_CIPHERS", "tls#tlsdefault_ciphers", "The default ``ciphers`` (assignable).",
       'tls.DEFAULT_CIPHERS = "TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES256-GCM-SHA384"', kind="value"),
    _m(_N, "DEFAULT_ECDH_CURVE", "tls#tlsdefault_ecdh_curve", "The default ``ecdhCurve``.",
       "print(tls.DEFAULT_ECDH_CURVE)", kind="value"),
    _m(_N, "DEFAULT_MIN_VERSION", "tls#tlsdefault_min_version", "The default ``minVersion``.",
       'tls.DEFAULT_MIN_VERSION = "TLSv1.3"', kind="value"),
    _m(_N, "DEFAULT_MAX_VERSION", "tls#tlsdefault_max_version", "The default ``maxVersion``.",
       "print(tls.DEFAULT_MAX_VERSION)", kind="value"),
    _m(_N, "CLIENT_RENEG_LIMIT", "tls#client-initiated-renegotiation-attack-mitigation",
       "Client renegotiations allowed per window.", "tls.CLIENT_RENEG_LIMIT = 1", kind="value"),
    _m(_N, "CLIENT_RENEG_WINDOW", "tls#client-initiated-renegotiation-attack-mitigation",
       "The renegotiation window, in seconds.", "tls.CLIENT_RENEG_WINDOW = 60", kind="value"),
    # nodessl.net
    _m(_NN, "connect", "net#netconnect", "Open a TCP or Unix connection.",
       'sock = tls.net.connect(80, "example.com", lambda: sock.end(b"GET / HTTP/1.0\\r\\n\\r\\n"))',
       kind="function"),
    _m(_NN, "createConnection", "net#netcreateconnection", "The same as ``net.connect``.",
       'sock = tls.net.createConnection(port=80, host="example.com")', kind="function"),
    _m(_NN, "connectAsync", None, "``net.connect(...)`` awaited: the socket after ``'connect'``.",
       'sock = await tls.net.connectAsync(80, "example.com")', kind="function", note=_BEYOND),
    _m(_NN, "createServer", "net#netcreateserveroptions-connectionlistener", "Make a TCP server.",
       "server = tls.net.createServer(lambda sock: sock.pipe(sock))\nserver.listen(7000)",
       kind="function"),
    _m(_NN, "isIP", "net#netisipinput", "6, 4, or 0 for a non-address.",
       'print(tls.net.isIP("::1"))  # 6', kind="function"),
    _m(_NN, "isIPv4", "net#netisipv4input", "The string is a dotted IPv4 address.",
       'print(tls.net.isIPv4("127.0.0.1"))', kind="function"),
    _m(_NN, "isIPv6", "net#netisipv6input", "The string is an IPv6 address.",
       'print(tls.net.isIPv6("::1"))', kind="function"),
]

ALL: list[Entry] = OPTIONS + EVENTS + METHODS + FUNCTIONS

# Node 20 anchors that the older tls docs in /work/shared/seeds (tests/node_tls_doc_headings.txt)
# lack; each was checked against Node's doc/api/tls.md.
NODE20_ONLY_TLS_ANCHORS = {
    "event-connection": "tls.Server's 'connection' (added v0.3.2; the seeded copies omit it)",
    "tlssocketgetpeerx509certificate": "added in v15.9.0",
    "tlssocketgetx509certificate": "added in v15.9.0",
    "tlsdefault_ciphers": "added in v19.8.0",
}

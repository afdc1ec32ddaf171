"""The option TypedDicts and the connect/createServer overloads, as a type checker sees them:
Node's argument forms type-check, a misspelt option keyword or a wrong version name does
not.  Runs the pinned mypy (pyproject.toml's test extra) on small programs."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from conftest import key, listening, once, run_loop

import nodessl
from nodessl.net import AddressInfo
from nodessl.options import ConnectOptions, SecureContextOptions, ServerOptions
from nodessl.results import (
    CipherInfo,
    DetailedPeerCertificate,
    EphemeralKeyInfo,
    PeerCertificate,
)

ROOT = Path(__file__).resolve().parent.parent

GOOD = '''
from typing import Any

import nodessl
from nodessl.options import ConnectOptions, ServerOptions

ported: dict[str, Any] = {"host": "localhost", "somethingNodeIgnores": 1}
ctx = nodessl.createSecureContext({"ca": b"pem"}, minVersion="TLSv1.2")
client_opts: ConnectOptions = {"host": "localhost", "port": 443, "secureContext": ctx}
server_opts: ServerOptions = {"key": b"pem", "cert": b"pem", "requestCert": True}
sockets = [
    nodessl.connect(client_opts, lambda: None),
    nodessl.connect(ported),
    nodessl.connect(443, "localhost", {"servername": "x"}, lambda: None),
    nodessl.connect(443, "localhost", lambda: None),
    nodessl.connect(443, ported, lambda: None),
    nodessl.connect(443, lambda: None),
    nodessl.connect("/run/app.sock"),
    nodessl.connect(port=443, host="localhost", rejectUnauthorized=False),
]
servers = [
    nodessl.createServer(server_opts, lambda sock: None),
    nodessl.createServer(ported),
    nodessl.createServer(lambda sock: None, requestCert=True),
    nodessl.createServer(),
]
reveal_type(sockets[0])
reveal_type(servers[0])

# net's entry points, a TLSSocket of one's own, the asyncio forms
plain = [
    nodessl.net.connect(80, "localhost", lambda: None),
    nodessl.net.connect({"port": 80, "host": "localhost"}),
    nodessl.net.connect(ported, lambda: None),
    nodessl.net.createConnection(port=80, host="localhost", timeout=500),
    nodessl.net.connect("/run/app.sock"),
    nodessl.net.Socket(allowHalfOpen=True),
    nodessl.net.Socket({"allowHalfOpen": True}),
    nodessl.net.Socket().connect(80, "localhost", lambda: None),
    nodessl.net.Socket().connect({"port": 80}, lambda: None),
    nodessl.net.Socket().connect("/run/app.sock"),
]
net_opts: nodessl.net.NetServerOptions = {"pauseOnConnect": True}
net_servers = [
    nodessl.net.createServer(lambda sock: None),
    nodessl.net.createServer(net_opts, lambda sock: None),
    nodessl.net.createServer(allowHalfOpen=True),
    nodessl.net.Server(ported),
]
tls_opts: nodessl.TLSSocketOptions = {"isServer": True, "secureContext": ctx}
wrapped = [
    nodessl.TLSSocket(plain[0], tls_opts),
    nodessl.TLSSocket(plain[0], isServer=False, ALPNProtocols=["h2"]),
    nodessl.TLSSocket(None, ported),
]


async def streams() -> None:
    reader, writer = await nodessl.open_connection("localhost", 443, servername="x",
                                                   server_hostname="y", ca=b"pem")
    await nodessl.start_server(lambda r, w: None, "localhost", 0, key=b"pem",
                               requestCert=True)
    sock = await nodessl.connectAsync(443, "localhost", rejectUnauthorized=False)
    raw = await nodessl.net.connectAsync(port=80, host="localhost")
    reveal_type(sock)
    reveal_type(raw)

reveal_type(plain[0])
reveal_type(net_servers[0])
reveal_type(wrapped[0])
'''

BAD = '''
import nodessl

nodessl.createServer(requestCrt=True)
nodessl.connect(443, rejectUnauthorised=False)
nodessl.createSecureContext(minVersion="TLS1.2")
bad: nodessl.options.ServerOptions = {"requestCrt": True}
nodessl.net.connect(port=80, hots="localhost")
nodessl.net.createServer(allowHalfOpne=True)
nodessl.net.Socket(allowHalfOpne=True)
nodessl.TLSSocket(None, requestCrt=True)


async def streams() -> None:
    await nodessl.open_connection("localhost", 443, requestCrt=True)
    await nodessl.start_server(lambda r, w: None, "localhost", 0, requestCrt=True)
'''


def _without_mypypath() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "MYPYPATH"}


def _mypy(tmp_path: Path) -> dict[str, list[str]]:
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bad.py").write_text(BAD)
    # the package's own modules are checked by `make typecheck`; here only the programs
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--no-error-summary", "--show-error-codes", "--hide-error-context",
         "--cache-dir", str(ROOT / ".mypy_cache" / "typing-test" / Path(sys.prefix).name),
         "good.py", "bad.py"],
        # no MYPYPATH: mypy finds the editable install itself (a static .pth line)
        env=_without_mypypath(),
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    lines: dict[str, list[str]] = {"good.py": [], "bad.py": []}
    for line in proc.stdout.splitlines():
        m = re.match(r"(good|bad)\.py:(\d+): (.*)", line)
        if m:
            lines[f"{m.group(1)}.py"].append(f"{m.group(2)}: {m.group(3)}")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return lines


def test_node_forms_check_and_misspelt_options_do_not(tmp_path: Path) -> None:
    out = _mypy(tmp_path)
    good = out["good.py"]
    assert [ln for ln in good if ": error: " in ln] == []
    assert any('Revealed type is "nodessl.socket.TLSSocket"' in ln for ln in good), good
    assert any('Revealed type is "nodessl.server.Server"' in ln for ln in good), good
    bad = out["bad.py"]
    assert any(ln.startswith("4: error") and 'did you mean "requestCert"' in ln
               for ln in bad), bad
    assert any(ln.startswith("5: error") and 'did you mean "rejectUnauthorized"' in ln
               for ln in bad), bad
    assert any(ln.startswith("6: error") and "TLS1.2" in ln for ln in bad), bad
    assert any(ln.startswith("7: error") and "requestCrt" in ln for ln in bad), bad
    for line, said in ((8, 'keyword argument "hots"'), (9, 'did you mean "allowHalfOpen"'),
                       (10, 'did you mean "allowHalfOpen"'), (11, 'did you mean "requestCert"'),
                       (15, 'did you mean "requestCert"'), (16, 'did you mean "requestCert"')):
        assert any(ln.startswith(f"{line}: error") and said in ln for ln in bad), (line, bad)


def test_net_tls_socket_and_asyncio_forms_check(tmp_path: Path) -> None:
    good = _mypy(tmp_path)["good.py"]
    for shown in ("nodessl.socket.TLSSocket", "nodessl.net.Socket", "nodessl.net.Server"):
        assert any(f'Revealed type is "{shown}"' in ln for ln in good), (shown, good)
    assert sum('Revealed type is "nodessl.socket.TLSSocket"' in ln for ln in good) >= 3, good
    assert sum('Revealed type is "nodessl.net.Socket"' in ln for ln in good) >= 2, good


def test_mypy_finds_the_installed_package_from_anywhere(tmp_path: Path) -> None:
    """A user's ``pip install -e .`` then ``mypy`` in their own directory: no MYPYPATH, no
    configuration, the working directory outside the checkout."""
    assert not tmp_path.resolve().is_relative_to(ROOT)
    (tmp_path / "app.py").write_text("import nodessl\nimport nodessl.net\n"
                                     "reveal_type(nodessl.connect)\n"
                                     "reveal_type(nodessl.net.connect)\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--show-error-codes",
         "--cache-dir", str(tmp_path / "cache"), "app.py"],
        env=_without_mypypath(), cwd=tmp_path, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert "import-not-found" not in out and "Cannot find implementation" not in out, out
    assert proc.returncode == 0, out
    assert 'app.py:3: note: Revealed type is "Overload(def (' in out, out
    assert 'app.py:4: note: Revealed type is "Overload(def (' in out, out
    assert "-> nodessl.socket.TLSSocket" in out and "-> nodessl.net.Socket" in out, out


def test_option_names_are_the_ones_the_api_reads() -> None:
    context = set(SecureContextOptions.__optional_keys__)
    # createSecureContext's documented options, all optional
    assert {"ca", "cert", "key", "passphrase", "pfx", "crl", "ciphers", "sigalgs", "ecdhCurve",
            "dhparam", "honorCipherOrder", "minVersion", "maxVersion", "secureProtocol",
            "secureOptions", "sessionIdContext", "sessionTimeout", "ticketKeys",
            "allowPartialTrustChain", "privateKeyEngine", "privateKeyIdentifier",
            "clientCertEngine"} == context
    assert not SecureContextOptions.__required_keys__
    assert context < set(ConnectOptions.__optional_keys__)
    assert context < set(ServerOptions.__optional_keys__)
    assert {"host", "port", "servername", "checkServerIdentity", "session", "socket",
            "requestOCSP"} < set(ConnectOptions.__optional_keys__)
    assert {"requestCert", "SNICallback", "ALPNCallback", "handshakeTimeout",
            "pskIdentityHint"} < set(ServerOptions.__optional_keys__)
    # a TypedDict is a dict at runtime: the functions take it as any options dict
    opts: SecureContextOptions = {"minVersion": "TLSv1.2"}
    assert nodessl.createSecureContext(opts).context is not None


# -- results, callbacks and events (nodessl.results) -------------------------------------------
#
# Each line of these programs that mypy must flag ends in `# E: <words of the message>`, each
# reveal_type in `# R: <the type revealed>`; every other line must check clean.  mypy runs
# with the `deprecated` error code: a listener that does not fit its event matches the
# overload marked @deprecated (nodessl.results says why), which that code reports.

RESULTS = '''
import nodessl
from nodessl import net
from nodessl.results import (ALPNCallbackInfo, CipherInfo, DetailedPeerCertificate,
                             PeerCertificate, PSKClientKey)
from nodessl.options import ConnectOptions, ServerOptions

server = nodessl.createServer({"key": b"k", "cert": b"c"})
sock = nodessl.connect(443, "localhost")
plain = net.Socket()
nserver = net.createServer()

cert = sock.getPeerCertificate()
reveal_type(cert)  # R: TypedDict(nodessl.results.PeerCertificate, {
reveal_type(sock.getPeerCertificate(True))  # R: TypedDict(nodessl.results.DetailedPeerCertificate, {
reveal_type(sock.getPeerCertificate(detailed=False))  # R: TypedDict(nodessl.results.PeerCertificate, {
reveal_type(sock.getCertificate())  # R: TypedDict(nodessl.results.PeerCertificate, {
reveal_type(nodessl.X509Certificate(b"pem").toLegacyObject())  # R: TypedDict(nodessl.results.PeerCertificate, {
if cert:
    reveal_type(cert["fingerprint256"])  # R: str
    reveal_type(cert["raw"])  # R: bytes
    reveal_type(cert.get("modulus"))  # R: str | None
    reveal_type(cert.get("subject"))  # R: dict[str, str | list[str]] | None
    cert["fingerprint257"]  # E: TypedDict "PeerCertificate" has no key "fingerprint257"
chain = sock.getPeerCertificate(True)
if chain and "issuerCertificate" in chain:
    reveal_type(chain["issuerCertificate"]["issuerCertificate"]["valid_to"])  # R: str
reveal_type(sock.getCipher())  # R: TypedDict(nodessl.results.CipherInfo, {'name': str, 'standardName': str, 'version': str}) | None
info = sock.getEphemeralKeyInfo()
if info:
    reveal_type(info.get("type"))  # R: Literal['ECDH'] | Literal['DH'] | None
reveal_type(sock.address())  # R: nodessl.net.AddressInfo
reveal_type(sock.address().port)  # R: int
reveal_type(plain.address()["family"])  # R: str
plain.address()["prot"]  # E: No overload variant of "__getitem__" of "AddressInfo"
reveal_type(server.address())  # R: nodessl.net.AddressInfo | str | None
reveal_type(nodessl.checkServerIdentity("example.com", {"subject": {"CN": "example.com"}}))  # R: nodessl.errors.NodeError | None
nodessl.checkServerIdentity("example.com", {"subjectaltname": 1})  # E: TypedDict item "subjectaltname" has type "str | None"

# callbacks: their arguments are inferred, their results checked
client_opts: ConnectOptions = {
    "checkServerIdentity": lambda host, c: None if c["fingerprint256"] else ValueError(host),
    "pskCallback": lambda hint: {"psk": b"key", "identity": hint or "me"},
}
server_opts: ServerOptions = {
    "SNICallback": lambda name, cb: cb(None, nodessl.createSecureContext()),
    "ALPNCallback": lambda info: info["protocols"][0] if info["servername"] else None,
    "pskCallback": lambda s, identity: b"key" if s.servername == identity else None,
}
bad_alpn: ServerOptions = {"ALPNCallback": lambda info: info["servername"].upper()}  # E: Item "None" of "str | None" has no attribute "upper"
bad_sni: ServerOptions = {"SNICallback": lambda name, cb: cb(None, name)}  # E: "SNICallbackDone" has incompatible type "str"; expected "SecureContext | None"

# events: a listener's parameters are the event's
server.on("secureConnection", lambda s: s.getPeerCertificate())
server.on("secureConnection", lambda s: s.getPeerCertificat())  # E: does not type-check with the event's arguments
server.on("tlsClientError", lambda err, s: s.destroy(err))
server.on("tlsClientError", lambda: None)  # E: does not type-check with the event's arguments
server.once("newSession", lambda sid, data, cb: cb())
server.once("newSession", lambda sid, data, cb: cb(sid))  # E: does not type-check with the event's arguments
server.addListener("resumeSession", lambda sid, cb: cb(None, None))
server.on("OCSPRequest", lambda c, issuer, cb: cb(None, issuer or c))
server.on("OCSPRequest", lambda c, issuer, cb: cb("none"))  # E: does not type-check with the event's arguments
server.on("resumeSession", lambda sid, cb: cb())
server.prependListener("keylog", lambda line, s: line.decode() + s.getProtocol())  # E: does not type-check with the event's arguments
server.prependOnceListener("connection", lambda s: s.remoteAddress)
server.on("myOwnEvent", lambda a, b, c: None)
sock.on("secureConnect", lambda: None)
sock.on("session", lambda session: session.hex())
sock.on("OCSPResponse", lambda response: response.hex())  # E: does not type-check with the event's arguments
sock.on("OCSPResponse", lambda response: response and response.hex())
sock.on("data", lambda chunk: chunk.decod())  # E: does not type-check with the event's arguments
plain.on("close", lambda had_error: not had_error)
nserver.on("connection", lambda s: s.remoteAddres)  # E: does not type-check with the event's arguments
nserver.on("drop", lambda data: data.get("remotePort"))
reveal_type(server.on("secureConnection", lambda s: None))  # R: nodessl.server.Server
reveal_type(server.once("custom", lambda *a: None))  # R: nodessl.server.Server
reveal_type(sock.prependListener("end", lambda: None))  # R: nodessl.socket.TLSSocket
reveal_type(nserver.on("listening", lambda: None))  # R: nodessl.net.Server


@sock.on("end")
def ended() -> None: ...


reveal_type(ended)  # R: def ()
'''


def _mypy_marked(tmp_path: Path, source: str, *flags: str) -> None:
    """Run mypy on ``source``: exactly the lines marked ``# E:`` fail (with those words),
    and each ``# R:`` line reveals that type."""
    (tmp_path / "prog.py").write_text(source)
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--no-error-summary", "--show-error-codes", "--hide-error-context", *flags,
         "--cache-dir", str(ROOT / ".mypy_cache" / "typing-test" / Path(sys.prefix).name),
         "prog.py"],
        env=_without_mypypath(),  # the editable install, as in _mypy
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    errors: dict[int, list[str]] = {}
    notes: dict[int, list[str]] = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"prog\.py:(\d+): (error|note): (.*)", line)
        if m:
            (errors if m.group(2) == "error" else notes).setdefault(
                int(m.group(1)), []).append(m.group(3))
    expected_errors: dict[int, str] = {}
    expected_reveals: dict[int, str] = {}
    for number, text in enumerate(source.splitlines(), 1):
        m = re.search(r"# ([ER]): (.*)$", text)
        if m:
            (expected_errors if m.group(1) == "E" else expected_reveals)[number] = m.group(2)
    assert sorted(errors) == sorted(expected_errors), proc.stdout + proc.stderr
    for number, words in expected_errors.items():
        assert any(words in e for e in errors[number]), (number, words, errors[number])
    for number, revealed in expected_reveals.items():
        assert any(n.startswith(f'Revealed type is "{revealed}') for n in notes.get(number, [])
                   ), (number, revealed, notes.get(number))


def test_results_callbacks_and_listeners_are_typed(tmp_path: Path) -> None:
    # --no-incremental: mypy's cache keeps the @deprecated mark of `on` but not of its
    # aliases (once, addListener, ...), which then take a misfit listener silently on a
    # cached run (their listeners' parameters stay typed either way)
    _mypy_marked(tmp_path, RESULTS, "--enable-error-code", "deprecated", "--no-incremental")


# -- the types against what a real connection returns -----------------------------------------

def _conforms(value: Any, tp: Any, path: str = "value", seen: set[int] | None = None
              ) -> list[str]:
    """Where ``value`` departs from the type ``tp`` (TypedDicts, unions, Literal, list, dict,
    plain classes): [] when it conforms."""
    seen = set() if seen is None else seen
    origin = typing.get_origin(tp)
    if typing.is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{path} is {type(value).__name__}, not a {tp.__name__}"]
        if id(value) in seen:  # a self-signed root is its own issuerCertificate
            return []
        seen.add(id(value))
        hints = typing.get_type_hints(tp)
        problems = [f"{path}[{k!r}] is not a key of {tp.__name__}" for k in value
                    if k not in hints]
        problems += [f"{path} lacks {tp.__name__}'s required {k!r}"
                     for k in tp.__required_keys__ if k not in value]
        for k, v in value.items():
            if k in hints:
                problems += _conforms(v, hints[k], f"{path}[{k!r}]", seen)
        return problems
    if origin in (typing.Union, types.UnionType):
        options = [_conforms(value, arg, path, seen) for arg in typing.get_args(tp)]
        return [] if any(not o for o in options) else min(options, key=len)
    if origin is typing.Literal:
        return [] if value in typing.get_args(tp) else [f"{path} = {value!r} not in {tp}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{path} is {type(value).__name__}, not a list"]
        (item,) = typing.get_args(tp)
        return [p for i, v in enumerate(value) for p in _conforms(v, item, f"{path}[{i}]", seen)]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path} is {type(value).__name__}, not a dict"]
        key_type, value_type = typing.get_args(tp)
        return [p for k, v in value.items() for p in _conforms(k, key_type, path, seen)
                + _conforms(v, value_type, f"{path}[{k!r}]", seen)]
    if tp is type(None) or tp is None:
        return [] if value is None else [f"{path} = {value!r} is not None"]
    if tp is int and isinstance(value, bool):
        return [f"{path} = {value!r} is a bool, not an int"]
    return [] if isinstance(value, tp) else [f"{path} is {type(value).__name__}, not {tp}"]


# (server's key, server's chain, its trust anchor, client's key, client's cert): RSA with a
# subjectAltName, infoAccess and extKeyUsage, sent with its intermediate, to an EC (P-256)
# self-signed client; then an EC server under ca6 to an RSA client under ca1
_PAIRS = [
    ("system-ca-network-leaf-key.pem",
     ["system-ca-network-leaf-cert.pem", "system-ca-network-intermediate-cert.pem"],
     "fake-startcom-root-cert.pem",
     "irrelevant_san_correct_subject-key.pem", "irrelevant_san_correct_subject-cert.pem"),
    ("ec10-key.pem", ["ec10-cert.pem", "ca6-cert.pem"], "ca6-cert.pem",
     "agent1-key.pem", "agent1-cert.pem"),
]


async def _results_of_a_connection(pair: tuple[Any, ...]) -> dict[str, Any]:
    """Everything the typed methods return, on both ends of a real TLS connection."""
    server_key, server_chain, server_root, client_key, client_cert = pair
    accepted: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    server = nodessl.createServer(
        {"key": key(server_key), "cert": b"".join(key(c) for c in server_chain),
         "requestCert": True, "rejectUnauthorized": False, "ca": key(client_cert)},
        lambda s: accepted.done() or accepted.set_result(s))
    port = await listening(server)
    try:
        client = nodessl.connect(port, "127.0.0.1", {
            "ca": key(server_root), "key": key(client_key), "cert": key(client_cert),
            "rejectUnauthorized": False})
        await once(client, "secureConnect")
        served = await accepted
        out = {
            "peer": [client.getPeerCertificate(), served.getPeerCertificate()],
            "detailed": [client.getPeerCertificate(True), served.getPeerCertificate(True)],
            "own": [client.getCertificate(), served.getCertificate()],
            "cipher": [client.getCipher(), served.getCipher()],
            "ephemeral": [client.getEphemeralKeyInfo()],
            "server_ephemeral": served.getEphemeralKeyInfo(),
            "address": [client.address(), served.address(), server.address()],
        }
        client.destroy()
        served.destroy()
        return out
    finally:
        server.close()


def _walk(cert: dict[str, Any]) -> list[dict[str, Any]]:
    chain = [cert]
    while "issuerCertificate" in chain[-1] and chain[-1]["issuerCertificate"] is not chain[-1]:
        chain.append(chain[-1]["issuerCertificate"])
    return chain


def test_result_types_match_real_connections() -> None:
    results = [run_loop(lambda pair=pair: _results_of_a_connection(pair)) for pair in _PAIRS]
    certificates: list[dict[str, Any]] = []
    for found in results:
        for cert in found["peer"] + found["own"]:
            assert cert, "every end has a certificate"
            assert _conforms(cert, PeerCertificate) == []
            certificates.append(cert)
        for cert in found["detailed"]:
            assert _conforms(cert, DetailedPeerCertificate) == []
            certificates += _walk(cert)
        for info in found["cipher"]:
            assert _conforms(info, CipherInfo) == []
            assert set(info) == set(CipherInfo.__required_keys__)
        for info in found["ephemeral"]:
            assert _conforms(info, EphemeralKeyInfo) == []
            assert info and set(info) == set(EphemeralKeyInfo.__optional_keys__)  # ECDH's
        assert found["server_ephemeral"] is None  # a server's, as in Node
        for address in found["address"]:
            assert isinstance(address, AddressInfo)
            assert set(address) == set(typing.get_type_hints(AddressInfo))
            assert _conforms(dict(address), _AddressKeys) == []
            assert address.port == address["port"] and address.family == "IPv4"
    # every key the types name is one the code makes (no stale key in the types), both key
    # kinds' members included (RSA: modulus, exponent; EC: asn1Curve, nistCurve)
    keys = set().union(*certificates)
    assert keys | {"issuerCertificate"} == set(DetailedPeerCertificate.__required_keys__
                                               | DetailedPeerCertificate.__optional_keys__)
    assert any("issuerCertificate" in c for c in certificates)
    rsa = [c for c in certificates if "modulus" in c]
    ec = [c for c in certificates if "asn1Curve" in c]
    assert rsa and ec and not any("asn1Curve" in c for c in rsa)


class _AddressKeys(typing.TypedDict):
    address: str
    family: str
    port: int


def test_the_typing_overloads_leave_the_runtime_alone() -> None:
    # the event overloads exist for a type checker only: every class still runs
    # EventEmitter's (or the stream's) methods, and AddressInfo stays a dict
    for cls in (nodessl.TLSSocket, nodessl.Server, nodessl.net.Socket, nodessl.net.Server):
        for name in ("on", "once", "addListener", "prependListener", "prependOnceListener"):
            assert name not in vars(cls), (cls, name)
    assert "__getitem__" not in vars(AddressInfo)
    info = AddressInfo(address="127.0.0.1", family="IPv4", port=1)
    assert info == {"address": "127.0.0.1", "family": "IPv4", "port": 1} and info.port == 1
    with pytest.raises(AttributeError):
        _ = info.host  # type: ignore[attr-defined]

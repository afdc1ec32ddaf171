"""The option TypedDicts and the connect/createServer overloads, as a type checker sees them:
Node's argument forms type-check, a misspelt option keyword or a wrong version name does
not.  Runs the pinned mypy (pyproject.toml's test extra) on small programs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nodessl
from nodessl.options import ConnectOptions, SecureContextOptions, ServerOptions

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

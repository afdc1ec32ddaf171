"""OpenSSL engines (issue 9 §3): ``privateKeyEngine``/``privateKeyIdentifier`` and
``clientCertEngine`` with a real engine, Debian's ``libengine-pkcs11-openssl`` over a
``softhsm2`` token that holds agent1's key.  The key never leaves the token: the contexts
below get no ``key`` at all, only the engine's id and the key's PKCS#11 URI.

Shared backend (OpenSSL 3 with the ENGINE API): a Node 20 client and ``openssl s_client``
complete handshakes against a nodessl server signing with the token's key, a Node server
accepts a nodessl client whose certificate key is on the token, and every error matches Node
20's own for the same options (Node is pointed at the same engine with ``OPENSSL_ENGINES``).
Bundled backend (OpenSSL 4, no ENGINE API): the same options raise Node's
``ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED``.

``clientCertEngine`` is for an engine that supplies a *client's* certificate and key when a
server asks for one (OpenSSL's ``ENGINE_set_load_ssl_client_cert_function``).  The pkcs11
engine does not register that loader (libp11 never calls it), so OpenSSL's
``SSL_CTX_set_client_cert_engine`` refuses it with ``ERR_SSL_NO_CLIENT_CERT_METHOD``, in
nodessl as in Node 20; that refusal is what is tested.  No engine packaged for Debian
provides the loader (OpenSSL's own ``capi`` engine, Windows only, is the one that does).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import KEYS, NODE_PRELUDE, NodePeer, key, listening, need, once, run_loop, s_client
from cryptography.hazmat.primitives import serialization
from OpenSSL import SSL

import nodessl as tls
from nodessl import openssl

ENGINES = openssl.ENGINES_SUPPORTED
PIN = "4711"
TOKEN = "nodessl"
KEY_URI = f"pkcs11:token={TOKEN};object=agent1;type=private?pin-value={PIN}"
MISSING_URI = f"pkcs11:token={TOKEN};object=no-such-key;type=private?pin-value={PIN}"
SOFTHSM_MODULES = ("/usr/lib/softhsm/libsofthsm2.so",
                   "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                   "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")


def _engines_dir() -> str:
    """The ENGINESDIR of the OpenSSL in use (where ENGINE_by_id('pkcs11') looks)."""
    text = SSL.OpenSSL_version(5).decode()  # OPENSSL_ENGINES_DIR
    found = re.search(r'"(.*)"', text)
    return found.group(1) if found else ""


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI (make installs softhsm2 and "
                    "libengine-pkcs11-openssl)")
    pytest.skip(f"{what} not installed")


@pytest.fixture(scope="session")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A softhsm2 token in a temporary directory holding agent1's private key.

    The pkcs11 engine takes its PKCS#11 module from PKCS11_MODULE_PATH and softhsm2 its
    token directory from SOFTHSM2_CONF, both read when the engine first initialises in this
    process: they are set here for the whole session."""
    util = need("softhsm2-util")
    module = next((m for m in SOFTHSM_MODULES if Path(m).exists()), None)
    if module is None:
        _missing("softhsm2's PKCS#11 module")
    if not (Path(_engines_dir()) / "pkcs11.so").exists():
        _missing("the pkcs11 engine (libengine-pkcs11-openssl)")
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\n"
                    "objectstore.backend = file\nlog.level = ERROR\n")
    env = {"SOFTHSM2_CONF": str(conf), "PKCS11_MODULE_PATH": str(module)}
    # softhsm2-util imports PKCS#8 only
    pkcs8 = home / "agent1-key.p8"
    pkcs8.write_bytes(serialization.load_pem_private_key(key("agent1-key.pem"), None)
                      .private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()))
    for args in (["--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "0815"],
                 ["--import", str(pkcs8), "--token", TOKEN, "--label", "agent1", "--id", "01",
                  "--pin", PIN]):
        done = subprocess.run([util, *args], env={**os.environ, **env}, capture_output=True,
                              text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    pkcs8.unlink()  # from here on the key exists only inside the token
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    yield env
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


ENGINE_SERVER = {"privateKeyEngine": "pkcs11", "privateKeyIdentifier": KEY_URI,
                 "cert": key("agent1-cert.pem")}


def _not_supported(call: Any) -> None:
    with pytest.raises(tls.NodeError) as info:
        call()
    assert info.value.code == "ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED"
    assert info.value.message == "Custom engines not supported by this OpenSSL"


# -- a server whose key is on the token --------------------------------------------------------

NODE_CLIENT = NODE_PRELUDE + r"""
const o = JSON.parse(process.argv[1]);
const c = tls.connect({port: o.port, host: '127.0.0.1', servername: 'agent1',
  ca: fs.readFileSync('ca1-cert.pem'), maxVersion: o.maxVersion}, () => {
  out({authorized: c.authorized, protocol: c.getProtocol(),
       subject: c.getPeerCertificate().subject.CN});
  c.write('ping');
});
c.setEncoding('utf8');
c.on('data', (d) => out({data: d}));
c.on('error', (e) => out({error: errInfo(e)}));
"""


@pytest.mark.parametrize("version", ["TLSv1.2", "TLSv1.3"])
def test_node_client_against_a_server_keyed_by_the_engine(version: str,
                                                          request: pytest.FixtureRequest
                                                          ) -> None:
    if not ENGINES:
        _not_supported(lambda: tls.createServer(ENGINE_SERVER))
        return
    request.getfixturevalue("token")

    async def main() -> None:
        server = tls.createServer(ENGINE_SERVER, lambda s: s.on(
            "data", lambda d: s.end(b"pong:" + bytes(d))))
        port = await listening(server)
        node = await NodePeer.start(NODE_CLIENT.replace(
            "process.argv[1]", repr(json.dumps({"port": port, "maxVersion": version}))))
        # Node verified the chain up to ca1: the server proved it holds agent1's key
        assert await node.message() == {"authorized": True, "protocol": version,
                                        "subject": "agent1"}
        assert await node.message() == {"data": "pong:ping"}
        await node.close()
        server.close()

    run_loop(main)


def test_openssl_s_client_against_a_server_keyed_by_the_engine(
        request: pytest.FixtureRequest) -> None:
    if not ENGINES:
        _not_supported(lambda: tls.createSecureContext(ENGINE_SERVER))
        return
    request.getfixturevalue("token")

    async def main() -> None:
        arrived: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        server = tls.createServer(ENGINE_SERVER, lambda s: s.on(
            "data", lambda d: arrived.done() or arrived.set_result(bytes(d))))
        # a keylog listener installs the keylog callback on the server's one SSL_CTX, whose
        # key stays the engine's
        keylog: list[bytes] = []
        server.on("keylog", lambda line, _sock: keylog.append(line))
        port = await listening(server)
        out, _err = await s_client(port, "-CAfile", "ca1-cert.pem", "-servername", "agent1",
                                   "-verify_return_error", stdin=b"through the token\n")
        assert "Verify return code: 0 (ok)" in out
        assert "CN = agent1" in out
        # TLS 1.3's CertificateVerify: an RSA-PSS signature made inside the token
        assert "Peer signature type: RSA-PSS" in out
        assert await arrived == b"through the token\n"
        assert any(line.startswith(b"SERVER_HANDSHAKE_TRAFFIC_SECRET") for line in keylog)
        server.close()

    run_loop(main)


# -- a client whose certificate key is on the token --------------------------------------------

NODE_SERVER = NODE_PRELUDE + r"""
const s = tls.createServer({key: fs.readFileSync('agent2-key.pem'),
  cert: fs.readFileSync('agent2-cert.pem'), ca: fs.readFileSync('ca1-cert.pem'),
  requestCert: true, rejectUnauthorized: true}, (c) => {
  out({authorized: c.authorized, client: c.getPeerCertificate().subject.CN});
  c.end('welcome');
});
s.on('tlsClientError', (e) => out({error: errInfo(e)}));
s.listen(0, '127.0.0.1', () => out({port: s.address().port}));
process.stdin.on('end', () => s.close()); process.stdin.resume();
"""


def test_engine_key_as_client_certificate_for_a_node_server(
        request: pytest.FixtureRequest) -> None:
    options = {"privateKeyEngine": "pkcs11", "privateKeyIdentifier": KEY_URI,
               "cert": key("agent1-cert.pem"), "rejectUnauthorized": False}
    if not ENGINES:
        _not_supported(lambda: tls.connect(1, "127.0.0.1", options))
        return
    request.getfixturevalue("token")

    async def main() -> None:
        node = await NodePeer.start(NODE_SERVER)
        port = (await node.message())["port"]
        client = tls.connect(port, "127.0.0.1", options)
        client.setEncoding("utf8")
        await once(client, "secureConnect")
        data = await once(client, "data")
        # Node's server checked the client's certificate against ca1 (rejectUnauthorized)
        assert await node.message() == {"authorized": True, "client": "agent1"}
        assert data == "welcome"
        client.destroy()
        assert node.proc.stdin is not None
        node.proc.stdin.close()
        await node.close()

    run_loop(main)


# -- Node 20's errors, case by case ------------------------------------------------------------

CASES: dict[str, dict[str, Any]] = {
    "no such engine": {"privateKeyEngine": "nodessl-no-such-engine",
                       "privateKeyIdentifier": KEY_URI},
    "no such key": {"privateKeyEngine": "pkcs11", "privateKeyIdentifier": MISSING_URI},
    "key of another certificate": {"privateKeyEngine": "pkcs11",
                                   "privateKeyIdentifier": KEY_URI,
                                   "cert": "agent2-cert.pem"},
    "key and its certificate": {"privateKeyEngine": "pkcs11", "privateKeyIdentifier": KEY_URI,
                                "cert": "agent1-cert.pem"},
    "engine without initialisation": {"privateKeyEngine": "dynamic",
                                      "privateKeyIdentifier": KEY_URI},
    "client cert engine without a loader": {"clientCertEngine": "pkcs11"},
    "client cert engine not found": {"clientCertEngine": "nodessl-no-such-engine"},
}

NODE_CASES = r"""
const tls = require('tls'), fs = require('fs');
const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
const result = {};
for (const [name, o] of Object.entries(cases)) {
  if (o.cert) o.cert = fs.readFileSync(o.cert);
  try {
    tls.createSecureContext(o);
    result[name] = {ok: true};
  } catch (e) {
    result[name] = {type: e.name, code: e.code ?? null, message: e.message,
                    library: e.library ?? null, reason: e.reason ?? null,
                    stack: e.opensslErrorStack ?? []};
  }
}
process.stdout.write(JSON.stringify(result));
"""


def _normalised(text: str) -> str:
    # An engine's error library gets its number when the engine loads: it differs between
    # processes ("error:40800065:pkcs11 engine::..." in Node, 42000065 here).
    return re.sub(r"error:[0-9A-F]{8}:pkcs11 engine", "error:-:pkcs11 engine", text)


def _with_cert(options: dict[str, Any]) -> dict[str, Any]:
    return {**options, "cert": key(options["cert"])} if "cert" in options else options


def _ours(options: dict[str, Any]) -> dict[str, Any]:
    try:
        tls.createSecureContext(_with_cert(options))
    except tls.NodeError as err:
        return {"type": "TypeError" if isinstance(err, TypeError) else "Error",
                "code": err.code, "message": _normalised(err.message),
                "library": getattr(err, "library", None), "reason": getattr(err, "reason", None),
                # Node leaves opensslErrorStack out when it would be empty
                "stack": [_normalised(e) for e in getattr(err, "opensslErrorStack", None) or []]}
    return {"ok": True}


def test_engine_errors_are_node_20s(request: pytest.FixtureRequest) -> None:
    if not ENGINES:
        for options in CASES.values():
            _not_supported(lambda o=options: tls.createSecureContext(_with_cert(o)))
        return
    env = request.getfixturevalue("token")
    done = subprocess.run(
        [need("node"), "-e", NODE_CASES], input=json.dumps(CASES), cwd=str(KEYS),
        # Node's own OpenSSL looks for engines elsewhere: show it Debian's directory
        env={**os.environ, **env, "OPENSSL_ENGINES": _engines_dir()},
        capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    node = {name: {k: (_normalised(v) if isinstance(v, str) else
                       [_normalised(e) for e in v] if isinstance(v, list) else v)
                   for k, v in got.items()}
            for name, got in json.loads(done.stdout).items()}
    ours = {name: _ours(options) for name, options in CASES.items()}
    assert ours == node
    # what each case is, so a change on either side shows here
    assert ours["key and its certificate"] == {"ok": True}
    assert ours["no such key"]["code"] == "ERR_OSSL_OBJECT_NOT_FOUND"
    assert ours["key of another certificate"]["code"] == "ERR_OSSL_X509_KEY_VALUES_MISMATCH"
    assert ours["client cert engine without a loader"]["code"] == "ERR_SSL_NO_CLIENT_CERT_METHOD"
    assert ours["no such engine"]["code"] is None
    assert "no such engine" in " ".join(ours["no such engine"]["stack"])

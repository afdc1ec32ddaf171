"""``python -m nodessl connect`` / ``serve`` (nodessl/cli.py), run as subprocesses with this
interpreter against real peers: Node 20's tls servers and clients, ``openssl s_server`` /
``s_client``, and each other.

Every process a test starts (the CLI, node, openssl) is bounded in time and killed in the
test's teardown, whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket as pysocket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from conftest import KEYS, NODE_PRELUDE, NodePeer, free_port, need, run_loop, s_server
from cryptography.x509 import ocsp
from ocsp_fixtures import cert, ocsp_response

from nodessl.cli import main as cli_main

PSK_ID = "client1"
PSK_HEX = "d731ef57be09e5204f0b205b60627028"


# -- the CLI as a subprocess -----------------------------------------------------------------

async def _reap(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.kill()
        await proc.wait()


async def cli(*args: str, timeout: float = 30) -> tuple[int, str, str]:
    """Run ``python -m nodessl ARGS`` in the keys directory; (status, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "nodessl", *args, cwd=str(KEYS), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    finally:
        await _reap(proc)
    assert proc.returncode is not None
    assert "Traceback" not in err.decode(errors="replace"), err.decode(errors="replace")
    return proc.returncode, out.decode(), err.decode()


async def cli_json(*args: str) -> tuple[int, dict[str, Any]]:
    """``connect --json``: (status, the JSON object)."""
    status, out, err = await cli("connect", *args, "--json")
    assert out, f"no output (status {status}): {err}"
    return status, json.loads(out)


class Serve:
    """A running ``python -m nodessl serve``: its port and the lines it printed."""

    def __init__(self, proc: asyncio.subprocess.Process, port: int) -> None:
        self.proc = proc
        self.port = port

    async def line(self, timeout: float = 15) -> str:
        """The next line it prints."""
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        assert line, "serve exited: " + await self.stderr()
        return line.decode().rstrip("\n")

    async def event(self) -> dict[str, Any]:
        """The next JSON line (``--json``)."""
        return json.loads(await self.line())

    async def stderr(self) -> str:
        assert self.proc.stderr is not None
        return (await asyncio.wait_for(self.proc.stderr.read(), 5)).decode(errors="replace")

    async def stop(self, signum: int = signal.SIGTERM) -> int:
        """Send ``signum``; its exit status."""
        self.proc.send_signal(signum)
        return await asyncio.wait_for(self.proc.wait(), 15)


@contextlib.asynccontextmanager
async def serve(*args: str) -> AsyncIterator[Serve]:
    """``serve --port 0 ARGS``, listening; killed on the way out if still running."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "nodessl", "serve", "--port", "0", *args, cwd=str(KEYS),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    try:
        first = Serve(proc, 0)
        line = await first.line()
        assert line.startswith("LISTENING "), line
        first.port = int(line.split()[1])
        assert first.port > 0
        yield first
    finally:
        await _reap(proc)


@contextlib.asynccontextmanager
async def node(script: str) -> AsyncIterator[NodePeer]:
    """A Node script (``NODE_PRELUDE`` first), killed on the way out if still running."""
    peer = await NodePeer.start(NODE_PRELUDE + script)
    try:
        yield peer
    finally:
        await _reap(peer.proc)


@contextlib.asynccontextmanager
async def openssl_server(*args: str) -> AsyncIterator[int]:
    """``openssl s_server`` (conftest's, one connection); its port; killed on the way out."""
    proc, port = await s_server(*args)
    try:
        yield port
    finally:
        await _reap(proc)


# -- connect against Node 20 ------------------------------------------------------------------

# A Node server (agent1, ALPN h2 / http/1.1) that, once listening, also connects a Node client
# with the options the test gives, so the CLI's report can be compared with Node's own; it
# prints what its server side saw of each connection, and ends when stdin closes.
NODE_SERVER = r"""
const o = JSON.parse(process.argv[1]);
const keylog = [];
const server = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
  cert: fs.readFileSync('agent1-cert.pem'), ALPNProtocols: ['h2', 'http/1.1'],
  maxVersion: o.maxVersion || 'TLSv1.3'}, (c) => {
  out({secure: {servername: c.servername, protocol: c.getProtocol(), cipher: c.getCipher().name,
    alpn: c.alpnProtocol, reused: c.isSessionReused(),
    fingerprint256: c.getCertificate().fingerprint256}});
  c.end('hello');
});
server.on('keylog', (line) => keylog.push(line.toString()));
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const c = tls.connect({port, host: '127.0.0.1', rejectUnauthorized: false,
    ca: o.ca ? fs.readFileSync(o.ca) : undefined, servername: o.servername,
    ALPNProtocols: o.alpn}, () => {
    const chain = [];
    for (let p = c.getPeerCertificate(true); p && p.fingerprint256; p = p.issuerCertificate) {
      if (chain.some((x) => x.fingerprint256 === p.fingerprint256)) break;
      chain.push({subject: p.subject, issuer: p.issuer, valid_from: p.valid_from,
        valid_to: p.valid_to, serialNumber: p.serialNumber, fingerprint256: p.fingerprint256});
    }
    const view = {authorized: c.authorized, authorizationError: c.authorizationError || null,
      protocol: c.getProtocol(), cipher: c.getCipher(), alpnProtocol: c.alpnProtocol,
      ephemeralKeyInfo: c.getEphemeralKeyInfo(), chain,
      x509: c.getPeerX509Certificate().fingerprint256};
    c.on('close', () => out({port, node: view}));
  });
  c.resume();
});
process.stdin.on('data', () => out({keylog}));
process.stdin.on('end', () => process.exit(0));
"""


def node_server(**options: Any) -> str:
    return NODE_SERVER.replace("process.argv[1]", repr(json.dumps(options)))


@pytest.mark.parametrize(("servername", "ca", "status", "error"), [
    ("agent1", "ca1-cert.pem", 0, None),
    # no servername: Node checks the certificate against the host, an IP it lacks
    (None, "ca1-cert.pem", 1, "ERR_TLS_CERT_ALTNAME_INVALID"),
    # no CA: Mozilla's roots do not know ca1
    ("agent1", None, 1, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
])
def test_connect_reports_what_node_reports(servername: str | None, ca: str | None, status: int,
                                           error: str | None) -> None:
    async def main() -> None:
        async with node(node_server(servername=servername, ca=ca, alpn=["h2"])) as peer:
            node_secure = (await peer.message())["secure"]
            first = await peer.message()
            port, view = first["port"], first["node"]
            args = [f"127.0.0.1:{port}", "--alpn", "h2"]
            args += ["--servername", servername] if servername else []
            args += ["--ca", ca] if ca else []
            got_status, got = await cli_json(*args)
            server_saw = (await peer.message())["secure"]
        assert got_status == status
        assert view["authorizationError"] == error  # Node's own client agrees
        assert got["error"] is None
        assert (got["host"], got["port"], got["servername"]) == ("127.0.0.1", port, servername)
        assert got["authorized"] is view["authorized"] is (status == 0)
        assert got["authorizationError"] == view["authorizationError"]
        assert got["protocol"] == view["protocol"] == server_saw["protocol"] == "TLSv1.3"
        assert got["cipher"] == view["cipher"]
        assert got["cipher"]["name"] == server_saw["cipher"]
        assert got["alpnProtocol"] == view["alpnProtocol"] == server_saw["alpn"] == "h2"
        assert server_saw["servername"] == (servername or False)
        assert got["ephemeralKeyInfo"] == view["ephemeralKeyInfo"]
        chain = got["peerCertificateChain"]
        assert len(chain) == len(view["chain"]) == (2 if ca else 1)
        for mine, nodes in zip(chain, view["chain"], strict=True):
            for field in ("subject", "issuer", "valid_from", "valid_to", "serialNumber",
                          "fingerprint256"):
                assert mine[field] == nodes[field], field
        assert chain[0]["fingerprint256"] == server_saw["fingerprint256"] == \
            node_secure["fingerprint256"]
        assert chain[0]["subject"]["CN"] == "agent1" and chain[0]["issuer"]["CN"] == "ca1"
        if ca:
            assert chain[1]["subject"]["CN"] == chain[1]["issuer"]["CN"] == "ca1"
        assert got["peerX509Certificate"]["fingerprint256"] == view["x509"]
        assert got["peerX509Certificate"]["ca"] is False
        assert got["peerX509Certificate"]["publicKey"] == {"type": "rsa", "size": 2048}
        assert got["ocsp"] is None and got["reconnect"] is None
        assert got["sessionReused"] is False

    run_loop(main, timeout=60)


def test_connect_prints_a_readable_report() -> None:
    async def main() -> None:
        async with node(node_server(servername="agent1", ca="ca1-cert.pem")) as peer:
            await peer.message()
            port = (await peer.message())["port"]
            status, out, err = await cli("connect", f"127.0.0.1:{port}", "--servername", "agent1",
                                         "--ca", "ca1-cert.pem", "--alpn", "http/1.1")
        assert status == 0, err
        lines = out.splitlines()
        assert lines[0] == f"connected to 127.0.0.1:{port} (servername agent1)"
        assert "authorized:         true" in lines
        assert "protocol:           TLSv1.3" in lines
        assert "alpnProtocol:       http/1.1" in lines
        assert any(line.startswith("ephemeral key:      ECDH ") for line in lines)
        assert "peer certificates:  2" in lines
        assert any(line.startswith("  [0] subject:") and "CN=agent1" in line for line in lines)
        assert any(line.startswith("  [1] subject:") and "CN=ca1" in line for line in lines)
        assert sum(line.startswith("      fingerprint256: ") for line in lines) == 2
        assert "sessionReused:      false" in lines

    run_loop(main, timeout=60)


@pytest.mark.parametrize("max_version", ["TLSv1.3", "TLSv1.2"])
def test_connect_reconnect_resumes_the_session(max_version: str) -> None:
    async def main() -> None:
        async with node(node_server(servername="agent1", ca="ca1-cert.pem",
                                    maxVersion=max_version)) as peer:
            await peer.message()
            port = (await peer.message())["port"]
            status, got = await cli_json(f"127.0.0.1:{port}", "--servername", "agent1",
                                         "--ca", "ca1-cert.pem", "--reconnect")
            first = (await peer.message())["secure"]
            second = (await peer.message())["secure"]
        assert status == 0
        assert got["protocol"] == max_version and got["sessionReused"] is False
        assert got["reconnect"] == {"sessionOffered": True, "sessionReused": True,
                                    "protocol": max_version, "authorized": True,
                                    "error": None}
        assert first["reused"] is False and second["reused"] is True  # Node's server agrees

    run_loop(main, timeout=60)


def test_connect_keylog_has_the_secrets_node_logged(tmp_path: Path) -> None:
    keylog = tmp_path / "keys.log"

    async def main() -> None:
        async with node(node_server(servername="agent1", ca="ca1-cert.pem")) as peer:
            await peer.message()
            port = (await peer.message())["port"]
            status, _, err = await cli("connect", f"127.0.0.1:{port}", "--servername", "agent1",
                                       "--ca", "ca1-cert.pem", "--keylog", str(keylog))
            assert status == 0, err
            await peer.message()  # the CLI's connection, as the server saw it
            assert peer.proc.stdin is not None
            peer.proc.stdin.write(b"keylog?\n")
            node_lines = (await peer.message())["keylog"]
        mine = keylog.read_text().splitlines(keepends=True)
        # five TLS 1.3 secrets per connection; the CLI's are the server's second five
        assert len(mine) == 5 and len(node_lines) == 10
        assert {line.split()[0] for line in mine} >= {"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                                                     "SERVER_TRAFFIC_SECRET_0"}
        assert sorted(mine) == sorted(node_lines[5:])

    run_loop(main, timeout=60)


# -- connect against openssl s_server --------------------------------------------------------

def test_connect_self_signed_is_not_authorized() -> None:
    async def main() -> None:
        async with openssl_server("-cert", "agent2-cert.pem", "-key", "agent2-key.pem") as port:
            status, got = await cli_json(f"127.0.0.1:{port}", "--servername", "agent2")
        assert status == 1
        assert got["error"] is None
        assert got["authorized"] is False
        assert got["authorizationError"] == "DEPTH_ZERO_SELF_SIGNED_CERT"
        (only,) = got["peerCertificateChain"]
        assert only["subject"] == only["issuer"] and only["subject"]["CN"] == "agent2"
        assert got["protocol"] == "TLSv1.3"

    run_loop(main, timeout=60)


def test_connect_self_signed_readable_report_says_why() -> None:
    async def main() -> None:
        async with openssl_server("-cert", "agent2-cert.pem", "-key", "agent2-key.pem") as port:
            status, out, _ = await cli("connect", f"127.0.0.1:{port}")
        assert status == 1
        assert "authorized:         false" in out.splitlines()
        assert "authorizationError: DEPTH_ZERO_SELF_SIGNED_CERT" in out.splitlines()

    run_loop(main, timeout=60)


@pytest.mark.parametrize(("offered", "expected"), [
    ("foo,h2", "h2"),
    ("http/1.1", "http/1.1"),
    # no protocol in common: OpenSSL's server refuses the handshake
    ("foo", "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL"),
])
def test_connect_alpn_against_s_server(offered: str, expected: str) -> None:
    async def main() -> None:
        async with openssl_server("-cert", "agent1-cert.pem", "-key", "agent1-key.pem",
                                  "-alpn", "h2,http/1.1") as port:
            status, got = await cli_json(f"127.0.0.1:{port}", "--servername", "agent1",
                                         "--ca", "ca1-cert.pem", "--alpn", offered)
        if expected.startswith("ERR_"):
            assert status == 1
            assert got["error"]["code"] == expected and got["alpnProtocol"] is False
        else:
            assert status == 0
            assert got["alpnProtocol"] == expected

    run_loop(main, timeout=60)


@pytest.mark.parametrize(("extra", "protocol"), [
    ((), "TLSv1.3"),
    (("--max-version", "TLSv1.2", "--ciphers", "PSK"), "TLSv1.2"),
])
def test_connect_psk_against_s_server(extra: tuple[str, ...], protocol: str) -> None:
    async def main() -> None:
        cipher = ("-cipher", "PSK") if protocol == "TLSv1.2" else ()
        async with openssl_server("-nocert", "-psk", PSK_HEX, "-psk_identity", PSK_ID,
                                  *cipher) as port:
            status, got = await cli_json(f"127.0.0.1:{port}", "--psk", f"{PSK_ID}:{PSK_HEX}",
                                         *extra)
        assert status == 0, got
        assert got["authorized"] is True and got["authorizationError"] is None
        assert got["protocol"] == protocol
        assert got["peerCertificateChain"] == [] and got["peerX509Certificate"] is None
        if protocol == "TLSv1.2":
            assert "PSK" in got["cipher"]["name"]

    run_loop(main, timeout=60)


@pytest.mark.parametrize("status", [ocsp.OCSPCertStatus.GOOD, ocsp.OCSPCertStatus.REVOKED])
def test_connect_ocsp_decodes_the_staple(tmp_path: Path, status: ocsp.OCSPCertStatus) -> None:
    response = tmp_path / "ocsp.der"
    response.write_bytes(ocsp_response(status=status))

    async def main() -> None:
        async with openssl_server("-cert", "agent1-cert.pem", "-key", "agent1-key.pem",
                                  "-status_file", str(response)) as port:
            exit_status, got = await cli_json(f"127.0.0.1:{port}", "--servername", "agent1",
                                              "--ca", "ca1-cert.pem", "--ocsp")
        assert exit_status == 0
        staple = got["ocsp"]
        assert staple["stapled"] is True and staple["length"] == len(response.read_bytes())
        assert staple["responseStatus"] == "successful"
        assert staple["certStatus"] == status.name.lower()
        assert int(staple["serialNumber"], 16) == cert("agent1").serial_number
        assert staple["serialNumber"] == got["peerCertificateChain"][0]["serialNumber"]
        assert staple["responder"].startswith("key hash ")
        assert staple["thisUpdate"].endswith("Z") and staple["nextUpdate"] > staple["thisUpdate"]
        assert (staple["revocationTime"] is None) == (status == ocsp.OCSPCertStatus.GOOD)

    run_loop(main, timeout=60)


def test_connect_ocsp_without_a_staple() -> None:
    async def main() -> None:
        async with openssl_server("-cert", "agent1-cert.pem", "-key", "agent1-key.pem") as port:
            status, got = await cli_json(f"127.0.0.1:{port}", "--servername", "agent1",
                                         "--ca", "ca1-cert.pem", "--ocsp")
        assert status == 0
        assert got["ocsp"] == {"stapled": False}

    run_loop(main, timeout=60)


# -- connect failures --------------------------------------------------------------------------

def test_connect_refused_prints_the_node_code() -> None:
    async def main() -> None:
        port = free_port()
        status, out, err = await cli("connect", f"127.0.0.1:{port}")
        assert status == 1 and out == ""
        assert err.strip() == f"nodessl connect: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:{port}"
        status, got = await cli_json(f"127.0.0.1:{port}")
        assert status == 1
        assert got["error"] == {"code": "ECONNREFUSED",
                                "message": f"connect ECONNREFUSED 127.0.0.1:{port}"}
        assert got["authorized"] is False and got["protocol"] is None

    run_loop(main, timeout=60)


def test_connect_gives_up_after_timeout() -> None:
    # a TCP listener that never answers the ClientHello: the kernel completes the connection
    with pysocket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]

        async def main() -> None:
            status, got = await cli_json(f"127.0.0.1:{port}", "--timeout", "0.5")
            assert status == 1
            assert got["error"] == {"code": "ETIMEDOUT",
                                    "message": "no secure connection within 0.5 s"}
            status, out, err = await cli("connect", f"127.0.0.1:{port}", "--timeout", "0.5")
            assert (status, out) == (1, "")
            # one line, no asyncio noise about the abandoned handshake
            assert err == "nodessl connect: ETIMEDOUT: no secure connection within 0.5 s\n"

        run_loop(main, timeout=60)


def test_connect_handshake_failure_prints_the_ssl_code() -> None:
    async def main() -> None:
        # the server insists on TLS 1.2, the client on TLS 1.3
        async with openssl_server("-cert", "agent1-cert.pem", "-key", "agent1-key.pem",
                                  "-tls1_2") as port:
            status, got = await cli_json(f"127.0.0.1:{port}", "--min-version", "TLSv1.3")
        assert status == 1
        assert got["error"]["code"].startswith("ERR_SSL_"), got["error"]
        assert got["protocol"] is None

    run_loop(main, timeout=60)


@pytest.mark.parametrize(("args", "message"), [
    ([], "the following arguments are required: COMMAND"),
    (["connect"], "the following arguments are required: HOST:PORT"),
    (["connect", "localhost"], "expected HOST:PORT, got 'localhost'"),
    (["connect", "::1:443"], "an IPv6 address goes in brackets"),
    (["connect", "localhost:99999"], "port 99999 out of range 1..65535"),
    (["connect", "localhost:https"], "not a port number: 'https'"),
    (["connect", "localhost:1", "--psk", "nokey"], "expected IDENTITY:HEXKEY"),
    (["connect", "localhost:1", "--psk", "id:xyz"], "the key is not hex"),
    (["connect", "localhost:1", "--alpn", "h2,,x"], "an empty protocol name"),
    (["connect", "localhost:1", "--ca", "no-such-file.pem"], "cannot read 'no-such-file.pem'"),
    (["connect", "localhost:1", "--cert", "agent1-cert.pem"], "--cert and --key go together"),
    (["connect", "localhost:1", "--min-version", "TLSv9"], "invalid choice: 'TLSv9'"),
    (["connect", "localhost:1", "--timeout", "0"], "timeout 0 out of range"),
    (["connect", "localhost:1", "--cert", "agent1-cert.pem", "--key", "agent2-key.pem"],
     "ERR_OSSL_X509_KEY_VALUES_MISMATCH"),
    (["serve", "--port", "0"], "--key and --cert are required (unless --psk)"),
    (["serve", "--port", "-1", "--psk", "a:00"], "port -1 out of range 0..65535"),
    (["serve", "--port", "0", "--psk", "a:00", "--echo", "--reply", "x"], "not allowed with"),
    (["serve", "--port", "0", "--key", "agent1-key.pem", "--cert", "ca1-cert.pem"],
     "ERR_OSSL_X509_KEY_VALUES_MISMATCH"),
])
def test_bad_arguments_exit_2_with_a_message(args: list[str], message: str,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # in this process (argparse's own exit), for speed; the subprocess test below shows the
    # same through ``python -m nodessl``
    monkeypatch.chdir(KEYS)
    with pytest.raises(SystemExit) as exited:
        cli_main(args)
    out, err = capsys.readouterr()
    assert exited.value.code == 2
    assert out == ""
    assert "usage: python -m nodessl" in err
    assert message in err.splitlines()[-1], err


@pytest.mark.parametrize(("args", "message"), [
    ([], "the following arguments are required: COMMAND"),
    (["connect", "localhost:1", "--cert", "agent1-cert.pem", "--key", "agent2-key.pem"],
     "ERR_OSSL_X509_KEY_VALUES_MISMATCH"),
])
def test_bad_arguments_through_python_m(args: list[str], message: str) -> None:
    async def main() -> None:
        status, out, err = await cli(*args)
        assert status == 2 and out == ""
        assert message in err.splitlines()[-1], err

    run_loop(main, timeout=60)


def test_connect_failure_after_the_handshake_prints_the_code() -> None:
    """A TLS 1.3 server that requires a client certificate says so once the client's
    handshake is over: the alert may arrive before or after the client's 'secureConnect'
    (as in Node), so the report has the handshake's facts or not, but always the error and
    exit status 1."""
    script = r"""
const server = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
  cert: fs.readFileSync('agent1-cert.pem'), ca: fs.readFileSync('ca1-cert.pem'),
  requestCert: true, rejectUnauthorized: true}, (c) => c.end());
server.on('tlsClientError', (e) => out({serverError: e.code}));
server.listen(0, '127.0.0.1', () => out({port: server.address().port}));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
"""
    code = "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"

    async def main() -> None:
        async with node(script) as peer:
            port = (await peer.message())["port"]
            status, got = await cli_json(f"127.0.0.1:{port}", "--servername", "agent1",
                                         "--ca", "ca1-cert.pem")
            server_error = (await peer.message())["serverError"]
            status_text, out, err = await cli("connect", f"127.0.0.1:{port}", "--servername",
                                              "agent1", "--ca", "ca1-cert.pem")
        assert server_error == "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE"
        assert status == status_text == 1
        assert got["error"]["code"] == code, got["error"]
        assert got["protocol"] in (None, "TLSv1.3")
        assert (got["protocol"] is None) == (got["peerCertificateChain"] is None)
        assert err.startswith(f"nodessl connect: {code}: ")
        assert not out or "protocol:           TLSv1.3" in out.splitlines()

    run_loop(main, timeout=60)


# -- serve -------------------------------------------------------------------------------------

NODE_CLIENT = r"""
const o = JSON.parse(process.argv[1]);
const c = tls.connect({port: o.port, host: '127.0.0.1', ca: fs.readFileSync('ca1-cert.pem'),
  servername: 'agent1', ALPNProtocols: o.alpn,
  key: o.cert ? fs.readFileSync('agent1-key.pem') : undefined,
  cert: o.cert ? fs.readFileSync('agent1-cert.pem') : undefined}, () => {
  const view = {authorized: c.authorized, protocol: c.getProtocol(), cipher: c.getCipher().name,
    alpn: c.alpnProtocol};
  c.write('ping');
  let data = '';
  c.setEncoding('utf8');
  c.on('data', (d) => { data += d; if (o.echo && data === 'ping') c.end(); });
  c.on('close', () => out({view, data}));
});
c.on('error', (e) => out({error: errInfo(e)}));
"""


def node_client(**options: Any) -> str:
    return NODE_CLIENT.replace("process.argv[1]", repr(json.dumps(options)))


@pytest.mark.parametrize("answer", [["--reply", "hello"], ["--echo"]])
def test_serve_answers_a_node_client(answer: list[str]) -> None:
    async def main() -> None:
        async with serve("--key", "agent1-key.pem", "--cert", "agent1-cert.pem",
                         "--alpn", "h2,http/1.1", "--json", *answer) as server:
            async with node(node_client(port=server.port, alpn=["http/1.1"],
                                        echo=answer == ["--echo"])) as client:
                got = await client.message()
            event = await server.event()
            assert await server.stop() == 0
        assert got["view"]["authorized"] is True
        assert got["data"] == ("hello" if answer[0] == "--reply" else "ping")
        assert event["event"] == "secureConnection"
        assert event["servername"] == "agent1"
        assert event["protocol"] == got["view"]["protocol"] == "TLSv1.3"
        assert event["cipher"]["name"] == got["view"]["cipher"]
        assert event["alpnProtocol"] == got["view"]["alpn"] == "http/1.1"
        assert event["authorized"] is False and event["peerSubject"] is None  # no requestCert
        assert event["remoteAddress"] == "127.0.0.1" and event["remotePort"] > 0

    run_loop(main, timeout=60)


@pytest.mark.parametrize("with_cert", [True, False])
def test_serve_request_cert_reports_the_client(with_cert: bool) -> None:
    async def main() -> None:
        async with serve("--key", "agent1-key.pem", "--cert", "agent1-cert.pem",
                         "--ca", "ca1-cert.pem", "--request-cert", "--reply", "hi",
                         "--json") as server:
            async with node(node_client(port=server.port, cert=with_cert)) as client:
                got = await client.message()
            event = await server.event()
            assert await server.stop(signal.SIGINT) == 0
        assert got["data"] == "hi"
        assert event["authorized"] is with_cert
        if with_cert:
            assert event["authorizationError"] is None
            assert event["peerSubject"]["CN"] == "agent1"
        else:
            assert event["authorizationError"] == "UNABLE_TO_GET_ISSUER_CERT"
            assert event["peerSubject"] is None

    run_loop(main, timeout=60)


def test_serve_answers_openssl_s_client() -> None:
    openssl = need("openssl")

    async def main() -> None:
        async with serve("--key", "agent1-key.pem", "--cert", "agent1-cert.pem",
                         "--alpn", "h2", "--reply", "hello from nodessl") as server:
            proc = await asyncio.create_subprocess_exec(
                openssl, "s_client", "-connect", f"127.0.0.1:{server.port}", "-servername",
                "agent1", "-alpn", "h2", "-CAfile", "ca1-cert.pem", "-ign_eof", cwd=str(KEYS),
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT)
            try:
                out, _ = await asyncio.wait_for(proc.communicate(), 15)
            finally:
                await _reap(proc)
            line = await server.line()
            assert await server.stop() == 0
        text = out.decode(errors="replace")
        assert "hello from nodessl" in text
        assert "ALPN protocol: h2" in text and "Verify return code: 0 (ok)" in text
        assert line.startswith("CONNECTION remote=127.0.0.1:")
        fields = dict(part.split("=", 1) for part in line.split()[1:8])
        assert fields["servername"] == "agent1" and fields["protocol"] == "TLSv1.3"
        assert fields["alpn"] == "h2" and fields["authorized"] == "false"

    run_loop(main, timeout=60)


def test_serve_reports_a_client_that_sends_garbage() -> None:
    async def main() -> None:
        async with serve("--key", "agent1-key.pem", "--cert", "agent1-cert.pem",
                         "--json") as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"GET / HTTP/1.0\r\n\r\n")
            await asyncio.wait_for(reader.read(), 10)  # the server hangs up
            writer.close()
            event = await server.event()
            assert await server.stop() == 0
        assert event["event"] == "tlsClientError"
        assert event["code"].startswith("ERR_SSL_"), event

    run_loop(main, timeout=60)


def test_serve_stops_on_sigterm_with_a_handshake_pending() -> None:
    """A client that connected but never sent its ClientHello does not hold a stopped server
    (its handshake timeout is two minutes)."""
    async def main() -> None:
        async with serve("--key", "agent1-key.pem", "--cert", "agent1-cert.pem") as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            try:
                await asyncio.sleep(0.2)  # accepted (only so the test covers that case)
                assert await server.stop() == 0
                assert await asyncio.wait_for(reader.read(), 10) == b""  # hung up on
            finally:
                writer.close()

    run_loop(main, timeout=60)


def test_serve_cannot_listen_exits_1() -> None:
    with pysocket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]

        async def main() -> None:
            status, out, err = await cli("serve", "--port", str(port), "--psk", "a:00")
            assert status == 1 and "LISTENING" not in out
            assert err.startswith("nodessl serve: EADDRINUSE: "), err

        run_loop(main, timeout=60)


# -- serve and connect together ----------------------------------------------------------------

@pytest.mark.parametrize(("extra", "protocol"), [
    ((), "TLSv1.3"),
    (("--max-version", "TLSv1.2", "--ciphers", "PSK"), "TLSv1.2"),
])
def test_serve_and_connect_with_psk(extra: tuple[str, ...], protocol: str) -> None:
    async def main() -> None:
        async with serve("--psk", f"{PSK_ID}:{PSK_HEX}", "--json", *extra) as server:
            status, got = await cli_json(f"127.0.0.1:{server.port}", "--psk",
                                         f"{PSK_ID}:{PSK_HEX}", *extra)
            event = await server.event()
            # a wrong key fails the handshake: the Node code, exit status 1
            bad_status, bad = await cli_json(f"127.0.0.1:{server.port}", "--psk",
                                             f"{PSK_ID}:{'00' * 16}", *extra)
            failed = await server.event()
            assert await server.stop() == 0
        assert status == 0
        assert got["authorized"] is True and got["protocol"] == protocol
        assert got["peerCertificateChain"] == []
        assert event["event"] == "secureConnection" and event["protocol"] == protocol
        assert event["cipher"] == got["cipher"]
        assert bad_status == 1 and bad["error"]["code"].startswith("ERR_SSL_"), bad
        assert failed["event"] == "tlsClientError" and failed["code"].startswith("ERR_SSL_")

    run_loop(main, timeout=60)


def test_serve_and_connect_with_an_ocsp_response(tmp_path: Path) -> None:
    response = tmp_path / "ocsp.der"
    response.write_bytes(ocsp_response(status=ocsp.OCSPCertStatus.GOOD))

    async def main() -> None:
        async with serve("--key", "agent1-key.pem", "--cert", "agent1-cert.pem",
                         "--ocsp-response", str(response), "--psk", f"{PSK_ID}:{PSK_HEX}",
                         "--json") as server:
            target = f"127.0.0.1:{server.port}"
            status, got = await cli_json(target, "--servername", "agent1", "--ca",
                                         "ca1-cert.pem", "--ocsp")
            event = await server.event()
            # the same server, reached with its PSK: no certificate, so nothing to staple (a
            # TLS 1.3 PSK binds a SHA-256 suite; offered the server's preferred SHA-384 one too,
            # the server would pick it and authenticate with its certificate, as Node's does)
            psk_status, psk = await cli_json(target, "--psk", f"{PSK_ID}:{PSK_HEX}", "--ocsp",
                                             "--ciphers", "TLS_AES_128_GCM_SHA256")
            psk_event = await server.event()
            assert await server.stop() == 0
        assert status == 0 and got["authorized"] is True
        assert got["ocsp"]["certStatus"] == "good"
        assert got["ocsp"]["length"] == len(response.read_bytes())
        assert event["servername"] == "agent1"
        assert psk_status == 0 and psk["peerCertificateChain"] == [], psk
        assert psk["ocsp"] == {"stapled": False}
        assert psk_event["protocol"] == "TLSv1.3"

    run_loop(main, timeout=60)


def test_module_main_does_nothing_when_imported() -> None:
    """``import nodessl.__main__`` (as tools that import every module do) runs no command:
    run, it would parse pytest's own argv and exit."""
    import importlib

    module = importlib.import_module("nodessl.__main__")
    assert module.main is importlib.import_module("nodessl.cli").main

"""The interop matrix, openssl cells: each feature against ``openssl s_client`` / ``s_server``.

The command line prints what OpenSSL itself negotiated or derived (ALPN protocol, stapled
OCSP status, exported keying material, key-log secrets); each test compares it with what
the nodessl end reports on the same connection.  ``test_matrix.py`` holds the Node cells.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import collect, key, listening, need, once, run_loop, s_client, s_server
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import ocsp
from ocsp_fixtures import ocsp_response

import nodessl as tls

PSK = bytes(range(1, 33))


def agent1_server(**extra: Any) -> tls.Server:
    return tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                             **extra})


def keylog_lines(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if line and not line.startswith("#"))


async def served(server: tls.Server, *args: str, stdin: bytes = b"") -> tuple[str, str]:
    """Run s_client against ``server`` (listening on a free port) and close the server."""
    port = await listening(server)
    try:
        return await s_client(port, *args, stdin=stdin)
    finally:
        server.close()


# -- s_client → nodessl server ----------------------------------------------------------------

def test_s_client_alpn() -> None:
    async def main() -> None:
        server = agent1_server(ALPNProtocols=["h2", "http/1.1"])
        seen: list[Any] = []
        server.on("secureConnection", lambda s: seen.append(s.alpnProtocol))
        out, _ = await served(server, "-alpn", "spdy/1,http/1.1")
        assert "ALPN protocol: http/1.1" in out
        assert seen == ["http/1.1"]

    run_loop(main)


def test_s_client_sni_picks_the_added_context() -> None:
    async def main() -> None:
        server = agent1_server()
        server.addContext("*.test.com", {"key": key("agent3-key.pem"),
                                         "cert": key("agent3-cert.pem")})
        seen: list[Any] = []
        server.on("secureConnection", lambda s: seen.append(s.servername))
        out, _ = await served(server, "-servername", "b.test.com", "-CAfile", "ca2-cert.pem",
                              "-verify_return_error")
        assert re.search(r"subject=.*CN ?= ?agent3", out)
        assert "Verify return code: 0 (ok)" in out
        assert seen == ["b.test.com"]

    run_loop(main)


def test_s_client_status_gets_a_real_stapled_response() -> None:
    async def main() -> None:
        response = ocsp_response("agent1", "ca1")
        server = agent1_server(ca=key("ca1-cert.pem"))
        asked: list[tuple[bytes, Any]] = []

        def on_ocsp(cert: bytes, issuer: Any, cb: Any) -> None:
            asked.append((cert, issuer))
            asyncio.get_running_loop().call_later(0.01, cb, None, response)

        server.on("OCSPRequest", on_ocsp)
        out, _ = await served(server, "-status", "-servername", "agent1")
        assert "OCSP Response Status: successful (0x0)" in out
        assert "Cert Status: good" in out
        (cert, issuer), = asked
        assert cert == x509.load_pem_x509_certificate(key("agent1-cert.pem")).public_bytes(
            serialization.Encoding.DER)
        assert issuer == x509.load_pem_x509_certificate(key("ca1-cert.pem")).public_bytes(
            serialization.Encoding.DER)

    run_loop(main)


@pytest.mark.parametrize(("flags", "protocol"), [((), "TLSv1.3"),
                                                 (("-tls1_2", "-cipher", "PSK"), "TLSv1.2")])
def test_s_client_psk(flags: tuple[str, ...], protocol: str) -> None:
    async def main() -> None:
        identities: list[str] = []

        def psk(sock: Any, identity: str) -> bytes | None:
            identities.append(identity)
            return PSK if identity == "s_client" else None

        server = tls.createServer({"pskCallback": psk, "pskIdentityHint": "nodessl",
                                   "ciphers": "PSK+HIGH:TLS_AES_128_GCM_SHA256"})
        seen: list[Any] = []
        server.on("secureConnection", lambda s: (seen.append(s.getProtocol()),
                                                 s.end(b"psk ok\n")))
        out, err = await served(server, "-psk", PSK.hex(), "-psk_identity", "s_client",
                                *flags, "-ign_eof")
        assert seen == [protocol], (out, err)
        assert "psk ok" in out
        assert identities[-1] == "s_client"

    run_loop(main)


def test_s_client_keying_material_and_keylog(tmp_path: Path) -> None:
    async def main() -> None:
        server = agent1_server()
        lines: list[str] = []
        ekm: list[bytes] = []
        server.on("keylog", lambda line, sock: lines.append(line.decode()))
        server.on("secureConnection", lambda s: ekm.append(
            s.exportKeyingMaterial(32, "EXPERIMENTAL-matrix")))
        keylog = tmp_path / "s_client.keys"
        out, _ = await served(server, "-keymatexport", "EXPERIMENTAL-matrix",
                              "-keymatexportlen", "32", "-keylogfile", str(keylog))
        found = re.search(r"Keying material: ([0-9A-F]+)", out)
        assert found and bytes.fromhex(found.group(1)) == ekm[0]
        assert len(lines) == 5 and all(line.endswith("\n") for line in lines)
        assert keylog_lines("".join(lines)) == keylog_lines(keylog.read_text())

    run_loop(main)


def test_s_client_renegotiates_with_a_nodessl_server() -> None:
    async def main() -> None:
        server = agent1_server(maxVersion="TLSv1.2")
        handshakes: list[int] = []

        def on_secure(s: tls.TLSSocket) -> None:
            s.on("data", lambda d: s.write(b"echo " + d))

        server.on("secureConnection", on_secure)
        port = await listening(server)
        # 'R' on a line of its own asks s_client to renegotiate; the echo proves the
        # connection carries data afterwards.  -ign_eof would disable the commands.
        proc = await asyncio.create_subprocess_exec(
            need("openssl"), "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT)
        assert proc.stdin is not None and proc.stdout is not None
        server.on("secureConnection", lambda s: handshakes.append(1))
        text = b""
        proc.stdin.write(b"R\n")
        await proc.stdin.drain()
        while b"RENEGOTIATING" not in text:
            text += await asyncio.wait_for(proc.stdout.read(4096), 5)
        proc.stdin.write(b"after\n")
        await proc.stdin.drain()
        while b"echo after" not in text:
            text += await asyncio.wait_for(proc.stdout.read(4096), 5)
        proc.kill()
        await proc.wait()
        server.close()
        assert handshakes == [1]  # one secure connection; the renegotiation is not another

    run_loop(main)


# -- nodessl client → s_server ----------------------------------------------------------------

async def stop(proc: asyncio.subprocess.Process) -> str:
    """The rest of what s_server printed, once it has ended its single connection."""
    assert proc.stdout is not None
    try:
        out = await asyncio.wait_for(proc.stdout.read(), 5)
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()
    return out.decode(errors="replace")


def agent1_client(port: int, **extra: Any) -> tls.TLSSocket:
    return tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"), "servername": "agent1",
                                           **extra})


def test_nodessl_client_alpn_with_s_server() -> None:
    async def main() -> None:
        proc, port = await s_server("-cert", "agent1-cert.pem", "-key", "agent1-key.pem",
                                    "-alpn", "h2,http/1.1")
        client = agent1_client(port, ALPNProtocols=["http/1.1"])
        await once(client, "secureConnect")
        assert client.alpnProtocol == "http/1.1"
        client.end()
        await stop(proc)

    run_loop(main)


def test_nodessl_client_sni_with_s_server() -> None:
    async def main() -> None:
        proc, port = await s_server("-cert", "agent1-cert.pem", "-key", "agent1-key.pem",
                                    "-servername", "b.test.com", "-cert2", "agent3-cert.pem",
                                    "-key2", "agent3-key.pem")
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca2-cert.pem"),
                                                  "servername": "b.test.com",
                                                  "checkServerIdentity": lambda *a: None})
        await once(client, "secureConnect")
        assert client.authorized is True
        assert client.getPeerCertificate()["subject"]["CN"] == "agent3"
        client.end()
        await stop(proc)

    run_loop(main)


def test_nodessl_client_request_ocsp_with_s_server(tmp_path: Path) -> None:
    async def main() -> None:
        response = ocsp_response("agent1", "ca1")
        (tmp_path / "resp.der").write_bytes(response)
        proc, port = await s_server("-cert", "agent1-cert.pem", "-key", "agent1-key.pem",
                                    "-status_file", str(tmp_path / "resp.der"))
        client = agent1_client(port, requestOCSP=True)
        got = once(client, "OCSPResponse")
        await once(client, "secureConnect")
        assert got.done()  # OCSPResponse comes before secureConnect
        stapled = got.result()
        assert stapled == response
        single = ocsp.load_der_ocsp_response(stapled)
        assert single.certificate_status == ocsp.OCSPCertStatus.GOOD
        client.end()
        await stop(proc)

    run_loop(main)


@pytest.mark.parametrize(("max_version", "hint"), [("TLSv1.2", "s_server hint"),
                                                   ("TLSv1.3", None)])
def test_nodessl_psk_client_with_s_server(max_version: str, hint: str | None) -> None:
    async def main() -> None:
        proc, port = await s_server("-nocert", "-psk", PSK.hex(), "-psk_hint", "s_server hint",
                                    "-psk_identity", "nodessl", "-rev")
        hints: list[Any] = []

        def psk(h: Any) -> dict[str, Any]:
            hints.append(h)
            return {"psk": PSK, "identity": "nodessl"}

        client = tls.connect(port, "127.0.0.1", {
            "pskCallback": psk, "maxVersion": max_version,
            "ciphers": "PSK+HIGH:TLS_AES_128_GCM_SHA256",
            "checkServerIdentity": lambda *a: None})
        await once(client, "secureConnect")
        assert client.getProtocol() == max_version
        assert hints == [hint]
        client.write(b"olleh\n")
        assert (await asyncio.wait_for(once(client, "data"), 5)).strip() == b"hello"
        client.end()
        await stop(proc)

    run_loop(main)


def test_nodessl_client_keying_material_and_keylog_with_s_server(tmp_path: Path) -> None:
    async def main() -> None:
        keylog = tmp_path / "s_server.keys"
        proc, port = await s_server("-cert", "agent1-cert.pem", "-key", "agent1-key.pem",
                                    "-keymatexport", "EXPERIMENTAL-matrix",
                                    "-keymatexportlen", "32", "-keylogfile", str(keylog))
        client = agent1_client(port, maxVersion="TLSv1.2")
        lines: list[str] = []
        client.on("keylog", lambda line: lines.append(line.decode()))
        await once(client, "secureConnect")
        ekm = client.exportKeyingMaterial(32, "EXPERIMENTAL-matrix")
        client.end()
        await collect(client)
        out = await stop(proc)
        found = re.search(r"Keying material: ([0-9A-F]+)", out)
        assert found and bytes.fromhex(found.group(1)) == ekm
        assert len(lines) == 1 and lines[0].startswith("CLIENT_RANDOM ")
        assert keylog_lines("".join(lines)) == keylog_lines(keylog.read_text())

    run_loop(main)

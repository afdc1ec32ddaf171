"""enableTrace: the option and socket.enableTrace() write a protocol trace to stderr."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import pytest
from conftest import KEYS, key, listening, once, run_loop

import nodessl as tls
from nodessl.trace import format_message

# Node's test-tls-enable-trace.js: server option, and enableTrace() right after connect.
_PROGRAM = """
import sys
import nodessl as tls
k = lambda n: open(n, 'rb').read()
def main():
    server = tls.createServer({'key': k('agent1-key.pem'), 'cert': k('agent1-cert.pem'),
                               'enableTrace': True, 'maxVersion': sys.argv[1]},
                              lambda s: s.end(b'x'))
    def go():
        c = tls.connect(server.address()['port'], '127.0.0.1', {'rejectUnauthorized': False})
        c.enableTrace()
        c.on('data', lambda d: None)
        c.on('end', server.close)
    server.listen(0, '127.0.0.1', go)
tls.run(main)
"""


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_trace_on_stderr_of_a_program(version: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run([sys.executable, "-c", _PROGRAM, version], cwd=KEYS, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr
    assert "Received Record" in err and "Sent Record" in err
    assert "ClientHello" in err and "ServerHello" in err
    # both ends traced: each side sends and receives a ClientHello
    assert err.count("    ClientHello, Length=") == 2
    assert "Content Type = Handshake (22)" in err
    # cipher suites named by the live connection's OpenSSL
    assert "        {0xC0, 0x2F} TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n" in err
    if version == "TLSv1.3":
        assert "Inner Content Type = Handshake (22)" in err
        assert "    EncryptedExtensions, Length=" in err
    else:
        assert "    change_cipher_spec (1)" in err
        assert "    ServerHelloDone, Length=0" in err
    assert "Level=warning(1), description=close notify(0)" in err


async def _captured(version: str) -> list[tuple[bool, int, int, bytes]]:
    """Real messages of a handshake, as the client's message callback saw them."""
    seen: list[tuple[bool, int, int, bytes]] = []
    server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                               "maxVersion": version}, lambda s: s.end(b"x"))
    port = await listening(server)
    client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
    assert client._observe_messages(lambda *m: seen.append(m))
    client.on("data", lambda d: None)
    await once(client, "end")
    server.close()
    return seen


def test_formatter_on_captured_tls12_messages() -> None:
    seen = run_loop(lambda: _captured("TLSv1.2"))
    text = "".join(format_message(*m, server=False) for m in seen)
    header = next(m for m in seen if m[2] == 256 and m[0])
    assert format_message(*header) == (
        "Sent Record\nHeader:\n  Version = TLS 1.0 (0x301)\n"
        f"  Content Type = Handshake (22)\n  Length = {header[3][3] << 8 | header[3][4]}\n")
    hello = next(m for m in seen if m[2] == 22 and m[3][0] == 1)
    names = {b"\xc0\x2f": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}
    first = format_message(*hello, cipher_names=names.get).splitlines()
    assert first[0] == f"    ClientHello, Length={len(hello[3]) - 4}"
    assert first[1] == "      client_version=0x303 (TLS 1.2)"
    assert "        {0xC0, 0x2F} TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" in first
    assert "        extension_type=supported_versions(43), length=5" in first
    for line in ("    ServerHello, Length=", "    Certificate, Length=",
                 "    ServerKeyExchange, Length=", "    ServerHelloDone, Length=0",
                 "    ClientKeyExchange, Length=", "    Finished, Length=12",
                 "      verify_data (len=12): ", "      server_version=0x303 (TLS 1.2)",
                 "        ASN.1Cert, length=", "Content Type = ApplicationData (23)",
                 "    change_cipher_spec (1)",
                 "    Level=warning(1), description=close notify(0)"):
        assert line in text, line


def test_formatter_on_captured_tls13_messages() -> None:
    seen = run_loop(lambda: _captured("TLSv1.3"))
    text = "".join(format_message(*m, server=False) for m in seen)
    assert "  Inner Content Type = Handshake (22)\n    EncryptedExtensions, Length=" in text
    assert "          TLS 1.3 (772)\n" in text  # the ServerHello's supported_versions
    assert "    CertificateVerify, Length=" in text
    assert "    NewSessionTicket, Length=" in text
    assert "      context (len=0): \n" in text


def test_formatter_alert_and_unknown_values() -> None:
    assert format_message(True, 0x303, 21, b"\x02\x28") == (
        "    Level=fatal(2), description=handshake failure(40)\n\n")
    assert format_message(False, 0x303, 21, b"\x02") == "    Illegal Alert Length\n\n"
    assert format_message(False, 0x303, 257, b"\x17") == (
        "  Inner Content Type = ApplicationData (23)\n")
    assert format_message(False, 0x303, 22, b"\x01\x00\x00\x09abc").endswith(
        "Message length parse error!\n\n")


def test_enable_trace_after_the_handshake(capsys: pytest.CaptureFixture[str]) -> None:
    """enableTrace() on a running connection: on the shared backend it traces from then on,
    as Node does (a per-connection message callback); the bundled binding cannot give a
    running connection one, and it says so instead of silently doing nothing."""
    async def main() -> Any:
        server = tls.createServer({"key": key("agent1-key.pem"),
                                   "cert": key("agent1-cert.pem")}, lambda s: None)
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        await once(client, "secureConnect")
        capsys.readouterr()
        if tls.backend.is_shared():
            client.enableTrace()
        else:
            with pytest.warns(RuntimeWarning, match="cannot be traced"):
                client.enableTrace()
        client.end()
        await once(client, "finish")
        server.close()
        await asyncio.sleep(0)

    run_loop(main)
    err = capsys.readouterr().err
    if tls.backend.is_shared():
        assert "Sent Record" in err and "close notify(0)" in err and "ClientHello" not in err
    else:
        assert err == ""

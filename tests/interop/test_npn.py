"""NPN on the wire against the ``openssl`` command line, the NPN peer Node 20 no longer is.

``s_client -nextprotoneg`` is an old-style NPN client (NPN, no ALPN) and ``s_server
-nextprotoneg`` an NPN server.  Shared backend: nodessl.legacy negotiates NPN with them as
Node <= 10 did.  Bundled backend (no NPN in that OpenSSL): ``NPNProtocols`` are offered with
ALPN, which these NPN-only peers do not speak, so nothing is agreed; each test asserts that.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest
from conftest import KEYS, free_port, key, listening, need, once, run_loop

import nodessl as tls
from nodessl import legacy

SHARED = tls.backend.is_shared()
SERVER_ID = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}


@pytest.fixture(autouse=True)
def quiet_npn_warning() -> Any:
    """The bundled backend's NPNWarning is tests/legacy/test_npn.py's subject, not these."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", legacy.NPNWarning)
        yield


async def s_client(port: int, *args: str) -> str:
    """``openssl s_client`` against 127.0.0.1:port until it exits (stdin closed at once):
    its full report (stdout and stderr).  Killed if it does not end by itself."""
    proc = await asyncio.create_subprocess_exec(
        need("openssl"), "s_client", "-connect", f"127.0.0.1:{port}", *args, cwd=str(KEYS),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(b""), 15)
        return out.decode(errors="replace")
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


@contextlib.asynccontextmanager
async def s_server(*args: str) -> AsyncIterator[tuple[asyncio.subprocess.Process, int]]:
    """``openssl s_server`` for one connection, (process, port) once it accepts; killed on
    the way out whatever happened."""
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        need("openssl"), "s_server", "-accept", f"127.0.0.1:{port}", "-naccept", "1",
        "-cert", "agent1-cert.pem", "-key", "agent1-key.pem", *args, cwd=str(KEYS),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    try:
        assert proc.stdout is not None
        while True:
            line = await asyncio.wait_for(proc.stdout.readline(), 10)
            assert line, "s_server exited before accepting"
            if line.startswith(b"ACCEPT"):
                break
        yield proc, port
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


async def rest_of(proc: asyncio.subprocess.Process) -> str:
    """What s_server prints until it exits (after its one connection closed)."""
    assert proc.stdout is not None
    return (await asyncio.wait_for(proc.stdout.read(), 10)).decode(errors="replace")


def next_protocol(report: str) -> str | None:
    """s_client's "Next protocol: (status) name" line, as "(status) name"."""
    found = re.search(r"^Next protocol: (.*)$", report, re.M)
    return found.group(1) if found else None


async def npn_server(seen: list[Any], **extra: Any) -> tuple[Any, int]:
    server = tls.createServer({**SERVER_ID, "NPNProtocols": ["a", "b", "c"], **extra},
                              lambda s: (seen.append(s.npnProtocol), s.end()))
    return server, await listening(server)


@pytest.mark.parametrize(("offer", "status", "server_sees"), [
    ("c,b,e", "(1) b", "b"),  # OPENSSL_NPN_NEGOTIATED: the server's preference
    ("x,y", "(2) x", "x"),  # OPENSSL_NPN_NO_OVERLAP: the client's first
])
def test_s_client_nextprotoneg_to_nodessl_server(offer: str, status: str,
                                                 server_sees: str) -> None:
    async def main() -> None:
        seen: list[Any] = []
        server, port = await npn_server(seen)
        report = await s_client(port, "-tls1_2", "-nextprotoneg", offer)
        await asyncio.sleep(0.05)  # the server's side of the connection
        server.close()
        assert "New, TLSv1.2," in report
        if SHARED:
            assert next_protocol(report) == status
            assert seen == [server_sees]
        else:  # the server speaks ALPN only; the client only NPN
            assert next_protocol(report) is None
            assert seen == [False]

    run_loop(main)


def test_s_client_with_tls13_gets_no_npn() -> None:
    async def main() -> None:
        seen: list[Any] = []
        server, port = await npn_server(seen)
        report = await s_client(port, "-nextprotoneg", "a")
        await asyncio.sleep(0.05)
        server.close()
        # NPN is a TLS <= 1.2 extension: the server does not limit its versions for it
        assert "New, TLSv1.3," in report
        assert next_protocol(report) is None
        assert seen == [False]

    run_loop(main)


def test_s_client_alpn_beats_npn() -> None:
    async def main() -> None:
        seen: list[Any] = []
        server, port = await npn_server(seen, ALPNProtocols=["q", "r"])
        report = await s_client(port, "-tls1_2", "-nextprotoneg", "b", "-alpn", "q")
        await asyncio.sleep(0.05)
        server.close()
        assert "ALPN protocol: q" in report
        assert next_protocol(report) is None  # ALPN agreed: OpenSSL's server skips NPN
        assert seen == [False] if SHARED else seen == ["q"]

    run_loop(main)


@pytest.mark.parametrize(("offer", "chosen", "server_line"), [
    (["c", "b", "e"], "b", "NEXTPROTO is b"),
    (["x", "y"], False, "NEXTPROTO is x"),  # no overlap: the client's first, reported False
])
def test_nodessl_client_to_s_server_nextprotoneg(offer: list[str], chosen: Any,
                                                 server_line: str) -> None:
    async def main() -> None:
        # s_server offers TLS 1.3 too: the NPN client keeps to TLS 1.2 by itself
        async with s_server("-nextprotoneg", "a,b,c") as (proc, port):
            sock = legacy.connect(port, "127.0.0.1", {"NPNProtocols": offer})
            await once(sock, "secureConnect")
            result = (sock.npnProtocol, sock.alpnProtocol, sock.getProtocol())
            sock.end()
            printed = await rest_of(proc)
        if SHARED:
            assert result == (chosen, False, "TLSv1.2")
            assert server_line in printed
        else:  # offered with ALPN, which this s_server does not answer
            assert result == (False, False, "TLSv1.3")
            assert "NEXTPROTO" not in printed

    run_loop(main)


def test_nodessl_client_alpn_beats_npn_at_s_server() -> None:
    async def main() -> None:
        async with s_server("-nextprotoneg", "a,b", "-alpn", "q,r") as (proc, port):
            sock = legacy.connect(port, "127.0.0.1",
                                  {"NPNProtocols": ["b"], "ALPNProtocols": ["q"]})
            await once(sock, "secureConnect")
            result = (sock.alpnProtocol, sock.npnProtocol)
            sock.end()
            printed = await rest_of(proc)
        assert "ALPN protocols selected: q" in printed
        assert "NEXTPROTO" not in printed
        assert result == (("q", False) if SHARED else ("q", "q"))

    run_loop(main)

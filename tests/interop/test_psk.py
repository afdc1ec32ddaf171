"""TLS-PSK against Node 20 and the openssl CLI (s_client -psk, s_server -psk -nocert),
TLS 1.2 and TLS 1.3, both directions."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from conftest import KEYS, NODE_PRELUDE, NodePeer, collect, listening, need, once, run_loop

import nodessl as tls

KEY_HEX = "d731ef57be09e5204f0b205b60627028"
KEY = bytes.fromhex(KEY_HEX)
CIPHERS = "PSK+HIGH:TLS_AES_128_GCM_SHA256"
VERSIONS = pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])


def psk_server(seen: list[Any], version: str) -> tls.Server:
    """A certificate-less nodessl PSK server answering with the identity and protocol."""
    def lookup(sock: tls.TLSSocket, identity: str) -> bytes | None:
        seen.append(identity)
        return KEY if identity == "TestUser" else None

    def on_secure(sock: tls.TLSSocket) -> None:
        sock.end(f"{seen[-1]} over {sock.getProtocol()}\n".encode())

    return tls.createServer({"ciphers": CIPHERS, "maxVersion": version,
                             "pskIdentityHint": "TestHint", "pskCallback": lookup}, on_secure)


def psk_client(port: int, version: str, hints: list[Any], identity: str) -> tls.TLSSocket:
    def callback(hint: str | None) -> dict[str, Any]:
        hints.append(hint)
        return {"psk": KEY, "identity": identity}

    return tls.connect(port, "127.0.0.1", {"ciphers": CIPHERS, "maxVersion": version,
                                           "pskCallback": callback,
                                           "checkServerIdentity": lambda *a: None})


@VERSIONS
def test_node_psk_client_with_nodessl_server(version: str) -> None:
    async def main() -> None:
        seen: list[str] = []
        server = psk_server(seen, version)
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', ciphers: '{CIPHERS}',
  maxVersion: '{version}', checkServerIdentity: () => {{}},
  pskCallback: (hint) => {{ out({{hint}}); return {{psk: Buffer.from('{KEY_HEX}', 'hex'),
  identity: 'TestUser'}}; }}}}, () => out({{authorized: c.authorized,
  protocol: c.getProtocol()}}));
let data = ''; c.on('data', (d) => data += d); c.on('end', () => out({{data}}));
c.on('error', (e) => out({{error: e.code}}));""")
        hint = None if version == "TLSv1.3" else "TestHint"
        assert await node.message() == {"hint": hint}
        assert await node.message() == {"authorized": True, "protocol": version}
        assert await node.message() == {"data": f"TestUser over {version}\n"}
        await node.close()
        server.close()
        assert seen == ["TestUser"]

    run_loop(main)


def test_node_client_with_unknown_identity_gets_the_alert() -> None:
    async def main() -> None:
        seen: list[str] = []
        server = psk_server(seen, "TLSv1.3")
        errors: list[str] = []
        server.on("tlsClientError", lambda e, s: errors.append(e.code))
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', ciphers: '{CIPHERS}',
  checkServerIdentity: () => {{}},
  pskCallback: () => ({{psk: Buffer.from('{KEY_HEX}', 'hex'), identity: 'Nobody'}})}},
  () => out({{secure: true}}));
c.on('error', (e) => out({{error: e.code}}));""")
        theirs = await node.message()
        await node.close()
        server.close()
        # handshake_failure under Node 20's OpenSSL 3.0 name
        assert theirs == {"error": "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"}
        assert errors == ["ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM"]
        assert seen == ["Nobody"]

    run_loop(main)


@VERSIONS
def test_nodessl_psk_client_with_node_server(version: str) -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const s = tls.createServer({{ciphers: '{CIPHERS}', pskIdentityHint: 'NodeHint',
  pskCallback: (sock, identity) => {{ out({{identity}});
    return identity === 'TestUser' ? Buffer.from('{KEY_HEX}', 'hex') : null; }}}},
  (c) => {{ c.pipe(c); s.close(); }});
s.on('tlsClientError', (e) => {{ out({{error: e.code}}); s.close(); }});
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));""")
        port = (await node.message())["port"]
        hints: list[Any] = []
        client = psk_client(port, version, hints, "TestUser")
        await once(client, "secureConnect")
        assert client.getProtocol() == version
        assert client.authorized is True
        assert hints[-1] == (None if version == "TLSv1.3" else "NodeHint")
        client.end(b"echo me")
        assert await collect(client) == b"echo me"
        assert await node.message() == {"identity": "TestUser"}
        await node.close()

    run_loop(main)


@VERSIONS
def test_openssl_s_client_psk_with_nodessl_server(version: str) -> None:
    async def main() -> None:
        openssl = need("openssl")
        seen: list[str] = []
        server = psk_server(seen, version)
        port = await listening(server)
        flag = "-tls1_3" if version == "TLSv1.3" else "-tls1_2"
        proc = await asyncio.create_subprocess_exec(
            openssl, "s_client", "-connect", f"127.0.0.1:{port}", flag, "-psk", KEY_HEX,
            "-psk_identity", "TestUser", "-cipher", "PSK", "-ign_eof", cwd=str(KEYS),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT)
        out, _ = await asyncio.wait_for(proc.communicate(b""), 15)
        server.close()
        text = out.decode(errors="replace")
        assert f"TestUser over {version}" in text, text
        assert re.search(rf"Protocol *: *{version}|New, {version}", text), text
        assert seen == ["TestUser"]

    run_loop(main)


@VERSIONS
def test_nodessl_psk_client_with_openssl_s_server(version: str) -> None:
    async def main() -> None:
        openssl = need("openssl")
        # -rev: s_server sends every line back reversed
        args = [openssl, "s_server", "-psk", KEY_HEX, "-psk_hint", "Client_identity",
                "-nocert", "-accept", "127.0.0.1:0", "-rev"]
        if version == "TLSv1.2":
            args += ["-cipher", "PSK", "-tls1_2"]
        proc = await asyncio.create_subprocess_exec(
            *args, cwd=str(KEYS), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            assert proc.stdout is not None
            port = None
            while port is None:
                line = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode()
                assert line, "s_server exited"
                found = re.search(r"ACCEPT .*:(\d+)", line)
                port = int(found.group(1)) if found else None
            hints: list[Any] = []
            # s_server's default identity is "Client_identity"; Node's test returns the hint
            client = tls.connect(port, "127.0.0.1", {
                "ciphers": CIPHERS, "maxVersion": version,
                "checkServerIdentity": lambda *a: None,
                "pskCallback": lambda hint: (hints.append(hint),
                                             {"psk": KEY, "identity": hint or "Client_identity"})[1]})
            await once(client, "secureConnect")
            assert client.getProtocol() == version
            assert hints[-1] == (None if version == "TLSv1.3" else "Client_identity")
            reply = once(client, "data")
            client.write(b"hello\n")
            assert await reply == b"olleh\n"
            client.destroy()
        finally:
            proc.kill()
            await proc.wait()

    run_loop(main)

"""keylog events (client socket and server) and NODE_OPTIONS=--tls-keylog=FILE."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import KEYS, key, listening, once, run_loop

import nodessl as tls


async def _handshake(version: str, server_listener: bool = True,
                     client_listener: bool = True) -> tuple[list[Any], list[bytes], Any]:
    server_lines: list[Any] = []
    client_lines: list[bytes] = []
    server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                               "minVersion": version, "maxVersion": version},
                              lambda s: s.end(b"bye"))
    if server_listener:
        server.on("keylog", lambda line, sock: server_lines.append((line, sock)))
    port = await listening(server)
    client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
    if client_listener:
        # added right after connect: the handshake has not started yet
        client.on("keylog", client_lines.append)
    client.on("data", lambda d: None)
    await once(client, "end")
    server.close()
    return server_lines, client_lines, client


def test_tls13_five_lines_each_side_and_the_same_secrets() -> None:
    server_lines, client_lines, _ = run_loop(lambda: _handshake("TLSv1.3"))
    assert len(server_lines) == 5 and len(client_lines) == 5
    first, sock = server_lines[0]
    assert first.startswith(b"SERVER_HANDSHAKE_TRAFFIC_SECRET ")
    assert all(isinstance(line, bytes) and line.endswith(b"\n") for line in client_lines)
    assert all(s.encrypted is True and isinstance(s, tls.TLSSocket) for _, s in server_lines)
    assert {line for line, _ in server_lines} == set(client_lines)
    labels = {line.split(b" ")[0] for line in client_lines}
    assert labels == {b"SERVER_HANDSHAKE_TRAFFIC_SECRET", b"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                      b"EXPORTER_SECRET", b"SERVER_TRAFFIC_SECRET_0", b"CLIENT_TRAFFIC_SECRET_0"}


def test_tls12_one_client_random_line() -> None:
    server_lines, client_lines, _ = run_loop(lambda: _handshake("TLSv1.2"))
    assert [line for line, _ in server_lines] == client_lines
    assert len(client_lines) == 1 and client_lines[0].startswith(b"CLIENT_RANDOM ")
    # NSS format: label, 32-byte client random, 48-byte master secret, in hex
    _, random, secret = client_lines[0].split()
    assert len(bytes.fromhex(random.decode())) == 32
    assert len(bytes.fromhex(secret.decode())) == 48


def test_no_listener_no_callback() -> None:
    """The keylog callback is only installed when someone listens (it has a cost)."""
    server_lines, client_lines, client = run_loop(
        lambda: _handshake("TLSv1.3", server_listener=False, client_listener=False))
    assert server_lines == [] and client_lines == []
    assert "keylog" not in client._hooks()


_KEYLOG_PROGRAM = """
import nodessl as tls
k = lambda n: open(n, 'rb').read()
def main():
    server = tls.createServer({'key': k('agent1-key.pem'), 'cert': k('agent1-cert.pem'),
                               'maxVersion': 'TLSv1.3'}, lambda s: s.end(b'x'))
    def go():
        c = tls.connect(server.address()['port'], '127.0.0.1', {'rejectUnauthorized': False})
        c.on('data', lambda d: None)
        c.on('end', server.close)
    server.listen(0, '127.0.0.1', go)
tls.run(main)
"""


def test_node_options_tls_keylog_file(tmp_path: Path) -> None:
    log = tmp_path / "keys.log"
    env = {**os.environ, "NODE_OPTIONS": f"--tls-keylog={log}",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run([sys.executable, "-c", _KEYLOG_PROGRAM], cwd=KEYS, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Using --tls-keylog makes TLS connections insecure" in proc.stderr
    lines = log.read_bytes().splitlines(keepends=True)
    assert len(lines) == 10  # five per side
    assert len(set(lines)) == 5  # both sides logged the same secrets
    assert log.stat().st_mode & 0o777 == 0o600

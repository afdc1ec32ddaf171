"""``raise SystemExit(code)`` from any callback is Node's ``process.exit(code)`` under
``tls.run``: the program ends at once with that exit, whatever is still open."""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import pytest
from conftest import KEYS, key, need

import nodessl as tls

NODE_CLIENT = r"""
const tls = require('tls');
const c = tls.connect({port: +process.argv[1], host: '127.0.0.1', rejectUnauthorized: false},
                      () => c.write('hello'));
c.on('error', () => {});
"""


def test_system_exit_in_a_data_listener_ends_run_with_that_exit() -> None:
    need("node")
    peers: list[subprocess.Popen[bytes]] = []
    seen: list[bytes] = []

    def main() -> None:
        def on_secure_connection(sock: tls.TLSSocket) -> None:
            def on_data(chunk: bytes) -> None:
                seen.append(chunk)
                raise SystemExit(3)  # process.exit(3), with the server still listening

            sock.on("data", on_data)

        server = tls.createServer({"key": key("agent1-key.pem"),
                                   "cert": key("agent1-cert.pem")}, on_secure_connection)

        def on_listening() -> None:
            port = server.address().port
            peers.append(subprocess.Popen([shutil.which("node") or "node", "-e", NODE_CLIENT,
                                           str(port)], cwd=str(KEYS)))

        server.listen(0, "127.0.0.1", on_listening)

    try:
        with pytest.raises(SystemExit) as exited:
            tls.run(main)
        assert exited.value.code == 3
        assert seen == [b"hello"]
        # the loop was cleaned up: a new program runs normally afterwards
        assert asyncio.run(asyncio.sleep(0, "ok")) == "ok"
    finally:
        for proc in peers:
            proc.kill()
            proc.wait()

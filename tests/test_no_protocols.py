"""An end with no protocol version to offer still tells its peer, as Node's does.

A server whose ``secureProtocol: 'SSLv23_method'`` meets ``DEFAULT_MIN_VERSION = 'TLSv1.3'``
(TLS 1.3 at least, 1.2 at most) reads the ClientHello and answers with a protocol_version
alert; a client in the same state sends its alert instead of a ClientHello.  Node's peers
report the same codes they report for a Node end.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import NodePeer, key, listening, once, run_loop, s_client

import nodessl as tls

SSLV3_SECLEVEL0 = "DEFAULT@SECLEVEL=0"  # TLS 1.1 suites need level 0 on OpenSSL 3.1+

NODE_CLIENT = r"""
const tls = require('tls');
const c = tls.connect({port: +process.env.PORT, host: '127.0.0.1', rejectUnauthorized: false,
                       secureProtocol: 'TLSv1_2_method', ciphers: 'DEFAULT@SECLEVEL=0'});
c.on('error', (e) => console.log(JSON.stringify({client: e.code})));
"""

NODE_SERVER = r"""
const tls = require('tls'), fs = require('fs');
const s = tls.createServer({key: fs.readFileSync('agent6-key.pem'),
                            cert: fs.readFileSync('agent6-cert.pem'),
                            secureProtocol: 'TLSv1_1_method', ciphers: 'DEFAULT@SECLEVEL=0'});
s.on('tlsClientError', (e) => { console.log(JSON.stringify({server: e.code})); s.close(); });
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({port: s.address().port})));
"""


@pytest.fixture
def min_tls13(monkeypatch: pytest.MonkeyPatch) -> None:
    """Node's ``tls.DEFAULT_MIN_VERSION = 'TLSv1.3'`` for this test only."""
    monkeypatch.setattr(tls, "DEFAULT_MIN_VERSION", "TLSv1.3")


def _server() -> Any:
    return tls.createServer({"key": key("agent6-key.pem"), "cert": key("agent6-cert.pem"),
                             "secureProtocol": "SSLv23_method", "ciphers": SSLV3_SECLEVEL0})


def test_server_without_protocols_alerts_a_node_client(min_tls13: None) -> None:
    async def main() -> tuple[Any, Any]:
        server = _server()
        server_err = once(server, "tlsClientError")
        port = await listening(server)
        peer = await NodePeer.start(NODE_CLIENT, env={"PORT": str(port)})
        try:
            client = await peer.message()
        finally:
            await peer.close()
        err, _sock = await server_err
        server.close()
        return client, err.code

    client, server_code = run_loop(main)
    assert server_code == "ERR_SSL_NO_PROTOCOLS_AVAILABLE"
    assert client == {"client": "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION"}


def test_server_without_protocols_alerts_s_client(min_tls13: None) -> None:
    async def main() -> str:
        server = _server()
        server.on("tlsClientError", lambda *a: None)
        port = await listening(server)
        out, err = await s_client(port, "-tls1_2")
        server.close()
        return out + err

    assert "alert protocol version" in run_loop(main)


def test_client_without_protocols_alerts_a_node_server(min_tls13: None) -> None:
    async def main() -> tuple[Any, Any]:
        peer = await NodePeer.start(NODE_SERVER)
        try:
            port = (await peer.message())["port"]
            client = tls.connect({"port": port, "host": "127.0.0.1", "rejectUnauthorized": False,
                                  "secureProtocol": "SSLv23_method",
                                  "ciphers": SSLV3_SECLEVEL0})
            client_err = await once(client, "error")
            server = await asyncio.wait_for(peer.message(), 10)
        finally:
            await peer.close()
        return client_err.code, server

    client_code, server = run_loop(main)
    assert client_code == "ERR_SSL_NO_PROTOCOLS_AVAILABLE"
    # what a Node client in the same state makes a Node server say (checked with node 20)
    assert server == {"server": "ERR_SSL_UNEXPECTED_MESSAGE"}

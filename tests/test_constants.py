"""``nodessl.constants`` is Node's ``crypto.constants``; ``secureOptions`` takes its bits;
``address()`` reads as Node's object both ways."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import NodePeer, collect, key, listening, once, run_loop, run_node

import nodessl as tls
from nodessl import constants, net

NODE_CONSTANTS = "console.log(JSON.stringify(require('crypto').constants))"


@pytest.fixture(scope="module")
def node_constants() -> dict[str, Any]:
    return run_node(NODE_CONSTANTS, None)


def test_same_names_as_node(node_constants: dict[str, Any]) -> None:
    assert sorted(constants.__all__) == sorted(node_constants)
    assert "constants" in tls.__all__ and tls.constants is constants


def test_same_values_as_node(node_constants: dict[str, Any]) -> None:
    for name, value in node_constants.items():
        if name == "OPENSSL_VERSION_NUMBER":
            continue  # each reports the OpenSSL it runs on (Node 20: 3.0, here: the binding's)
        assert getattr(constants, name) == value, name


def test_openssl_version_number_is_the_linked_openssl() -> None:
    from cryptography.hazmat.backends.openssl import backend

    major = constants.OPENSSL_VERSION_NUMBER >> 28
    assert backend.openssl_version_text().startswith(f"OpenSSL {major}.")


def test_secure_options_takes_the_constants_on_the_wire() -> None:
    """A nodessl server with ``SSL_OP_NO_TLSv1_3`` negotiates TLS 1.2 with a Node client,
    which offers 1.3; without it, 1.3."""
    script = r"""
    const tls = require('tls'), fs = require('fs');
    const ports = JSON.parse(process.argv[1]);
    (function next(i) {
      if (i === ports.length) return;
      const c = tls.connect({port: ports[i], host: '127.0.0.1', ca: fs.readFileSync('ca1-cert.pem'),
                             servername: 'agent1'}, () => {
        console.log(JSON.stringify({protocol: c.getProtocol()}));
        c.end();
        next(i + 1);
      });
    })(0);
    """

    async def main() -> list[str]:
        base = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
        limited = tls.createServer({**base, "secureOptions": constants.SSL_OP_NO_TLSv1_3},
                                   lambda s: s.end())
        plain = tls.createServer(base, lambda s: s.end())
        ports = [await listening(limited), await listening(plain)]
        peer = await NodePeer.start(script.replace("process.argv[1]", repr(str(ports))))
        try:
            seen = [(await peer.message())["protocol"], (await peer.message())["protocol"]]
        finally:
            await peer.close()
            limited.close()
            plain.close()
        return seen

    assert run_loop(main) == ["TLSv1.2", "TLSv1.3"]


def test_secure_options_or_together() -> None:
    from nodessl import openssl

    ctx = tls.createSecureContext({"secureOptions": constants.SSL_OP_NO_TICKET
                                   | constants.SSL_OP_NO_TLSv1_3})
    mask = openssl.get_options(ctx.context_for(frozenset()))
    assert mask & constants.SSL_OP_NO_TICKET and mask & constants.SSL_OP_NO_TLSv1_3


def test_address_reads_as_key_and_attribute() -> None:
    async def main() -> None:
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")},
                                  lambda s: s.end(b"x"))
        port = await listening(server)
        addr = server.address()
        assert addr["port"] == addr.port == port
        assert (addr.address, addr.family) == ("127.0.0.1", "IPv4")
        assert addr == {"address": "127.0.0.1", "family": "IPv4", "port": port}
        with pytest.raises(AttributeError):
            _ = addr.nothing
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        await once(client, "secureConnect")
        mine = client.address()
        assert mine.port == mine["port"] == client.localPort
        assert mine.address == "127.0.0.1"
        assert await collect(client) == b"x"
        plain = net.createServer()
        plain_port = await listening(plain)
        assert plain.address().port == plain_port
        sock = net.connect(plain_port, "127.0.0.1")
        await once(sock, "connect")
        assert sock.address().port == sock.localPort
        sock.destroy()
        plain.close()
        server.close()

    run_loop(main)

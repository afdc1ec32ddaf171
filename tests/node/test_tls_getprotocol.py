"""Port of Node 20's test/parallel/test-tls-getprotocol.js.

``getProtocol()`` returns TLSv1 / TLSv1.1 / TLSv1.2 for clients pinned by
``secureProtocol``, and null once the socket ended.
"""

import pytest

import nodessl as tls

NODE_TEST = "test-tls-getprotocol.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "socket: inside 'end' (after the client's own end()) getProtocol() still returns the "
    "version; in Node onReadableStreamEnd destroys the socket (its handle is gone) before user "
    "'end' listeners run, so getProtocol() is null. TLSv1/TLSv1.1/TLSv1.2 themselves match"))


def test_getprotocol(common, fixtures):
    # Node 20: ciphers 'DEFAULT:@SECLEVEL=0' when common.hasOpenSSL31, else 'DEFAULT'; Node
    # 20's bundled OpenSSL is 3.0, nodessl's is newer, so the OpenSSL >= 3.1 branch applies
    legacy_ciphers = "DEFAULT:@SECLEVEL=0"
    client_configs = [
        {"secureProtocol": "TLSv1_method", "version": "TLSv1", "ciphers": legacy_ciphers},
        {"secureProtocol": "TLSv1_1_method", "version": "TLSv1.1", "ciphers": legacy_ciphers},
        {"secureProtocol": "TLSv1_2_method", "version": "TLSv1.2"},
    ]

    server_config = {
        "secureProtocol": "TLS_method",
        "ciphers": "RSA@SECLEVEL=0",
        "key": fixtures.readKey("agent2-key.pem"),
        "cert": fixtures.readKey("agent2-cert.pem"),
    }

    def main():
        server = tls.createServer(server_config,
                                  common.mustCall(lambda socket: None, len(client_configs)))
        connected = 0

        def connect(v):
            def on_connect():
                nonlocal connected
                assert client.getProtocol() == v["version"]  # Node's this is the client

                def on_end():
                    assert client.getProtocol() is None

                client.on("end", common.mustCall(on_end))
                client.end()
                connected += 1
                if connected == len(client_configs):
                    server.close()

            client = tls.connect({
                "host": common.localhostIPv4,
                "port": server.address()["port"],
                "rejectUnauthorized": False,
                "ciphers": v.get("ciphers"),
                "secureProtocol": v["secureProtocol"],
            }, common.mustCall(on_connect))

        def on_listening():
            for v in client_configs:
                connect(v)

        server.listen(0, common.localhostIPv4, on_listening)

    common.run(main, timeout=10)

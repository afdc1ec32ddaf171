"""Port of Node 20's test/parallel/test-tls-exportkeyingmaterial.js.

The return value of tlsSocket.exportKeyingMaterial: ERR_TLS_INVALID_STATE before the
handshake, 128 bytes with and without context afterwards, and argument validation.
"""

from nodecommon import assert_throws

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-exportkeyingmaterial.js"


def test_exportkeyingmaterial(common, fixtures):
    key = fixtures.readKey("agent1-key.pem")
    cert = fixtures.readKey("agent1-cert.pem")

    def main():
        def on_connection(s):
            tlsSocket = tls.TLSSocket(s, {
                "isServer": True,
                "server": server,
                "secureContext": tls.createSecureContext({"key": key, "cert": cert}),
            })

            assert_throws(lambda: tlsSocket.exportKeyingMaterial(128, "label"), {
                "name": "Error",
                "code": "ERR_TLS_INVALID_STATE",
            })

            def on_secure():
                label = "client finished"

                validKeyingMaterial = tlsSocket.exportKeyingMaterial(128, label)
                assert len(validKeyingMaterial) == 128

                validKeyingMaterialWithContext = tlsSocket.exportKeyingMaterial(
                    128, label, bytes([0, 1, 2, 3]))
                assert len(validKeyingMaterialWithContext) == 128

                # Ensure providing a context results in a different key than without
                # (JS compares the two Buffer objects; Python compares their bytes)
                assert validKeyingMaterial != validKeyingMaterialWithContext

                validKeyingMaterialWithEmptyContext = tlsSocket.exportKeyingMaterial(
                    128, label, b"")
                assert len(validKeyingMaterialWithEmptyContext) == 128

                assert_throws(lambda: tlsSocket.exportKeyingMaterial(
                    128, label, "stringAsContextNotSupported"), {
                    "name": "TypeError",
                    "code": "ERR_INVALID_ARG_TYPE",
                })

                assert_throws(lambda: tlsSocket.exportKeyingMaterial(128, label, 1234), {
                    "name": "TypeError",
                    "code": "ERR_INVALID_ARG_TYPE",
                })

                assert_throws(lambda: tlsSocket.exportKeyingMaterial(10, None), {
                    "name": "TypeError",
                    "code": "ERR_INVALID_ARG_TYPE",
                })

                assert_throws(lambda: tlsSocket.exportKeyingMaterial("length", 1234), {
                    "name": "TypeError",
                    "code": "ERR_INVALID_ARG_TYPE",
                })

                assert_throws(lambda: tlsSocket.exportKeyingMaterial(-3, "a"), {
                    "name": "RangeError",
                    "code": "ERR_OUT_OF_RANGE",
                })

                assert_throws(lambda: tlsSocket.exportKeyingMaterial(0, "a"), {
                    "name": "RangeError",
                    "code": "ERR_OUT_OF_RANGE",
                })

                tlsSocket.end()
                server.close()

            tlsSocket.on("secure", common.mustCall(on_secure))

        def on_listening():
            opts = {
                "port": server.address().port,
                "rejectUnauthorized": False,
            }

            client = tls.connect(opts, common.mustCall(lambda: client.end()))  # Node's this

        server = net.createServer(common.mustCall(on_connection)).listen(0, on_listening)

    common.run(main, timeout=10)

"""Port of Node 20's test/parallel/test-tls-empty-sni-context.js.

An SNICallback answering with a context that has no certificate fails the handshake of
a server that has none either: the server's tlsClientError says 'passed a null
parameter' (SSL_use_certificate's) and the client gets a handshake_failure alert.
"""

import re

import nodessl as tls

NODE_TEST = "test-tls-empty-sni-context.js"


def test_empty_sni_context(common):
    def main():
        options = {
            "SNICallback": lambda name, callback: callback(None, tls.createSecureContext()),
        }

        def on_secure(c):
            raise AssertionError("Should not be called")  # assert.fail

        def on_client_error(err, c):
            assert re.search(r"passed a null parameter", err.message, re.I)
            server.close()

        server = tls.createServer(options, on_secure)
        server.on("tlsClientError", common.mustCall(on_client_error))

        def on_listening():
            c = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
                "servername": "any.name",
            }, common.mustNotCall())

            def on_error(err):
                assert err.code == "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"

            c.on("error", common.mustCall(on_error))

        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=10)

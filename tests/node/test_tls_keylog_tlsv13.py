"""Port of Node 20's test/parallel/test-tls-keylog-tlsv13.js.

Over TLS 1.3 the server and the client each emit 5 'keylog' events, lines as bytes.
"""

import nodessl as tls

NODE_TEST = "test-tls-keylog-tlsv13.js"


def test_keylog_tlsv13(common, fixtures):
    def main():
        def on_listening():
            client = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
            })

            def on_server_keylog(line, tls_socket):
                assert isinstance(line, bytes)  # Buffer.isBuffer
                assert tls_socket.encrypted is True

            server.on("keylog", common.mustCall(on_server_keylog, 5))

            def on_client_keylog(line):
                assert isinstance(line, bytes)

            client.on("keylog", common.mustCall(on_client_keylog, 5))

            def on_secure():
                server.close()
                client.end()

            client.once("secureConnect", on_secure)

        server = tls.createServer({
            "key": fixtures.readKey("agent2-key.pem"),
            "cert": fixtures.readKey("agent2-cert.pem"),
            # Amount of keylog events depends on negotiated protocol
            # version, so force a specific one:
            "minVersion": "TLSv1.3",
            "maxVersion": "TLSv1.3",
        })
        server.listen(common.mustCall(on_listening))

    common.run(main, timeout=5)

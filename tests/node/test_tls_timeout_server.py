"""Port of Node 20's test/parallel/test-tls-timeout-server.js.

A TCP client that never starts a handshake meets the server's
``handshakeTimeout``: 'tlsClientError', never 'secureConnection'.
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-timeout-server.js"


def test_timeout_server(common, fixtures):
    options = {"key": fixtures.readKey("agent1-key.pem"),
               "cert": fixtures.readKey("agent1-cert.pem"),
               "handshakeTimeout": 50}

    def main():
        server = tls.createServer(options, common.mustNotCall())

        def on_client_error(err, conn):
            conn.destroy()
            server.close()

        server.on("tlsClientError", common.mustCall(on_client_error))
        server.listen(0, common.mustCall(
            lambda: net.connect({"host": "127.0.0.1", "port": server.address()["port"]})))

    common.run(main)

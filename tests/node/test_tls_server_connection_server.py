"""Port of Node 20's test/parallel/test-tls-server-connection-server.js.

A tls.Server's 'connection' event gets the raw socket with ``.server`` set to
that server, and TLS still works over it.
"""

import nodessl as tls

NODE_TEST = "test-tls-server-connection-server.js"


def test_server_connection_server(common, fixtures):
    options = {"key": fixtures.readKey("agent1-key.pem"),
               "cert": fixtures.readKey("agent1-cert.pem")}

    def main():
        def on_listening():
            # Node's `this` is the server
            opts = {"port": server.address()["port"], "rejectUnauthorized": False}

            def on_connection(socket):
                assert socket.server is server
                server.close()

            server.on("connection", common.mustCall(on_connection))

            client = tls.connect(opts, lambda: client.end())

        server = tls.createServer(options, lambda s: s.end("hello")).listen(0, on_listening)

    common.run(main)

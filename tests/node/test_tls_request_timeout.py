"""Port of Node 20's test/parallel/test-tls-request-timeout.js.

``socket.setTimeout(100)`` on a server-side TLSSocket returns the socket and
emits 'timeout' when the client stays idle.
"""

import nodessl as tls

NODE_TEST = "test-tls-request-timeout.js"


def test_request_timeout(common, fixtures):
    options = {"key": fixtures.readKey("agent1-key.pem"),
               "cert": fixtures.readKey("agent1-cert.pem")}

    def main():
        def on_secure(socket):
            s = socket.setTimeout(100)
            assert isinstance(s, tls.TLSSocket)

            def on_timeout(*err):
                socket.end()
                server.close()

            socket.on("timeout", common.mustCall(on_timeout))

        server = tls.Server(options, common.mustCall(on_secure))

        # Node's this: the server
        server.listen(0, lambda: tls.connect({"port": server.address()["port"],
                                              "rejectUnauthorized": False}))

    common.run(main)

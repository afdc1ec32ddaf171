"""Port of Node 20's test/parallel/test-tls-connect-simple.js.

Two clients connect to one server; the server closes after its second
connection and both its close callback and 'close' event must run.
"""

import nodessl as tls

NODE_TEST = "test-tls-connect-simple.js"


def test_connect_simple(common, fixtures):
    server_connected = 0
    options = {"key": fixtures.readKey("agent1-key.pem"),
               "cert": fixtures.readKey("agent1-cert.pem")}

    def main():
        def on_secure(socket):
            nonlocal server_connected
            server_connected += 1
            if server_connected == 2:
                server.close(common.mustCall())
                server.on("close", common.mustCall())

        server = tls.Server(options, common.mustCall(on_secure, 2))

        def on_listening():
            # Node's `this` in the listen callback is the server
            client1 = tls.connect({"port": server.address()["port"],
                                   "rejectUnauthorized": False},
                                  common.mustCall(lambda: client1.end()))
            client2 = tls.connect({"port": server.address()["port"],
                                   "rejectUnauthorized": False})
            client2.on("secureConnect", common.mustCall(lambda: client2.end()))

        server.listen(0, on_listening)

    common.run(main)

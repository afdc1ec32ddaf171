"""Port of Node 20's test/parallel/test-tls-server-parent-constructor-options.js.

tls.Server passes ``allowHalfOpen`` and ``pauseOnConnect`` to net.Server; the
server and its sockets reflect them.
"""

import nodessl as tls

NODE_TEST = "test-tls-server-parent-constructor-options.js"


def test_server_parent_constructor_options(common, fixtures):
    options = {"key": fixtures.readKey("agent1-key.pem"),
               "cert": fixtures.readKey("agent1-cert.pem")}

    def main():
        def first():
            def on_secure(socket):
                assert socket.allowHalfOpen is False
                assert socket.isPaused() is False

            server = tls.createServer(options, common.mustCall(on_secure))

            assert server.allowHalfOpen is False
            assert server.pauseOnConnect is False

            def on_listening():
                socket = tls.connect({"port": server.address()["port"],
                                      "rejectUnauthorized": False},
                                     common.mustCall(lambda: socket.end()))
                socket.on("close", lambda *_: server.close())

            server.listen(0, common.mustCall(on_listening))

        def second():
            def on_secure(socket):
                assert socket.allowHalfOpen is True
                assert socket.isPaused() is True
                socket.on("end", socket.end)

            server = tls.createServer({"allowHalfOpen": True, "pauseOnConnect": True,
                                       **options}, common.mustCall(on_secure))

            assert server.allowHalfOpen is True
            assert server.pauseOnConnect is True

            def on_listening():
                socket = tls.connect({"port": server.address()["port"],
                                      "rejectUnauthorized": False},
                                     common.mustCall(lambda: socket.end()))
                socket.on("close", lambda *_: server.close())

            server.listen(0, common.mustCall(on_listening))

        first()
        second()

    common.run(main)

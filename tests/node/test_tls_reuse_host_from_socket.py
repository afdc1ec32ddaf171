"""Port of Node 20's test/parallel/test-tls-reuse-host-from-socket.js.

``tls.connect({socket})`` over an already connected net.Socket, without a
host, completes the handshake.
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-reuse-host-from-socket.js"


def test_reuse_host_from_socket(common, fixtures):
    def main():
        def on_listening():
            def on_net_connect():
                opts = {"socket": socket, "rejectUnauthorized": False}

                def on_secure():
                    secure_socket.destroy()
                    server.close()

                secure_socket = tls.connect(opts, common.mustCall(on_secure))

            socket = net.connect(server.address()["port"], common.mustCall(on_net_connect))

        server = tls.createServer({"key": fixtures.readKey("agent1-key.pem"),
                                   "cert": fixtures.readKey("agent1-cert.pem")})
        server.listen(0, common.mustCall(on_listening))

    common.run(main)

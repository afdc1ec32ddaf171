"""Port of Node 20's test/parallel/test-tls-socket-constructor-alpn-options-parsing.js.

``new tls.TLSSocket`` takes ``ALPNProtocols`` as a list of strings, and a
server-side TLSSocket built that way negotiates 'http/1.1'.
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-socket-constructor-alpn-options-parsing.js"


def test_socket_constructor_alpn_options_parsing(common, fixtures):
    key = fixtures.readKey("agent1-key.pem")
    cert = fixtures.readKey("agent1-cert.pem")

    def main():
        tls.TLSSocket(None, {"ALPNProtocols": ["http/1.1"]})

        def on_connection(s):
            tls_socket = tls.TLSSocket(s, {
                "isServer": True,
                "server": server,
                "key": key,
                "cert": cert,
                "ALPNProtocols": ["http/1.1"],
            })

            def on_secure():
                assert tls_socket.alpnProtocol == "http/1.1"
                tls_socket.end()
                server.close()

            tls_socket.on("secure", common.mustCall(on_secure))

        server = net.createServer(common.mustCall(on_connection))

        def on_listening():
            alpn_opts = {"port": server.address()["port"], "rejectUnauthorized": False,
                         "ALPNProtocols": ["h2", "http/1.1"]}
            # Node's `this` is the client socket
            client = tls.connect(alpn_opts, common.mustCall(lambda: client.end()))

        server.listen(0, common.mustCall(on_listening))

    common.run(main)

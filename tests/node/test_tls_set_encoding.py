"""Port of Node 20's test/parallel/test-tls-set-encoding.js.

``setEncoding('ascii')`` on a TLS client turns every received byte into its
low seven bits (Node's 'ascii' decoder), so the UTF-8 text arrives changed.
"""

import nodessl as tls

NODE_TEST = "test-tls-set-encoding.js"

# Contains a UTF8 only character
MESSAGE_UTF8 = "x√ab c"
# The same string above represented with ASCII
MESSAGE_ASCII = "xb\b\u001aab c"


def test_set_encoding(common, fixtures):
    options = {"key": fixtures.readKey("agent2-key.pem"),
               "cert": fixtures.readKey("agent2-cert.pem")}

    def main():
        def on_secure(socket):
            print("server: on secureConnection", socket.getProtocol())
            socket.end(MESSAGE_UTF8)

        server = tls.Server(options, common.mustCall(on_secure))

        def on_listening():
            client = tls.connect({"port": server.address()["port"],  # Node's this.address()
                                  "rejectUnauthorized": False})
            buffer = ""
            client.setEncoding("ascii")

            def on_data(d):
                nonlocal buffer
                print("client: on data", repr(d))
                assert isinstance(d, str)
                buffer += d

            def on_close(*_):
                print("client: on close")
                # readyState is deprecated but we want to make
                # sure this isn't triggering an assert in lib/net.js
                assert client.readyState == "closed"
                # Confirming the buffer string is encoded in ASCII
                # and thus does NOT match the UTF8 string
                assert MESSAGE_UTF8 != buffer
                # Confirming the buffer string is encoded in ASCII
                # and thus does equal the ASCII string representation
                assert MESSAGE_ASCII == buffer
                server.close()

            client.on("data", on_data)
            client.on("secureConnect", common.mustCall(lambda: print("client: on secureConnect")))
            client.on("close", common.mustCall(on_close))

        server.listen(0, on_listening)

    common.run(main)

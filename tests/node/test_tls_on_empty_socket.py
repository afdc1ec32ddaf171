"""Port of Node 20's test/parallel/test-tls-on-empty-socket.js.

``tls.connect({socket})`` over a net.Socket that connects only afterwards
completes the handshake and reads the server's data.
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-on-empty-socket.js"


def test_on_empty_socket(common, fixtures):
    out = ""

    def main():
        def on_listening():
            socket = net.Socket()

            def on_connect():
                def on_data(chunk):
                    nonlocal out
                    out += chunk.decode()  # JS `out += chunk` stringifies the Buffer

                s.on("data", on_data)

                def on_end():
                    s.destroy()
                    server.close()

                s.on("end", on_end)

            s = tls.connect({"socket": socket, "rejectUnauthorized": False}, on_connect)

            # Node's this: the server
            socket.connect(server.address()["port"])

        server = tls.createServer({"key": fixtures.readKey("agent1-key.pem"),
                                   "cert": fixtures.readKey("agent1-cert.pem")},
                                  lambda c: c.end("hello"))
        server.listen(0, on_listening)

    common.run(main)
    # process.on('exit')
    assert out == "hello"

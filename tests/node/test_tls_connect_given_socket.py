"""Port of Node 20's test/parallel/test-tls-connect-given-socket.js.

``tls.connect({socket})`` over net sockets that are connecting, connected, destroyed at
once or outlived by the TCP connection: only the live ones complete and read the reply.
"""


import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-connect-given-socket.js"



def test_connect_given_socket(common, fixtures):
    options = {
        "key": fixtures.readKey("rsa_private.pem"),
        "cert": fixtures.readKey("rsa_cert.crt"),
    }

    def main():
        waiting = 2

        def establish(socket, calls=1):
            def on_connect():
                data = ""

                def on_data(chunk):
                    nonlocal data
                    data += chunk.decode()

                client.on("data", common.mustCall(on_data))

                def on_end():
                    nonlocal waiting
                    assert data == "Hello"
                    waiting -= 1
                    if waiting == 0:
                        server.close()

                client.on("end", common.mustCall(on_end))

            client = tls.connect({
                "rejectUnauthorized": False,
                "socket": socket,
            }, common.mustCall(on_connect, calls))
            assert client.readable
            assert client.writable
            return client

        def on_listening():
            port = server.address()["port"]
            immediate_death = net.connect(port)
            establish(immediate_death, 0).destroy()

            def on_outliving_connect():
                outliving_tls.destroy()
                next_()

            outliving_tcp = net.connect(port, common.mustCall(on_outliving_connect))
            outliving_tls = establish(outliving_tcp, 0)

            def next_():
                connected = net.connect(port, common.mustCall(lambda: establish(connected)))
                connecting = net.connect(port)
                establish(connecting)

        server = tls.createServer(options, common.mustCall(lambda socket: socket.end("Hello"), 2))
        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=3)

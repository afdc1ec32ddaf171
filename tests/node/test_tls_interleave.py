"""Port of Node 20's test/parallel/test-tls-interleave.js.

Three writes the server makes at once, while the client writes too, reach the client
in order ('readable' + read(), chunks possibly coalesced).
"""

import nodessl as tls

NODE_TEST = "test-tls-interleave.js"


def test_interleave(common, fixtures):
    options = {"key": fixtures.readKey("rsa_private.pem"),
               "cert": fixtures.readKey("rsa_cert.crt"),
               "ca": [fixtures.readKey("rsa_ca.crt")]}

    writes = [
        "some server data",
        "and a separate packet",
        "and one more",
    ]
    receivedWrites = 0

    def main():
        def on_secure_connection(c):
            c.resume()
            for s in writes:
                c.write(s)

        def on_listening():
            connectOpts = {"rejectUnauthorized": False}

            def on_connect():
                c.write("some client data")

                def on_readable():
                    nonlocal receivedWrites
                    data = c.read()
                    if data is None:
                        return

                    data = data.decode()
                    while len(data) != 0:
                        assert data.startswith(writes[receivedWrites])
                        data = data[len(writes[receivedWrites]):]

                        receivedWrites += 1
                        if receivedWrites == len(writes):
                            c.end()
                            server.close()

                c.on("readable", on_readable)

            c = tls.connect(server.address().port, connectOpts, on_connect)  # Node's this

        server = tls.createServer(options, on_secure_connection).listen(
            0, common.mustCall(on_listening))

    common.run(main, timeout=10)
    # Node's process.on('exit')
    assert receivedWrites == len(writes)

"""Port of Node 20's test/parallel/test-tls-client-destroy-soon.js.

A server that calls end(big) then destroySoon() still delivers all 2 MiB before the client
sees 'end'.
"""

import nodessl as tls

NODE_TEST = "test-tls-client-destroy-soon.js"


def test_client_destroy_soon(common, fixtures):
    options = {
        "key": fixtures.readKey("agent2-key.pem"),
        "cert": fixtures.readKey("agent2-cert.pem"),
    }

    big = b"Y" * (2 * 1024 * 1024)

    def main():
        # create server
        def on_secure(socket):
            socket.end(big)
            socket.destroySoon()

        server = tls.createServer(options, common.mustCall(on_secure))

        # start listening
        def on_listening():
            def on_connect():
                bytesRead = 0

                def on_readable(*_args):
                    nonlocal bytesRead
                    d = client.read()
                    if d:
                        bytesRead += len(d)

                client.on("readable", on_readable)

                def on_end():
                    server.close()
                    assert len(big) == bytesRead

                client.on("end", common.mustCall(on_end))

            # Node's `this` is the server
            client = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))

        server.listen(0, common.mustCall(on_listening))

    common.run(main)

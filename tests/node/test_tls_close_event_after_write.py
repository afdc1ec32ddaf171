"""Port of Node 20's test/parallel/test-tls-close-event-after-write.js.

Issue #24984: a TLS connection that was written to (server end(1 MiB), client reads it all then
ends) still emits 'close' on the server side.
"""

import nodessl as tls

NODE_TEST = "test-tls-close-event-after-write.js"


def test_close_event_after_write(common, fixtures):
    cconn = None
    sconn = None
    read_len = 0
    buffer_size = 1024 * 1024

    def main():
        def test():
            if cconn and sconn:
                cconn.resume()
                sconn.resume()
                sconn.end(bytes(buffer_size))

        def on_secure(c):
            nonlocal sconn
            c.on("close", common.mustCall(lambda *_: server.close()))
            sconn = c
            test()

        def on_listening():
            def on_connect():
                nonlocal cconn
                cconn = client  # Node's `this` is the client socket

                def on_data(d):
                    nonlocal read_len
                    read_len += len(d)
                    if read_len == buffer_size:
                        cconn.end()

                cconn.on("data", on_data)
                test()

            # Node's `this` is the server
            client = tls.connect(server.address()["port"], {
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))

        server = tls.createServer({
            "key": fixtures.readKey("agent1-key.pem"),
            "cert": fixtures.readKey("agent1-cert.pem"),
        }, on_secure).listen(0, common.mustCall(on_listening))

    common.run(main)

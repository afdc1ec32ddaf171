"""Port of Node 20's test/parallel/test-tls-invoke-queued.js.

Writes queued from a write callback (and one queued after it) are all sent and their
callbacks invoked, even though the first of them destroys the socket.
"""

import nodessl as tls

NODE_TEST = "test-tls-invoke-queued.js"


def test_invoke_queued(common, fixtures):
    received = ""

    def main():
        def on_secure_connection(c):
            def after_hello(*_):
                c.write("world!", None, common.mustCall(lambda *_: c.destroy()))
                # Data on next _write() will be written, and the cb will still be invoked
                c.write(" gosh", None, common.mustCall())

            c.write("hello ", None, common.mustCall(after_hello))

            server.close()

        def on_listening():
            def on_connect():
                def on_data(chunk):
                    nonlocal received
                    received += chunk.decode()  # JS string concatenation decodes the Buffer

                c.on("data", on_data)

                def on_end():
                    assert received == "hello world! gosh"

                c.on("end", common.mustCall(on_end))

            c = tls.connect(server.address().port, {  # Node's this
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))

        server = tls.createServer({
            "key": fixtures.readKey("agent1-key.pem"),
            "cert": fixtures.readKey("agent1-cert.pem"),
        }, common.mustCall(on_secure_connection)).listen(0, common.mustCall(on_listening))

    common.run(main, timeout=10)

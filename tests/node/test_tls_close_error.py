"""Port of Node 20's test/parallel/test-tls-close-error.js.

A client that does not trust the server's certificate (agent1, issued by ca1) gets 'error',
then 'close' with hadError true; secureConnect never runs.
"""

import nodessl as tls

NODE_TEST = "test-tls-close-error.js"


def test_close_error(common, fixtures):
    def main():
        def on_listening():
            # Node's `this` is the server
            c = tls.connect(server.address()["port"], common.mustNotCall())

            c.on("error", common.mustCall())

            def on_close(err):
                assert err
                server.close()

            c.on("close", common.mustCall(on_close))

        server = tls.createServer({
            "key": fixtures.readKey("agent1-key.pem"),
            "cert": fixtures.readKey("agent1-cert.pem"),
        }, lambda c: None).listen(0, common.mustCall(on_listening))

    common.run(main)

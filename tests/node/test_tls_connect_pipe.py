"""Port of Node 20's test/parallel/test-tls-connect-pipe.js.

A TLS server listening on a Unix domain socket (``common.PIPE``) and a client connecting to it.
"""

import nodessl as tls

NODE_TEST = "test-tls-connect-pipe.js"


def test_connect_pipe(common, fixtures, tmp_path):
    options = {
        "key": fixtures.readKey("agent1-key.pem"),
        "cert": fixtures.readKey("agent1-cert.pem"),
    }

    # Node's tmpdir.refresh() and common.PIPE: a fresh directory and a socket path in it
    pipe = str(tmp_path / "node-test.sock")

    def main():
        server = tls.Server(options, common.mustCall(lambda socket: server.close()))

        def on_listening():
            options = {"rejectUnauthorized": False}
            client = tls.connect(pipe, options, common.mustCall(lambda: client.end()))

        server.listen(pipe, common.mustCall(on_listening))

    common.run(main, timeout=10)

"""Port of Node 20's test/parallel/test-tls-junk-server.js.

A TLS client (Node's https.request) talking to a plain net server that answers its
ClientHello with text fails with OpenSSL's 'wrong version number'.
"""

import re

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-junk-server.js"


def test_junk_server(common):
    def main():
        def on_connection(s):
            def on_data(*_):
                s.end("I was waiting for you, hello!", lambda *_: s.destroy())

            s.once("data", on_data)

        server = net.createServer(on_connection)

        def on_listening():
            port = server.address().port  # Node's this
            # https.request({port}) is only the client here: a TLS connection to
            # localhost:port, and req.end() queues the request for after the handshake
            req = tls.connect({"port": port, "host": "localhost", "servername": "localhost"})
            req.end(f"GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n")

            def on_error(err):
                assert re.search(r"wrong version number", err.message), err.message
                server.close()

            req.once("error", common.mustCall(on_error))

        server.listen(0, on_listening)

    common.run(main, timeout=10)

"""Port of Node 20's test/parallel/test-tls-handshake-error.js.

``tls.connect()`` with a cipher list that matches nothing throws 'no cipher match' at once.
"""

import re

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-handshake-error.js"


def test_handshake_error(common, fixtures):
    def main():
        server = tls.createServer({
            "key": fixtures.readKey("agent1-key.pem"),
            "cert": fixtures.readKey("agent1-cert.pem"),
            "rejectUnauthorized": True,
        }, lambda c: None)

        def on_listening():
            assert_throws(lambda: tls.connect({
                "port": server.address()["port"],  # Node's this is the server
                "ciphers": "no-such-cipher",
            }, common.mustNotCall()), {"message": re.compile("no cipher match", re.I)})

            server.close()

        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=5)

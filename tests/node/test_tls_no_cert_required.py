"""Port of Node 20's test/parallel/test-tls-no-cert-required.js.

``tls.createServer`` without ``cert``/``pfx`` (with a no-authentication
cipher, a listener only, ``{}``, nothing) listens fine; a non-object options
argument throws ERR_INVALID_ARG_TYPE.
"""

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-no-cert-required.js"


def test_no_cert_required(common):
    def main():
        def listen_then_close(server):
            # Node's `function close() { this.close(); }`: `this` is the server
            server.listen(0, common.mustCall(lambda: server.close()))

        # Omitting the cert or pfx option to tls.createServer() should not throw.
        # AECDH-NULL-SHA is a no-authentication/no-encryption cipher and hence
        # doesn't need a certificate.
        listen_then_close(tls.createServer({"ciphers": "AECDH-NULL-SHA"}))

        # assert.fail as the connection listener: it must never run
        listen_then_close(tls.createServer(common.mustNotCall()))

        listen_then_close(tls.createServer({}))

        assert_throws(
            lambda: tls.createServer("this is not valid"),
            {
                "code": "ERR_INVALID_ARG_TYPE",
                "name": "TypeError",
                # JS's typeof name `string` is Python's `str`; JS: 'must be of type object'
                "message": 'The "options" argument must be a dict. '
                           "Received type str ('this is not valid')",
            },
        )

        listen_then_close(tls.createServer())

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-timeout-server-2.js.

``setTimeout`` on a server-side TLSSocket returns the socket and fires after
the idle time.
"""

import nodessl as tls

NODE_TEST = "test-tls-timeout-server-2.js"


def test_timeout_server_2(common, fixtures):
    options = {"key": fixtures.readKey("agent1-key.pem"),
               "cert": fixtures.readKey("agent1-cert.pem")}

    def main():
        def on_secure(cleartext):
            def on_timeout(*_):
                cleartext.destroy()
                server.close()

            s = cleartext.setTimeout(50, on_timeout)
            assert isinstance(s, tls.TLSSocket)

        server = tls.createServer(options, common.mustCall(on_secure))
        server.listen(0, common.mustCall(lambda: tls.connect({
            "host": "127.0.0.1", "port": server.address()["port"],
            "rejectUnauthorized": False})))

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-zero-clear-in.js.

``end('')`` right after ``connect`` writes zero bytes of plaintext, which
must not be treated as an error.
"""

import nodessl as tls

NODE_TEST = "test-tls-zero-clear-in.js"


def test_zero_clear_in(common, fixtures):
    cert = fixtures.readKey("rsa_cert.crt")
    key = fixtures.readKey("rsa_private.pem")

    def main():
        def on_secure(c):
            # Nop
            def later():
                c.end()
                server.close()
            tls.setTimeout(later, 20)

        server = tls.createServer({"cert": cert, "key": key}, on_secure)

        def on_listening():
            conn = tls.connect({"cert": cert, "key": key, "rejectUnauthorized": False,
                                "port": server.address()["port"]},  # Node's this.address()
                               lambda: tls.setTimeout(lambda: conn.destroy(), 20))
            # SSL_write() call's return value, when called 0 bytes, should not be
            # treated as error.
            conn.end("")
            conn.on("error", common.mustNotCall())

        server.listen(0, common.mustCall(on_listening))

    common.run(main)

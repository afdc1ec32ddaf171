"""Port of Node 20's test/parallel/test-tls-client-abort.js.

A client destroyed right after tls.connect() never reaches secureConnect and the program ends.
"""

import nodessl as tls

NODE_TEST = "test-tls-client-abort.js"


def test_client_abort(common, fixtures):
    cert = fixtures.readKey("rsa_cert.crt")
    key = fixtures.readKey("rsa_private.pem")

    def main():
        conn = tls.connect({"cert": cert, "key": key, "port": 0}, common.mustNotCall())
        conn.on("error", lambda *_: None)
        conn.destroy()

    common.run(main)

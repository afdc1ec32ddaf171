"""Port of Node 20's test/parallel/test-tls-no-rsa-key.js.

A server with only an EC key and certificate serves a client, which sees the
EC certificate and the server's data.
"""

import nodessl as tls

NODE_TEST = "test-tls-no-rsa-key.js"


def test_no_rsa_key(common, fixtures):
    # Node reads "/ec-key.pem"; path.join makes it keys/ec-key.pem
    options = {"key": fixtures.readKey("ec-key.pem"),
               "cert": fixtures.readKey("ec-cert.pem")}

    def main():
        def on_listening():
            # Node's this: the server
            def on_connect():
                def on_end():
                    c.end()
                    server.close()

                c.on("end", common.mustCall(on_end))

                def on_data(data):
                    assert data.decode() == "ok"

                c.on("data", on_data)

                cert = c.getPeerCertificate()
                assert cert["subject"]["C"] == "US"

            c = tls.connect(server.address()["port"], {"rejectUnauthorized": False},
                            common.mustCall(on_connect))

        server = tls.createServer(options, lambda conn: conn.end("ok"))
        server.listen(0, common.mustCall(on_listening))

    common.run(main)

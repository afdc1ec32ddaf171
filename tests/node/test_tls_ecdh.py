"""Port of Node 20's test/parallel/test-tls-ecdh.js.

ecdhCurve 'prime256v1' with ECDHE-RSA-AES128-SHA256 over TLS 1.2: ``openssl s_client``
(run through ``exec``) receives the server's reply.
"""

import nodechild

import nodessl as tls

NODE_TEST = "test-tls-ecdh.js"


def test_ecdh(common, fixtures):
    assert common.opensslCli, "missing openssl-cli"

    options = {
        "key": fixtures.readKey("agent2-key.pem"),
        "cert": fixtures.readKey("agent2-cert.pem"),
        "ciphers": "-ALL:ECDHE-RSA-AES128-SHA256",
        "ecdhCurve": "prime256v1",
        "maxVersion": "TLSv1.2",
    }

    reply = "I AM THE WALRUS"  # Something recognizable

    def main():
        server = tls.createServer(options, common.mustCall(lambda conn: conn.end(reply)))

        def on_listening():
            cmd = (f'"{common.opensslCli}" s_client -cipher {options["ciphers"]} '
                   f"-connect 127.0.0.1:{server.address()['port']}")

            def on_done(stdout, stderr):
                assert reply in stdout
                server.close()

            nodechild.exec(cmd, common.mustSucceed(on_done))

        server.listen(0, "127.0.0.1", common.mustCall(on_listening))

    try:
        common.run(main, timeout=10)
    finally:
        nodechild.kill_all()

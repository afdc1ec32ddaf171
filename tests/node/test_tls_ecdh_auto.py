"""Port of Node 20's test/parallel/test-tls-ecdh-auto.js.

The value "auto" on the ecdhCurve option is supported to enable automatic curve
selection in the TLS server: ``openssl s_client`` with an ECDHE suite gets the reply.
"""

import nodechild

import nodessl as tls

NODE_TEST = "test-tls-ecdh-auto.js"


def test_ecdh_auto(common, fixtures):
    assert common.opensslCli, "missing openssl-cli"

    def load_pem(n):
        return fixtures.readKey(f"{n}.pem")

    options = {
        "key": load_pem("agent2-key"),
        "cert": load_pem("agent2-cert"),
        "ciphers": "-ALL:ECDHE-RSA-AES128-SHA256",
        "ecdhCurve": "auto",
    }

    reply = "I AM THE WALRUS"  # something recognizable
    got_reply = False

    def main():
        server = tls.createServer(options, lambda conn: conn.end(reply))

        def on_listening():
            args = ["s_client",
                    "-cipher", f"{options['ciphers']}",
                    "-connect", f"127.0.0.1:{server.address()['port']}"]

            client = nodechild.spawn(common.opensslCli, args)

            def on_data(data):
                nonlocal got_reply
                message = data.decode()
                if reply in message:
                    got_reply = True

            client.stdout.on("data", on_data)

            def on_exit(code, signal):
                assert code == 0
                server.close()

            client.on("exit", on_exit)

            def on_error(err):
                raise err  # assert.ifError

            client.on("error", on_error)

        server.listen(0, on_listening)

    try:
        common.run(main, timeout=10)
    finally:
        nodechild.kill_all()
    # Node's process.on('exit')
    assert got_reply

"""Port of Node 20's test/parallel/test-tls-connect-no-host.js.

``tls.connect()`` without ``host`` verifies the server as 'localhost' (nodejs/node#1489).
"""

import nodessl as tls

NODE_TEST = "test-tls-connect-no-host.js"


def test_connect_no_host(common, fixtures):
    # Node's fixtures test_cert.pem/test_key.pem are keys/rsa_cert.crt/rsa_private.pem
    # (self-signed, CN=localhost) in the key set this project builds
    cert = fixtures.readKey("rsa_cert.crt")
    key = fixtures.readKey("rsa_private.pem")

    def main():
        # https://github.com/nodejs/node/issues/1489
        # tls.connect(options) with no options.host should accept a cert with
        #   CN:'localhost'
        def on_listening():
            def on_connect():
                assert socket.authorized
                socket.destroy()
                server.close()

            socket = tls.connect({
                "port": server.address()["port"],  # Node's this is the server
                "ca": cert,
                # No host set here. 'localhost' is the default,
                # but tls.checkServerIdentity() breaks before the fix with:
                # Error: Hostname/IP doesn't match certificate's altnames:
                #   "Host: undefined. is not cert's CN: localhost"
            }, common.mustCall(on_connect))

        server = tls.createServer({"key": key, "cert": cert})
        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=10)

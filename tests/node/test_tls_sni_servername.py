"""Port of Node 20's test/parallel/test-tls-sni-servername.js.

A failing SNICallback (an error, or an object that is not a SecureContext)
gives 'tlsClientError' "Invalid SNI context", and the server-side socket
still knows the servername the client sent.
"""

import nodessl as tls

NODE_TEST = "test-tls-sni-servername.js"


def sni_callback(servername, callback):
    if servername == "c.another.com":
        callback(None, {})
    else:
        callback(Exception("Invalid SNI context"), None)


SERVER_OPTIONS = {"requestCert": True, "rejectUnauthorized": False, "SNICallback": sni_callback}


def run_case(common, options):
    def main():
        server = tls.createServer(SERVER_OPTIONS, common.mustNotCall())

        def on_client_error(err, socket):
            assert err.message == "Invalid SNI context"
            # The `servername` should match.
            assert socket.servername == options["servername"]

        server.on("tlsClientError", common.mustCall(on_client_error))

        def on_listening():
            options["port"] = server.address()["port"]
            client = tls.connect(options, common.mustNotCall())

            def on_error(err):
                assert err.message == ("Client network socket disconnected before secure "
                                       "TLS connection was established")

            client.on("error", common.mustCall(on_error))
            client.on("close", common.mustCall(lambda *_: server.close()))

        server.listen(0, on_listening)

    common.run(main)


def test_sni_servername_another(common):
    run_case(common, {"port": None, "servername": "c.another.com", "rejectUnauthorized": False})


def test_sni_servername_wrong(common):
    run_case(common, {"port": None, "servername": "c.wrong.com", "rejectUnauthorized": False})

"""Port of Node 20's test/parallel/test-tls-sni-option.js.

A server whose asynchronous SNICallback picks a context per servername: the
client sees the chosen certificate (or the default one), client certificates
are checked against the chosen context's CA, and an empty context object makes
the handshake fail with 'Invalid SNI context'.
"""

import nodessl as tls

NODE_TEST = "test-tls-sni-option.js"


def test_sni_option(common, fixtures):
    def loadPEM(n):
        return fixtures.readKey(f"{n}.pem")

    def sni_callback(servername, callback):
        context = SNIContexts.get(servername)

        # Just to test asynchronous callback
        def later():
            if context:
                if context.get("emptyRegression"):
                    callback(None, {})
                else:
                    callback(None, tls.createSecureContext(context))
            else:
                callback(None, None)

        tls.setTimeout(later, 100)

    serverOptions = {
        "key": loadPEM("agent2-key"),
        "cert": loadPEM("agent2-cert"),
        "requestCert": True,
        "rejectUnauthorized": False,
        "SNICallback": sni_callback,
    }

    SNIContexts = {
        "a.example.com": {
            "key": loadPEM("agent1-key"),
            "cert": loadPEM("agent1-cert"),
            "ca": [loadPEM("ca2-cert")],
        },
        "b.example.com": {
            "key": loadPEM("agent3-key"),
            "cert": loadPEM("agent3-cert"),
        },
        "c.another.com": {
            "emptyRegression": True,
        },
    }

    def test(options, clientResult, serverResult, clientError, serverError):
        def on_secure(c):
            assert serverResult == {"sni": c.servername, "authorized": c.authorized}

        server = tls.createServer(serverOptions, on_secure)

        if serverResult:
            assert not serverError
            server.on("tlsClientError", common.mustNotCall())
        else:
            assert serverError

            def on_client_error(err, *_):
                assert err.message == serverError

            server.on("tlsClientError", common.mustCall(on_client_error))

        def on_listening():
            options["port"] = server.address().port

            def on_connect():
                # JS `a && (a === b)`: null/'' stays as is, so strictEqual(result, bool) checks
                # that authorizationError is set
                result = client.authorizationError and (
                    client.authorizationError == "ERR_TLS_CERT_ALTNAME_INVALID")
                assert result is clientResult
                client.end()

            client = tls.connect(options, on_connect)

            client.on("close", common.mustCall(lambda *_: server.close()))

            if clientError:
                def on_error(err):
                    assert err.message == clientError

                client.on("error", common.mustCall(on_error))
            else:
                client.on("error", common.mustNotCall())

        server.listen(0, on_listening)

    def main():
        test({
            "port": None,
            "key": loadPEM("agent1-key"),
            "cert": loadPEM("agent1-cert"),
            "ca": [loadPEM("ca1-cert")],
            "servername": "a.example.com",
            "rejectUnauthorized": False,
        }, True, {"sni": "a.example.com", "authorized": False}, None, None)

        test({
            "port": None,
            "key": loadPEM("agent4-key"),
            "cert": loadPEM("agent4-cert"),
            "ca": [loadPEM("ca1-cert")],
            "servername": "a.example.com",
            "rejectUnauthorized": False,
        }, True, {"sni": "a.example.com", "authorized": True}, None, None)

        test({
            "port": None,
            "key": loadPEM("agent2-key"),
            "cert": loadPEM("agent2-cert"),
            "ca": [loadPEM("ca2-cert")],
            "servername": "b.example.com",
            "rejectUnauthorized": False,
        }, True, {"sni": "b.example.com", "authorized": False}, None, None)

        test({
            "port": None,
            "key": loadPEM("agent3-key"),
            "cert": loadPEM("agent3-cert"),
            "ca": [loadPEM("ca1-cert")],
            "servername": "c.wrong.com",
            "rejectUnauthorized": False,
        }, False, {"sni": "c.wrong.com", "authorized": False}, None, None)

        test({
            "port": None,
            "key": loadPEM("agent3-key"),
            "cert": loadPEM("agent3-cert"),
            "ca": [loadPEM("ca1-cert")],
            "servername": "c.another.com",
            "rejectUnauthorized": False,
        }, False, None,
            "Client network socket disconnected before secure TLS "
            "connection was established",
            "Invalid SNI context")

    common.run(main)

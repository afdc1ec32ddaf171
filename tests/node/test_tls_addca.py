"""Port of Node 20's test/parallel/test-tls-addca.js.

A CA added to one SecureContext (context.addCACert) does not show up in another: a client on
the context without it fails verification, on the context with it connects.
"""


import nodessl as tls

NODE_TEST = "test-tls-addca.js"



def test_addca(common, tls_connect):
    connect, keys = tls_connect.connect, tls_connect.keys

    def main():
        contextWithoutCert = tls.createSecureContext({})
        contextWithCert = tls.createSecureContext({})
        contextWithCert.context.addCACert(keys["agent1"]["ca"])

        serverOptions = {
            "key": keys["agent1"]["key"],
            "cert": keys["agent1"]["cert"],
        }

        clientOptions = {
            "ca": [keys["agent1"]["ca"]],
            "servername": "agent1",
            "rejectUnauthorized": True,
        }

        # This client should fail to connect because it doesn't trust the CA
        # certificate.
        clientOptions["secureContext"] = contextWithoutCert

        def first(err, pair, cleanup):
            assert err
            assert err.message == "unable to verify the first certificate"
            cleanup()

            # This time it should connect because contextWithCert includes the needed CA
            # certificate.
            clientOptions["secureContext"] = contextWithCert
            connect({
                "client": clientOptions,
                "server": serverOptions,
            }, common.mustSucceed(lambda pair, cleanup: cleanup()))

        connect({
            "client": clientOptions,
            "server": serverOptions,
        }, common.mustCall(first))

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-cnnic-whitelist.js.

A chain agent6 -> ca3 -> ca1 whose root ca1 is not among the client's trusted roots fails with
UNABLE_TO_GET_ISSUER_CERT_LOCALLY (the fix of node#2061).
"""

import nodessl as tls

NODE_TEST = "test-tls-cnnic-whitelist.js"

# `// Flags: --use-bundled-ca`: the client trusts the bundled Mozilla roots. nodessl's default
# roots are those already (tls.rootCertificates, from certifi), so no flag is needed.


def test_cnnic_whitelist(common, fixtures):
    def loadPEM(n):
        return fixtures.readKey(f"{n}.pem")

    testCases = [
        # Test 1: for the fix of node#2061
        # agent6-cert.pem is signed by intermediate cert of ca3.
        # The server has a cert chain of agent6->ca3->ca1(root) but
        # tls.connect should be failed with an error of
        # UNABLE_TO_GET_ISSUER_CERT_LOCALLY since the root CA of ca1 is not
        # installed locally.
        {
            "serverOpts": {
                "ca": loadPEM("ca3-key"),
                "key": loadPEM("agent6-key"),
                "cert": loadPEM("agent6-cert"),
            },
            "clientOpts": {
                "port": None,
                "rejectUnauthorized": True,
            },
            "errorCode": "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        },
    ]

    def runTest(tindex):
        tcase = testCases[tindex] if tindex < len(testCases) else None

        if not tcase:
            return

        def on_listening():
            tcase["clientOpts"]["port"] = server.address()["port"]  # Node's `this`
            client = tls.connect(tcase["clientOpts"])

            def on_error(e):
                assert e.code == tcase["errorCode"]
                server.close(common.mustCall(lambda *_: runTest(tindex + 1)))

            client.on("error", common.mustCall(on_error))

        server = tls.createServer(tcase["serverOpts"], lambda s: s.resume()).listen(
            0, common.mustCall(on_listening))

    common.run(lambda: runTest(0))

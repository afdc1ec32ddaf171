"""Port of Node 20's test/parallel/test-tls-client-verify.js.

A client with rejectUnauthorized false reports authorized exactly when its ca list holds the
server certificate's issuer (an altname mismatch still counts as authorized), for three ca lists
against three servers, one after the other.
"""

import nodessl as tls

NODE_TEST = "test-tls-client-verify.js"

testCases = [
    {"ca": ["ca1-cert"],
     "key": "agent2-key",
     "cert": "agent2-cert",
     "servers": [
         {"ok": True, "key": "agent1-key", "cert": "agent1-cert"},
         {"ok": False, "key": "agent2-key", "cert": "agent2-cert"},
         {"ok": False, "key": "agent3-key", "cert": "agent3-cert"},
     ]},

    {"ca": [],
     "key": "agent2-key",
     "cert": "agent2-cert",
     "servers": [
         {"ok": False, "key": "agent1-key", "cert": "agent1-cert"},
         {"ok": False, "key": "agent2-key", "cert": "agent2-cert"},
         {"ok": False, "key": "agent3-key", "cert": "agent3-cert"},
     ]},

    {"ca": ["ca1-cert", "ca2-cert"],
     "key": "agent2-key",
     "cert": "agent2-cert",
     "servers": [
         {"ok": True, "key": "agent1-key", "cert": "agent1-cert"},
         {"ok": False, "key": "agent2-key", "cert": "agent2-cert"},
         {"ok": True, "key": "agent3-key", "cert": "agent3-cert"},
     ]},
]


def test_client_verify(common, fixtures):
    def loadPEM(n):
        return fixtures.readKey(f"{n}.pem")

    successfulTests = 0

    def testServers(index, servers, clientOptions, cb):
        serverOptions = servers[index] if index < len(servers) else None
        if not serverOptions:
            cb()
            return

        ok = serverOptions["ok"]

        if serverOptions.get("key"):
            serverOptions["key"] = loadPEM(serverOptions["key"])

        if serverOptions.get("cert"):
            serverOptions["cert"] = loadPEM(serverOptions["cert"])

        server = tls.createServer(serverOptions,
                                  common.mustCall(lambda s: s.end("hello world\n")))

        def on_listening():
            b = ""

            print("connecting...")
            clientOptions["port"] = server.address()["port"]  # Node's `this` is the server

            def on_connect():
                authorized = (client.authorized or
                              (client.authorizationError == "ERR_TLS_CERT_ALTNAME_INVALID"))

                print(f"expected: {ok} authed: {authorized}")

                assert authorized == ok
                server.close()

            client = tls.connect(clientOptions, common.mustCall(on_connect))

            def on_data(d):
                nonlocal b
                b += d.decode()

            client.on("data", on_data)

            def on_end():
                assert b == "hello world\n"

            client.on("end", common.mustCall(on_end))

            client.on("close", common.mustCall(
                lambda *_: testServers(index + 1, servers, clientOptions, cb)))

        server.listen(0, common.mustCall(on_listening))

    def runTest(testIndex):
        tcase = testCases[testIndex] if testIndex < len(testCases) else None
        if not tcase:
            return

        clientOptions = {
            "port": None,
            "ca": [loadPEM(name) for name in tcase["ca"]],
            "key": loadPEM(tcase["key"]),
            "cert": loadPEM(tcase["cert"]),
            "rejectUnauthorized": False,
        }

        def done():
            nonlocal successfulTests
            successfulTests += 1
            runTest(testIndex + 1)

        # the servers' option dicts are filled in place, as in Node: copy the module table
        testServers(0, [dict(s) for s in tcase["servers"]], clientOptions, common.mustCall(done))

    common.run(lambda: runTest(0))

    # process.on('exit')
    print(f"successful tests: {successfulTests}")
    assert successfulTests == len(testCases)

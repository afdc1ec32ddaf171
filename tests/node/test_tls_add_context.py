"""Port of Node 20's test/parallel/test-tls-add-context.js.

server.addContext() takes plain options or a SecureContext; SNI picks the context, and a
client naming an unknown context gets the default one (and is not authorized).
"""

import nodessl as tls

NODE_TEST = "test-tls-add-context.js"


def test_add_context(common, fixtures):
    def loadPEM(n):
        return fixtures.readKey(f"{n}.pem")

    serverOptions = {
        "key": loadPEM("agent2-key"),
        "cert": loadPEM("agent2-cert"),
        "ca": [loadPEM("ca2-cert")],
        "requestCert": True,
        "rejectUnauthorized": False,
    }

    connections = 0

    def main():
        def on_secure(c):
            nonlocal connections
            connections += 1
            if connections == 3:
                server.close()
            if c.servername == "unknowncontext":
                assert c.authorized is False
                return
            assert c.authorized is True

        server = tls.createServer(serverOptions, on_secure)

        secureContext = {
            "key": loadPEM("agent1-key"),
            "cert": loadPEM("agent1-cert"),
            "ca": [loadPEM("ca1-cert")],
        }
        server.addContext("context1", secureContext)
        server.addContext("context2", tls.createSecureContext(secureContext))

        clientOptionsBase = {
            "key": loadPEM("agent1-key"),
            "cert": loadPEM("agent1-cert"),
            "ca": [loadPEM("ca1-cert")],
            "rejectUnauthorized": False,
        }

        def on_listening():
            client1 = tls.connect({
                **clientOptionsBase,
                "port": server.address()["port"],
                "servername": "context1",
            }, common.mustCall(lambda: client1.end()))

            client2 = tls.connect({
                **clientOptionsBase,
                "port": server.address()["port"],
                "servername": "context2",
            }, common.mustCall(lambda: client2.end()))

            client3 = tls.connect({
                **clientOptionsBase,
                "port": server.address()["port"],
                "servername": "unknowncontext",
            }, common.mustCall(lambda: client3.end()))

        server.listen(0, common.mustCall(on_listening))

    common.run(main)
    # the assertions above run inside the server's listener: each of the 3 must have run
    assert connections == 3

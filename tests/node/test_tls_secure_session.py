"""Port of Node 20's test/parallel/test-tls-secure-session.js.

Over TLS 1.2 the client's 'session' event fires once, after 'secureConnect'.
"""

import nodessl as tls

NODE_TEST = "test-tls-secure-session.js"


def test_secure_session(common, fixtures):
    options = {
        "key": fixtures.readKey("agent1-key.pem"),

        # NOTE: Certificate Common Name is 'agent1'
        "cert": fixtures.readKey("agent1-cert.pem"),

        # NOTE: TLS 1.3 creates new session ticket **after** handshake so
        # `getSession()` output will be different even if the session was reused
        # during the handshake.
        "secureProtocol": "TLSv1_2_method",
    }

    def main():
        def on_listening():
            connected = False
            session = None

            def on_connect():
                nonlocal connected
                assert not connected
                assert not session

                connected = True

            client = tls.connect({"rejectUnauthorized": False,
                                  "port": server.address()["port"]},
                                 common.mustCall(on_connect))

            def on_session(new_session):
                nonlocal session
                assert connected
                assert not session

                session = new_session

                client.end()
                server.close()

            client.on("session", common.mustCall(on_session))

        server = tls.createServer(options, common.mustCall(lambda socket: socket.end()))
        server.listen(0, common.mustCall(on_listening))

    common.run(main)

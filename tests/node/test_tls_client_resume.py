"""Port of Node 20's test/parallel/test-tls-client-resume.js.

The session from the first connection's 'session' event resumes a second connection; on
TLS 1.3 the session read right after the handshake differs from it (and two 'session' events
come), on TLS 1.2 they are the same.
"""

import nodessl as tls

NODE_TEST = "test-tls-client-resume.js"


def client_resume(common, fixtures):
    """The whole Node program (test-tls-client-resume-12.js requires it too)."""
    options = {
        "key": fixtures.readKey("agent2-key.pem"),
        "cert": fixtures.readKey("agent2-cert.pem"),
    }
    closed = []  # client1's 'close' listener has no mustCall in Node; it must run all the same

    def main():
        # create server
        server = tls.Server(options, common.mustCall(lambda socket: socket.end("Goodbye"), 2))

        # start listening
        def on_listening():
            sessionx = None  # From right after connect, invalid for TLS1.3
            session1 = None  # Delivered by the session event, always valid.
            sessions = 0
            tls13 = None

            def on_connect1():
                nonlocal tls13, sessionx
                tls13 = client1.getProtocol() == "TLSv1.3"
                assert client1.isSessionReused() is False
                sessionx = client1.getSession()
                assert sessionx

                if session1:
                    reconnect()

            # Node's `this` is the server
            client1 = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect1))

            client1.on("data", common.mustCall())

            def on_session1(session):
                nonlocal session1
                print("session1")
                session1 = session
                assert session1
                if sessionx:
                    reconnect()

            client1.once("session", common.mustCall(on_session1))

            def count_session(*_args):
                nonlocal sessions
                sessions += 1
                print("client1 session#", sessions)

            client1.on("session", count_session)

            def on_close1(*_args):
                print("client1 close")
                assert sessions == (2 if tls13 else 1)
                closed.append(True)

            client1.on("close", on_close1)

            def reconnect():
                assert sessionx
                assert session1
                if tls13:
                    # For TLS1.3, the session immediately after handshake is a dummy,
                    # unresumable session. The one delivered later in session event is
                    # resumable.
                    assert sessionx != session1  # Buffer.compare() != 0
                else:
                    # For TLS1.2, they are identical.
                    assert sessionx == session1

                opts = {
                    "port": server.address()["port"],
                    "rejectUnauthorized": False,
                    "session": session1,
                }

                def on_connect2():
                    print("connect2")
                    assert client2.isSessionReused() is True

                client2 = tls.connect(opts, common.mustCall(on_connect2))

                def on_close2(*_args):
                    print("close2")
                    server.close()

                client2.on("close", common.mustCall(on_close2))

                client2.resume()

            client1.resume()

        server.listen(0, common.mustCall(on_listening))

    common.run(main)
    assert closed == [True]


def test_client_resume(common, fixtures):
    client_resume(common, fixtures)

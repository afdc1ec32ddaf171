"""Port of Node 20's test/parallel/test-tls-disable-renegotiation.js.

Calling disableRenegotiation() on a TLSSocket stops renegotiation: the first
renegotiation succeeds, the one after disableRenegotiation() makes the server
socket emit ERR_TLS_RENEGOTIATION_DISABLED; renegotiate() validates its arguments.
"""

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-disable-renegotiation.js"



def test_disable_renegotiation(common, fixtures, monkeypatch):
    # Renegotiation as a protocol feature was dropped after TLS1.2.
    # monkeypatch: a module value assigned by the program, restored after the test
    monkeypatch.setattr(tls, "DEFAULT_MAX_VERSION", "TLSv1.2")

    options = {
        "key": fixtures.readKey("agent1-key.pem"),
        "cert": fixtures.readKey("agent1-cert.pem"),
    }

    def main():
        def on_secure_connection(socket):
            def on_error(err):
                common.expectsError({
                    "name": "Error",
                    "code": "ERR_TLS_RENEGOTIATION_DISABLED",
                    "message": "TLS session renegotiation disabled for this socket",
                })(err)
                socket.destroy()
                server.close()

            socket.on("error", common.mustCall(on_error))

            # Disable renegotiation after the first chunk of data received.
            # Demonstrates that renegotiation works successfully up until
            # disableRenegotiation is called.
            def on_data(chunk):
                socket.write(chunk)
                socket.disableRenegotiation()

            socket.on("data", common.mustCall(on_data))

            def on_secure():
                # Node reads socket._handle.handshakes, the native handle's count of
                # renegotiations in the window; nodessl keeps it on the socket's state
                handshakes = socket._features.reneg.handshakes
                assert handshakes < 2, f"Too many handshakes [{handshakes}]"

            socket.on("secure", common.mustCall(on_secure))

        server = tls.Server(options, common.mustCall(on_secure_connection))

        def on_listening():
            port = server.address().port
            options = {
                "rejectUnauthorized": False,
                "port": port,
            }

            def on_connect():
                assert_throws(lambda: client.renegotiate(), {
                    "code": "ERR_INVALID_ARG_TYPE",
                    "name": "TypeError",
                })

                assert_throws(lambda: client.renegotiate(common.mustNotCall()), {
                    "code": "ERR_INVALID_ARG_TYPE",
                    "name": "TypeError",
                })

                assert_throws(lambda: client.renegotiate({}, False), {
                    "code": "ERR_INVALID_ARG_TYPE",
                    "name": "TypeError",
                })

                assert_throws(lambda: client.renegotiate({}, None), {
                    "code": "ERR_INVALID_ARG_TYPE",
                    "name": "TypeError",
                })

                # Negotiation is still permitted for this first
                # attempt. This should succeed.
                def on_renegotiated():
                    # Once renegotiation completes, we write some
                    # data to the socket, which triggers the on
                    # data event on the server. After that data
                    # is received, disableRenegotiation is called.
                    def on_written(*_):
                        nonlocal ok
                        # This second renegotiation attempt should fail
                        # and the callback should never be invoked. The
                        # server will simply drop the connection after
                        # emitting the error.
                        ok = client.renegotiate(options, common.mustNotCall())
                        assert ok is True

                    client.write("data", common.mustCall(on_written))

                ok = client.renegotiate(options, common.mustSucceed(on_renegotiated))
                assert ok is True
                client.on("secureConnect", common.mustCall(lambda: None))
                client.on("secure", common.mustCall(lambda: None))

            client = tls.connect(options, common.mustCall(on_connect))

        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=10)

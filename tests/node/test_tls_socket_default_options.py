"""Port of Node 20's test/parallel/test-tls-socket-default-options.js.

``new tls.TLSSocket(null, options).connect(port)`` verifies the server with
the options' ``ca`` or ``secureContext`` (a given context wins over ``ca``);
the result is only available as ``socket.ssl.verifyError()``.
"""


import nodessl as tls

NODE_TEST = "test-tls-socket-default-options.js"


def test_socket_default_options(common, tls_connect):
    keys = tls_connect.keys
    # the arrow functions' `this` in Node is module.exports, an empty object
    module_this: dict = {}

    def main():
        def test(client, callback):
            callback = common.mustCall(callback)

            def on_pair(err, pair, cleanup):
                assert err.message == "unable to verify the first certificate"
                recv = []

                def on_secure_connection(conn):
                    conn.on("data", lambda data: recv.append(data))

                    def on_end(*_):
                        # Server sees nothing wrong with connection, even though the
                        # client's authentication of the server cert failed.
                        assert b"".join(recv).decode() == "hello"
                        cleanup()

                    conn.on("end", common.mustCall(on_end))

                pair["server"]["server"].once("secureConnection",
                                              common.mustCall(on_secure_connection))

                # Client doesn't support the 'secureConnect' event, and doesn't error if
                # authentication failed. Caller must explicitly check for failure.
                sock = tls.TLSSocket(None, client)
                # Node's `this` in these listeners is the socket
                (sock.connect(pair["server"]["server"].address()["port"])
                    .on("connect", common.mustCall(lambda *_: sock.end("hello")))
                    .on("secureConnect", lambda *_: (_ for _ in ()).throw(
                        AssertionError("only supported for tls.connect")))
                    .on("secure", common.mustCall(
                        lambda *_: callback(sock.ssl.verifyError()))))

            tls_connect.connect({"server": {"key": keys["agent1"]["key"],
                                            "cert": keys["agent1"]["cert"]}}, on_pair)

        def unverified(err):
            assert err.message == "unable to verify the first certificate"

        test(None, unverified)

        def unverified_plain(err):
            assert err.message == "unable to verify the first certificate"
            # Properties never set on success or failure when tls.connect not used.
            assert "authorized" not in module_this, "only supported for tls.connect"
            assert "authorizationError" not in module_this, "only supported for tls.connect"

        test({}, unverified_plain)

        def verified_ctx(err):
            assert err is None  # assert.ifError
            # Properties never set on success or failure when tls.connect not used.
            assert "authorized" not in module_this, "only supported for tls.connect"
            assert "authorizationError" not in module_this, "only supported for tls.connect"

        test({"secureContext": tls.createSecureContext({"ca": keys["agent1"]["ca"]})},
             verified_ctx)

        def verified(err):
            assert err is None  # assert.ifError

        test({"ca": keys["agent1"]["ca"]}, verified)

        # Secure context options, like ca, are ignored if a sec ctx is explicitly provided.
        test({"secureContext": tls.createSecureContext(), "ca": keys["agent1"]["ca"]},
             unverified)

    common.run(main)

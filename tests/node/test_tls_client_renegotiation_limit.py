"""Port of Node 20's test/parallel/test-tls-client-renegotiation-limit.js.

A client that renegotiates more than tls.CLIENT_RENEG_LIMIT times gets the server to drop it
('TLS session renegotiation attack'); for each limit, exactly limit + 1 renegotiations are
started before the connection closes (TLS 1.2).
"""

import re

import nodessl as tls

NODE_TEST = "test-tls-client-renegotiation-limit.js"



def test_client_renegotiation_limit(common, fixtures, monkeypatch):
    assert common.opensslCli  # Node skips without the CLI (it does not run it)

    # Renegotiation as a protocol feature was dropped after TLS1.2.
    # monkeypatch: module values assigned by the program, restored after the test
    monkeypatch.setattr(tls, "DEFAULT_MAX_VERSION", "TLSv1.2")
    monkeypatch.setattr(tls, "CLIENT_RENEG_LIMIT", tls.CLIENT_RENEG_LIMIT)

    # Renegotiation limits to test
    LIMITS = [0, 1, 2, 3, 5, 10, 16]
    rounds_closed = 0  # a Node process cannot end before every round ran; a port can

    def main():
        n = 0

        def next_():
            nonlocal n
            if n >= len(LIMITS):
                return
            tls.CLIENT_RENEG_LIMIT = LIMITS[n]
            n += 1
            test(next_)

        next_()

    def test(next_):
        options = {
            "cert": fixtures.readKey("rsa_cert.crt"),
            "key": fixtures.readKey("rsa_private.pem"),
        }

        def on_secure(conn):
            def on_error(err):
                print(f"Caught exception: {err}")
                assert re.search(r"TLS session renegotiation attack", err.message)
                conn.destroy()

            conn.on("error", on_error)
            conn.pipe(conn)

        server = tls.createServer(options, on_secure)

        def on_listening():
            options = {
                "host": server.address().get("host"),  # undefined in Node too: localhost
                "port": server.address()["port"],
                "rejectUnauthorized": False,
            }
            renegs = 0

            # Simulate renegotiation attack
            def spam():
                nonlocal renegs

                def on_renegotiated(err=None):
                    assert err is None  # assert.ifError
                    assert renegs <= tls.CLIENT_RENEG_LIMIT
                    spam()

                client.write("")
                client.renegotiate({}, on_renegotiated)
                renegs += 1

            client = tls.connect(options, spam)

            def on_close(*_args):
                nonlocal rounds_closed
                rounds_closed += 1
                assert renegs == tls.CLIENT_RENEG_LIMIT + 1
                server.close()
                tls.nextTick(next_)  # process.nextTick

            client.on("close", on_close)

            def on_client_error(err):
                print("CLIENT ERR", err)
                raise err

            client.on("error", on_client_error)

            def on_close_had_err(hadErr):
                assert hadErr is False

            client.on("close", on_close_had_err)

        server.listen(0, on_listening)

    common.run(main)
    assert rounds_closed == len(LIMITS)

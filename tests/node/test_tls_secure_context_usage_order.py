"""Port of Node 20's test/parallel/test-tls-secure-context-usage-order.js.

The server picks the most recently added ``addContext`` entry that matches the
servername: before the 'good' context the client is not authorized, after it
(twice, so the list is not reversed in place) it is.
"""

import nodessl as tls

NODE_TEST = "test-tls-secure-context-usage-order.js"


def test_secure_context_usage_order(common, fixtures):
    # This test ensures that when a TLS connection is established, the server
    # selects the most recently added SecureContext that matches the servername.
    def load_pem(n):
        return fixtures.readKey(f"{n}.pem")

    server_options = {
        "key": load_pem("agent2-key"),
        "cert": load_pem("agent2-cert"),
        "requestCert": True,
        "rejectUnauthorized": False,
    }

    bad_secure_context = {
        "key": load_pem("agent1-key"),
        "cert": load_pem("agent1-cert"),
        "ca": [load_pem("ca2-cert")],
    }

    good_secure_context = {
        "key": load_pem("agent1-key"),
        "cert": load_pem("agent1-cert"),
        "ca": [load_pem("ca1-cert")],
    }

    def main():
        def on_secure(c):
            # The 'a' and 'b' subdomains are used to distinguish between client
            # connections.
            # Connection to subdomain 'a' is made when the 'bad' secure context is
            # the only one in use.
            if c.servername == "a.example.com":
                assert c.authorized is False
            # Connection to subdomain 'b' is made after the 'good' context has been
            # added.
            if c.servername == "b.example.com":
                assert c.authorized is True

        server = tls.createServer(server_options, on_secure)

        # 1. Add the 'bad' secure context. A connection using this context will not be
        # authorized.
        server.addContext("*.example.com", bad_secure_context)

        def on_listening():
            options = {
                "port": server.address()["port"],
                "key": load_pem("agent1-key"),
                "cert": load_pem("agent1-cert"),
                "ca": [load_pem("ca1-cert")],
                "servername": "a.example.com",
                "rejectUnauthorized": False,
            }

            # 2. Make a connection using servername 'a.example.com'. Since a 'bad'
            # secure context is used, this connection should not be authorized.
            client = tls.connect(options, lambda: client.end())

            def on_client_close(*_):
                # 3. Add a 'good' secure context.
                server.addContext("*.example.com", good_secure_context)

                options["servername"] = "b.example.com"
                # 4. Make a connection using servername 'b.example.com'. This connection
                # should be authorized because the 'good' secure context is the most
                # recently added matching context.

                other = tls.connect(options, lambda: other.end())

                def on_other_close(*_):
                    # 5. Make another connection using servername 'b.example.com' to ensure
                    # that the array of secure contexts is not reversed in place with each
                    # SNICallback call, as someone might be tempted to refactor this piece
                    # of code by using Array.prototype.reverse() method.
                    onemore = tls.connect(options, lambda: onemore.end())

                    onemore.on("close", common.mustCall(lambda *_: server.close()))

                other.on("close", common.mustCall(on_other_close))

            client.on("close", common.mustCall(on_client_close))

        server.listen(0, on_listening)

    common.run(main)

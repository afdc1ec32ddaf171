"""Port of Node 20's test/parallel/test-tls-sni-server-client.js.

``server.addContext`` with exact and wildcard names: the client's servername
picks the certificate (seen in its authorizationError), the server socket
reports that servername.
"""

import nodessl as tls

NODE_TEST = "test-tls-sni-server-client.js"


def test_sni_server_client(common, fixtures):
    def load_pem(n):
        return fixtures.readKey(f"{n}.pem")

    server_options = {"key": load_pem("agent2-key"), "cert": load_pem("agent2-cert")}

    sni_contexts = {
        "a.example.com": {"key": load_pem("agent1-key"), "cert": load_pem("agent1-cert")},
        "asterisk.test.com": {"key": load_pem("agent3-key"), "cert": load_pem("agent3-cert")},
        # NOTE: Contains ca3 chain cert
        "chain.example.com": {"key": load_pem("agent6-key"), "cert": load_pem("agent6-cert")},
    }

    def main():
        def test(options, client_result, server_result):
            def on_secure(c):
                assert c.servername == server_result
                assert c.authorized is False

            server = tls.createServer(server_options, on_secure)

            server.addContext("a.example.com", sni_contexts["a.example.com"])
            server.addContext("*.test.com", sni_contexts["asterisk.test.com"])
            server.addContext("chain.example.com", sni_contexts["chain.example.com"])

            server.on("tlsClientError", common.mustNotCall())

            def on_listening():
                def on_connect():
                    # JavaScript's `a && (a === b)`: Python's `and` keeps the same value
                    result = client.authorizationError and \
                        (client.authorizationError == "ERR_TLS_CERT_ALTNAME_INVALID")
                    assert result == client_result
                    client.end()

                client = tls.connect({**options, "port": server.address()["port"],
                                      "rejectUnauthorized": False}, on_connect)
                client.on("close", common.mustCall(lambda *_: server.close()))

            server.listen(0, on_listening)

        test({"ca": [load_pem("ca1-cert")], "servername": "a.example.com"},
             True, "a.example.com")
        test({"ca": [load_pem("ca2-cert")], "servername": "b.test.com"},
             True, "b.test.com")
        test({"ca": [load_pem("ca2-cert")], "servername": "a.b.test.com"},
             False, "a.b.test.com")
        test({"ca": [load_pem("ca1-cert")], "servername": "c.wrong.com"},
             False, "c.wrong.com")
        test({"ca": [load_pem("ca1-cert")], "servername": "chain.example.com"},
             True, "chain.example.com")

        # The stored copy ends with three addContext argument checks (no servername:
        # ERR_MISSING_ARGS, 7: ERR_INVALID_ARG_TYPE, '::': ERR_INVALID_ARG_VALUE) that came
        # with the "IP servername forbidden" change, newer than Node 20 (node20-test-tls.txt):
        # node v20.20.2 throws ERR_TLS_REQUIRED_SERVER_NAME, a bare TypeError
        # ("servername.replace is not a function") and nothing for them, so they are not
        # Node 20's assertions.

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-client-renegotiation-13.js.

On TLS 1.3, renegotiate() returns false and its callback gets ERR_SSL_WRONG_SSL_VERSION.
"""

from nodecommon import assert_throws

NODE_TEST = "test-tls-client-renegotiation-13.js"


def test_client_renegotiation_13(common, tls_connect):
    connect, keys = tls_connect.connect, tls_connect.keys
    server = keys["agent10"]

    def on_pair(err, pair, cleanup):
        assert err is None  # assert.ifError

        client = pair["client"]["conn"]

        assert client.getProtocol() == "TLSv1.3"

        def on_renegotiate(err):
            def rethrow():
                raise err

            # Node 20 has OpenSSL 3 (common.hasOpenSSL3): the 3.x message form
            assert_throws(rethrow, {
                "message": "error:0A00010A:SSL routines::wrong ssl version",
                "code": "ERR_SSL_WRONG_SSL_VERSION",
                "library": "SSL routines",
                "reason": "wrong ssl version",
            })
            cleanup()

        ok = client.renegotiate({}, common.mustCall(on_renegotiate))

        assert ok is False

    def main():
        connect({
            "client": {
                "ca": server["ca"],
                "checkServerIdentity": common.mustCall(),
            },
            "server": {
                "key": server["key"],
                "cert": server["cert"],
            },
        }, on_pair)  # a plain function in Node: the helper wraps it in mustCall

    common.run(main)

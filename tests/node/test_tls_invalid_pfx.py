"""Port of Node 20's test/parallel/test-tls-invalid-pfx.js.

A client ``pfx`` without a private key fails with 'Unable to load private key from PFX data'.
"""

NODE_TEST = "test-tls-invalid-pfx.js"


def test_invalid_pfx(common, fixtures, tls_connect):
    keys, connect = tls_connect.keys, tls_connect.connect
    invalid_pfx = fixtures.readKey("cert-without-key.pfx")

    def main():
        def done(e, pair, cleanup):
            # Node 20 has no FIPS branch here (later Nodes check hasFIPS(3))
            assert e.message == "Unable to load private key from PFX data"
            cleanup()

        connect({
            "client": {
                "pfx": invalid_pfx,
                "passphrase": "test",
                "rejectUnauthorized": False,
            },
            "server": keys["agent1"],
        }, common.mustCall(done))

    common.run(main, timeout=10)

"""Port of Node 20's test/parallel/test-tls-ca-concat.js.

The ca option can hold concatenated certificates: with an unrelated non-CA certificate
prepended, agent6's CA root is still found.
"""

NODE_TEST = "test-tls-ca-concat.js"


def test_ca_concat(common, tls_connect):
    connect, keys = tls_connect.connect, tls_connect.keys

    def main():
        connect({
            "client": {
                "checkServerIdentity": lambda servername, cert: None,
                "ca": f"{keys['agent1']['cert']}\n{keys['agent6']['ca']}",
            },
            "server": {
                "cert": keys["agent6"]["cert"],
                "key": keys["agent6"]["key"],
            },
        }, common.mustSucceed(lambda pair, cleanup: cleanup()))

    common.run(main)

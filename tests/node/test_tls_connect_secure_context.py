"""Port of Node 20's test/parallel/test-tls-connect-secure-context.js.

Verify connection with explicitly created client SecureContext (also with null options).
"""

import nodessl as tls

NODE_TEST = "test-tls-connect-secure-context.js"


def test_connect_secure_context(common, tls_connect):
    keys = tls_connect.keys
    connect = tls_connect.connect

    def main():
        connect({
            "client": {
                "servername": "agent1",
                "secureContext": tls.createSecureContext({
                    "ca": keys["agent1"]["ca"],
                }),
            },
            "server": {
                "cert": keys["agent1"]["cert"],
                "key": keys["agent1"]["key"],
            },
        }, common.mustSucceed(lambda pair, cleanup: cleanup()))

        connect({
            "client": {
                "servername": "agent1",
                "secureContext": tls.createSecureContext({
                    "ca": keys["agent1"]["ca"],
                    "ciphers": None,
                    "clientCertEngine": None,
                    "crl": None,
                    "dhparam": None,
                    "passphrase": None,
                    "pfx": None,
                    "privateKeyIdentifier": None,
                    "privateKeyEngine": None,
                    "sessionIdContext": None,
                    "sessionTimeout": None,
                    "sigalgs": None,
                    "ticketKeys": None,
                }),
            },
            "server": {
                "cert": keys["agent1"]["cert"],
                "key": keys["agent1"]["key"],
            },
        }, common.mustSucceed(lambda pair, cleanup: cleanup()))

    common.run(main, timeout=10)

"""Port of Node 20's test/parallel/test-tls-set-sigalgs.js.

The ``sigalgs`` option on client and server: a common algorithm gives that
shared list from ``getSharedSigalgs()``; none in common fails the handshake
on both sides with OpenSSL's codes.
"""

NODE_TEST = "test-tls-set-sigalgs.js"


# common/crypto's hasOpenSSL(major, minor) asks the OpenSSL behind Node's error codes:
# nodessl reports Node 20's (OpenSSL 3.0 names) on whatever OpenSSL it runs on
def hasOpenSSL(major, minor=0):  # noqa: N802 - Node's name
    return (3, 0) >= (major, minor)


isBoringSSL = False


def test_set_sigalgs(common, tls_connect):
    keys = tls_connect.keys

    def main():
        def test(csigalgs, ssigalgs, shared_sigalgs, cerr=None, serr=None):
            assert shared_sigalgs or serr or cerr, "test missing any expectations"

            def on_pair(err, pair, cleanup):
                if shared_sigalgs:
                    assert err is None  # assert.ifError
                    assert pair["server"].get("err") is None
                    assert pair["client"].get("err") is None
                    assert pair["server"]["conn"]
                    assert pair["client"]["conn"]
                    # BoringSSL's OpenSSL-compatible SSL_get_shared_sigalgs() API always
                    # returns zero, so a successful handshake still reports an empty list.
                    expected_shared_sigalgs = [] if isBoringSSL else shared_sigalgs
                    assert pair["server"]["conn"].getSharedSigalgs() == expected_shared_sigalgs
                else:
                    if serr:
                        assert pair["server"].get("err")
                        assert pair["server"]["err"].code == serr
                    if cerr:
                        assert pair["client"].get("err")
                        assert pair["client"]["err"].code == cerr
                return cleanup()

            tls_connect.connect({
                "client": {
                    "checkServerIdentity": lambda servername, cert: None,
                    "ca": f"{keys['agent1']['cert']}\n{keys['agent6']['ca']}",
                    "cert": keys["agent2"]["cert"],
                    "key": keys["agent2"]["key"],
                    "sigalgs": csigalgs,
                },
                "server": {
                    "cert": keys["agent6"]["cert"],
                    "key": keys["agent6"]["key"],
                    "ca": keys["agent2"]["ca"],
                    "context": {"requestCert": True, "rejectUnauthorized": True},
                    "sigalgs": ssigalgs,
                },
            }, common.mustCall(on_pair))

        # Have shared sigalgs
        test("RSA-PSS+SHA384", "RSA-PSS+SHA384", ["RSA-PSS+SHA384"])
        test("RSA-PSS+SHA256:RSA-PSS+SHA512:ECDSA+SHA256",
             "RSA-PSS+SHA256:ECDSA+SHA256",
             ["RSA-PSS+SHA256", "ECDSA+SHA256"])

        # Do not have shared sigalgs.
        handshake_err = ("ERR_SSL_TLS_ALERT_HANDSHAKE_FAILURE" if hasOpenSSL(4, 0) else
                         "ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE" if hasOpenSSL(3, 2) else
                         "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE")
        no_shared_sigalgs_err = ("ERR_SSL_NO_COMMON_SIGNATURE_ALGORITHMS" if isBoringSSL else
                                 "ERR_SSL_NO_SHARED_SIGNATURE_ALGORITHMS")
        test("RSA-PSS+SHA384", "ECDSA+SHA256", None, handshake_err, no_shared_sigalgs_err)

        test("RSA-PSS+SHA384:ECDSA+SHA256", "ECDSA+SHA384:RSA-PSS+SHA256",
             None, handshake_err, no_shared_sigalgs_err)

    common.run(main)

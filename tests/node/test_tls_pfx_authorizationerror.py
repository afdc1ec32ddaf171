"""Port of Node 20's test/parallel/test-tls-pfx-authorizationerror.js.

A PFX identity on both ends: the server reads the client's self-signed-chain
certificate without an ``authorizationError``, and ``getCertificate()`` works
when called repeatedly.
"""

import subprocess

from nodecommon import KEYS

import nodessl as tls

NODE_TEST = "test-tls-pfx-authorizationerror.js"


def test_pfx_authorizationerror(common, fixtures):
    # This test ensures that TLS does not fail to read a self-signed certificate
    # and thus throw an `authorizationError`.
    # https://github.com/nodejs/node/issues/5100
    pfx = fixtures.readKey("agent1.pfx")
    # Node: '147D36C1C2F74206DE9FAB5F2226D78ADB00A426', the serial of its committed
    # agent1 certificate; ours is built afresh, so openssl reads it off the file
    serial = subprocess.run(
        ["openssl", "x509", "-in", str(KEYS / "agent1-cert.pem"), "-noout", "-serial"],
        capture_output=True, check=True, text=True).stdout.strip().split("=", 1)[1]

    def main():
        def on_secure(c):
            assert c.getPeerCertificate()["serialNumber"] == serial
            assert c.authorizationError is None
            c.end()

        server = tls.createServer({"pfx": pfx, "passphrase": "sample",
                                   "requestCert": True, "rejectUnauthorized": False},
                                  common.mustCall(on_secure))

        def on_listening():
            # Node's this: the server
            def on_connect():
                for _ in range(10):
                    # Calling this repeatedly is a regression test that verifies
                    # that .getCertificate() does not accidentally decrease the
                    # reference count of the X509* certificate on the native side.
                    assert client.getCertificate()["serialNumber"] == serial
                client.end()
                server.close()

            client = tls.connect({"port": server.address()["port"], "pfx": pfx,
                                  "passphrase": "sample", "rejectUnauthorized": False},
                                 on_connect)

        server.listen(0, on_listening)

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-ecdh-multiple.js.

The ecdhCurve option of a TLS server takes colon separated ECDH curve names
(``openssl s_client`` gets the reply); unsupported curves throw.
"""

import re

import nodechild
import pytest
from nodecommon import assert_throws

import nodessl as tls
from nodessl import backend

NODE_TEST = "test-tls-ecdh-multiple.js"

pytestmark = pytest.mark.xfail(backend.openssl_version_number >= 0x40000000, strict=True, reason=(
    "bundled backend: needs a shared libssl 3.0: the bundled OpenSSL 4.0 is built without the "
    "deprecated TLS EC groups, so SSL_CTX_set1_groups_list refuses secp256k1 (no binding "
    "call or option can add a group the library lacks) and ecdhCurve "
    "'secp256k1:prime256v1:secp521r1' throws 'Failed to set ECDH curve' where Node 20's "
    "OpenSSL 3.0 accepts the list"))


def test_ecdh_multiple(common, fixtures):
    assert common.opensslCli, "missing openssl-cli"

    def load_pem(n):
        return fixtures.readKey(f"{n}.pem")

    options = {
        "key": load_pem("agent2-key"),
        "cert": load_pem("agent2-cert"),
        "ciphers": "-ALL:ECDHE-RSA-AES128-SHA256",
        "ecdhCurve": "secp256k1:prime256v1:secp521r1",
    }

    reply = "I AM THE WALRUS"  # something recognizable
    got_reply = False

    def main():
        server = tls.createServer(options, lambda conn: conn.end(reply))

        def on_listening():
            args = ["s_client",
                    "-cipher", f"{options['ciphers']}",
                    "-connect", f"127.0.0.1:{server.address()['port']}"]

            client = nodechild.spawn(common.opensslCli, args)

            def on_data(data):
                nonlocal got_reply
                message = data.decode()
                if reply in message:
                    got_reply = True

            client.stdout.on("data", on_data)

            def on_exit(code, signal):
                assert code == 0
                server.close()

            client.on("exit", on_exit)

            def on_error(err):
                raise err  # assert.ifError

            client.on("error", on_error)

        server.listen(0, on_listening)

    try:
        common.run(main, timeout=10)
    finally:
        nodechild.kill_all()
    # Node's process.on('exit')
    assert got_reply

    # Some of unsupported curves
    unsupported_curves = [
        "wap-wsg-idm-ecid-wtls1",
        "c2pnb163v1",
        "prime192v3",
    ]

    # Brainpool is not supported in FIPS mode (common.hasFipsCrypto is false here)

    for ecdh_curve in unsupported_curves:
        assert_throws(lambda ecdh_curve=ecdh_curve: tls.createServer({"ecdhCurve": ecdh_curve}),
                      {"name": "Error", "message": re.compile("Failed to set ECDH curve")})

"""Port of Node 20's test/parallel/test-tls-getcertificate-x509.js.

``getX509Certificate()`` / ``getPeerX509Certificate()`` return X509Certificate objects
(serial numbers, the peer's ``issuerCertificate`` chain).
"""

import re

import pytest
from cryptography.x509 import Certificate as X509Certificate  # Node's crypto.X509Certificate

import nodessl as tls

NODE_TEST = "test-tls-getcertificate-x509.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "socket/certificate: getX509Certificate()/getPeerX509Certificate() return a bare "
    "cryptography Certificate, not Node's X509Certificate: no serialNumber (hex string) and "
    "no issuerCertificate for the peer's chain"))


def test_getcertificate_x509(common, fixtures):
    options = {
        "key": fixtures.readKey("agent6-key.pem"),
        "cert": fixtures.readKey("agent6-cert.pem"),
    }

    def main():
        server = tls.createServer(options, lambda cleartext: cleartext.end("World"))

        def on_secure(socket):
            cert = socket.getX509Certificate()
            assert isinstance(cert, X509Certificate)
            assert re.search(r"5B75D77EDC7FB5B7FA9F1424DA4C64FB815DCBDE", cert.serialNumber, re.I)

        server.once("secureConnection", common.mustCall(on_secure))

        def on_listening():
            def on_connect():
                peer_cert = socket.getPeerX509Certificate()
                assert isinstance(peer_cert.issuerCertificate, X509Certificate)
                assert peer_cert.issuerCertificate.issuerCertificate is None  # undefined
                assert re.search(r"147D36C1C2F74206DE9FAB5F2226D78ADB00A425",
                                 peer_cert.issuerCertificate.serialNumber, re.I)
                server.close()

            socket = tls.connect({
                "port": server.address()["port"],  # Node's this is the server
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))
            socket.end("Hello")

        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=5)

"""Port of Node 20's test/parallel/test-tls-getcertificate-x509.js.

``getX509Certificate()`` / ``getPeerX509Certificate()`` return X509Certificate objects
(serial numbers, the peer's ``issuerCertificate`` chain).
"""

import re

import nodessl as tls
from nodessl import X509Certificate  # Node's crypto.X509Certificate
from nodessl.compat import load_pem_x509_certificates

NODE_TEST = "test-tls-getcertificate-x509.js"



def serial_of(pem: bytes, index: int = 0) -> str:
    """The serial (hex) of the ``index``-th certificate of ``pem``: Node's committed fixtures
    have fixed serials (5B75D77E... for agent6, 147D36C1... for ca3); fixtures/keys builds
    them here with random ones, so the port expects the serial of the same file."""
    return format(load_pem_x509_certificates(pem)[index].serial_number, "X")


def test_getcertificate_x509(common, fixtures):
    agent6_serial = serial_of(fixtures.readKey("agent6-cert.pem"))
    ca3_serial = serial_of(fixtures.readKey("agent6-cert.pem"), 1)  # agent6-cert.pem holds ca3
    options = {
        "key": fixtures.readKey("agent6-key.pem"),
        "cert": fixtures.readKey("agent6-cert.pem"),
    }

    def main():
        server = tls.createServer(options, lambda cleartext: cleartext.end("World"))

        def on_secure(socket):
            cert = socket.getX509Certificate()
            assert isinstance(cert, X509Certificate)
            assert re.search(agent6_serial, cert.serialNumber, re.I)

        server.once("secureConnection", common.mustCall(on_secure))

        def on_listening():
            def on_connect():
                peer_cert = socket.getPeerX509Certificate()
                assert isinstance(peer_cert.issuerCertificate, X509Certificate)
                assert peer_cert.issuerCertificate.issuerCertificate is None  # undefined
                assert re.search(ca3_serial,
                                 peer_cert.issuerCertificate.serialNumber, re.I)
                server.close()

            socket = tls.connect({
                "port": server.address()["port"],  # Node's this is the server
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))
            socket.end("Hello")

        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=5)

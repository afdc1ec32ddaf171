"""Port of Node 20's test/parallel/test-tls-cert-chains-concat.js.

A server cert option holding the leaf and its intermediate sends both: the client sees the
chain, completed with the root it knows, through getPeerCertificate(true).
"""

import re

from nodessl.compat import load_pem_x509_certificates

NODE_TEST = "test-tls-cert-chains-concat.js"


def serial_of(pem: str, index: int = 0) -> str:
    """The serial number (hex) of the ``index``-th certificate of ``pem``.

    Node's committed fixture keys have fixed serials (5B75D77E... for agent6, 147D36C1... for
    ca3, 4AB16C8D... for ca1); fixtures/keys builds them here with random ones, so a port
    expects the serial of the same certificate file.
    """
    cert = load_pem_x509_certificates(pem.encode("latin-1"))[index]
    return format(cert.serial_number, "X")


def test_cert_chains_concat(common, fixtures, tls_connect):
    connect, keys = tls_connect.connect, tls_connect.keys
    agent6_serial = serial_of(keys["agent6"]["cert"])
    ca3_serial = serial_of(fixtures.readKey("ca3-cert.pem", "latin1"))
    ca1_serial = serial_of(keys["agent6"]["ca"])

    def on_pair(pair, cleanup):
        peer = pair["client"]["conn"].getPeerCertificate()
        assert peer["subject"]["emailAddress"] == "adam.lippai@tresorit.com"
        assert peer["subject"]["CN"] == "Ádám Lippai"
        assert peer["issuer"]["CN"] == "ca3"
        assert re.search(agent6_serial, peer["serialNumber"], re.I)

        next_ = pair["client"]["conn"].getPeerCertificate(True)["issuerCertificate"]
        root = next_["issuerCertificate"]
        del next_["issuerCertificate"]
        assert next_["subject"]["CN"] == "ca3"
        assert next_["issuer"]["CN"] == "ca1"
        assert re.search(ca3_serial, next_["serialNumber"], re.I)

        assert root["subject"]["CN"] == "ca1"
        assert root["issuer"]["CN"] == "ca1"
        assert re.search(ca1_serial, root["serialNumber"], re.I)

        # No client cert, so empty object returned.
        assert pair["server"]["conn"].getPeerCertificate() == {}
        assert pair["server"]["conn"].getPeerCertificate(True) == {}

        return cleanup()

    def main():
        # agent6-cert.pem includes cert for agent6 and ca3
        connect({
            "client": {
                "checkServerIdentity": lambda servername, cert: None,
                "ca": keys["agent6"]["ca"],
            },
            "server": {
                "cert": keys["agent6"]["cert"],
                "key": keys["agent6"]["key"],
            },
        }, common.mustSucceed(on_pair))

    common.run(main)

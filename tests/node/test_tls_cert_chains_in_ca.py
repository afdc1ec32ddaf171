"""Port of Node 20's test/parallel/test-tls-cert-chains-in-ca.js.

An intermediate given in the server's ca option (not its cert) is sent as part of the chain:
the client sees leaf, intermediate and its own root.
"""

import re

from test_tls_cert_chains_concat import serial_of

NODE_TEST = "test-tls-cert-chains-in-ca.js"


def test_cert_chains_in_ca(common, tls_connect):
    connect, keys = tls_connect.connect, tls_connect.keys

    # agent6-cert.pem includes cert for agent6 and ca3, split it apart and
    # provide ca3 in the .ca property.
    agent6Chain = re.split(r"(?=-----BEGIN CERTIFICATE-----)", keys["agent6"]["cert"])
    agent6Chain = [part for part in agent6Chain if part]  # JS split drops the empty lead
    agent6End = agent6Chain[0]
    agent6Middle = agent6Chain[1]
    # Node's fixtures have fixed serials; ours are random: read them off the same files
    end_serial, middle_serial = serial_of(agent6End), serial_of(agent6Middle)
    root_serial = serial_of(keys["agent6"]["ca"])

    def on_pair(err, pair, cleanup):
        assert err is None  # assert.ifError

        peer = pair["client"]["conn"].getPeerCertificate()
        assert re.search(end_serial, peer["serialNumber"], re.I)

        next_ = pair["client"]["conn"].getPeerCertificate(True)["issuerCertificate"]
        root = next_["issuerCertificate"]
        del next_["issuerCertificate"]
        assert re.search(middle_serial, next_["serialNumber"], re.I)

        assert re.search(root_serial, root["serialNumber"], re.I)

        return cleanup()

    def main():
        connect({
            "client": {
                "checkServerIdentity": lambda servername, cert: None,
                "ca": keys["agent6"]["ca"],
            },
            "server": {
                "cert": agent6End,
                "key": keys["agent6"]["key"],
                "ca": agent6Middle,
            },
        }, on_pair)  # a plain function in Node: the helper itself wraps it in mustCall

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-translate-peer-certificate.js.

``translatePeerCertificate`` leaves issuer/subject as they are, turns
infoAccess lines into an object of lists, follows issuerCertificate (not a
self-link) and maps falsy input to null.

The stored copy of the test predates Node 20 and expects issuer/subject strings
parsed into objects; Node 20 (checked with node v20.20.2) leaves them as given,
as its own test does since OpenSSL's names became objects in the native layer.
"""

# require('_tls_common') in Node (a public module); nodessl keeps it in nodessl.certificate
from nodessl.certificate import translatePeerCertificate

NODE_TEST = "test-tls-translate-peer-certificate.js"


def test_translate_peer_certificate(common):
    cert_string = "A=1\nB=2\nC=3"

    assert translatePeerCertificate(None) is None
    # `undefined` and `null` are both None in Python
    assert translatePeerCertificate(None) is None

    assert translatePeerCertificate(0) is None
    assert translatePeerCertificate(1) == 1

    assert translatePeerCertificate({}) == {}

    assert translatePeerCertificate({"issuer": ""}) == {"issuer": ""}
    assert translatePeerCertificate({"issuer": None}) == {"issuer": None}
    assert translatePeerCertificate({"issuer": cert_string}) == {"issuer": cert_string}

    assert translatePeerCertificate({"subject": ""}) == {"subject": ""}
    assert translatePeerCertificate({"subject": None}) == {"subject": None}
    assert translatePeerCertificate({"subject": cert_string}) == {"subject": cert_string}

    assert translatePeerCertificate({"issuerCertificate": ""}) == {"issuerCertificate": None}
    assert translatePeerCertificate({"issuerCertificate": None}) == {"issuerCertificate": None}
    assert translatePeerCertificate({"issuerCertificate": {"subject": cert_string}}) == \
        {"issuerCertificate": {"subject": cert_string}}

    cert: dict = {}
    cert["issuerCertificate"] = cert
    assert translatePeerCertificate(cert) == {"issuerCertificate": cert}

    assert translatePeerCertificate({"infoAccess": ""}) == {"infoAccess": {}}
    assert translatePeerCertificate({"infoAccess": None}) == {"infoAccess": None}
    assert translatePeerCertificate({"infoAccess": "OCSP - URI:file:///etc/passwd"}) == \
        {"infoAccess": {"OCSP - URI": ["file:///etc/passwd"]}}

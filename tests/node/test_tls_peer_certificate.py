"""Port of Node 20's test/parallel/test-tls-peer-certificate.js.

``getPeerCertificate(true)`` of an RSA and an EC server certificate: the issuer
chain (self-signed root pointing at itself), serial, exponent/modulus/bits or
curve names, SHA-1/256/512 fingerprints, public key, infoAccess.
"""

import base64
import hashlib
import subprocess

from nodecommon import KEYS

NODE_TEST = "test-tls-peer-certificate.js"


def _openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True,
                          check=True).stdout


def _facts(name):
    """What Node's test hard-codes for its committed fixture, read off ours with openssl.

    Node's test compares against literals of its committed keys; this project
    builds the same keys afresh, so serials, fingerprints and public keys differ
    per build and are taken from the certificate file by an independent tool.
    """
    path = str(KEYS / name)
    facts = {"serialNumber": _openssl("x509", "-in", path, "-noout", "-serial")
             .decode().strip().split("=", 1)[1]}
    for algo in ("sha1", "sha256", "sha512"):
        line = _openssl("x509", "-in", path, "-noout", "-fingerprint", f"-{algo}").decode()
        facts[algo] = line.strip().split("=", 1)[1]
    pem_pub = _openssl("x509", "-in", path, "-noout", "-pubkey")
    spki = _openssl("pkey", "-pubin", "-outform", "DER", data=pem_pub)
    # Node's `pubkey`: the SubjectPublicKeyInfo DER of an RSA key, the bare point of an EC key
    # (for P-256, the 65 bytes 04||X||Y that end the SubjectPublicKeyInfo; the bytes
    # searched for are the id-ecPublicKey OID 1.2.840.10045.2.1)
    facts["pubkey"] = spki[-65:] if b"\x2a\x86\x48\xce\x3d\x02\x01" in spki else spki
    return facts


def sha256(s):
    return hashlib.sha256(s)


def test_peer_certificate(common, tls_connect):
    # Verify that detailed getPeerCertificate() return value has all certs.
    agent1 = _facts("agent1-cert.pem")
    ca1 = _facts("ca1-cert.pem")
    ec = _facts("ec-cert.pem")

    def on_agent1(err, pair, cleanup):
        assert err is None  # assert.ifError(err)
        socket = pair["client"]["conn"]
        local_cert = socket.getCertificate()
        assert local_cert == {}
        peer_cert = socket.getPeerCertificate()
        assert not peer_cert.get("issuerCertificate")

        peer_cert = socket.getPeerCertificate(True)

        assert peer_cert["issuerCertificate"]
        assert peer_cert["ca"] is False
        assert peer_cert["issuerCertificate"]["ca"] is True
        assert peer_cert["subject"]["emailAddress"] == "ry@tinyclouds.org"
        # Node: '147D36C1C2F74206DE9FAB5F2226D78ADB00A426' (its committed agent1-cert.pem)
        assert peer_cert["serialNumber"] == agent1["serialNumber"]
        assert peer_cert["exponent"] == "0x10001"
        assert peer_cert["bits"] == 2048
        # The conversion to bits is odd because modulus isn't a buffer, its a hex
        # string. There are two hex chars for every byte of modulus, and 8 bits per
        # byte.
        assert len(peer_cert["modulus"]) / 2 * 8 == peer_cert["bits"]
        assert peer_cert["fingerprint"] == agent1["sha1"]
        assert peer_cert["fingerprint256"] == agent1["sha256"]
        assert peer_cert["fingerprint512"] == agent1["sha512"]

        # SHA256 fingerprint of the public key
        assert sha256(peer_cert["pubkey"]).hexdigest() == sha256(agent1["pubkey"]).hexdigest()

        # HPKP / RFC7469 "pin-sha256" of the public key
        assert (base64.b64encode(sha256(peer_cert["pubkey"]).digest()).decode()
                == base64.b64encode(sha256(agent1["pubkey"]).digest()).decode())

        assert peer_cert["infoAccess"]["OCSP - URI"] == ["http://ocsp.nodejs.org/"]

        issuer = peer_cert["issuerCertificate"]
        assert issuer["issuerCertificate"] is issuer
        # Node: '4AB16C8DFD6A7D0D2DFCABDF9C4B0E92C6AD0229' (its committed ca1-cert.pem)
        assert issuer["serialNumber"] == ca1["serialNumber"]

        return cleanup()

    def on_ec(err, pair, cleanup):
        assert err is None  # assert.ifError(err)
        socket = pair["client"]["conn"]
        peer_cert = socket.getPeerCertificate(True)
        assert peer_cert["issuerCertificate"]

        peer_cert = socket.getPeerCertificate(True)

        assert peer_cert["issuerCertificate"]
        assert peer_cert["subject"]["emailAddress"] == "ry@tinyclouds.org"
        # Node: '32E8197681DA33185867B52885F678BFDBA51727' (its committed ec-cert.pem)
        assert peer_cert["serialNumber"] == ec["serialNumber"]
        # JS `=== undefined`: the key is absent
        assert peer_cert.get("exponent") is None
        assert peer_cert.get("pubKey") is None
        assert peer_cert.get("modulus") is None
        assert peer_cert["fingerprint"] == ec["sha1"]
        assert peer_cert["fingerprint256"] == ec["sha256"]
        assert peer_cert["fingerprint512"] == ec["sha512"]

        assert sha256(peer_cert["pubkey"]).hexdigest() == sha256(ec["pubkey"]).hexdigest()
        assert peer_cert["asn1Curve"] == "prime256v1"
        assert peer_cert["nistCurve"] == "P-256"
        assert peer_cert["bits"] == 256

        assert peer_cert.get("infoAccess") is None

        issuer = peer_cert["issuerCertificate"]
        assert issuer["issuerCertificate"] is issuer
        # the EC certificate is self-signed: its issuer is itself
        assert issuer["serialNumber"] == ec["serialNumber"]

        return cleanup()

    def main():
        tls_connect.connect({
            "client": {"rejectUnauthorized": False},
            "server": tls_connect.keys["agent1"],
        }, on_agent1)

        tls_connect.connect({
            "client": {"rejectUnauthorized": False},
            "server": tls_connect.keys["ec"],
        }, on_ec)

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-0-dns-altname.js.

getPeerCertificate() escapes a '\\0' inside a DNS altname instead of cutting the name there
(CVE-2009-2408).
"""

import datetime
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

import nodessl as tls

NODE_TEST = "test-tls-0-dns-altname.js"


def zero_dns_pair() -> tuple[bytes, bytes]:
    """Node's test/fixtures/0-dns/0-dns-{key,cert}.pem, made as its create-cert.js makes them.

    Node ships the two files; the same altnames are built here (a self-signed RSA certificate).
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "evil.example.com")])
    now = datetime.datetime.now(datetime.UTC)
    san = x509.SubjectAlternativeName([
        x509.DNSName("good.example.org\0.evil.example.com"),
        x509.DNSName("just-another.example.com"),
        x509.IPAddress(ipaddress.ip_address("8.8.8.8")),
        x509.IPAddress(ipaddress.ip_address("8.8.4.4")),
        x509.DNSName("last.example.com"),
    ])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(san, critical=False).sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def test_0_dns_altname(common):
    key, cert = zero_dns_pair()

    def main():
        def on_secure(c):
            def on_data(_data):
                c.destroy()
                server.close()

            c.once("data", common.mustCall(on_data))

        server = tls.createServer({"key": key, "cert": cert}, common.mustCall(on_secure))

        def on_listening():
            def on_connect():
                cert = c.getPeerCertificate()
                # JS '\\u0000' is a backslash and 'u0000' in the string
                assert cert["subjectaltname"] == (
                    'DNS:"good.example.org\\u0000.evil.example.com", '
                    "DNS:just-another.example.com, "
                    "IP Address:8.8.8.8, "
                    "IP Address:8.8.4.4, "
                    "DNS:last.example.com")
                c.write("ok")

            c = tls.connect(server.address()["port"], {"rejectUnauthorized": False},
                            common.mustCall(on_connect))

        server.listen(0, common.mustCall(on_listening))

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-cert-ext-encoding.js.

getPeerCertificate() does not crash on a certificate whose subjectAltName holds a
GeneralName of type 23, which X509V3_EXT_print cannot turn into a string.
"""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtensionOID, NameOID

import nodessl as tls
from nodessl import backend

NODE_TEST = "test-tls-cert-ext-encoding.js"

# Node 20 skips this file (`if (common.hasOpenSSL3) common.skip(...)`): its hand-made PEM fails
# to load under OpenSSL 3 ("asn1 encoding routines::no matching choice type"). The port builds a
# certificate with the same key property instead (subjectAltName SEQUENCE { [23] "*.local.host" }),
# which OpenSSL 3 loads; node v20.20.2 serves it and getPeerCertificate() returns without crashing.
# OpenSSL 3.0 queues "invalid certificate" while caching its extensions: Node (and nodessl on the
# shared backend) loads the leaf with PEM_read_bio_X509_AUX + SSL_CTX_use_certificate, which
# ignores it; SSL_CTX_use_certificate_chain_file would fail on it.


def ext_type_23_pem() -> str:
    """Key and self-signed certificate in one PEM, as Node's hand-generated ``pem``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "local.host")])
    now = datetime.datetime.now(datetime.UTC)
    host = b"*.local.host"
    # the extension value is DER written by hand: cryptography has no GeneralName of type 23
    raw = bytes([0x30, len(host) + 2, 0x97, len(host)]) + host
    ext = x509.UnrecognizedExtension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, raw)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(65537)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(ext, critical=False).sign(key, hashes.SHA512()))
    return (key.private_bytes(serialization.Encoding.PEM,
                              serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption())
            + cert.public_bytes(serialization.Encoding.PEM)).decode()


@pytest.mark.xfail(0x40000000 <= backend.openssl_version_number < 0x40000020, strict=True, reason=(
    "oldest wheels: on the bundled backend's OpenSSL 4.0.0/4.0.1 (cryptography 47.0-50.0.0 "
    "wheels, the oldest `make test` runs) SSL_CTX_use_certificate_chain_file, the one per-slot chain loader the "
    "binding has, rejects this certificate with 'X509 V3 routines::invalid certificate' "
    "(the error OpenSSL queues while caching its extensions); OpenSSL 4.0.3 and the shared "
    "backend's 3.0 load it, as Node 20 does"))
def test_cert_ext_encoding(common):
    pem = ext_type_23_pem()
    options = {
        "key": pem,
        "cert": pem,
    }

    def main():
        server = tls.createServer(options, lambda socket: socket.end())

        def on_listening():
            def on_connect():
                # This should not crash process:
                client.getPeerCertificate()

                server.close()
                client.end()

            # Node's `this` is the server
            client = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))

        server.listen(0, common.mustCall(on_listening))

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-multi-key.js.

A server holding several identities (RSA and EC keys, PEM and PFX mixed, chains
with intermediates) presents the EC certificate to an ECDSA-only client and the
RSA one to an RSA-only client.
"""

import pytest

import nodessl as tls

NODE_TEST = "test-tls-multi-key.js"


def _cases(fixtures):
    return [
        # Key is ordered as ec, rsa, cert is ordered as rsa, ec.
        {"key": [fixtures.readKey("ec10-key.pem"), fixtures.readKey("agent1-key.pem")],
         "cert": [fixtures.readKey("agent1-cert.pem"), fixtures.readKey("ec10-cert.pem")],
         "eccCN": "agent10.example.com",
         "client": {"ca": [fixtures.readKey("ca5-cert.pem"), fixtures.readKey("ca1-cert.pem")]}},
        # Key and cert are ordered as ec, rsa.
        {"key": [fixtures.readKey("ec10-key.pem"), fixtures.readKey("agent1-key.pem")],
         "cert": [fixtures.readKey("agent1-cert.pem"), fixtures.readKey("ec10-cert.pem")],
         "eccCN": "agent10.example.com",
         "client": {"ca": [fixtures.readKey("ca5-cert.pem"), fixtures.readKey("ca1-cert.pem")]}},
        # Key, cert, and pfx options can be used simultaneously.
        {"key": [fixtures.readKey("ec-key.pem")],
         "cert": [fixtures.readKey("ec-cert.pem")],
         "pfx": fixtures.readKey("agent1.pfx"),
         "passphrase": "sample",
         "client": {"ca": [fixtures.readKey("ec-cert.pem"), fixtures.readKey("ca1-cert.pem")]}},
        # Key and cert with mixed algorithms, and cert chains with intermediate CAs
        {"key": [fixtures.readKey("ec10-key.pem"), fixtures.readKey("agent10-key.pem")],
         "cert": [fixtures.readKey("agent10-cert.pem"), fixtures.readKey("ec10-cert.pem")],
         "rsaCN": "agent10.example.com",
         "eccCN": "agent10.example.com",
         "client": {"ca": [fixtures.readKey("ca2-cert.pem"), fixtures.readKey("ca5-cert.pem")]}},
        # Key and cert with mixed algorithms, and cert chains with intermediate CAs,
        # using PFX for EC.
        {"key": [fixtures.readKey("agent10-key.pem")],
         "cert": [fixtures.readKey("agent10-cert.pem")],
         "pfx": fixtures.readKey("ec10.pfx"),
         "passphrase": "sample",
         "rsaCN": "agent10.example.com",
         "eccCN": "agent10.example.com",
         "client": {"ca": [fixtures.readKey("ca2-cert.pem"), fixtures.readKey("ca5-cert.pem")]}},
        # Key and cert with mixed algorithms, and cert chains with intermediate CAs,
        # using PFX for RSA.
        {"key": [fixtures.readKey("ec10-key.pem")],
         "cert": [fixtures.readKey("ec10-cert.pem")],
         "pfx": fixtures.readKey("agent10.pfx"),
         "passphrase": "sample",
         "rsaCN": "agent10.example.com",
         "eccCN": "agent10.example.com",
         "client": {"ca": [fixtures.readKey("ca2-cert.pem"), fixtures.readKey("ca5-cert.pem")]}},
    ]


def _test(common, options):
    rsa_cn = options.get("rsaCN") or "agent1"
    ecc_cn = options.get("eccCN") or "agent2"
    client_trust_roots = options["client"]["ca"]
    options.pop("rsaCN", None)
    options.pop("eccCN", None)
    del options["client"]

    def check_ecc(_, c):
        assert c["subject"]["CN"] == ecc_cn

    def check_rsa(_, c):
        assert c["subject"]["CN"] == rsa_cn

    def connect_with_ecdsa():
        # Node's this: the server
        def on_connect():
            assert ecdsa.getCipher() == {
                "name": "ECDHE-ECDSA-AES256-GCM-SHA384",
                "standardName": "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "version": "TLSv1.2",
            }
            assert ecdsa.getPeerCertificate()["subject"]["CN"] == ecc_cn
            assert ecdsa.getPeerCertificate()["asn1Curve"] == "prime256v1"
            ecdsa.end()
            connect_with_rsa()

        ecdsa = tls.connect(server.address()["port"], {
            "ciphers": "ECDHE-ECDSA-AES256-GCM-SHA384",
            "rejectUnauthorized": True,
            "ca": client_trust_roots,
            "checkServerIdentity": check_ecc,
            "maxVersion": "TLSv1.2",
        }, common.mustCall(on_connect))

    def connect_with_rsa():
        def on_connect():
            assert rsa.getCipher() == {
                "name": "ECDHE-RSA-AES256-GCM-SHA384",
                "standardName": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "version": "TLSv1.2",
            }
            assert rsa.getPeerCertificate()["subject"]["CN"] == rsa_cn
            assert rsa.getPeerCertificate()["exponent"], "cert for an RSA key"
            rsa.end()
            server.close()

        rsa = tls.connect(server.address()["port"], {
            "ciphers": "ECDHE-RSA-AES256-GCM-SHA384",
            "rejectUnauthorized": True,
            "ca": client_trust_roots,
            "checkServerIdentity": check_rsa,
            "maxVersion": "TLSv1.2",
        }, common.mustCall(on_connect))

    server = tls.createServer(options, lambda conn: conn.end("ok"))
    server.listen(0, common.mustCall(connect_with_ecdsa))


@pytest.mark.xfail(strict=True, reason=(
    "loop/socket: every handshake and assertion passes, but the program never ends: the client "
    "never reads the server's 'ok', so after its end() and the peer's close_notify+FIN the paused "
    "TLSSocket stays open and keeps tls.run alive; Node's process exits (the handle stops being "
    "active at EOF)"))
def test_multi_key(common, fixtures):
    def main():
        for options in _cases(fixtures):
            _test(common, options)

    common.run(main, timeout=5)

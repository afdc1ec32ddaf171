"""Port of Node 20's test/parallel/test-tls-passphrase.js.

An encrypted private key works with its passphrase given as a top-level
option or per key (``{pem, passphrase}``), as bytes, str or lists of them; an
unencrypted key ignores a passphrase; a missing or wrong passphrase throws
"bad decrypt".
"""

import re

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-passphrase.js"


def test_passphrase(common, fixtures):
    pass_key = fixtures.readKey("rsa_private_encrypted.pem")
    raw_key = fixtures.readKey("rsa_private.pem")
    cert = fixtures.readKey("rsa_cert.crt")

    assert isinstance(pass_key, bytes)  # Buffer.isBuffer
    assert isinstance(cert, bytes)
    assert isinstance(pass_key.decode(), str)
    assert isinstance(cert.decode(), str)

    def main():
        def connect(options):
            # tls.connect(options, onSecureConnect()): mustCall(function() { this.end(); }),
            # Node's this: the client socket
            client = tls.connect(options, common.mustCall(lambda: client.end()))
            return client

        server = tls.Server({
            "key": pass_key,
            "passphrase": "password",
            "cert": cert,
            "ca": [cert],
            "requestCert": True,
            "rejectUnauthorized": True,
        })

        def on_listening():
            port = server.address()["port"]  # Node's this: the server
            # Buffer
            connect({"port": port, "key": pass_key, "passphrase": "password", "cert": cert,
                     "rejectUnauthorized": False})

            connect({"port": port, "key": raw_key, "cert": cert, "rejectUnauthorized": False})

            connect({"port": port, "key": raw_key, "passphrase": "ignored", "cert": cert,
                     "rejectUnauthorized": False})

            # Buffer[]
            connect({"port": port, "key": [pass_key], "passphrase": "password",
                     "cert": [cert], "rejectUnauthorized": False})

            connect({"port": port, "key": [raw_key], "cert": [cert],
                     "rejectUnauthorized": False})

            connect({"port": port, "key": [raw_key], "passphrase": "ignored",
                     "cert": [cert], "rejectUnauthorized": False})

            # string
            connect({"port": port, "key": pass_key.decode(), "passphrase": "password",
                     "cert": cert.decode(), "rejectUnauthorized": False})

            connect({"port": port, "key": raw_key.decode(), "cert": cert.decode(),
                     "rejectUnauthorized": False})

            connect({"port": port, "key": raw_key.decode(), "passphrase": "ignored",
                     "cert": cert.decode(), "rejectUnauthorized": False})

            # String[]
            connect({"port": port, "key": [pass_key.decode()], "passphrase": "password",
                     "cert": [cert.decode()], "rejectUnauthorized": False})

            connect({"port": port, "key": [raw_key.decode()], "cert": [cert.decode()],
                     "rejectUnauthorized": False})

            connect({"port": port, "key": [raw_key.decode()], "passphrase": "ignored",
                     "cert": [cert.decode()], "rejectUnauthorized": False})

            # Object[]
            connect({"port": port, "key": [{"pem": pass_key, "passphrase": "password"}],
                     "cert": cert, "rejectUnauthorized": False})

            connect({"port": port, "key": [{"pem": pass_key, "passphrase": "password"}],
                     "passphrase": "ignored", "cert": cert, "rejectUnauthorized": False})

            connect({"port": port, "key": [{"pem": pass_key}], "passphrase": "password",
                     "cert": cert, "rejectUnauthorized": False})

            connect({"port": port,
                     "key": [{"pem": pass_key.decode(), "passphrase": "password"}],
                     "cert": cert, "rejectUnauthorized": False})

            connect({"port": port, "key": [{"pem": raw_key, "passphrase": "ignored"}],
                     "cert": cert, "rejectUnauthorized": False})

            connect({"port": port,
                     "key": [{"pem": raw_key.decode(), "passphrase": "ignored"}],
                     "cert": cert, "rejectUnauthorized": False})

            connect({"port": port, "key": [{"pem": raw_key}], "passphrase": "ignored",
                     "cert": cert, "rejectUnauthorized": False})

            connect({"port": port, "key": [{"pem": raw_key.decode()}],
                     "passphrase": "ignored", "cert": cert, "rejectUnauthorized": False})

            connect({"port": port, "key": [{"pem": raw_key}], "cert": cert,
                     "rejectUnauthorized": False})

            connect({"port": port, "key": [{"pem": raw_key.decode()}], "cert": cert,
                     "rejectUnauthorized": False})

        server.listen(0, common.mustCall(on_listening)).unref()

        err_message_decrypt = {"message": re.compile(r"bad decrypt")}

        # Missing passphrase
        assert_throws(lambda: tls.connect({
            "port": server.address()["port"], "key": pass_key, "cert": cert,
            "rejectUnauthorized": False}), err_message_decrypt)

        assert_throws(lambda: tls.connect({
            "port": server.address()["port"], "key": [pass_key], "cert": cert,
            "rejectUnauthorized": False}), err_message_decrypt)

        assert_throws(lambda: tls.connect({
            "port": server.address()["port"], "key": [{"pem": pass_key}], "cert": cert,
            "rejectUnauthorized": False}), err_message_decrypt)

        # Invalid passphrase
        assert_throws(lambda: tls.connect({
            "port": server.address()["port"], "key": pass_key, "passphrase": "invalid",
            "cert": cert, "rejectUnauthorized": False}), err_message_decrypt)

        assert_throws(lambda: tls.connect({
            "port": server.address()["port"], "key": [pass_key], "passphrase": "invalid",
            "cert": cert, "rejectUnauthorized": False}), err_message_decrypt)

        assert_throws(lambda: tls.connect({
            "port": server.address()["port"], "key": [{"pem": pass_key}],
            "passphrase": "invalid", "cert": cert, "rejectUnauthorized": False}),
            err_message_decrypt)

        assert_throws(lambda: tls.connect({
            "port": server.address()["port"],
            "key": [{"pem": pass_key, "passphrase": "invalid"}],
            "passphrase": "password",  # Valid but unused
            "cert": cert, "rejectUnauthorized": False}), err_message_decrypt)

    common.run(main, timeout=15)

"""Port of Node 20's test/parallel/test-tls-ocsp-callback.js.

OCSP stapling: the server's async 'OCSPRequest' handler answers a client's
``requestOCSP`` with a response (or none), the client's 'OCSPResponse' sees it;
without ``requestOCSP`` the server is never asked.
"""

import pytest

import nodessl as tls

try:  # require('crypto').constants
    from nodessl.constants import SSL_OP_NO_TICKET
except ImportError:  # until nodessl.constants lands (issue 8)
    from nodessl.openssl import SSL_OP_NO_TICKET

NODE_TEST = "test-tls-ocsp-callback.js"

_OPAQUE = pytest.mark.xfail(tls.backend.openssl_version_number >= 0x40000000, strict=True, reason=(
    "bundled backend: OpenSSL 4 (the bundled backend's) parses a staple as a DER OCSPResponse "
    "before sending it and after receiving it, so the opaque response Node staples ('hello "
    "world') is dropped on the server (a SecurityWarning says so) and the client's "
    "'OCSPResponse' gets None where Node 20's (OpenSSL 3.0) gets the bytes; nodessl keeps that "
    "check. On OpenSSL 3 (the shared backend's 3.0.19) this passes"))


def _test(common, fixtures, test_options, cb=None):
    key = fixtures.readKey("agent1-key.pem")
    cert = fixtures.readKey("agent1-cert.pem")
    ca = fixtures.readKey("ca1-cert.pem")
    options = {"key": key, "cert": cert, "ca": [ca]}
    request_count = 0 if test_options.get("response") else 1

    if not test_options.get("ocsp"):
        assert "response" not in test_options  # JS: strictEqual(response, undefined)

    if test_options.get("pfx"):
        del options["key"]
        del options["cert"]
        options["pfx"] = test_options["pfx"]
        options["passphrase"] = test_options["passphrase"]

    def on_secure(cleartext):
        def on_error(er):
            # We're ok with getting ECONNRESET in this test, but it's
            # timing-dependent, and thus unreliable. Any other errors
            # are just failures, though.
            if getattr(er, "code", None) != "ECONNRESET":
                raise er

        cleartext.on("error", on_error)
        cleartext.end()

    server = tls.createServer(options, common.mustCall(on_secure, request_count))

    if not test_options.get("ocsp"):
        server.on("OCSPRequest", common.mustNotCall())
    else:
        def on_ocsp_request(cert, issuer, callback):
            assert isinstance(cert, bytes)  # Buffer.isBuffer
            assert isinstance(issuer, bytes)

            # Callback a little later to ensure that async really works.
            response = test_options.get("response")
            return tls.setTimeout(callback, 100, None,
                                  response.encode() if response else None)

        server.on("OCSPRequest", common.mustCall(on_ocsp_request))

    def on_listening():
        # Node's this: the server
        client = tls.connect({
            "port": server.address()["port"],
            "requestOCSP": test_options.get("ocsp"),
            "secureOptions": 0 if test_options.get("ocsp") else SSL_OP_NO_TICKET,
            "rejectUnauthorized": False,
        }, common.mustCall(None, request_count))

        def on_ocsp_response(resp):
            if test_options.get("response"):
                assert resp.decode() == test_options["response"]
                client.destroy()
            else:
                assert resp is None

        client.on("OCSPResponse", common.mustCall(
            on_ocsp_response, 0 if test_options.get("ocsp") is False else 1))

        client.on("close", common.mustCall(lambda *_: server.close(cb)))

    server.listen(0, on_listening)


def test_ocsp_callback_no_response(common, fixtures):
    common.run(lambda: _test(common, fixtures, {"ocsp": True, "response": False}))


@_OPAQUE
def test_ocsp_callback_response(common, fixtures):
    common.run(lambda: _test(common, fixtures, {"ocsp": True, "response": "hello world"}),
               timeout=5)


def test_ocsp_callback_no_ocsp(common, fixtures):
    common.run(lambda: _test(common, fixtures, {"ocsp": False}))


@_OPAQUE
def test_ocsp_callback_pfx(common, fixtures):
    # `if (!common.hasFipsCrypto)`: nodessl has no FIPS mode
    pfx = fixtures.readKey("agent1.pfx")
    common.run(lambda: _test(common, fixtures, {"ocsp": True, "response": "hello pfx",
                                                "pfx": pfx, "passphrase": "sample"}),
               timeout=5)

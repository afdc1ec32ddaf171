"""Port of Node 20's test/parallel/test-tls-securepair-fiftharg.js.

``createSecurePair``'s fifth argument (options) carries an ``SNICallback``,
which is called with the servername of a ClientHello written to the encrypted side.
"""

from OpenSSL import SSL

import nodessl as tls

NODE_TEST = "test-tls-securepair-fiftharg.js"


def _client_hello(servername: bytes) -> bytes:
    """A ClientHello naming ``servername``.

    Node's fixture google_ssl_hello.bin is a browser's ClientHello captured on
    the way to https://www.google.com; what the test needs of it is its SNI,
    so a ClientHello with the same server name is made here.
    """
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    conn.set_connect_state()
    conn.set_tlsext_host_name(servername)
    try:
        conn.do_handshake()
    except SSL.WantReadError:
        pass
    return conn.bio_read(65536)


def test_securepair_fiftharg(common, fixtures):
    def main():
        sslcontext = tls.createSecureContext({
            "cert": fixtures.readKey("rsa_cert.crt"),
            "key": fixtures.readKey("rsa_private.pem"),
        })

        def sni_callback(servername, cb):
            assert servername == "www.google.com"

        pair = tls.createSecurePair(sslcontext, True, False, False, {
            "SNICallback": common.mustCall(sni_callback),
        })

        # Captured traffic from browser's request to https://www.google.com
        ssl_hello = _client_hello(b"www.google.com")

        pair.encrypted.write(ssl_hello)

    common.run(main, timeout=5)

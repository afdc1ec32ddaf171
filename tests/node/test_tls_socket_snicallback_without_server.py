"""Port of Node 20's test/parallel/test-tls-socket-snicallback-without-server.js.

A server-side TLSSocket made without a server, over a duplex pair, still
calls its SNICallback with the servername of a captured ClientHello.
"""

import ssl

from duplexpair import makeDuplexPair

import nodessl as tls

NODE_TEST = "test-tls-socket-snicallback-without-server.js"


def _client_hello(servername: str) -> bytes:
    """A real ClientHello naming ``servername`` (stands in for Node's binary fixture)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname=servername)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def test_socket_snicallback_without_server(common):
    def main():
        pair = makeDuplexPair()
        client_side, server_side = pair["clientSide"], pair["serverSide"]

        def sni_callback(servername, cb):
            assert servername == "www.google.com"

        tls.TLSSocket(server_side, {
            "isServer": True,
            "SNICallback": common.mustCall(sni_callback),
        })

        # Captured traffic from browser's request to https://www.google.com: Node's
        # google_ssl_hello.bin is a binary fixture; a ClientHello for the same name made
        # by Python's ssl takes its place
        ssl_hello = _client_hello("www.google.com")

        client_side.write(ssl_hello)

    common.run(main)

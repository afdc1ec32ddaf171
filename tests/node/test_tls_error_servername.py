"""Port of Node 20's test/parallel/test-tls-error-servername.js.

The errors thrown from TLSSocket.prototype.setServername: ERR_INVALID_ARG_TYPE for
a name that is not a string, ERR_TLS_SNI_FROM_SERVER on a server-side socket.
"""

from duplexpair import makeDuplexPair
from nodecommon import assert_throws, invalidArgTypeHelper

from nodessl import TLSSocket, connect

NODE_TEST = "test-tls-error-servername.js"



def test_error_servername(common, fixtures):
    def main():
        pair = makeDuplexPair()
        clientSide, serverSide = pair["clientSide"], pair["serverSide"]

        key = fixtures.readKey("agent1-key.pem")
        cert = fixtures.readKey("agent1-cert.pem")
        ca = fixtures.readKey("ca1-cert.pem")

        client = connect({
            "socket": clientSide,
            "ca": ca,
            "host": "agent1",  # Hostname from certificate
        })

        # JS's undefined and null are both None
        for value in [None, None, 1, True, {}]:
            assert_throws(lambda value=value: client.setServername(value), {
                "code": "ERR_INVALID_ARG_TYPE",
                # JS: 'must be of type string' (nodessl names Python's types)
                "message": 'The "name" argument must be a str.'
                           + invalidArgTypeHelper(value),
            })

        server = TLSSocket(serverSide, {
            "isServer": True,
            "key": key,
            "cert": cert,
            "ca": ca,
        })

        assert_throws(lambda: server.setServername("localhost"), {
            "code": "ERR_TLS_SNI_FROM_SERVER",
            "message": "Cannot issue SNI from a TLS server-side socket",
        })

    common.run(main, timeout=10)

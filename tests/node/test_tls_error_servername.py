"""Port of Node 20's test/parallel/test-tls-error-servername.js.

The errors thrown from TLSSocket.prototype.setServername: ERR_INVALID_ARG_TYPE for
a name that is not a string, ERR_TLS_SNI_FROM_SERVER on a server-side socket.
"""

from duplexpair import makeDuplexPair
from nodecommon import assert_throws

from nodessl import TLSSocket, connect

NODE_TEST = "test-tls-error-servername.js"


def invalid_arg_type_helper(value):
    """Node's ``common.invalidArgTypeHelper`` with Python's type names and reprs."""
    if value is None:
        return " Received None"  # JS: null / undefined
    if isinstance(value, (bool, int, float, str)):
        inspected = repr(value)
        if len(inspected) > 28:
            inspected = inspected[:25] + "..."
        return f" Received type {type(value).__name__} ({inspected})"
    return f" Received an instance of {type(value).__name__}"


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
                "message": 'The "name" argument must be of type string.'
                           + invalid_arg_type_helper(value),
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

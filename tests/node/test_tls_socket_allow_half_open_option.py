"""Port of Node 20's test/parallel/test-tls-socket-allow-half-open-option.js.

The ``allowHalfOpen`` option of ``new tls.TLSSocket`` is ignored when a
socket or Duplex is given, and honoured when none is.
"""


import nodessl as tls
from nodessl import net, stream

NODE_TEST = "test-tls-socket-allow-half-open-option.js"


def test_socket_allow_half_open_option(common):
    def main():
        # The option is ignored when the `socket` argument is a `net.Socket`.
        socket = tls.TLSSocket(net.Socket(), {"allowHalfOpen": True})
        assert socket.allowHalfOpen is False

        # The option is ignored when the `socket` argument is a generic `stream.Duplex`.
        duplex = stream.Duplex({"allowHalfOpen": False, "read": lambda *_: None})
        socket = tls.TLSSocket(duplex, {"allowHalfOpen": True})
        assert socket.allowHalfOpen is False

        socket = tls.TLSSocket()
        assert socket.allowHalfOpen is False

        # The option is honored when the `socket` argument is not specified.
        socket = tls.TLSSocket(None, {"allowHalfOpen": True})
        assert socket.allowHalfOpen is True

    common.run(main)

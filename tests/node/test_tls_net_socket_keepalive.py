"""Port of Node 20's test/parallel/test-tls-net-socket-keepalive.js.

A TLS client over a not-yet-connected ``allowHalfOpen`` net.Socket, connected
after ``tls.connect``, exchanges data and ends both ways without hanging.
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-net-socket-keepalive.js"


def keepalive_program(common, fixtures):
    """The Node file's program (also run by the TLS 1.2 variant)."""
    # This test ensures that when tls sockets are created with `allowHalfOpen`,
    # they won't hang.
    key = fixtures.readKey("agent1-key.pem")
    cert = fixtures.readKey("agent1-cert.pem")
    ca = fixtures.readKey("ca1-cert.pem")
    options = {"key": key, "cert": cert, "ca": [ca]}

    def on_secure(conn):
        conn.write("hello", common.mustCall())
        conn.on("data", common.mustCall())
        conn.on("end", common.mustCall())
        conn.on("data", common.mustCall())
        conn.on("close", common.mustCall())
        conn.end()

    def on_listening():
        net_socket = net.Socket({"allowHalfOpen": True})

        socket = tls.connect({"socket": net_socket, "rejectUnauthorized": False})

        address = server.address()
        port, host = address["port"], address["address"]

        # Doing `net.Socket.connect()` after `tls.connect()` will make tls module
        # wrap the socket in StreamWrap.
        net_socket.connect({"port": port, "address": host})

        socket.on("secureConnect", common.mustCall())
        socket.on("end", common.mustCall())
        socket.on("data", common.mustCall())
        socket.on("close", common.mustCall(lambda *_: server.close()))

        socket.write("hello")
        socket.end()

    server = tls.createServer(options, common.mustCall(on_secure))
    server.listen(0, common.mustCall(on_listening))


def test_net_socket_keepalive(common, fixtures):
    common.run(lambda: keepalive_program(common, fixtures))

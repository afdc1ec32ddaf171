"""Port of Node 20's test/parallel/test-tls-econnreset.js.

A TCP client that connects and destroys itself before any handshake makes the TLS
server emit 'tlsClientError' ('socket hang up', ECONNRESET) with the socket.
"""

import re

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-econnreset.js"



def test_econnreset(common, fixtures):
    client_error = None

    def main():
        def on_client_error(err, conn):
            nonlocal client_error
            assert not client_error and conn
            client_error = err
            server.close()

        server = tls.createServer({
            "cert": fixtures.readKey("agent1-cert.pem"),
            "key": fixtures.readKey("agent1-key.pem"),
        }, common.mustNotCall())
        server.on("tlsClientError", on_client_error)

        def on_listening():
            def on_connect():
                sock.destroy()  # Node's this

            sock = net.connect(server.address()["port"], on_connect)
            sock.on("error", common.mustNotCall())

        server.listen(0, on_listening)

    common.run(main, timeout=10)
    # Node's process.on('exit')
    assert client_error
    assert re.search("socket hang up", str(client_error))
    assert re.search("ECONNRESET", client_error.code)

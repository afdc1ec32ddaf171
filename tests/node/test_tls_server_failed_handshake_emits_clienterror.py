"""Port of Node 20's test/parallel/test-tls-server-failed-handshake-emits-clienterror.js.

A client that sends 1 KiB of junk instead of a ClientHello makes the server
emit 'tlsClientError' with OpenSSL's "wrong version number".
"""

import re

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-server-failed-handshake-emits-clienterror.js"


def test_server_failed_handshake_emits_clienterror(common):
    bonkers = b"\x2a" * 1024  # Buffer.alloc(1024, 42)

    def main():
        server = tls.createServer({})

        def on_listening():
            # Node's `this` is the server
            c = net.connect({"port": server.address()["port"]}, lambda: c.write(bonkers))

        def on_client_error(e, *_):
            assert isinstance(e, Exception), "Instance of Error should be passed to error handler"
            assert re.search(r"SSL routines:[^:]*:wrong version number", e.message), \
                "Expecting SSL unknown protocol"
            server.close()

        server.listen(0, on_listening).on("tlsClientError", common.mustCall(on_client_error))

    common.run(main)

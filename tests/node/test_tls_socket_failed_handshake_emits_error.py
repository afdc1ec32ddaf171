"""Port of Node 20's test/parallel/test-tls-socket-failed-handshake-emits-error.js.

A server-side TLSSocket made over a net socket that received 1 KiB of junk
emits an 'error' naming the SSL failure, then 'close'.
"""

import re

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-socket-failed-handshake-emits-error.js"


def test_socket_failed_handshake_emits_error(common):
    bonkers = bytes([42]) * 1024  # Buffer.alloc(1024, 42)

    def main():
        def on_connection(c):
            def later():
                s = tls.TLSSocket(c, {"isServer": True, "server": server})

                def on_error(e):
                    assert isinstance(e, Exception), \
                        "Instance of Error should be passed to error handler"
                    # the stored copy of the test still names OpenSSL 1.0's
                    # SSL23_GET_CLIENT_HELLO:unknown protocol; Node 20 on OpenSSL 3 reports
                    # "SSL routines:ssl3_get_record:wrong version number" (checked with node)
                    assert re.search(r"SSL routines:[^:]*:wrong version number", str(e.message)), \
                        "Expecting SSL unknown protocol"

                s.on("error", common.mustCall(on_error))

                def on_close(*_):
                    server.close()
                    s.destroy()

                s.on("close", on_close)

            tls.setTimeout(later, common.platformTimeout(200))

        def on_listening():
            # Node's `this` is the server
            c = net.connect({"port": server.address()["port"]}, lambda: c.write(bonkers))

        server = net.createServer(on_connection).listen(0, on_listening)

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-delayed-attach-error.js.

A server-side ``TLSSocket`` attached 200 ms late to a net socket that already received 1 KiB
of junk emits 'error' (wrong version number) and then 'close'.
"""

import re

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-delayed-attach-error.js"



def test_delayed_attach_error(common):
    bonkers = bytes([42]) * 1024  # Buffer.alloc(1024, 42)

    def main():
        def on_connection(c):
            def attach():
                s = tls.TLSSocket(c, {
                    "isServer": True,
                    "server": server,
                })

                def on_error(e):
                    assert isinstance(e, Exception), \
                        "Instance of Error should be passed to error handler"
                    assert re.search(r"SSL routines:[^:]*:wrong version number", str(e))

                s.on("error", common.mustCall(on_error))

                def on_close(*_args):
                    server.close()
                    s.destroy()

                s.on("close", on_close)

            tls.setTimeout(common.mustCall(attach), common.platformTimeout(200))

        server = net.createServer(common.mustCall(on_connection))

        def on_listening():
            c = net.connect({"port": server.address()["port"]}, lambda: c.write(bonkers))

        server.listen(0, on_listening)

    common.run(main, timeout=10)

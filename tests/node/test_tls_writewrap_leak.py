"""Port of Node 20's test/parallel/test-tls-writewrap-leak.js.

A write on a TLS client whose server destroyed the connection completes its
callback with ECANCELED (once the socket is un-destroyed after its error).
"""


import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-writewrap-leak.js"


def test_writewrap_leak(common):
    def main():
        def on_listening():
            c = tls.connect({"port": server.address()["port"]})

            def on_error(*_):
                # Otherwise `.write()` callback won't be invoked.
                c._undestroy()

            c.on("error", on_error)

            def on_written(err):
                assert err.code == "ECANCELED"
                server.close()

            c.write("hello", common.mustCall(on_written))

        server = net.createServer(common.mustCall(lambda c: c.destroy())) \
            .listen(0, common.mustCall(on_listening))

    common.run(main, timeout=5)

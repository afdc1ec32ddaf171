"""Port of Node 20's test/parallel/test-tls-wrap-econnreset-localaddress.js.

A TCP server that closes at once makes tls.connect with a localAddress fail
with ECONNRESET naming the port and local address, and no path or host.
"""


import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-wrap-econnreset-localaddress.js"


def test_wrap_econnreset_localaddress(common):
    def main():
        def on_listening():
            port = server.address()["port"]

            def on_error(e):
                assert e.code == "ECONNRESET"
                # `undefined` in Node: the attribute is absent or None
                assert getattr(e, "path", None) is None
                assert getattr(e, "host", None) is None
                assert e.port == port
                assert e.localAddress == common.localhostIPv4
                server.close()

            tls.connect({"port": port, "localAddress": common.localhostIPv4},
                        common.localhostIPv4).once("error", common.mustCall(on_error))

        server = net.createServer(lambda c: c.end()).listen(common.mustCall(on_listening))

    common.run(main, timeout=3)  # hangs until the xfail cause is fixed

"""Port of Node 20's test/parallel/test-tls-wrap-econnreset.js.

A TCP server that closes at once makes tls.connect fail with ECONNRESET
naming the host and port, and no path or local address.
"""

import pytest

import nodessl as tls
from nodessl import net

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "errors: ECONNRESET before the handshake carries no .host/.port (Node sets them from "
    "the connect options)"))

NODE_TEST = "test-tls-wrap-econnreset.js"


def test_wrap_econnreset(common):
    def main():
        server = net.createServer(lambda c: c.end())
        errored = False

        def on_listening():
            port = server.address()["port"]

            def on_error(e):
                nonlocal errored
                assert e.code == "ECONNRESET"
                # `undefined` in Node: the attribute is absent or None
                assert getattr(e, "path", None) is None
                assert e.host == common.localhostIPv4
                assert e.port == port
                assert getattr(e, "localAddress", None) is None
                server.close()
                errored = True

            def on_close(*_):
                assert errored is True

            (tls.connect(port, common.localhostIPv4)
                .once("error", common.mustCall(on_error))
                .on("close", common.mustCall(on_close)))

        server.listen(common.mustCall(on_listening))

    common.run(main)

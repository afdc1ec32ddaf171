"""Port of Node 20's test/parallel/test-tls-wrap-econnreset-socket.js.

tls.connect over a given net.Socket whose peer closes at once fails with
ECONNRESET that names no path, host, port or local address (the TLS layer
did not open the connection).
"""

import pytest

import nodessl as tls
from nodessl import net

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "wrapping: tls.connect({socket}) over a net.Socket that connects afterwards never starts TLS nor reports the peer's close (hangs)"))

NODE_TEST = "test-tls-wrap-econnreset-socket.js"


def test_wrap_econnreset_socket(common):
    def main():
        server = net.createServer(lambda c: c.end())

        def on_listening():
            port = server.address()["port"]
            socket = net.Socket()
            errored = False

            def on_error(e):
                nonlocal errored
                assert e.code == "ECONNRESET"
                # `undefined` in Node: the attribute is absent or None
                for prop in ("path", "host", "port", "localAddress"):
                    assert getattr(e, prop, None) is None, prop
                errored = True
                server.close()

            def on_close(*_):
                assert errored is True

            (tls.connect({"socket": socket})
                .once("error", common.mustCall(on_error))
                .on("close", common.mustCall(on_close)))
            socket.connect(port)

        server.listen(common.mustCall(on_listening))

    common.run(main)

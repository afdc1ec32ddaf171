"""Port of Node 20's test/parallel/test-tls-ip-servername-deprecation.js.

``tls.connect()`` emits DEP0123 when ``servername`` of options is an IP address.
"""

import pytest

import nodessl as tls

NODE_TEST = "test-tls-ip-servername-deprecation.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "loop/net: the client, ended after the server's end('hello') arrived but never read "
    "(no 'data' listener), never closes and keeps tls.run alive; Node's process exits since "
    "a handle that stopped reading at EOF no longer holds the loop"))


def test_ip_servername_deprecation(common, fixtures):
    # This test expects `tls.connect()` to emit a warning when
    # `servername` of options is an IP address.
    common.expectWarning(
        "DeprecationWarning",
        "Setting the TLS ServerName to an IP address is not permitted by "
        "RFC 6066. This will be ignored in a future version.",
        "DEP0123",
    )

    options = {
        "key": fixtures.readKey("agent1-key.pem"),
        "cert": fixtures.readKey("agent1-cert.pem"),
    }

    def main():
        def on_listening():
            client = tls.connect({
                "port": server.address()["port"],  # Node's this is the server
                "rejectUnauthorized": False,
                "servername": "127.0.0.1",
            }, lambda: client.end())

        server = tls.createServer(options, lambda s: s.end("hello"))
        server.listen(0, on_listening)

        server.on("connection", common.mustCall(lambda socket: server.close()))

    common.run(main, timeout=3)

"""Port of Node 20's test/parallel/test-tls-alert-handling.js.

A server keeps echoing to one client while a second client, wrapped over a net socket, puts a
bad TLS record on the wire: the server's socket gets ERR_SSL_WRONG_VERSION_NUMBER and the bad
client gets the server's protocol_version alert.
"""

import pytest

import nodessl as tls
from nodessl import backend, net

NODE_TEST = "test-tls-alert-handling.js"

pytestmark = pytest.mark.xfail(backend.openssl_version_number >= 0x30200000, strict=True, reason=(
    "bundled backend: needs a shared libssl 3.0 (the TLS 1.3 record layer of OpenSSL < 3.2): the bad "
    "record arrives on an established TLS 1.3 connection, where OpenSSL 3.0 checks the record "
    "version first (ERR_SSL_WRONG_VERSION_NUMBER, encrypted protocol_version alert) and the "
    "bundled OpenSSL 4 checks the type first (ERR_SSL_BAD_RECORD_TYPE, unexpected_message); "
    "a rewritten type byte gets WRONG_VERSION_NUMBER but OpenSSL 4 then sends decode_error, "
    "and an encrypted alert cannot be rewritten on its way out nor sent by the binding "
    "(no SSL_send_alert)"))


def test_alert_handling(common, fixtures):
    assert common.opensslCli  # Node skips without the CLI (it does not run it)

    clientClosed = False
    errorReceived = False

    def canCloseServer():
        return clientClosed and errorReceived

    def loadPEM(n):
        return fixtures.readKey(f"{n}.pem", "utf-8")

    opts = {
        "key": loadPEM("agent2-key"),
        "cert": loadPEM("agent2-cert"),
    }

    max_iter = 20
    iter_ = 0

    def main():
        def error_handler(err):
            nonlocal errorReceived
            assert err.code == "ERR_SSL_WRONG_VERSION_NUMBER"
            assert err.library == "SSL routines"
            # Node 20 has OpenSSL 3: no err.function check
            assert err.reason == "wrong version number"
            errorReceived = True
            if canCloseServer():
                server.close()

        errorHandler = common.mustCall(error_handler)

        def on_secure(s):
            s.pipe(s)
            s.on("error", errorHandler)

        server = tls.createServer(opts, common.mustCall(on_secure, 2))

        server.listen(0, common.mustCall(lambda: sendClient()))

        server.on("tlsClientError", common.mustNotCall())

        server.on("error", common.mustNotCall())

        def sendClient():
            client = tls.connect(server.address()["port"], {
                "rejectUnauthorized": False,
            })

            def on_data(_data):
                nonlocal iter_
                old, iter_ = iter_, iter_ + 1  # JS iter++ === 2
                if old == 2:
                    sendBADTLSRecord()
                if iter_ < max_iter:
                    client.write("a")
                    return
                client.end()

            client.on("data", common.mustCall(on_data, max_iter))
            client.write("a", common.mustCall())
            client.on("error", common.mustNotCall())

            def on_close(*_args):
                nonlocal clientClosed
                clientClosed = True
                if canCloseServer():
                    server.close()

            client.on("close", common.mustCall(on_close))

        def sendBADTLSRecord():
            BAD_RECORD = bytes([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
            socket = net.connect(server.address()["port"])

            def on_connect():
                client.write("x")
                client.on("data", lambda data: socket.end(BAD_RECORD))

            client = tls.connect({
                "socket": socket,
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))

            def on_error(err):
                assert err.code == "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION"
                assert err.library == "SSL routines"
                # Node 20 has OpenSSL 3: no err.function check
                assert err.reason == "tlsv1 alert protocol version"

            client.on("error", common.mustCall(on_error))

    common.run(main, timeout=5)  # bounded short: the xfail hangs

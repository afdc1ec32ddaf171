"""Port of Node 20's test/parallel/test-tls-server-capture-rejection.js.

With ``events.captureRejections`` on, an async 'secureConnection' handler that
throws destroys the socket with that error (emitted on the server socket) and
the client sees 'close'.
"""

import nodessl as tls
from nodessl import events

NODE_TEST = "test-tls-server-capture-rejection.js"


def test_server_capture_rejection(common, fixtures):
    cert = fixtures.readKey("rsa_cert.crt")
    key = fixtures.readKey("rsa_private.pem")

    events.captureRejections = True
    try:
        def main():
            async def on_secure(sock):
                server.close()

                _err = Exception("kaboom")

                def on_error(err):
                    assert err is _err

                sock.on("error", common.mustCall(on_error))
                raise _err

            server = tls.createServer({"cert": cert, "key": key}, common.mustCall(on_secure))

            def on_listening():
                # Node's server.address().host is undefined (AddressInfo has no 'host')
                sock = tls.connect({
                    "port": server.address()["port"],
                    "host": server.address().get("host"),
                    "rejectUnauthorized": False,
                })
                sock.on("close", common.mustCall())

            server.listen(0, common.mustCall(on_listening))

        common.run(main)
    finally:
        events.captureRejections = False

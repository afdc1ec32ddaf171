"""Port of Node 20's test/parallel/test-tls-hello-parser-failure.js.

1 MiB of junk (0x2a bytes) sent by a plain net client to a TLS server: the client
sees an error (the server drops the connection) and 'close' with hadError true.
"""

import json

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-hello-parser-failure.js"


def test_hello_parser_failure(common, fixtures):
    options = {
        "key": fixtures.readKey("rsa_private.pem"),
        "cert": fixtures.readKey("rsa_cert.crt"),
    }

    bonkers = bytes([42]) * (1024 * 1024)  # Buffer.alloc(1024 * 1024, 42)

    def main():
        def on_listening():
            client = net.connect(server.address().port,
                                 common.mustCall(lambda: client.write(bonkers)))

            writeAgain = tls.setImmediate(lambda: client.write(bonkers))

            def on_error(err):
                tls.clearImmediate(writeAgain)
                client.destroy()
                server.close()

            client.once("error", common.mustCall(on_error))

            def on_close(hadError):
                assert hadError is True, (
                    "Client error may have occurred. See details below:\n"
                    f"{json.dumps(hadError)}")

            client.on("close", common.mustCall(on_close))

        server = tls.createServer(options, lambda c: None).listen(
            0, common.mustCall(on_listening))

    common.run(main, timeout=10)

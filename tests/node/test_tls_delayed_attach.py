"""Port of Node 20's test/parallel/test-tls-delayed-attach.js.

A server-side ``TLSSocket`` attached to a net socket 200 ms after the client's handshake
began still completes the handshake and reads the client's data (node-v0.x-archive#6950).
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-delayed-attach.js"


def test_delayed_attach(common, fixtures):
    sent = "hello world"
    received = ""

    options = {
        "key": fixtures.readKey("agent1-key.pem"),
        "cert": fixtures.readKey("agent1-cert.pem"),
    }

    def main():
        def on_connection(c):
            def attach():
                s = tls.TLSSocket(c, {
                    "isServer": True,
                    "secureContext": tls.createSecureContext(options),
                })

                def on_data(chunk):
                    nonlocal received
                    received += chunk.decode()  # Node's string += Buffer

                s.on("data", common.mustCall(on_data))

                def on_end():
                    server.close()
                    s.destroy()

                s.on("end", common.mustCall(on_end))

            tls.setTimeout(attach, 200)

        server = net.createServer(common.mustCall(on_connection))

        def on_listening():
            c = tls.connect(server.address()["port"], {
                "rejectUnauthorized": False,
            }, lambda: c.end(sent))

        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=10)
    # Node's process.on('exit')
    assert received == sent

"""Port of Node 20's test/parallel/test-tls-inception.js.

TLS over TLS: a client's tls.connect({socket}) over a TLSSocket to a TLS "proxy"
server, which pipes the inner TLS bytes to a "target" TLS server; the 40000-byte body
the target ends with arrives whole.
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-inception.js"


def test_inception(common, fixtures):
    options = {
        "key": fixtures.readKey("rsa_private.pem"),
        "cert": fixtures.readKey("rsa_cert.crt"),
    }

    body = "A" * 40000

    def main():
        # the "proxy" server
        def on_proxy(socket):
            myOptions = {
                "host": "127.0.0.1",
                "port": b.address().port,
                "rejectUnauthorized": False,
            }
            dest = net.connect(myOptions)
            dest.pipe(socket)
            socket.pipe(dest)

            dest.on("end", lambda: socket.destroy())

        a = tls.createServer(options, on_proxy)

        # the "target" server
        b = tls.createServer(options, lambda socket: socket.end(body))

        def on_a_listening():
            def on_b_listening():
                myOptions = {
                    "host": "127.0.0.1",
                    "port": a.address().port,
                    "rejectUnauthorized": False,
                }
                socket = tls.connect(myOptions)
                ssl = tls.connect({
                    "socket": socket,
                    "rejectUnauthorized": False,
                })
                ssl.setEncoding("utf8")
                buf = ""

                def on_data(data):
                    nonlocal buf
                    buf += data

                ssl.on("data", on_data)

                def on_end():
                    assert buf == body
                    ssl.end()
                    a.close()
                    b.close()

                ssl.on("end", common.mustCall(on_end))

            b.listen(0, on_b_listening)

        a.listen(0, on_a_listening)

    common.run(main, timeout=10)

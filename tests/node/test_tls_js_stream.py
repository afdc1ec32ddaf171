"""Port of Node 20's test/parallel/test-tls-js-stream.js.

tls.connect over a stream.Duplex built with read/write options that wraps a net
socket (pull-style reads on 'readable'): the handshake completes, both ends exchange
data and end, and the client closes.
"""

import nodessl as tls
from nodessl import net, stream

NODE_TEST = "test-tls-js-stream.js"


def test_js_stream(common, fixtures):
    def main():
        def on_secure_connection(c):
            print("new client")

            c.resume()
            c.end("ohai")

        def on_listening():
            raw = net.connect(server.address().port)  # Node's this

            pending = False

            def on_readable():
                if pending:
                    p._read()

            raw.on("readable", on_readable)

            raw.on("end", lambda: p.push(None))

            def read(*_size):
                nonlocal pending
                pending = False

                chunk = raw.read()
                if chunk:
                    print("read", chunk)
                    p.push(chunk)  # Node's this
                else:
                    pending = True

            def write(data, enc, cb):
                print("write", data, enc)
                raw.write(data, enc, cb)

            p = stream.Duplex({"read": read, "write": write})

            def on_secure():
                print("client secure")

                socket.resume()
                socket.end("hello")

            socket = tls.connect({
                "socket": p,
                "rejectUnauthorized": False,
            }, common.mustCall(on_secure))

            def on_close(*_):
                print("client close")
                server.close()

            socket.once("close", on_close)

        server = tls.createServer({
            "key": fixtures.readKey("agent1-key.pem"),
            "cert": fixtures.readKey("agent1-cert.pem"),
        }, common.mustCall(on_secure_connection)).listen(0, common.mustCall(on_listening))

    common.run(main, timeout=10)

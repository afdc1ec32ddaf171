"""Port of Node 20's test/parallel/test-tls-connect-stream-writes.js.

``tls.connect({socket})`` over a pull-style ``stream.Duplex({read, write})`` wrapping a net
socket: 50 writes then ``end()`` all reach the server.
"""


import nodessl as tls
from nodessl import net, stream

NODE_TEST = "test-tls-connect-stream-writes.js"



def test_connect_stream_writes(common, fixtures):
    options = {"key": fixtures.readKey("rsa_private.pem"),
               "cert": fixtures.readKey("rsa_cert.crt"),
               "ca": [fixtures.readKey("rsa_ca.crt")],
               "ciphers": "AES256-GCM-SHA384"}
    content = "hello world"
    recv_bufs = []
    send_data = ""

    def main():
        def on_secure(s):
            s.on("data", lambda c: recv_bufs.append(c))

        server = tls.createServer(options, on_secure)

        def on_listening():
            raw = net.connect(server.address()["port"])  # Node's this is the server

            pending = False

            def on_readable():
                if pending:
                    p._read()

            raw.on("readable", on_readable)

            def read(*_size):
                nonlocal pending
                pending = False

                chunk = raw.read()
                if chunk:
                    p.push(chunk)  # Node's this
                else:
                    pending = True

            def write(data, enc, cb):
                raw.write(data, enc, cb)

            p = stream.Duplex({"read": read, "write": write})

            def on_connect():
                nonlocal send_data
                for _ in range(50):
                    socket.write(content)
                    send_data += content
                socket.end()
                server.close()

            socket = tls.connect({
                "socket": p,
                "rejectUnauthorized": False,
            }, on_connect)

        server.listen(0, on_listening)

    common.run(main, timeout=5)
    # Node's process.on('exit')
    recv_data = b"".join(recv_bufs).decode()
    assert send_data == recv_data

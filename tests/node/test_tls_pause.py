"""Port of Node 20's test/parallel/test-tls-pause.js.

A paused client writes until ``write()`` returns False, then resumes: the echo
server returns exactly what was sent, and no data arrives before the resume.
"""

import nodessl as tls

NODE_TEST = "test-tls-pause.js"


def test_pause(common, fixtures):
    # This test ensures that the data received over tls-server after pause
    # is same as what it was sent
    options = {"key": fixtures.readKey("rsa_private.pem"),
               "cert": fixtures.readKey("rsa_cert.crt")}

    buf_size = 1024 * 1024
    sent = 0
    received = 0

    # Node's console.error tracing is left out: it asserts nothing
    def main():
        def on_secure(socket):
            socket.pipe(socket)
            socket.on("data", lambda c: None)

        server = tls.Server(options, common.mustCall(on_secure))

        def on_listening():
            resumed = False

            def on_connect():
                client.pause()

                def send():
                    nonlocal sent, resumed
                    ret = client.write(bytes(buf_size))  # Buffer.allocUnsafe(bufSize)
                    if ret is not False:
                        sent += buf_size
                        assert sent < 100 * 1024 * 1024  # max 100MB
                        return tls.nextTick(send)
                    sent += buf_size
                    resumed = True
                    client.resume()
                    return None

                send()

            client = tls.connect({"port": server.address()["port"],
                                  "rejectUnauthorized": False}, common.mustCall(on_connect))

            def on_data(data):
                nonlocal received
                assert resumed
                received += len(data)
                if received >= sent:
                    client.end()
                    server.close()

            client.on("data", on_data)

        server.listen(0, common.mustCall(on_listening))

    common.run(main)
    # process.on('exit')
    assert sent == received

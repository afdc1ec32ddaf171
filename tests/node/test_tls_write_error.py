"""Port of Node 20's test/parallel/test-tls-write-error.js.

Regression test for a use-after-free when ``SSL_write()`` failed: a
hand-made TLS 1.2 client completes the handshake and follows its Finished
with an illegal handshake record; the server must survive, and the client's
write callback runs.

Node's https server is scaffolding here: a tls.Server that would answer a
request with ``res.write('hello')`` (none arrives), destroying the socket on
an error as the http server's default 'clientError' handling does.
"""

from nodetls import TestTLSSocket, ccs

import nodessl as tls

NODE_TEST = "test-tls-write-error.js"


def test_write_error(common, fixtures):
    # Regression test for an use-after-free bug in the TLS implementation that
    # would occur when `SSL_write()` failed.
    # Refs: https://github.com/nodejs-private/security/issues/189

    server_key = fixtures.readKey("agent1-key.pem")
    server_cert = fixtures.readKey("agent1-cert.pem")

    opts = {
        "key": server_key,
        "cert": server_cert,
        "ciphers": "ALL@SECLEVEL=0",
    }

    def main():
        def on_secure_connection(socket):
            # https: (req, res) => res.write('hello'), once a request head arrives
            def on_data(chunk):
                if b"\r\n\r\n" in chunk:
                    socket.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 b"5\r\nhello\r\n")

            socket.on("data", on_data)
            socket.on("error", lambda err: socket.destroy())

        server = tls.createServer(opts, on_secure_connection)

        def on_listening():
            client = TestTLSSocket(server_cert)

            def on_connect():
                ch = client.createClientHello()
                client.write(ch)

            client.connect({
                "host": "localhost",
                "port": server.address().port,
            }, common.mustCall(on_connect))

            def on_data(buf):
                remaining = buf
                while True:
                    remaining = client.parseTLSFrame(remaining)
                    if len(remaining) == 0:
                        break

                cke = client.createClientKeyExchange()
                finished = client.createFinished()
                ill = client.createIllegalHandshake()
                frames = b"".join([
                    cke,
                    ccs,
                    client.encrypt(finished),
                    client.encrypt(ill),
                ])

                def on_written(*_):
                    client.end()
                    server.close()

                client.write(frames, common.mustCall(on_written))

            client.once("data", common.mustCall(on_data))

        server.listen(0, common.mustCall(on_listening))

    common.run(main)

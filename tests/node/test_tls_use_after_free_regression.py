"""Port of Node 20's test/parallel/test-tls-use-after-free-regression.js.

A client pipelines three HTTP requests over TLS and destroys the socket on
the first response bytes; the server (with an EC key given with its
``EC PARAMETERS`` block) still sees all three requests and nothing crashes.

Node's https server is scaffolding here: a tls.Server that splits the
pipelined request heads by hand and answers each with a fixed response.
"""

import nodessl as tls

NODE_TEST = "test-tls-use-after-free-regression.js"

kMessage = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: Keep-alive\r\n\r\n"

key = """-----BEGIN EC PARAMETERS-----
BggqhkjOPQMBBw==
-----END EC PARAMETERS-----
-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIDKfHHbiJMdu2STyHL11fWC7psMY19/gUNpsUpkwgGACoAoGCCqGSM49
AwEHoUQDQgAEItqm+pYj3Ca8bi5mBs+H8xSMxuW2JNn4I+kw3aREsetLk8pn3o81
PWBiTdSZrGBGQSy+UAlQvYeE6Z/QXQk8aw==
-----END EC PRIVATE KEY-----"""

cert = """-----BEGIN CERTIFICATE-----
MIIBhjCCASsCFDJU1tCo88NYU//pE+DQKO9hUDsFMAoGCCqGSM49BAMCMEUxCzAJ
BgNVBAYTAkFVMRMwEQYDVQQIDApTb21lLVN0YXRlMSEwHwYDVQQKDBhJbnRlcm5l
dCBXaWRnaXRzIFB0eSBMdGQwHhcNMjAwOTIyMDg1NDU5WhcNNDgwMjA3MDg1NDU5
WjBFMQswCQYDVQQGEwJBVTETMBEGA1UECAwKU29tZS1TdGF0ZTEhMB8GA1UECgwY
SW50ZXJuZXQgV2lkZ2l0cyBQdHkgTHRkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcD
QgAEItqm+pYj3Ca8bi5mBs+H8xSMxuW2JNn4I+kw3aREsetLk8pn3o81PWBiTdSZ
rGBGQSy+UAlQvYeE6Z/QXQk8azAKBggqhkjOPQQDAgNJADBGAiEA7Bdn4F87KqIe
Y/ABy/XIXXpFUb2nyv3zV7POQi2lPcECIQC3UWLmfiedpiIKsf9YRIyO0uEood7+
glj2R1NNr1X68w==
-----END CERTIFICATE-----"""


class Response:
    """``res.writeHead(200)`` and ``res.end(body)`` of a keep-alive HTTP/1.1 response."""

    def __init__(self, socket):
        self.socket = socket
        self.status = 200

    def writeHead(self, status):
        self.status = status

    def end(self, body):
        data = body.encode()
        self.socket.write(b"HTTP/1.1 %d OK\r\nContent-Length: %d\r\nConnection: keep-alive\r\n"
                          b"\r\n%s" % (self.status, len(data), data))


def test_use_after_free_regression(common):
    def main():
        def on_request(req, res):
            res.writeHead(200)
            res.end("boom goes the dynamite\n")

        handler = common.mustCall(on_request, 3)

        # https.createServer({key, cert}, handler): every request head on the connection is
        # handed to the handler, as Node's HTTP parser does with pipelined requests
        def on_secure_connection(socket):
            pending = bytearray()

            def on_data(chunk):
                pending.extend(chunk)
                while b"\r\n\r\n" in pending:
                    head, _, rest = bytes(pending).partition(b"\r\n\r\n")
                    pending[:] = rest
                    assert head.startswith(b"GET / HTTP/1.1\r\n")
                    handler(head, Response(socket))

            socket.on("data", on_data)
            # the http server's 'clientError' default: a socket error (the client destroyed
            # the connection under the answers) only destroys the socket
            socket.on("error", lambda err: socket.destroy())

        server = tls.createServer({"key": key, "cert": cert}, on_secure_connection)

        def on_listening():
            def on_connect():
                socket.write(kMessage)
                socket.write(kMessage)
                socket.write(kMessage)

            socket = tls.connect(server.address().port, "localhost",
                                 {"rejectUnauthorized": False}, common.mustCall(on_connect))

            socket.on("data", common.mustCall(lambda *_: socket.destroy()))
            socket.on("close", lambda *_: tls.setImmediate(lambda: server.close()))

        server.listen(0, common.mustCall(on_listening))

    common.run(main)

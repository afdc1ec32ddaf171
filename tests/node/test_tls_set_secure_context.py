"""Port of Node 20's test/parallel/test-tls-set-secure-context.js.

``server.setSecureContext()`` swaps the credentials new connections get (a
client trusting only the first CA fails against the second certificate and
succeeds again after swapping back) without disturbing a connection that is
already open and still answering.

Node's https is scaffolding here: the server is a tls.Server answering each
request with a chunked HTTP/1.1 response written by hand, and each request is
a fresh tls.connect (``agent: new https.Agent()``: no connection reuse) whose
response body is de-chunked by hand.
"""

import asyncio
import re

from nodecommon import assert_error

import nodessl as tls

NODE_TEST = "test-tls-set-secure-context.js"


class Response:
    """The part of ``http.ServerResponse`` the test uses: ``write`` and ``end``, chunked."""

    def __init__(self, socket):
        self.socket = socket
        self.headers_sent = False

    def _head(self):
        if not self.headers_sent:
            self.headers_sent = True
            self.socket.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")

    def write(self, data):
        self._head()
        body = data.encode()
        self.socket.write(b"%x\r\n%s\r\n" % (len(body), body))

    def end(self, data):
        self.write(data)
        # the client asked for `Connection: close`, so the server ends the socket after it
        self.socket.end(b"0\r\n\r\n")


def parse_request_head(head):
    """Header names (lower-cased) to values of one request head."""
    lines = head.decode("latin-1").split("\r\n")
    assert re.match(r"^GET / HTTP/1\.1$", lines[0])
    return {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}


def dechunk(raw):
    """The body of a chunked HTTP/1.1 response."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    body = b""
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return body
        body += rest[:size]
        assert rest[size:size + 2] == b"\r\n"
        rest = rest[size + 2:]


def test_set_secure_context(common, fixtures):
    # This test verifies the behavior of the tls setSecureContext() method.
    # It also verifies that existing connections are not disrupted when the
    # secure context is changed.
    credentialOptions = [
        {
            "key": fixtures.readKey("agent1-key.pem"),
            "cert": fixtures.readKey("agent1-cert.pem"),
            "ca": fixtures.readKey("ca1-cert.pem"),
        },
        {
            "key": fixtures.readKey("agent2-key.pem"),
            "cert": fixtures.readKey("agent2-cert.pem"),
            "ca": fixtures.readKey("ca2-cert.pem"),
        },
    ]
    firstResponse = None

    def on_request(req_headers, res):
        nonlocal firstResponse
        id_ = int(req_headers["id"])

        if id_ == 1:
            firstResponse = res
            firstResponse.write("multi-")
            return
        elif id_ == 4:
            firstResponse.write("success-")

        res.end("success")

    # https.createServer(options, handler): one request per connection here
    def on_secure_connection(socket):
        head = bytearray()

        def on_data(chunk):
            head.extend(chunk)
            if b"\r\n\r\n" in head:
                socket.removeListener("data", on_data)
                on_request(parse_request_head(bytes(head).split(b"\r\n\r\n")[0]),
                           Response(socket))

        socket.on("data", on_data)

    async def makeRequest(port, id_):
        options = {
            "port": port,
            "host": "localhost",
            "rejectUnauthorized": True,
            "ca": credentialOptions[0]["ca"],
            "servername": "agent1",
        }
        loop = asyncio.get_running_loop()
        response = loop.create_future()
        raw = bytearray()
        errored = False

        socket = tls.connect(options)

        def on_error(err):
            nonlocal errored
            errored = True
            if not response.done():
                response.set_exception(err)

        socket.on("error", on_error)
        socket_had_error = [False]  # http sets socket._hadError in its 'error' listener
        socket.on("error", lambda err: socket_had_error.__setitem__(0, True))

        # req.on('finish'): http's write callback (onFinish) emits it unless the write
        # failed or the socket had an error (socket._hadError), which the test checks holds
        def on_finish(err=None):
            if err is None and not socket_had_error[0]:
                assert errored is False

        socket.write(f"GET / HTTP/1.1\r\nid: {id_}\r\nHost: localhost:{port}\r\n"
                     "Connection: close\r\n\r\n", on_finish)
        socket.on("data", lambda chunk: raw.extend(chunk))

        def on_end():
            if not response.done():
                response.set_result(dechunk(bytes(raw)).decode("utf-8"))

        socket.on("end", on_end)
        return await response

    async def immediate():
        # timers/promises setImmediate()
        fut = asyncio.get_running_loop().create_future()
        tls.setImmediate(lambda: fut.done() or fut.set_result(None))
        await fut

    async def rejects(coro, pattern):
        # assert.rejects(promise, /^Error: .../): an Error (not a subclass such as
        # TypeError) whose message matches
        try:
            await coro
        except Exception as err:  # noqa: BLE001 - examined below
            assert_error(err, {"name": "Error", "message": pattern})
            assert not isinstance(err, (TypeError, ValueError))
            return
        raise AssertionError("Missing expected rejection.")

    def main():
        server = tls.createServer(credentialOptions[0], on_secure_connection)

        def on_listening():
            port = server.address().port
            loop = asyncio.get_running_loop()
            firstRequest = loop.create_task(makeRequest(port, 1))

            async def makeRemainingRequests():
                # Wait until the first request is guaranteed to have been handled.
                while not firstResponse:
                    await immediate()

                assert await makeRequest(port, 2) == "success"

                server.setSecureContext(credentialOptions[1])
                firstResponse.write("request-")
                # OpenSSL 3's wording (common.hasOpenSSL3)
                errorMessageRegex = re.compile(r"^self-signed certificate$")
                await rejects(makeRequest(port, 3), errorMessageRegex)

                server.setSecureContext(credentialOptions[0])
                assert await makeRequest(port, 4) == "success"

                server.setSecureContext(credentialOptions[1])
                firstResponse.end("fun!")
                await rejects(makeRequest(port, 5), errorMessageRegex)

                assert await firstRequest == "multi-request-success-fun!"
                server.close()

            done = common.mustCall()
            task = loop.create_task(makeRemainingRequests())
            # .then(common.mustCall()): a failure inside fails the program
            task.add_done_callback(lambda t: t.result() if t.exception() else done())

        server.listen(0, common.mustCall(on_listening))

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-destroy-stream.js.

A TLS server socket over one side of a duplex pair (the other side piped to a net
connection) does write() then destroy(): the wrapped stream and the net connection close,
and the client receives the data (if written) and 'close' without error (nodejs/node#14605).
"""

from duplexpair import makeDuplexPair

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-destroy-stream.js"

def destroy_stream_program(common, fixtures, monkeypatch):
    """The body of test-tls-destroy-stream.js (test-tls-destroy-stream-12.js runs it too)."""
    # Node sets the process-wide default; undone after the test
    monkeypatch.setattr(tls, "DEFAULT_MAX_VERSION", "TLSv1.3")

    # This test ensures that an instance of StreamWrap should emit "end" and
    # "close" when the socket on the other side call `destroy()` instead of
    # `end()`.
    # Refs: https://github.com/nodejs/node/issues/14605
    content = "Hello World"

    def main():
        def on_secure(socket):
            socket.on("close", common.mustCall())
            socket.write(content)
            socket.destroy()

            def on_error(err):
                # destroy() is sync, write() is async, whether write completes depends
                # on the protocol, it is not guaranteed by stream API.
                if getattr(err, "code", None) == "ERR_STREAM_DESTROYED":
                    return
                raise err  # assert.ifError(err)

            socket.on("error", on_error)

        tls_server = tls.createServer({
            "key": fixtures.readKey("rsa_private.pem"),
            "cert": fixtures.readKey("rsa_cert.crt"),
            "ca": [fixtures.readKey("rsa_ca.crt")],
        }, on_secure)

        def on_connection(conn):
            conn.on("error", common.mustNotCall())

            # Assume that we want to use data to determine what to do with connections.
            def on_first_data(chunk):
                pair = makeDuplexPair()
                client_side, server_side = pair["clientSide"], pair["serverSide"]
                server_side.on("close", common.mustCall(lambda *a: conn.destroy()))
                client_side.pipe(conn)
                conn.pipe(client_side)

                conn.on("close", common.mustCall(lambda *a: client_side.destroy()))
                client_side.on("close", common.mustCall(lambda *a: conn.destroy()))

                tls.nextTick(lambda: conn.unshift(chunk))

                tls_server.emit("connection", server_side)

            conn.once("data", common.mustCall(on_first_data))

        server = net.createServer(on_connection)

        def on_listening():
            port = server.address()["port"]

            def on_connect():
                # Whether the server's write() completed before its destroy() is
                # indeterminate, but if data was written, we should receive it correctly.
                def on_data(data):
                    assert data.decode("utf8") == content

                conn.on("data", on_data)
                conn.on("error", common.mustNotCall())
                conn.on("close", common.mustCall(lambda *a: server.close()))

            conn = tls.connect({"port": port, "rejectUnauthorized": False}, on_connect)

        server.listen(0, on_listening)

    common.run(main, timeout=5)


def test_destroy_stream(common, fixtures, monkeypatch):
    destroy_stream_program(common, fixtures, monkeypatch)

"""Port of Node 20's test/parallel/test-tls-streamwrap-buffersize.js.

``bufferSize`` also counts writes on a TLSSocket made over a generic Duplex
(Node's StreamWrap): 0 after connecting, one more per write, undefined after
the socket closed.
"""

import asyncio

from duplexpair import makeDuplexPair

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-streamwrap-buffersize.js"


def test_streamwrap_buffersize(common, fixtures):
    iter_ = 10

    def main():
        def create_duplex(port):
            pair = makeDuplexPair()
            client_side, server_side = pair["clientSide"], pair["serverSide"]
            # a Promise: an asyncio future resolved from the connect callback
            promise = asyncio.get_running_loop().create_future()

            def on_connect():
                client_side.pipe(socket)
                socket.pipe(client_side)
                client_side.on("close", common.mustCall(lambda *_: socket.destroy()))
                socket.on("close", common.mustCall(lambda *_: client_side.destroy()))
                promise.set_result(server_side)

            socket = net.connect({"port": port}, common.mustCall(on_connect))
            return promise

        def on_secure(socket):
            received = []
            socket.setEncoding("utf-8")
            socket.on("data", lambda chunk: received.append(chunk))

            def on_end(*_):
                assert "".join(received) == "a" * (iter_ - 1)
                server.close()

            socket.on("end", common.mustCall(on_end))

        server = tls.createServer({"key": fixtures.readKey("agent2-key.pem"),
                                   "cert": fixtures.readKey("agent2-cert.pem")},
                                  common.mustCall(on_secure))

        def on_listening():
            port = server.address()["port"]

            def then(fut):
                socket = fut.result()

                def on_connected():
                    assert client.bufferSize == 0

                    for i in range(1, iter_):
                        client.write("a")
                        assert client.bufferSize == i

                    def on_close(*_):
                        # `undefined` in Node
                        assert client.bufferSize is None

                    client.on("end", common.mustCall())
                    client.on("close", common.mustCall(on_close))

                    client.end()

                client = tls.connect({"socket": socket, "rejectUnauthorized": False},
                                     common.mustCall(on_connected))

            create_duplex(port).add_done_callback(then)

        server.listen(0, common.mustCall(on_listening))

    common.run(main)

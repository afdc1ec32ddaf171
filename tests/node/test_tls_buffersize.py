"""Port of Node 20's test/parallel/test-tls-buffersize.js.

TLSSocket.bufferSize counts what was written and not yet handed on: 0 at secureConnect, one
more after each write, 0 again at 'finish'.
"""

import pytest

import nodessl as tls

NODE_TEST = "test-tls-buffersize.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "net/socket: no bufferSize property (AttributeError); Node's net.Socket.bufferSize is the "
    "bytes written and not yet flushed (writableLength plus the pending connect data)"))


def test_buffersize(common, fixtures):
    iter_ = 10

    def main():
        def on_secure(socket):
            str_ = ""
            socket.setEncoding("utf-8")

            def on_data(chunk):
                nonlocal str_
                str_ += chunk

            socket.on("data", on_data)

            def on_end():
                assert str_ == "a" * (iter_ - 1)
                server.close()

            socket.on("end", common.mustCall(on_end))

        server = tls.createServer({
            "key": fixtures.readKey("agent2-key.pem"),
            "cert": fixtures.readKey("agent2-cert.pem"),
        }, common.mustCall(on_secure))

        def on_listening():
            def on_connect():
                assert client.bufferSize == 0

                for i in range(1, iter_):
                    client.write("a")
                    assert client.bufferSize == i

                def on_finish():
                    assert client.bufferSize == 0

                client.on("finish", common.mustCall(on_finish))

                client.end()

            client = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))

        server.listen(0, common.mustCall(on_listening))

    common.run(main)

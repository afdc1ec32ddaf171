"""Port of Node 20's test/parallel/test-tls-connect-allow-half-open-option.js.

``tls.connect()`` honors the ``allowHalfOpen`` option: the client stays writable after 'end'.
"""


import nodessl as tls

NODE_TEST = "test-tls-connect-allow-half-open-option.js"



def test_connect_allow_half_open_option(common, fixtures):
    def main():
        socket = tls.connect({"port": 42, "lookup": lambda *a: None})
        assert socket.allowHalfOpen is False

        socket = tls.connect({"port": 42, "allowHalfOpen": False, "lookup": lambda *a: None})
        assert socket.allowHalfOpen is False

        def on_secure(socket):
            server.close()

            message = ""

            socket.setEncoding("utf8")

            def on_data(chunk):
                nonlocal message
                message += chunk

                if message == "Hello":
                    socket.end(message)
                    message = ""

            socket.on("data", on_data)

            def on_end():
                assert message == "Bye"

            socket.on("end", common.mustCall(on_end))

        server = tls.createServer({
            "key": fixtures.readKey("agent1-key.pem"),
            "cert": fixtures.readKey("agent1-cert.pem"),
        }, common.mustCall(on_secure))

        def on_listening():
            def on_connect():
                message = ""

                def on_data(chunk):
                    nonlocal message
                    message += chunk

                socket.on("data", on_data)

                def on_end():
                    assert message == "Hello"

                    def later():
                        assert socket.writable
                        assert socket.write("Bye")
                        socket.end()

                    tls.setTimeout(later, 50)

                socket.on("end", common.mustCall(on_end))

                socket.write("Hello")

            socket = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
                "allowHalfOpen": True,
            }, common.mustCall(on_connect))

            socket.setEncoding("utf8")

        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=3)

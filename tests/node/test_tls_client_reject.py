"""Port of Node 20's test/parallel/test-tls-client-reject.js.

Against a self-signed server: rejectUnauthorized false connects unauthorized and echoes, true
and undefined fail with 'error', and the certificate as ca connects authorized.
"""

import nodessl as tls

NODE_TEST = "test-tls-client-reject.js"


def client_reject(common, fixtures):
    """The whole Node program (test-tls-client-reject-12.js requires it too)."""
    options = {
        "key": fixtures.readKey("rsa_private.pem"),
        "cert": fixtures.readKey("rsa_cert.crt"),
    }

    def main():
        def on_secure(socket):
            socket.pipe(socket)
            # Pipe already ends... but leaving this here tests .end() after .end().
            socket.on("end", lambda: socket.end())

        server = tls.createServer(options, on_secure)
        server.listen(0, common.mustCall(lambda: unauthorized()))

        def unauthorized():
            print("connect unauthorized")

            def on_connect():
                _data = None
                assert not socket.authorized

                def on_data(data):
                    nonlocal _data
                    assert data.decode() == "ok"
                    _data = data

                socket.on("data", common.mustCall(on_data))

                def on_end():
                    assert _data, "data failed to echo!"

                socket.on("end", common.mustCall(on_end))
                socket.on("end", lambda: rejectUnauthorized())

            socket = tls.connect({
                "port": server.address()["port"],
                "servername": "localhost",
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))
            socket.once("session", common.mustCall())
            socket.on("error", common.mustNotCall())
            socket.end("ok")

        def rejectUnauthorized():
            print("reject unauthorized")
            socket = tls.connect(server.address()["port"], {
                "servername": "localhost",
            }, common.mustNotCall())
            socket.on("data", common.mustNotCall())
            socket.on("error", common.mustCall(lambda err: rejectUnauthorizedUndefined()))
            socket.end("ng")

        def rejectUnauthorizedUndefined():
            print("reject unauthorized undefined")
            socket = tls.connect(server.address()["port"], {
                "servername": "localhost",
                "rejectUnauthorized": None,  # JS undefined
            }, common.mustNotCall())
            socket.on("data", common.mustNotCall())
            socket.on("error", common.mustCall(lambda err: authorized()))
            socket.end("ng")

        def authorized():
            print("connect authorized")

            def on_connect():
                print("... authorized")
                assert socket.authorized

                def on_data(data):
                    assert data.decode() == "ok"

                socket.on("data", common.mustCall(on_data))
                socket.on("end", lambda: server.close())

            socket = tls.connect(server.address()["port"], {
                "ca": [fixtures.readKey("rsa_cert.crt")],
                "servername": "localhost",
            }, common.mustCall(on_connect))
            socket.on("error", common.mustNotCall())
            socket.end("ok")

    common.run(main)


def test_client_reject(common, fixtures):
    client_reject(common, fixtures)

"""Port of Node 20's test/parallel/test-tls-multiple-cas-as-string.js.

Several CA certificates can be given as a list, or for convenience as one
newline-separated string, to servers, ``addContext`` and clients.
"""

import nodessl as tls

NODE_TEST = "test-tls-multiple-cas-as-string.js"


def test_multiple_cas_as_string(common, fixtures):
    ca1 = fixtures.readKey("ca1-cert.pem", "utf8")
    ca2 = fixtures.readKey("ca2-cert.pem", "utf8")
    cert = fixtures.readKey("agent3-cert.pem", "utf8")
    key = fixtures.readKey("agent3-key.pem", "utf8")

    def test(ca):
        server = tls.createServer({"ca": ca, "cert": cert, "key": key})

        server.addContext("agent3", {"ca": ca, "cert": cert, "key": key})

        host = common.localhostIPv4

        def on_listening():
            socket = tls.connect({
                "servername": "agent3",
                "host": host,
                "port": server.address()["port"],
                "ca": ca,
            }, common.mustCall(lambda: socket.end()))

            socket.on("close", lambda *_: server.close())

        server.listen(0, host, common.mustCall(on_listening))

    def main():
        # `ca1` is not actually necessary for the certificate validation -- maybe
        # the fixtures should be written in a way that requires it?
        test([ca1, ca2])
        test(f"{ca1}\n{ca2}")

    common.run(main)

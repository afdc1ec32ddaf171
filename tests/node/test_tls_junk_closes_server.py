"""Port of Node 20's test/parallel/test-tls-junk-closes-server.js.

Plain-text junk sent to a TLS server makes it close the connection (the client sees
'end'); no secure connection happens.
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-junk-closes-server.js"


def test_junk_closes_server(common, fixtures):
    options = {
        "key": fixtures.readKey("agent2-key.pem"),
        "cert": fixtures.readKey("agent2-cert.pem"),
    }

    def main():
        server = tls.createServer(options, common.mustNotCall())

        def on_listening():
            c = net.createConnection(server.address()["port"])  # Node's this is the server

            c.on("connect", common.mustCall(lambda: c.write("blah\nblah\nblah\n")))

            # Later Node versions consume what the server answers (an OpenSSL >= 3.2 server
            # sends a fatal alert first); without reading, 'end' never comes
            c.on("data", lambda data: None)

            c.on("end", common.mustCall(lambda: server.close()))

        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=5)

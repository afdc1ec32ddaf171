"""Port of Node 20's test/parallel/test-tls-server-setoptions-clientcertengine.js.

``server.setOptions({clientCertEngine})`` sets the server's property and warns
DEP0122.
"""

import nodessl as tls

NODE_TEST = "test-tls-server-setoptions-clientcertengine.js"


def test_server_setoptions_clientcertengine(common):
    def main():
        server = tls.createServer()
        # `undefined` in Node: absent or None
        assert getattr(server, "clientCertEngine", None) is None
        common.expectWarning("DeprecationWarning",
                             "Server.prototype.setOptions() is deprecated",
                             "DEP0122")
        server.setOptions({"clientCertEngine": "Cannonmouth"})
        assert server.clientCertEngine == "Cannonmouth"

    common.run(main)

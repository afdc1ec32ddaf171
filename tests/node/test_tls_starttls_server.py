"""Port of Node 20's test/parallel/test-tls-starttls-server.js.

Asynchronous SNI (and an OCSP request) on a server-side TLSSocket whose
``server`` is a net.Server rather than a tls.Server.
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-starttls-server.js"


def test_starttls_server(common, fixtures):
    key = fixtures.readKey("agent1-key.pem")
    cert = fixtures.readKey("agent1-cert.pem")

    def main():
        def on_connection(s):
            def sni_callback(hostname, callback):
                assert hostname == "test.test"
                callback(None, None)

            tls_socket = tls.TLSSocket(s, {
                "isServer": True,
                "server": server,
                "secureContext": tls.createSecureContext({"key": key, "cert": cert}),
                "SNICallback": common.mustCall(sni_callback),
            })

            def on_secure():
                tls_socket.end()
                server.close()

            tls_socket.on("secure", common.mustCall(on_secure))

        def on_listening():
            opts = {"servername": "test.test", "port": server.address()["port"],
                    "rejectUnauthorized": False, "requestOCSP": True}
            # Node's `this` is the client socket
            client = tls.connect(opts, lambda: client.end())

        server = net.createServer(common.mustCall(on_connection)).listen(0, on_listening)

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-generic-stream.js.

tls.connect and a server TLSSocket over the two ends of a duplex pair: neither is
'connecting', and a write made after 'secureConnect' reaches the server, queued
until its callback runs.
"""

from duplexpair import makeDuplexPair

from nodessl import TLSSocket, connect

NODE_TEST = "test-tls-generic-stream.js"



def test_generic_stream(common, fixtures):
    key = fixtures.readKey("agent1-key.pem")
    cert = fixtures.readKey("agent1-cert.pem")
    ca = fixtures.readKey("ca1-cert.pem")

    def main():
        pair = makeDuplexPair()
        clientSide, serverSide = pair["clientSide"], pair["serverSide"]

        clientTLS = connect({
            "socket": clientSide,
            "ca": ca,
            "host": "agent1",  # Hostname from certificate
        })
        serverTLS = TLSSocket(serverSide, {
            "isServer": True,
            "key": key,
            "cert": cert,
            "ca": ca,
        })

        assert clientTLS.connecting is False
        assert serverTLS.connecting is False

        def on_secure_connect():
            def on_written(*_):
                assert serverTLS.read().decode() == "foobar"
                # Node reads clientTLS._handle.writeQueueSize, the native handle's bytes
                # not yet written; nodessl has no native handle: its public count of bytes
                # written and not yet completed is writableLength
                assert clientTLS.writableLength == 0

            clientTLS.write("foobar", common.mustCall(on_written))
            assert clientTLS.writableLength > 0

        clientTLS.on("secureConnect", common.mustCall(on_secure_connect))

    common.run(main, timeout=10)

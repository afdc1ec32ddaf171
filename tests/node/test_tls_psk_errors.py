"""Port of Node 20's test/parallel/test-tls-psk-errors.js.

An over-long ``pskIdentityHint`` fails each connection: the server emits
'tlsClientError' ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED, the client ECONNRESET.
"""

import nodessl as tls

NODE_TEST = "test-tls-psk-errors.js"


def test_psk_errors(common):
    def main():
        # Check tlsClientError on invalid pskIdentityHint.
        server = tls.createServer({
            "ciphers": "PSK+HIGH",
            "pskCallback": lambda *_: None,
            "pskIdentityHint": "a" * 512,  # Too long identity hint.
        })

        def on_tls_client_error(err, *_):
            assert isinstance(err, Exception)
            assert err.code == "ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED"
            server.close()

        server.on("tlsClientError", on_tls_client_error)

        def on_listening():
            client = tls.connect({
                "port": server.address()["port"],
                "ciphers": "PSK+HIGH",
                "checkServerIdentity": lambda *_: None,
                "pskCallback": lambda *_: None,
            }, lambda: None)
            client.on("error", common.expectsError({"code": "ECONNRESET"}))

        server.listen(0, on_listening)

    common.run(main)

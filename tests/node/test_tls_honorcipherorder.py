"""Port of Node 20's test/parallel/test-tls-honorcipherorder.js.

The honorCipherOrder property: with it false the client's preference picks the suite,
with it true or undefined the server's; tls.DEFAULT_CIPHERS is what a client without
``ciphers`` offers.
"""

import json

import nodessl as tls

NODE_TEST = "test-tls-honorcipherorder.js"

# JS's undefined: a property set to undefined is an absent key in a Python dict (None
# would be JS's null, which Node reads as false here)
UNDEFINED = object()


def test_honorcipherorder(common, fixtures, monkeypatch):
    mustCall = common.mustCall
    # monkeypatch: the program assigns tls.DEFAULT_CIPHERS; restored after the test
    monkeypatch.setattr(tls, "DEFAULT_CIPHERS", tls.DEFAULT_CIPHERS)

    # We explicitly set TLS version to 1.2 so as to be safe when the
    # default method is updated in the future
    SSL_Method = "TLSv1_2_method"
    localhost = "127.0.0.1"

    def test(honorCipherOrder, clientCipher, expectedCipher, defaultCiphers=None):
        soptions = {
            "secureProtocol": SSL_Method,
            "key": fixtures.readKey("agent2-key.pem"),
            "cert": fixtures.readKey("agent2-cert.pem"),
            "ciphers": "AES256-SHA256:AES128-GCM-SHA256:AES128-SHA256:"
                       "ECDHE-RSA-AES128-GCM-SHA256",
        }
        if honorCipherOrder is not UNDEFINED:
            soptions["honorCipherOrder"] = honorCipherOrder

        def on_secure_connection(clearTextStream):
            # End socket to send CLOSE_NOTIFY and TCP FIN packet, otherwise
            # it may hang for ~30 seconds in FIN_WAIT_1 state (at least on macOS).
            clearTextStream.end()

        server = tls.createServer(soptions, mustCall(on_secure_connection))

        def on_listening():
            coptions = {
                "rejectUnauthorized": False,
                "secureProtocol": SSL_Method,
            }
            if clientCipher:
                coptions["ciphers"] = clientCipher
            port = server.address().port  # Node's this
            savedDefaults = tls.DEFAULT_CIPHERS
            tls.DEFAULT_CIPHERS = defaultCiphers or savedDefaults

            def on_connect():
                cipher = client.getCipher()
                client.end()
                server.close()
                # util.format('%j', ...): JSON, where undefined prints as undefined
                shown = "undefined" if honorCipherOrder is UNDEFINED else json.dumps(
                    honorCipherOrder)
                msg = (f"honorCipherOrder={shown}, "
                       f"clientCipher={json.dumps(clientCipher)}, "
                       f"expect={json.dumps(expectedCipher)}, got={json.dumps(cipher['name'])}")
                assert cipher["name"] == expectedCipher, msg

            client = tls.connect(port, localhost, coptions, mustCall(on_connect))
            tls.DEFAULT_CIPHERS = savedDefaults

        server.listen(0, localhost, mustCall(on_listening))

    def main():
        # Client explicitly has the preference of cipher suites, not the default.
        test(False, "AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256",
             "AES128-GCM-SHA256")

        # Server has the preference of cipher suites, and AES256-SHA256 is
        # the server's top choice.
        test(True, "AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256",
             "AES256-SHA256")
        test(UNDEFINED, "AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256",
             "AES256-SHA256")

        # Server has the preference of cipher suites. AES128-GCM-SHA256 is given
        # higher priority over AES128-SHA256 among client cipher suites.
        test(True, "AES128-SHA256:AES128-GCM-SHA256", "AES128-GCM-SHA256")
        test(UNDEFINED, "AES128-SHA256:AES128-GCM-SHA256", "AES128-GCM-SHA256")

        # As client has only one cipher, server has no choice, irrespective
        # of honorCipherOrder.
        test(True, "AES128-SHA256", "AES128-SHA256")
        test(UNDEFINED, "AES128-SHA256", "AES128-SHA256")

        # Client did not explicitly set ciphers and client offers
        # tls.DEFAULT_CIPHERS. All ciphers of the server are included in the
        # default list so the negotiated cipher is selected according to the
        # server's top preference of AES256-SHA256.
        test(True, tls.DEFAULT_CIPHERS, "AES256-SHA256")
        test(True, None, "AES256-SHA256")
        test(UNDEFINED, None, "AES256-SHA256")

        # Ensure that `tls.DEFAULT_CIPHERS` is used when its a limited cipher set.
        test(True, None, "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256")

    common.run(main, timeout=10)

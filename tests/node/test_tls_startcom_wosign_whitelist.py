"""Port of Node 20's test/parallel/test-tls-startcom-wosign-whitelist.js.

Servers with certificates issued by a fake StartCom root (before and after
the old cutoff date) are either reached or refused with CERT_REVOKED; both
runs finish.
"""

import nodessl as tls

NODE_TEST = "test-tls-startcom-wosign-whitelist.js"


def test_startcom_wosign_whitelist(common, fixtures):
    finished = 0

    def load_pem(n):
        return fixtures.readKey(n + ".pem")

    test_cases = [
        {  # agent8 is signed by fake-startcom-root with notBefore of
            # Oct 20 23:59:59 2016 GMT. It passes StartCom/WoSign check.
            "serverOpts": {"key": load_pem("agent8-key"), "cert": load_pem("agent8-cert")},
            "clientOpts": {"ca": load_pem("fake-startcom-root-cert"), "port": None,
                           "rejectUnauthorized": True},
            "errorCode": "CERT_REVOKED",
        },
        {  # agent9 is signed by fake-startcom-root with notBefore of
            # Oct 21 00:00:01 2016 GMT. It fails StartCom/WoSign check.
            "serverOpts": {"key": load_pem("agent9-key"), "cert": load_pem("agent9-cert")},
            "clientOpts": {"ca": load_pem("fake-startcom-root-cert"), "port": None,
                           "rejectUnauthorized": True},
            "errorCode": "CERT_REVOKED",
        },
    ]

    def main():
        def run_next_test(server, tindex):
            def on_closed(*_):
                nonlocal finished
                finished += 1
                run_test(tindex + 1)

            server.close(on_closed)

        def run_test(tindex):
            if tindex >= len(test_cases):
                return
            tcase = test_cases[tindex]

            def on_listening():
                # Node's `this` is the server
                tcase["clientOpts"]["port"] = server.address()["port"]
                client = tls.connect(tcase["clientOpts"])

                def on_error(e):
                    assert e.code == tcase["errorCode"]
                    run_next_test(server, tindex)

                client.on("error", on_error)

                def on_secure_connect():
                    # agent8 can pass StartCom/WoSign check so that the secureConnect
                    # is established.
                    assert tcase["errorCode"] == "CERT_REVOKED"
                    client.end()
                    run_next_test(server, tindex)

                client.on("secureConnect", on_secure_connect)

            server = tls.createServer(tcase["serverOpts"], lambda s: s.resume()) \
                .listen(0, on_listening)

        run_test(0)

    common.run(main)
    # process.on('exit')
    assert finished == len(test_cases)

"""Port of Node 20's test/parallel/test-tls-connect-hwm-option.js.

``tls.connect({highWaterMark})`` sets ``readableHighWaterMark`` (128000, the default 64 KiB, 0).
"""

import nodessl as tls

NODE_TEST = "test-tls-connect-hwm-option.js"


def test_connect_hwm_option(common, fixtures):
    def pem(n):
        return fixtures.readKey(f"{n}.pem")

    clients = 0

    def main():
        def on_secure(_socket):
            nonlocal clients
            clients -= 1
            if clients == 0:
                server.close()

        server = tls.createServer({
            "key": pem("agent1-key"),
            "cert": pem("agent1-cert"),
        }, common.mustCall(on_secure, 3))

        def on_listening():
            nonlocal clients
            clients += 1

            def on_high():
                assert high_bob.readableHighWaterMark == 128000
                high_bob.end()

            high_bob = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
                "highWaterMark": 128000,
            }, common.mustCall(on_high))

            clients += 1

            def on_default():
                assert default_high_bob.readableHighWaterMark == 16 * 1024
                default_high_bob.end()

            default_high_bob = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
                "highWaterMark": None,  # Node's undefined
            }, common.mustCall(on_default))

            clients += 1

            def on_zero():
                assert zero_high_bob.readableHighWaterMark == 0
                zero_high_bob.end()

            zero_high_bob = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
                "highWaterMark": 0,
            }, common.mustCall(on_zero))

        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=10)

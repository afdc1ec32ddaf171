"""Port of Node 20's test/parallel/test-tls-finished.js.

``getFinished()`` / ``getPeerFinished()`` are undefined before the handshake and non-empty
bytes after it, alice's own Finished being bob's peer Finished and the reverse.
"""

import nodessl as tls

NODE_TEST = "test-tls-finished.js"


def test_finished(common, fixtures):
    # This test ensures that tlsSocket.getFinished() and
    # tlsSocket.getPeerFinished() return undefined before
    # secure connection is established, and return non-empty
    # Buffer objects with Finished messages afterwards, also
    # verifying alice.getFinished() == bob.getPeerFinished()
    # and alice.getPeerFinished() == bob.getFinished().
    msg = {}

    def pem(n):
        return fixtures.readKey(f"{n}.pem")

    def main():
        def on_secure(alice):
            msg["server"] = {
                "alice": alice.getFinished(),
                "bob": alice.getPeerFinished(),
            }
            server.close()

        server = tls.createServer({
            "key": pem("agent1-key"),
            "cert": pem("agent1-cert"),
        }, common.mustCall(on_secure))

        def on_listening():
            def on_connect():
                msg["client"] = {
                    "alice": bob.getPeerFinished(),
                    "bob": bob.getFinished(),
                }
                bob.end()

            bob = tls.connect({
                "port": server.address()["port"],
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))

            msg["before"] = {
                "alice": bob.getPeerFinished(),
                "bob": bob.getFinished(),
            }

        server.listen(0, common.mustCall(on_listening))

    common.run(main, timeout=10)

    # Node's process.on('exit'); undefined is None
    assert msg["before"]["alice"] is None
    assert msg["before"]["bob"] is None

    assert isinstance(msg["server"]["alice"], bytes)
    assert isinstance(msg["server"]["bob"], bytes)
    assert isinstance(msg["client"]["alice"], bytes)
    assert isinstance(msg["client"]["bob"], bytes)

    assert len(msg["server"]["alice"]) > 0
    assert len(msg["server"]["bob"]) > 0
    assert len(msg["client"]["alice"]) > 0
    assert len(msg["client"]["bob"]) > 0

    assert msg["server"]["alice"] == msg["client"]["alice"]
    assert msg["server"]["bob"] == msg["client"]["bob"]

"""Port of Node 20's test/parallel/test-tls-max-send-fragment.js.

setMaxSendFragment validates its argument (ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE),
returns False outside 512..16384 and True inside, and the records then carry at most
that many bytes: every 'data' chunk of a 10000-byte end() is at most 768 bytes.
"""

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-max-send-fragment.js"



def test_max_send_fragment(common, fixtures):
    buf = bytes(10000)  # Buffer.allocUnsafe(10000): the contents do not matter
    received = 0
    maxChunk = 768

    invalidArgumentError = {
        "name": "TypeError",
        "code": "ERR_INVALID_ARG_TYPE",
    }

    def main():
        def on_secure_connection(c):
            # No size is passed.
            assert_throws(lambda: c.setMaxSendFragment(), invalidArgumentError)

            # Invalid arg is passed.  (JS's null and undefined are both None)
            for arg in [None, None, "", {}, False, True, []]:
                assert_throws(lambda arg=arg: c.setMaxSendFragment(arg), invalidArgumentError)

            for arg in [float("nan"), float("inf"), 2 ** 31]:
                assert_throws(lambda arg=arg: c.setMaxSendFragment(arg), {
                    "name": "RangeError",
                    "code": "ERR_OUT_OF_RANGE",
                })

            # JS passes Symbol(), a value that converts to no number; Python's is object()
            assert_throws(lambda: c.setMaxSendFragment(object()), {"name": "TypeError"})

            # Lower and upper limits.
            assert not c.setMaxSendFragment(511)
            assert not c.setMaxSendFragment(16385)

            # Correct fragment size.
            assert c.setMaxSendFragment(maxChunk)

            c.end(buf)

        def on_listening():
            def on_connect():
                def on_data(chunk):
                    nonlocal received
                    assert len(chunk) <= maxChunk
                    received += len(chunk)

                c.on("data", on_data)

                # Ensure that we receive 'end' event anyway
                def on_end():
                    c.destroy()
                    server.close()
                    assert received == len(buf)

                c.on("end", common.mustCall(on_end))

            c = tls.connect(server.address().port, {  # Node's this
                "rejectUnauthorized": False,
            }, common.mustCall(on_connect))

        server = tls.createServer({
            "key": fixtures.readKey("agent1-key.pem"),
            "cert": fixtures.readKey("agent1-cert.pem"),
        }, on_secure_connection).listen(0, common.mustCall(on_listening))

    common.run(main, timeout=10)

"""Port of Node 20's test/parallel/test-tls-client-abort2.js.

tls.connect(0) fails to connect: 'error' is emitted (and destroy() in it is fine),
secureConnect never.
"""

import nodessl as tls

NODE_TEST = "test-tls-client-abort2.js"


def test_client_abort2(common):
    def main():
        conn = tls.connect(0, common.mustNotCall())
        conn.on("error", common.mustCall(lambda *_: conn.destroy()))

    common.run(main)

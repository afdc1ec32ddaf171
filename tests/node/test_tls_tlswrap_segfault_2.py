"""Port of Node 20's test/parallel/test-tls-tlswrap-segfault-2.js.

Adding 'keylog' or 'session' listeners to a TLSSocket after its connect
failed and it closed is harmless: they never fire.
"""

import nodessl as tls

NODE_TEST = "test-tls-tlswrap-segfault-2.js"


def test_tlswrap_segfault_2(common):
    def main():
        # a string first argument is a pipe path: connecting to it fails
        tls_socket_key_log = tls.connect("cause-error")
        tls_socket_key_log.on("error", common.mustCall())
        tls_socket_key_log.on("close", common.mustCall(
            lambda *_: tls_socket_key_log.on("keylog", common.mustNotCall())))

        tls_socket_session = tls.connect("cause-error-2")
        tls_socket_session.on("error", common.mustCall())
        tls_socket_session.on("close", common.mustCall(
            lambda *_: tls_socket_session.on("session", common.mustNotCall())))

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-connect-timeout-option.js.

``tls.connect()`` honors the ``timeout`` option when the socket is internally created.
"""


import nodessl as tls

NODE_TEST = "test-tls-connect-timeout-option.js"



def test_connect_timeout_option(common):
    def main():
        socket = tls.connect({
            "port": 42,
            "lookup": lambda *a: None,
            "timeout": 1000,
        })

        assert socket.timeout == 1000

    common.run(main, timeout=3)

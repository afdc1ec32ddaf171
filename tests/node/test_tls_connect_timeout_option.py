"""Port of Node 20's test/parallel/test-tls-connect-timeout-option.js.

``tls.connect()`` honors the ``timeout`` option when the socket is internally created.
"""

import pytest

import nodessl as tls

NODE_TEST = "test-tls-connect-timeout-option.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "net/loop: a connect whose lookup() never answers keeps tls.run alive forever; Node's "
    "process ends at once (a pending lookup holds no handle). socket.timeout itself is right"))


def test_connect_timeout_option(common):
    def main():
        socket = tls.connect({
            "port": 42,
            "lookup": lambda *a: None,
            "timeout": 1000,
        })

        assert socket.timeout == 1000

    common.run(main, timeout=3)

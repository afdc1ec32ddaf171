"""Port of Node 20's test/parallel/test-tls-snicallback-error.js.

An SNICallback that is not a function is ERR_INVALID_ARG_TYPE, for a server
and for a server-side TLSSocket alike.
"""

import pytest
from nodecommon import assert_throws

import nodessl as tls
from nodessl import net

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "socket: new TLSSocket(socket, {isServer, SNICallback: non-function}) does not throw ERR_INVALID_ARG_TYPE"))

NODE_TEST = "test-tls-snicallback-error.js"


def test_snicallback_error(common):
    def main():
        for sni_callback in ("fhqwhgads", 42, {}, []):
            assert_throws(lambda cb=sni_callback: tls.createServer({"SNICallback": cb}),
                          {"code": "ERR_INVALID_ARG_TYPE", "name": "TypeError"})
            assert_throws(lambda cb=sni_callback: tls.TLSSocket(
                net.Socket(), {"isServer": True, "SNICallback": cb}),
                {"code": "ERR_INVALID_ARG_TYPE", "name": "TypeError"})

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-client-default-ciphers.js.

tls.connect() without a ciphers option builds its context through tls.createSecureContext (as
found on the module) with ciphers = tls.DEFAULT_CIPHERS.
"""

import pytest
from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-client-default-ciphers.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "socket: tls.connect() checks the port (ERR_SOCKET_BAD_PORT) before building its context, "
    "and not through tls.createSecureContext as found on the module; Node builds the context "
    "first, via the module's createSecureContext, with ciphers = tls.DEFAULT_CIPHERS"))


class Done(Exception):  # noqa: N818 - Node's name
    """Thrown by the replacement createSecureContext to stop connect there."""


def test_client_default_ciphers(monkeypatch):
    def test1():
        ciphers = ""

        def createSecureContext(options):
            nonlocal ciphers
            ciphers = options.get("ciphers")
            raise Done()

        # monkeypatch: Node's process ends after the test, pytest's goes on
        monkeypatch.setattr(tls, "createSecureContext", createSecureContext)

        assert_throws(tls.connect, Done)

        assert ciphers == tls.DEFAULT_CIPHERS

    test1()

"""Port of Node 20's test/parallel/test-tls-clientcertengine-unsupported.js.

On an OpenSSL without engine support, createSecureContext({clientCertEngine}) throws
ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED.
"""

from nodecommon import assert_throws

import nodessl as tls
from nodessl import openssl

NODE_TEST = "test-tls-clientcertengine-unsupported.js"


def test_clientcertengine_unsupported(monkeypatch):
    # Node (--expose-internals) patches its native SecureContext to drop setClientCertEngine,
    # faking an OpenSSL without engines. nodessl's bundled OpenSSL has no engines at all, so
    # there is nothing to patch: the real context is the one under test. The shared backend's
    # OpenSSL 3 has engines: there the same patch as Node's, on the flag saying so.
    if openssl.ENGINES_SUPPORTED:
        monkeypatch.setattr(openssl, "ENGINES_SUPPORTED", False)
    assert_throws(
        lambda: tls.createSecureContext({"clientCertEngine": "Cannonmouth"}),
        {
            "code": "ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED",
            "message": "Custom engines not supported by this OpenSSL",
        },
    )

"""Port of Node 20's test/parallel/test-tls-key-mismatch.js.

``createSecureContext`` with a key that does not belong to the certificate throws
OpenSSL's 'key values mismatch'.
"""

import re

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-key-mismatch.js"


def test_key_mismatch(fixtures):
    # Node 20 (common.hasOpenSSL3): /^Error: error:05800074:x509 certificate routines::key
    # values mismatch$/ on String(err); the "Error: " prefix is the JS class name
    error_message_regex = re.compile(
        r"^error:05800074:x509 certificate routines::key values mismatch$")

    options = {
        "key": fixtures.readKey("agent1-key.pem"),
        "cert": fixtures.readKey("agent2-cert.pem"),
    }

    assert_throws(lambda: tls.createSecureContext(options),
                  {"name": "Error", "message": error_message_regex})

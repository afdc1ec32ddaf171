"""Port of Node 20's test/parallel/test-tls-set-ciphers-error.js.

A ``ciphers`` string that names no cipher OpenSSL knows makes
``createServer`` throw "no cipher match".
"""

import re

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-set-ciphers-error.js"


def test_set_ciphers_error(common, fixtures):
    options = {"key": fixtures.readKey("agent2-key.pem"),
               "cert": fixtures.readKey("agent2-cert.pem"),
               "ciphers": "aes256-sha"}
    no_match = lambda err: re.search(r"no[_ ]cipher[_ ]match", str(err), re.I)  # noqa: E731
    assert_throws(lambda: tls.createServer(options, common.mustNotCall()), no_match)
    options["ciphers"] = "FOOBARBAZ"
    assert_throws(lambda: tls.createServer(options, common.mustNotCall()), no_match)
    options["ciphers"] = "TLS_not_a_cipher"
    assert_throws(lambda: tls.createServer(options, common.mustNotCall()), no_match)

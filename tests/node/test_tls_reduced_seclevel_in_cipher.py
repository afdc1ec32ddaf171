"""Port of Node 20's test/parallel/test-tls-reduced-SECLEVEL-in-cipher.js.

A 512-bit key is refused ("key too small") at the default security level and
accepted with ``ciphers: 'DEFAULT:@SECLEVEL=0'``, since the ciphers are set
before the key and certificate are loaded.
"""

import re

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-reduced-SECLEVEL-in-cipher.js"


def test_reduced_seclevel_in_cipher(common, fixtures):
    def main():
        options = {
            "key": fixtures.readKey("agent11-key.pem"),
            "cert": fixtures.readKey("agent11-cert.pem"),
            "ciphers": "DEFAULT",
        }

        # Should throw error as key is too small because openssl v3 doesn't allow it
        assert_throws(lambda: tls.createServer(options, common.mustNotCall()),
                      {"message": re.compile(r"key too small", re.IGNORECASE)})

        # Reducing SECLEVEL to 0 in ciphers retains compatibility with previous versions of
        # OpenSSL like using a small key.
        # As ciphers are getting set before the cert and key get loaded.
        options["ciphers"] = "DEFAULT:@SECLEVEL=0"
        assert tls.createServer(options, common.mustNotCall())

    common.run(main)

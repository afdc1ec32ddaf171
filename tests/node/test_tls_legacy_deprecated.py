"""Port of Node 20's test/parallel/test-tls-legacy-deprecated.js.

``tls.createSecurePair()`` emits the DEP0064 DeprecationWarning.
"""

import pytest

import nodessl as tls

NODE_TEST = "test-tls-legacy-deprecated.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "loop/legacy: an unused createSecurePair() keeps tls.run alive forever (its cleartext "
    "TLSSocket holds a ref); Node's process exits at once"))


def test_legacy_deprecated(common):
    common.expectWarning(
        "DeprecationWarning",
        "tls.createSecurePair() is deprecated. Please use tls.TLSSocket instead.",
        "DEP0064",
    )

    def main():
        tls.createSecurePair()

    common.run(main, timeout=3)

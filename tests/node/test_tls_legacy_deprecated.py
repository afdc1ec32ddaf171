"""Port of Node 20's test/parallel/test-tls-legacy-deprecated.js.

``tls.createSecurePair()`` emits the DEP0064 DeprecationWarning.
"""


import nodessl as tls

NODE_TEST = "test-tls-legacy-deprecated.js"



def test_legacy_deprecated(common):
    common.expectWarning(
        "DeprecationWarning",
        "tls.createSecurePair() is deprecated. Please use tls.TLSSocket instead.",
        "DEP0064",
    )

    def main():
        tls.createSecurePair()

    common.run(main, timeout=3)

"""Port of Node 20's test/parallel/test-tls-keyengine-invalid-arg-type.js.

``privateKeyEngine`` / ``privateKeyIdentifier`` of the wrong type throw ERR_INVALID_ARG_TYPE.
"""

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-keyengine-invalid-arg-type.js"


def test_keyengine_invalid_arg_type():
    assert_throws(
        lambda: tls.createSecureContext({"privateKeyEngine": 0,
                                         "privateKeyIdentifier": "key"}),
        {"code": "ERR_INVALID_ARG_TYPE"},
    )

    assert_throws(
        lambda: tls.createSecureContext({"privateKeyEngine": "engine",
                                         "privateKeyIdentifier": 0}),
        {"code": "ERR_INVALID_ARG_TYPE"},
    )

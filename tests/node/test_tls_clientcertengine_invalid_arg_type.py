"""Port of Node 20's test/parallel/test-tls-clientcertengine-invalid-arg-type.js.

createSecureContext({clientCertEngine: 0}) throws ERR_INVALID_ARG_TYPE.
"""

import re

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-clientcertengine-invalid-arg-type.js"



def test_clientcertengine_invalid_arg_type():
    assert_throws(
        lambda: tls.createSecureContext({"clientCertEngine": 0}),
        {"code": "ERR_INVALID_ARG_TYPE",
         "message": re.compile(r" Received type number \(0\)")})

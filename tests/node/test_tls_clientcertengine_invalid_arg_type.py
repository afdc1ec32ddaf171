"""Port of Node 20's test/parallel/test-tls-clientcertengine-invalid-arg-type.js.

createSecureContext({clientCertEngine: 0}) throws ERR_INVALID_ARG_TYPE.
"""

import re

import pytest
from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-clientcertengine-invalid-arg-type.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "issue 9: an engine option, but what fails is errors: the ERR_INVALID_ARG_TYPE message names "
    "the Python type ('Received type int (0)') where Node names the JS type ('Received type "
    "number (0)')"))


def test_clientcertengine_invalid_arg_type():
    assert_throws(
        lambda: tls.createSecureContext({"clientCertEngine": 0}),
        {"code": "ERR_INVALID_ARG_TYPE",
         "message": re.compile(r" Received type number \(0\)")})

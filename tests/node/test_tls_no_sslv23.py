"""Port of Node 20's test/parallel/test-tls-no-sslv23.js.

``secureProtocol``: unknown methods and the SSLv2/SSLv3 methods throw, the
SSLv23 and TLSv1.x method names are accepted.
"""

import re

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-no-sslv23.js"


def test_no_sslv23():
    assert_throws(lambda: tls.createSecureContext({"secureProtocol": "blargh"}), {
        "code": "ERR_TLS_INVALID_PROTOCOL_METHOD",
        "message": "Unknown method: blargh",
    })

    err_message_sslv2 = re.compile(r"SSLv2 methods disabled")

    assert_throws(lambda: tls.createSecureContext({"secureProtocol": "SSLv2_method"}),
                  {"message": err_message_sslv2})

    assert_throws(lambda: tls.createSecureContext({"secureProtocol": "SSLv2_client_method"}),
                  {"message": err_message_sslv2})

    assert_throws(lambda: tls.createSecureContext({"secureProtocol": "SSLv2_server_method"}),
                  {"message": err_message_sslv2})

    err_message_sslv3 = re.compile(r"SSLv3 methods disabled")

    assert_throws(lambda: tls.createSecureContext({"secureProtocol": "SSLv3_method"}),
                  {"message": err_message_sslv3})

    assert_throws(lambda: tls.createSecureContext({"secureProtocol": "SSLv3_client_method"}),
                  {"message": err_message_sslv3})

    assert_throws(lambda: tls.createSecureContext({"secureProtocol": "SSLv3_server_method"}),
                  {"message": err_message_sslv3})

    # Note that SSLv2 and SSLv3 are disallowed but SSLv2_method and friends are
    # still accepted.  They are OpenSSL's way of saying that all known protocols
    # are supported unless explicitly disabled (which we do for SSLv2 and SSLv3.)
    tls.createSecureContext({"secureProtocol": "SSLv23_method"})
    tls.createSecureContext({"secureProtocol": "SSLv23_client_method"})
    tls.createSecureContext({"secureProtocol": "SSLv23_server_method"})
    tls.createSecureContext({"secureProtocol": "TLSv1_method"})
    tls.createSecureContext({"secureProtocol": "TLSv1_client_method"})
    tls.createSecureContext({"secureProtocol": "TLSv1_server_method"})
    tls.createSecureContext({"secureProtocol": "TLSv1_1_method"})
    tls.createSecureContext({"secureProtocol": "TLSv1_1_client_method"})
    tls.createSecureContext({"secureProtocol": "TLSv1_1_server_method"})
    tls.createSecureContext({"secureProtocol": "TLSv1_2_method"})
    tls.createSecureContext({"secureProtocol": "TLSv1_2_client_method"})
    tls.createSecureContext({"secureProtocol": "TLSv1_2_server_method"})

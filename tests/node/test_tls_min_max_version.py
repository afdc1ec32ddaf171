"""Port of Node 20's test/parallel/test-tls-min-max-version.js.

The matrix of client and server ``minVersion``/``maxVersion``/``secureProtocol``:
the protocol both ends negotiate, or the error code each end reports.
"""

import pytest
from OpenSSL import SSL

import nodessl as tls

NODE_TEST = "test-tls-min-max-version.js"

DEFAULT_MIN_VERSION = tls.DEFAULT_MIN_VERSION
DEFAULT_MAX_VERSION = tls.DEFAULT_MAX_VERSION

# Node's common.hasOpenSSL3 / hasOpenSSL31 describe the OpenSSL it runs on; nodessl's is
# the one pyOpenSSL is built against
_OPENSSL_VERSION = SSL.OpenSSL_version(SSL.OPENSSL_VERSION).split()[1].decode()
_OPENSSL_MAJOR_MINOR = tuple(int(x) for x in _OPENSSL_VERSION.split(".")[:2])
hasOpenSSL3 = _OPENSSL_MAJOR_MINOR >= (3, 0)
hasOpenSSL31 = _OPENSSL_MAJOR_MINOR >= (3, 1)

U = None  # JS undefined

CASES = []


def test_row(cmin, cmax, cprot, smin, smax, sprot, proto=U, cerr=U, serr=U):
    """Node's ``test(...)``: one row of the matrix, collected and run below."""
    assert proto or cerr or serr, "test missing any expectations"
    CASES.append((cmin, cmax, cprot, smin, smax, sprot, proto, cerr, serr))


test_row.__test__ = False  # a collector, not a pytest test


# Default protocol is the max version.
test_row(U, U, U, U, U, U, DEFAULT_MAX_VERSION)

# Insecure or invalid protocols cannot be enabled.
test_row(U, U, U, U, U, "SSLv2_method", U, U, "ERR_TLS_INVALID_PROTOCOL_METHOD")
test_row(U, U, U, U, U, "SSLv3_method", U, U, "ERR_TLS_INVALID_PROTOCOL_METHOD")
test_row(U, U, "SSLv2_method", U, U, U, U, "ERR_TLS_INVALID_PROTOCOL_METHOD")
test_row(U, U, "SSLv3_method", U, U, U, U, "ERR_TLS_INVALID_PROTOCOL_METHOD")
test_row(U, U, "hokey-pokey", U, U, U, U, "ERR_TLS_INVALID_PROTOCOL_METHOD")
test_row(U, U, U, U, U, "hokey-pokey", U, U, "ERR_TLS_INVALID_PROTOCOL_METHOD")

# Regression test: this should not crash because node should not pass the error
# message (including unsanitized user input) to a printf-like function.
test_row(U, U, U, U, U, "%s_method", U, U, "ERR_TLS_INVALID_PROTOCOL_METHOD")

# Cannot use secureProtocol and min/max versions simultaneously.
test_row(U, U, U, U, "TLSv1.2", "TLS1_2_method", U, U, "ERR_TLS_PROTOCOL_VERSION_CONFLICT")
test_row(U, U, U, "TLSv1.2", U, "TLS1_2_method", U, U, "ERR_TLS_PROTOCOL_VERSION_CONFLICT")
test_row(U, "TLSv1.2", "TLS1_2_method", U, U, U, U, "ERR_TLS_PROTOCOL_VERSION_CONFLICT")
test_row("TLSv1.2", U, "TLS1_2_method", U, U, U, U, "ERR_TLS_PROTOCOL_VERSION_CONFLICT")

# TLS_method means "any supported protocol".
test_row(U, U, "TLSv1_2_method", U, U, "TLS_method", "TLSv1.2")
test_row(U, U, "TLSv1_1_method", U, U, "TLS_method", "TLSv1.1")
test_row(U, U, "TLSv1_method", U, U, "TLS_method", "TLSv1")
test_row(U, U, "TLS_method", U, U, "TLSv1_2_method", "TLSv1.2")
test_row(U, U, "TLS_method", U, U, "TLSv1_1_method", "TLSv1.1")
test_row(U, U, "TLS_method", U, U, "TLSv1_method", "TLSv1")

# OpenSSL 1.1.1 and 3.0 use a different error code and alert (sent to the
# client) when no protocols are enabled on the server.
NO_PROTOCOLS_AVAILABLE_SERVER = ("ERR_SSL_NO_PROTOCOLS_AVAILABLE" if hasOpenSSL3
                                 else "ERR_SSL_INTERNAL_ERROR")
NO_PROTOCOLS_AVAILABLE_SERVER_ALERT = ("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" if hasOpenSSL3
                                       else "ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR")

# SSLv23 also means "any supported protocol" greater than the default
# minimum (which is configurable via command line).
if DEFAULT_MIN_VERSION == "TLSv1.3":
    test_row(U, U, "TLSv1_2_method", U, U, "SSLv23_method",
             U, NO_PROTOCOLS_AVAILABLE_SERVER_ALERT, NO_PROTOCOLS_AVAILABLE_SERVER)
else:
    test_row(U, U, "TLSv1_2_method", U, U, "SSLv23_method", "TLSv1.2")

if DEFAULT_MIN_VERSION == "TLSv1.3":
    test_row(U, U, "TLSv1_1_method", U, U, "SSLv23_method",
             U, NO_PROTOCOLS_AVAILABLE_SERVER_ALERT, NO_PROTOCOLS_AVAILABLE_SERVER)
    test_row(U, U, "TLSv1_method", U, U, "SSLv23_method",
             U, NO_PROTOCOLS_AVAILABLE_SERVER_ALERT, NO_PROTOCOLS_AVAILABLE_SERVER)
    test_row(U, U, "SSLv23_method", U, U, "TLSv1_1_method",
             U, "ERR_SSL_NO_PROTOCOLS_AVAILABLE", "ERR_SSL_UNEXPECTED_MESSAGE")
    test_row(U, U, "SSLv23_method", U, U, "TLSv1_method",
             U, "ERR_SSL_NO_PROTOCOLS_AVAILABLE", "ERR_SSL_UNEXPECTED_MESSAGE")

if DEFAULT_MIN_VERSION == "TLSv1.2":
    test_row(U, U, "TLSv1_1_method", U, U, "SSLv23_method",
             U, "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL")
    test_row(U, U, "TLSv1_method", U, U, "SSLv23_method",
             U, "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL")
    test_row(U, U, "SSLv23_method", U, U, "TLSv1_1_method",
             U, "ERR_SSL_UNSUPPORTED_PROTOCOL", "ERR_SSL_WRONG_VERSION_NUMBER")
    test_row(U, U, "SSLv23_method", U, U, "TLSv1_method",
             U, "ERR_SSL_UNSUPPORTED_PROTOCOL", "ERR_SSL_WRONG_VERSION_NUMBER")

if DEFAULT_MIN_VERSION == "TLSv1.1":
    test_row(U, U, "TLSv1_1_method", U, U, "SSLv23_method", "TLSv1.1")
    test_row(U, U, "TLSv1_method", U, U, "SSLv23_method",
             U, "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL")
    test_row(U, U, "SSLv23_method", U, U, "TLSv1_1_method", "TLSv1.1")
    test_row(U, U, "SSLv23_method", U, U, "TLSv1_method",
             U, "ERR_SSL_UNSUPPORTED_PROTOCOL", "ERR_SSL_WRONG_VERSION_NUMBER")

if DEFAULT_MIN_VERSION == "TLSv1":
    test_row(U, U, "TLSv1_1_method", U, U, "SSLv23_method", "TLSv1.1")
    test_row(U, U, "TLSv1_method", U, U, "SSLv23_method", "TLSv1")
    test_row(U, U, "SSLv23_method", U, U, "TLSv1_1_method", "TLSv1.1")
    test_row(U, U, "SSLv23_method", U, U, "TLSv1_method", "TLSv1")

# TLSv1 thru TLSv1.2 are only supported with explicit configuration with API or
# CLI (--tls-v1.0 and --tls-v1.1).
test_row(U, U, "TLSv1_2_method", U, U, "TLSv1_2_method", "TLSv1.2")
test_row(U, U, "TLSv1_1_method", U, U, "TLSv1_1_method", "TLSv1.1")
test_row(U, U, "TLSv1_method", U, U, "TLSv1_method", "TLSv1")

# The default default.
if DEFAULT_MIN_VERSION == "TLSv1.2":
    test_row(U, U, "TLSv1_1_method", U, U, U,
             U, "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL")
    test_row(U, U, "TLSv1_method", U, U, U,
             U, "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL")

    if DEFAULT_MAX_VERSION == "TLSv1.2":
        test_row(U, U, U, U, U, "TLSv1_1_method",
                 U, "ERR_SSL_UNSUPPORTED_PROTOCOL", "ERR_SSL_WRONG_VERSION_NUMBER")
        test_row(U, U, U, U, U, "TLSv1_method",
                 U, "ERR_SSL_UNSUPPORTED_PROTOCOL", "ERR_SSL_WRONG_VERSION_NUMBER")
    else:
        # TLS1.3 client hellos are are not understood by TLS1.1 or below.
        test_row(U, U, U, U, U, "TLSv1_1_method",
                 U, "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL")
        test_row(U, U, U, U, U, "TLSv1_method",
                 U, "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL")

# The default with --tls-v1.1.
if DEFAULT_MIN_VERSION == "TLSv1.1":
    test_row(U, U, "TLSv1_1_method", U, U, U, "TLSv1.1")
    test_row(U, U, "TLSv1_method", U, U, U,
             U, "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL")
    test_row(U, U, U, U, U, "TLSv1_1_method", "TLSv1.1")

    if DEFAULT_MAX_VERSION == "TLSv1.2":
        test_row(U, U, U, U, U, "TLSv1_method",
                 U, "ERR_SSL_UNSUPPORTED_PROTOCOL", "ERR_SSL_WRONG_VERSION_NUMBER")
    else:
        # TLS1.3 client hellos are are not understood by TLS1.1 or below.
        test_row(U, U, U, U, U, "TLSv1_method",
                 U, "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL")

# The default with --tls-v1.0.
if DEFAULT_MIN_VERSION == "TLSv1":
    test_row(U, U, "TLSv1_1_method", U, U, U, "TLSv1.1")
    test_row(U, U, "TLSv1_method", U, U, U, "TLSv1")
    test_row(U, U, U, U, U, "TLSv1_1_method", "TLSv1.1")
    test_row(U, U, U, U, U, "TLSv1_method", "TLSv1")

# TLS min/max are respected when set with no secureProtocol.
test_row("TLSv1", "TLSv1.2", U, U, U, "TLSv1_method", "TLSv1")
test_row("TLSv1", "TLSv1.2", U, U, U, "TLSv1_1_method", "TLSv1.1")
test_row("TLSv1", "TLSv1.2", U, U, U, "TLSv1_2_method", "TLSv1.2")
test_row("TLSv1", "TLSv1.2", U, U, U, "TLS_method", "TLSv1.2")

test_row(U, U, "TLSv1_method", "TLSv1", "TLSv1.2", U, "TLSv1")
test_row(U, U, "TLSv1_1_method", "TLSv1", "TLSv1.2", U, "TLSv1.1")
test_row(U, U, "TLSv1_2_method", "TLSv1", "TLSv1.2", U, "TLSv1.2")

test_row("TLSv1", "TLSv1.1", U, "TLSv1", "TLSv1.3", U, "TLSv1.1")
test_row("TLSv1", "TLSv1.1", U, "TLSv1", "TLSv1.2", U, "TLSv1.1")
test_row("TLSv1", "TLSv1.2", U, "TLSv1", "TLSv1.1", U, "TLSv1.1")
test_row("TLSv1", "TLSv1.3", U, "TLSv1", "TLSv1.1", U, "TLSv1.1")
test_row("TLSv1", "TLSv1", U, "TLSv1", "TLSv1.1", U, "TLSv1")
test_row("TLSv1", "TLSv1.2", U, "TLSv1", "TLSv1", U, "TLSv1")
test_row("TLSv1", "TLSv1.3", U, "TLSv1", "TLSv1", U, "TLSv1")
test_row("TLSv1.1", "TLSv1.1", U, "TLSv1", "TLSv1.2", U, "TLSv1.1")
test_row("TLSv1", "TLSv1.2", U, "TLSv1.1", "TLSv1.1", U, "TLSv1.1")
test_row("TLSv1", "TLSv1.2", U, "TLSv1", "TLSv1.3", U, "TLSv1.2")

# v-any client can connect to v-specific server
test_row("TLSv1", "TLSv1.3", U, "TLSv1.3", "TLSv1.3", U, "TLSv1.3")
test_row("TLSv1", "TLSv1.3", U, "TLSv1.2", "TLSv1.3", U, "TLSv1.3")
test_row("TLSv1", "TLSv1.3", U, "TLSv1.2", "TLSv1.2", U, "TLSv1.2")
test_row("TLSv1", "TLSv1.3", U, "TLSv1.1", "TLSv1.1", U, "TLSv1.1")
test_row("TLSv1", "TLSv1.3", U, "TLSv1", "TLSv1", U, "TLSv1")

# v-specific client can connect to v-any server
test_row("TLSv1.3", "TLSv1.3", U, "TLSv1", "TLSv1.3", U, "TLSv1.3")
test_row("TLSv1.2", "TLSv1.2", U, "TLSv1", "TLSv1.3", U, "TLSv1.2")
test_row("TLSv1.1", "TLSv1.1", U, "TLSv1", "TLSv1.3", U, "TLSv1.1")
test_row("TLSv1", "TLSv1", U, "TLSv1", "TLSv1.3", U, "TLSv1")


def _u(x):
    return "U" if x is None else x


@pytest.mark.parametrize("row", CASES, ids=["-".join(map(_u, r)) for r in CASES])
def test_min_max_version(common, tls_connect, row):
    # Node runs every row side by side in one process; one program per row here
    cmin, cmax, cprot, smin, smax, sprot, proto, cerr, serr = row
    keys = tls_connect.keys

    ciphers = None
    if hasOpenSSL3 and (proto in ("TLSv1", "TLSv1.1", "TLSv1_1_method", "TLSv1_method")
                        or sprot in ("TLSv1_1_method", "TLSv1_method")):
        if serr != "ERR_SSL_UNSUPPORTED_PROTOCOL":
            ciphers = "ALL@SECLEVEL=0"
    if hasOpenSSL31 and cerr == "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION":
        ciphers = "DEFAULT@SECLEVEL=0"

    def on_pair(err, pair, cleanup):
        nonlocal cerr
        if not proto:
            if cerr:
                assert pair["client"].get("err")
                # Accept these codes as aliases, the one reported depends on the
                # OpenSSL version.
                if (cerr == "ERR_SSL_UNSUPPORTED_PROTOCOL"
                        and pair["client"]["err"].code == "ERR_SSL_VERSION_TOO_LOW"):
                    cerr = "ERR_SSL_VERSION_TOO_LOW"
                assert pair["client"]["err"].code == cerr
            if serr:
                assert pair["server"].get("err")
                assert pair["server"]["err"].code == serr
            return cleanup()

        assert err is None  # assert.ifError
        assert pair["server"].get("err") is None
        assert pair["client"].get("err") is None
        assert pair["server"]["conn"]
        assert pair["client"]["conn"]
        assert pair["client"]["conn"].getProtocol() == proto
        assert pair["server"]["conn"].getProtocol() == proto
        return cleanup()

    def main():
        tls_connect.connect({
            "client": {
                "checkServerIdentity": lambda servername, cert: None,
                "ca": f"{keys['agent1']['cert']}\n{keys['agent6']['ca']}",
                "minVersion": cmin,
                "maxVersion": cmax,
                "secureProtocol": cprot,
                "ciphers": ciphers,
            },
            "server": {
                "cert": keys["agent6"]["cert"],
                "key": keys["agent6"]["key"],
                "minVersion": smin,
                "maxVersion": smax,
                "secureProtocol": sprot,
                "ciphers": ciphers,
            },
        }, on_pair)

    common.run(main, timeout=10)

"""Port of Node 20's test/parallel/test-tls-client-mindhsize.js.

A client's minDHSize: 2048 refuses a server's 1024-bit DH parameters (ERR_TLS_DH_PARAM_SIZE)
and accepts 2048-bit ones; a 512-bit dhparam is refused by createServer; bad minDHSize values
throw.
"""

import math
import re

import pytest
from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-client-mindhsize.js"


def _test(common, fixtures, size, err, next_, counts):
    key = fixtures.readKey("agent2-key.pem")
    cert = fixtures.readKey("agent2-cert.pem")

    def loadDHParam(n):
        return fixtures.readKey(f"dh{n}.pem")

    options = {
        "key": key,
        "cert": cert,
        "dhparam": loadDHParam(size),
        "ciphers": "DHE-RSA-AES128-GCM-SHA256",
    }

    server = tls.createServer(options, lambda conn: conn.end())

    def on_close(isException=None):
        assert not isException
        if next_:
            next_()

    server.on("close", on_close)

    def on_listening():
        # Client set minimum DH parameter size to 2048 bits so that
        # it fails when it make a connection to the tls server where
        # dhparams is 1024 bits
        def on_secure():
            counts["nsuccess"] += 1
            server.close()

        # Node's `this` is the server
        client = tls.connect({
            "minDHSize": 2048,
            "port": server.address()["port"],
            "rejectUnauthorized": False,
            "maxVersion": "TLSv1.2",
        }, on_secure)
        if err:
            def on_error(e):
                counts["nerror"] += 1
                assert e.code == "ERR_TLS_DH_PARAM_SIZE"
                server.close()

            client.on("error", on_error)

    server.listen(0, on_listening)


@pytest.mark.xfail(strict=True, reason=(
    "context: the bundled OpenSSL 4.0 defaults to security level 2 and refuses the server's "
    "dhparam 1024 ('Error setting temp DH parameter', dh key too small); Node 20's OpenSSL 3.0 "
    "(level 1) serves it, and the client's minDHSize: 2048 is what refuses it"))
def test_client_mindhsize(common, fixtures):
    counts = {"nsuccess": 0, "nerror": 0}

    def main():
        # A client connection fails with an error when a client has an
        # 2048 bits minDHSize option and a server has 1024 bits dhparam
        def testDHE1024():
            _test(common, fixtures, 1024, True, testDHE2048, counts)

        # A client connection successes when a client has an
        # 2048 bits minDHSize option and a server has 2048 bits dhparam
        def testDHE2048():
            _test(common, fixtures, 2048, False, None, counts)

        testDHE1024()

    common.run(main)
    # process.on('exit')
    assert counts["nsuccess"] == 1
    assert counts["nerror"] == 1


def test_dhparam_512(common, fixtures):
    counts = {"nsuccess": 0, "nerror": 0}

    def main():
        assert_throws(lambda: _test(common, fixtures, 512, True, common.mustNotCall(), counts),
                      {"message": re.compile(r"DH parameter is less than 1024 bits")})

    common.run(main)


# The stored copy of this file is newer than Node 20 for the two loops below: node v20.20.2
# rejects every one of these values with ERR_INTERNAL_ASSERTION ('options.minDHSize is not a
# positive number' / 'is not a number'); the test (and the issue) want ERR_OUT_OF_RANGE and
# ERR_INVALID_ARG_TYPE, before the port is looked at.
@pytest.mark.parametrize("minDHSize", [0, -1, -math.inf, math.nan])
def test_min_dh_size_range(common, minDHSize):
    def main():
        assert_throws(lambda: tls.connect({"minDHSize": minDHSize}), {
            "code": "ERR_OUT_OF_RANGE",
            "name": "RangeError",
        })

    common.run(main)


# JS undefined and null are both None
@pytest.mark.parametrize("minDHSize", [True, False, None, None, {}, [], "", "1"],
                         ids=["true", "false", "null", "undefined", "object", "array", "empty",
                              "string-1"])
def test_min_dh_size_type(common, minDHSize):
    def main():
        assert_throws(lambda: tls.connect({"minDHSize": minDHSize}), {
            "code": "ERR_INVALID_ARG_TYPE",
            "name": "TypeError",
        })

    common.run(main)

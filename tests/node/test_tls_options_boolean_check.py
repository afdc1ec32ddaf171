"""Port of Node 20's test/parallel/test-tls-options-boolean-check.js.

``key``, ``cert`` and ``ca`` accept strings, buffers, typed arrays, arrays of
them (and ``{pem}`` objects for keys) or a false value; anything else throws
ERR_INVALID_ARG_TYPE naming the option and the offending value.
"""

from nodecommon import assert_throws, invalidArgTypeHelper

import nodessl as tls

NODE_TEST = "test-tls-options-boolean-check.js"



def to_array_buffer(buf):
    # JS builds an ArrayBuffer view (and, through Buffer#map, ends up with a Buffer copy)
    return bytearray(buf)


def to_data_view(buf):
    # JS: a DataView over a copy; Python's view over bytes is a memoryview
    return memoryview(bytearray(buf))


def test_options_boolean_check(common, fixtures):
    key_buff = fixtures.readKey("agent1-key.pem")
    cert_buff = fixtures.readKey("agent1-cert.pem")
    key_buff2 = fixtures.readKey("ec-key.pem")
    cert_buff2 = fixtures.readKey("ec-cert.pem")
    ca_cert = fixtures.readKey("ca1-cert.pem")
    ca_cert2 = fixtures.readKey("ca2-cert.pem")
    key_str = key_buff.decode()
    cert_str = cert_buff.decode()
    key_str2 = key_buff2.decode()
    cert_str2 = cert_buff2.decode()
    ca_cert_str = ca_cert.decode()
    ca_cert_str2 = ca_cert2.decode()
    key_arr_buff = to_array_buffer(key_buff)
    cert_arr_buff = to_array_buffer(cert_buff)
    ca_arr_buff = to_array_buffer(ca_cert)
    key_data_view = to_data_view(key_buff)
    cert_data_view = to_data_view(cert_buff)
    ca_arr_data_view = to_data_view(ca_cert)

    def main():
        # Checks to ensure tls.createServer doesn't throw an error
        # Format ['key', 'cert']
        for key, cert in [
            [key_buff, cert_buff],
            [False, cert_buff],
            [key_buff, False],
            [key_str, cert_str],
            [False, cert_str],
            [key_str, False],
            [False, False],
            [key_arr_buff, cert_arr_buff],
            [key_arr_buff, False],
            [False, cert_arr_buff],
            [key_data_view, cert_data_view],
            [key_data_view, False],
            [False, cert_data_view],
            [[key_buff, key_buff2], [cert_buff, cert_buff2]],
            [[key_str, key_str2], [cert_str, cert_str2]],
            [[key_str, key_str2], False],
            [False, [cert_str, cert_str2]],
            [[{"pem": key_buff}], False],
            [[{"pem": key_buff}, {"pem": key_buff}], False],
        ]:
            tls.createServer({"key": key, "cert": cert})

        # Checks to ensure tls.createServer predictably throws an error
        # Format ['key', 'cert', 'expected message']
        for key, cert, *index in [
            [True, cert_buff],
            [True, cert_str],
            [True, cert_arr_buff],
            [True, cert_data_view],
            [True, False],
            [True, False],
            [{"pem": key_buff}, False],
            [[key_buff, True], [cert_buff, cert_buff2], 1],
            [[True, key_str2], [cert_str, cert_str2], 0],
            [[True, False], [cert_buff, cert_buff2], 0],
            [True, [cert_buff, cert_buff2]],
        ]:
            val = key if not index else key[index[0]]
            assert_throws(lambda key=key, cert=cert: tls.createServer({"key": key, "cert": cert}), {
                "code": "ERR_INVALID_ARG_TYPE",
                "name": "TypeError",
                # JS: 'of type string or an instance of Buffer, TypedArray, or DataView'
                "message": 'The "options.key" property must be a str or '
                           "bytes-like (bytes, bytearray, memoryview)."
                           + invalidArgTypeHelper(val),
            })

        for key, cert, *index in [
            [key_buff, True],
            [key_str, True],
            [key_arr_buff, True],
            [key_data_view, True],
            [True, True],
            [False, True],
            [False, {"pem": key_buff}],
            [False, 1],
            [[key_buff, key_buff2], [True, cert_buff2], 0],
            [[key_str, key_str2], [cert_str, True], 1],
            [[key_str, key_str2], [True, False], 0],
            [[key_str, key_str2], True],
        ]:
            val = cert if not index else cert[index[0]]
            assert_throws(lambda key=key, cert=cert: tls.createServer({"key": key, "cert": cert}), {
                "code": "ERR_INVALID_ARG_TYPE",
                "name": "TypeError",
                "message": 'The "options.cert" property must be a str or '
                           "bytes-like (bytes, bytearray, memoryview)."
                           + invalidArgTypeHelper(val),
            })

        # Checks to ensure tls.createServer works with the CA parameter
        # Format ['key', 'cert', 'ca']
        for key, cert, ca in [
            [key_buff, cert_buff, ca_cert],
            [key_buff, cert_buff, [ca_cert, ca_cert2]],
            [key_buff, cert_buff, ca_cert_str],
            [key_buff, cert_buff, [ca_cert_str, ca_cert_str2]],
            [key_buff, cert_buff, ca_arr_buff],
            [key_buff, cert_buff, ca_arr_data_view],
            [key_buff, cert_buff, False],
        ]:
            tls.createServer({"key": key, "cert": cert, "ca": ca})

        # Checks to ensure tls.createServer throws an error for CA assignment
        # Format ['key', 'cert', 'ca']
        for key, cert, ca, *index in [
            [key_buff, cert_buff, True],
            [key_buff, cert_buff, {}],
            [key_buff, cert_buff, 1],
            [key_buff, cert_buff, True],
            [key_buff, cert_buff, [ca_cert, True], 1],
        ]:
            val = ca if not index else ca[index[0]]
            assert_throws(
                lambda key=key, cert=cert, ca=ca: tls.createServer(
                    {"key": key, "cert": cert, "ca": ca}), {
                    "code": "ERR_INVALID_ARG_TYPE",
                    "name": "TypeError",
                    "message": 'The "options.ca" property must be a str or '
                               "bytes-like (bytes, bytearray, memoryview)."
                               + invalidArgTypeHelper(val),
                })

        # Checks to ensure tls.createSecureContext works with false-y input
        # Format ['key', 'cert', 'ca']
        for key, cert, ca in [
            [None, None, None],
            [False, False, False],
            [None, None, None],  # JS undefined
            ["", "", ""],
            [0, 0, 0],
        ]:
            tls.createSecureContext({"key": key, "cert": cert, "ca": ca})

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-dhe.js.

The ``dhparam`` option: without it (undefined/null) ``openssl s_client`` offering
DHE and ECDHE gets ECDHE; with ``'auto'`` or custom parameters it gets DHE with a
group of the expected size ("Server Temp Key: DH, N bits"); parameters below 1024
bits throw; unreadable parameters are discarded and ECDHE remains.
"""

import asyncio

import nodechild
from nodecommon import assert_throws
from OpenSSL import SSL, crypto

import nodessl as tls

NODE_TEST = "test-tls-dhe.js"


def has_openssl(major, minor=0):
    """Node's ``common.hasOpenSSL(major, minor)``, for the OpenSSL nodessl runs on."""
    number = SSL.OPENSSL_VERSION_NUMBER
    return number >= (major << 28) | (minor << 20)


def once(emitter, name):
    """``events.once(emitter, name)``: a future settled by the event (or by 'error')."""
    future = asyncio.get_running_loop().create_future()

    def on_event(*args):
        if not future.done():
            future.set_result(list(args))

    def on_error(err):
        if not future.done():
            future.set_exception(err)

    emitter.once(name, on_event)
    if name != "error":
        emitter.once("error", on_error)
    return future


def test_dhe(common, fixtures):
    assert common.opensslCli, "missing openssl-cli"

    key = fixtures.readKey("agent2-key.pem")
    cert = fixtures.readKey("agent2-cert.pem")

    # Prefer DHE over ECDHE when possible.
    dhe_cipher = "DHE-RSA-AES128-SHA256"
    ecdhe_cipher = "ECDHE-RSA-AES128-SHA256"
    ciphers = f"{dhe_cipher}:{ecdhe_cipher}"

    if not has_openssl(3, 2):
        # Test will emit a warning because the DH parameter size is < 2048 bits
        # when the test is run on versions lower than OpenSSL32
        common.expectWarning("SecurityWarning", "DH parameter is less than 2048 bits")

    def load_dh_param(n):
        keyname = f"dh{n}.pem"
        return fixtures.readKey(keyname)

    def test(dhparam, keylen, expected_cipher):
        options = {
            "key": key,
            "cert": cert,
            "ciphers": ciphers,
            "dhparam": dhparam,
            "maxVersion": "TLSv1.2",
        }

        server = tls.createServer(options, lambda conn: conn.end())

        def on_listening():
            args = ["s_client", "-connect", f"127.0.0.1:{server.address()['port']}",
                    "-cipher", f"{ciphers}:@SECLEVEL=1"]

            def on_done(stdout, stderr):
                assert keylen is None or f"Server Temp Key: DH, {keylen} bits" in stdout, stdout
                assert f"Cipher    : {expected_cipher}" in stdout, stdout
                server.close()

            nodechild.execFile(common.opensslCli, args, common.mustSucceed(on_done))

        server.listen(0, "127.0.0.1", common.mustCall(on_listening))

        return once(server, "close")

    def test_custom_param(keylen, expected_cipher=None):
        dhparam = load_dh_param(keylen)
        if keylen == "error":
            keylen = None
        return test(dhparam, keylen, expected_cipher)

    async def main():
        # By default, DHE is disabled while ECDHE is enabled.
        for dhparam in [None, None]:  # JS's undefined and null are both Python's None
            await test(dhparam, None, ecdhe_cipher)

        # The DHE parameters selected by OpenSSL depend on the strength of the
        # certificate's key. For this test, we can assume that the modulus length
        # of the certificate's key is equal to the size of the DHE parameter, but
        # that is really only true for a few modulus lengths.
        # (new X509Certificate(cert).publicKey.asymmetricKeyDetails.modulusLength)
        modulus_length = crypto.load_certificate(crypto.FILETYPE_PEM, cert).get_pubkey().bits()
        await test("auto", modulus_length, dhe_cipher)

        assert_throws(lambda: test_custom_param(512),
                      {"message": "DH parameter is less than 1024 bits"})

        # Custom DHE parameters are supported (but discouraged).
        if not has_openssl(3, 2):
            await test_custom_param(1024, dhe_cipher)
        else:
            await test_custom_param(3072, dhe_cipher)
        await test_custom_param(2048, dhe_cipher)

        # Invalid DHE parameters are discarded. ECDHE remains enabled.
        await test_custom_param("error", ecdhe_cipher)

    finished = common.mustCall()  # the async function's .then(common.mustCall())

    def program():
        # An async IIFE: the program keeps running while its promise is pending
        asyncio.ensure_future(main()).add_done_callback(
            lambda task: (task.result(), finished()))

    try:
        common.run(program, timeout=20)
    finally:
        nodechild.kill_all()

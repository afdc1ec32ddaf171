"""Port of Node 20's test/parallel/test-tls-session-cache.js.

``openssl s_client -reconnect`` (TLS 1.0) connects six times to a server whose sessions live
in an external cache (the asynchronous 'newSession'/'resumeSession' events): without tickets
the five reconnects resume the stored session, with tickets the cache is never asked, and an
invalid session from 'resumeSession' makes each connection a fresh one.
"""

import subprocess

import nodechild
import pytest

import nodessl as tls
from nodessl import backend

NODE_TEST = "test-tls-session-cache.js"


@pytest.mark.xfail(not backend.is_shared(), strict=True, reason=(
    "bundled backend: on the bundled backend a 'newSession'/'resumeSession' listener raises "
    "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM (its binding has no SSL_CTX_sess_set_new_cb/get_cb); "
    "the shared backend passes"))
def test_session_cache(common, fixtures):
    assert common.opensslCli  # Node skips without the CLI

    # Node's common.hasOpenSSL31 is about the OpenSSL behind the CLI it spawns (its own
    # build); the peer here is the system's CLI, so ask it
    hasOpenSSL31 = subprocess.run([common.opensslCli, "version"], capture_output=True,
                                  text=True, check=True).stdout.split()[1] >= "3.1"

    exit_checks = []  # process.on('exit', ...) listeners, run in order after the program

    def doTest(testOptions, callback):
        key = fixtures.readKey("rsa_private.pem")
        cert = fixtures.readKey("rsa_cert.crt")
        options = {
            "key": key,
            "cert": cert,
            "ca": [cert],
            "requestCert": True,
            "rejectUnauthorized": False,
            "secureProtocol": "TLS_method",
            "ciphers": "RSA@SECLEVEL=0",
        }
        requestCount = 0
        resumeCount = 0
        newSessionCount = 0
        session = None

        def on_secure(cleartext):
            nonlocal requestCount

            def on_error(er):
                # We're ok with getting ECONNRESET in this test, but it's
                # timing-dependent, and thus unreliable. Any other errors
                # are just failures, though.
                if getattr(er, "code", None) != "ECONNRESET":
                    raise er

            cleartext.on("error", on_error)
            requestCount += 1
            cleartext.end("")

        server = tls.createServer(options, on_secure)

        def on_new_session(id_, data, cb):
            nonlocal newSessionCount
            newSessionCount += 1

            # Emulate asynchronous store
            def store():
                nonlocal session
                assert not session
                session = {"id": id_, "data": data}
                cb()

            tls.setImmediate(store)

        server.on("newSession", on_new_session)

        def on_resume_session(id_, callback):
            nonlocal resumeCount, session
            resumeCount += 1
            assert session
            assert session["id"].hex() == id_.hex()

            data = session["data"]

            # Return an invalid session to test Node does not crash.
            if testOptions.get("invalidSession"):
                data = b"INVALID SESSION"  # Buffer.from('INVALID SESSION')
                session = None

            # Just to check that async really works there
            tls.setImmediate(lambda: callback(None, data))

        server.on("resumeSession", on_resume_session)

        def on_listening():
            # Node's `this` is the server
            args = [
                "s_client",
                "-tls1",
                "-cipher", ("DEFAULT:@SECLEVEL=0" if hasOpenSSL31 else "DEFAULT"),
                "-connect", f"localhost:{server.address()['port']}",
                "-servername", "ohgod",
                "-key", fixtures.path("keys/rsa_private.pem"),
                "-cert", fixtures.path("keys/rsa_cert.crt"),
                "-reconnect",
            ] + ([] if testOptions.get("tickets") else ["-no_ticket"])

            def spawnClient():
                # stdio [0, 1, 'pipe']: Node's test runner gives the child its own stdin,
                # which is at EOF; s_client's stdout is not examined
                client = nodechild.spawn(common.opensslCli, args, stdin=b"")
                err = []
                client.stderr.on("data", lambda chunk: err.append(chunk.decode("utf8")))

                def on_exit(code, signal):
                    if code != 0:
                        # (Node retries on SmartOS when the connection was refused)
                        raise AssertionError(
                            f"code: {code}, signal: {signal}, output: {''.join(err)}")
                    assert code == 0
                    server.close(common.mustCall(lambda *_: tls.setImmediate(callback)))

                client.on("exit", common.mustCall(on_exit))

            spawnClient()

        server.listen(0, on_listening)

        def on_process_exit():
            # Each test run connects 6 times: an initial request and 5 reconnect
            # requests.
            assert requestCount == 6

            if testOptions.get("tickets"):
                # No session cache callbacks are called.
                assert resumeCount == 0
                assert newSessionCount == 0
            elif testOptions.get("invalidSession"):
                # The resume callback was called, but each connection established a
                # fresh session.
                assert resumeCount == 5
                assert newSessionCount == 6
            else:
                # The resume callback was called, and only the initial connection
                # establishes a fresh session.
                assert session
                assert resumeCount == 5
                assert newSessionCount == 1

        exit_checks.append(on_process_exit)

    def main():
        doTest({"tickets": False}, lambda: doTest(
            {"tickets": True}, lambda: doTest(
                {"tickets": False, "invalidSession": True},
                lambda: print("all done"))))

    try:
        common.run(main, timeout=20)
    finally:
        nodechild.kill_all()

    # process.on('exit')
    for check in exit_checks:
        check()


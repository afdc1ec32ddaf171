"""Port of Node 20's test/parallel/test-tls-no-sslv3.js.

``openssl s_client -ssl3`` against a nodessl server fails (exit code 1); the
server reports one ``tlsClientError`` "version too low", unless this openssl
has no ``-ssl3`` at all (Node's test then skips that check too).
"""

import asyncio
import re
import sys

import nodessl as tls
from nodessl import loop as nodeloop

NODE_TEST = "test-tls-no-sslv3.js"


def test_no_sslv3(common, fixtures):
    assert common.opensslCli, "openssl CLI missing"  # Node skips; this suite requires it
    cert = fixtures.readKey("rsa_cert.crt")
    key = fixtures.readKey("rsa_private.pem")
    errors = []
    stderr = ""
    procs = []

    def main():
        server = tls.createServer({"cert": cert, "key": key}, common.mustNotCall())

        def on_exit(exit_code):
            assert exit_code == 1
            server.close()

        on_exit = common.mustCall(on_exit)

        async def spawn(args):
            # child_process.spawn(common.opensslCli, args, {stdio: 'pipe'})
            nonlocal stderr
            proc = await asyncio.create_subprocess_exec(
                common.opensslCli, *args, stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            procs.append(proc)
            try:
                out, err = await proc.communicate()
            finally:  # the program failed or timed out: end the peer
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
            sys.stdout.write(out.decode(errors="replace"))  # client.stdout.pipe(process.stdout)
            sys.stderr.write(err.decode(errors="replace"))
            stderr += err.decode("utf8", errors="replace")
            on_exit(proc.returncode)

        def on_listening():
            # Node's this: the server
            address = f"{server.address()['address']}:{server.address()['port']}"
            args = ["s_client", "-ssl3", "-connect", address]
            nodeloop.spawn(asyncio.get_running_loop(), spawn(args))

        server.listen(0, "127.0.0.1", on_listening)
        server.on("tlsClientError", lambda err, *_: errors.append(err))

    try:
        common.run(main)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()

    # process.on('exit')
    if re.search(r"[Uu]nknown option:? -ssl3", stderr):
        print("skipped: `openssl s_client -ssl3` not supported.")  # common.printSkipMessage
    else:
        assert len(errors) == 1
        assert re.search(r":version too low", str(errors[0]))

"""Port of Node 20's test/parallel/test-tls-securepair-server.js.

A ``createSecurePair`` server piped over a net.Server greets and echoes to
``openssl s_client``, which exits 0 after the round trip.
"""

import asyncio
import re
import sys

import nodessl as tls
from nodessl import loop as nodeloop
from nodessl import net

NODE_TEST = "test-tls-securepair-server.js"


def log(a):
    print("***server***", a, file=sys.stderr)


def test_securepair_server(common, fixtures):
    assert common.opensslCli, "openssl CLI missing"  # Node skips; this suite requires it
    key = fixtures.readKey("rsa_private.pem")
    cert = fixtures.readKey("rsa_cert.crt")
    procs = []
    got_hello = False
    sent_world = False
    got_world = False

    def main():
        def on_connection(socket):
            log("connection")
            sslcontext = tls.createSecureContext({"key": key, "cert": cert})
            sslcontext.context.setCiphers("RC4-SHA:AES128-SHA:AES256-SHA")

            pair = tls.createSecurePair(sslcontext, True)

            assert pair.encrypted.writable
            assert pair.cleartext.writable

            pair.encrypted.pipe(socket)
            socket.pipe(pair.encrypted)

            log("i set it secure")

            def on_secure(*_):
                log("connected+secure!")
                pair.cleartext.write("hello\r\n")
                log(pair.cleartext.getPeerCertificate())
                log(pair.cleartext.getCipher())

            pair.on("secure", on_secure)

            def on_data(data):
                log(f"read bytes {len(data)}")
                pair.cleartext.write(data)

            pair.cleartext.on("data", on_data)

            socket.on("end", lambda *_: log("socket end"))

            def destroy_on(what):
                def on_error(err):
                    log(what)
                    log(err)
                    socket.destroy()

                return on_error

            pair.cleartext.on("error", destroy_on("got error: "))
            pair.encrypted.on("error", destroy_on("encrypted error: "))
            socket.on("error", destroy_on("socket error: "))
            socket.on("close", lambda *_: log("socket closed"))
            pair.on("error", destroy_on("secure error: "))

        server = net.createServer(common.mustCall(on_connection))

        def on_exit(code):
            assert code == 0
            server.close()

        on_exit = common.mustCall(on_exit)

        async def client_program():
            # To test use: openssl s_client -connect localhost:8000
            nonlocal got_hello, sent_world, got_world
            args = ["s_client", "-connect", f"127.0.0.1:{server.address()['port']}"]
            client = await asyncio.create_subprocess_exec(
                common.opensslCli, *args, stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
            procs.append(client)
            out = ""
            try:
                while chunk := await client.stdout.read(4096):
                    out += chunk.decode("utf8", errors="replace")

                    if not got_hello and re.search(r"hello", out):
                        got_hello = True
                        client.stdin.write(b"world\r\n")
                        sent_world = True

                    if not got_world and re.search(r"world", out):
                        got_world = True
                        client.stdin.close()
                code = await client.wait()
            finally:  # the program failed or timed out: end the peer
                if client.returncode is None:
                    client.kill()
                    await client.wait()
            on_exit(code)

        # Node's this: the server
        server.listen(0, common.mustCall(
            lambda: nodeloop.spawn(asyncio.get_running_loop(), client_program())))

    try:
        common.run(main)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()  # not reached normally: the task's own finally ends it

    # process.on('exit')
    assert got_hello
    assert sent_world
    assert got_world

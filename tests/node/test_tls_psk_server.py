"""Port of Node 20's test/parallel/test-tls-psk-server.js.

A nodessl PSK server (``pskIdentityHint``, ``pskCallback``) greets and echoes
to ``openssl s_client -psk``; the client exits 0 after the round trip.
"""

import asyncio
import re

import nodessl as tls
from nodessl import loop as nodeloop

NODE_TEST = "test-tls-psk-server.js"

CIPHERS = "PSK+HIGH"
KEY = "d731ef57be09e5204f0b205b60627028"
IDENTITY = "TestUser"


def test_psk_server(common):
    assert common.opensslCli, "openssl CLI missing"  # Node skips; this suite requires it
    procs = []
    got_hello = False
    sent_world = False
    got_world = False

    def psk_callback(socket, identity):
        assert isinstance(socket, tls.TLSSocket)
        assert isinstance(identity, str)
        if identity == IDENTITY:
            return bytes.fromhex(KEY)
        return None

    def main():
        server = tls.createServer({"ciphers": CIPHERS, "pskIdentityHint": IDENTITY,
                                   "pskCallback": psk_callback})

        server.on("connection", common.mustCall())

        def on_secure_connection(socket):
            socket.write("hello\r\n")
            socket.on("data", lambda data: socket.write(data))

        server.on("secureConnection", on_secure_connection)

        def on_exit(code):
            assert got_hello
            assert sent_world
            assert got_world
            assert code == 0
            server.close()

        on_exit = common.mustCall(on_exit)

        async def client_program():
            # spawn(common.opensslCli, [...]): stdout read as it comes, stdin written on cue
            nonlocal got_hello, sent_world, got_world
            client = await asyncio.create_subprocess_exec(
                common.opensslCli, "s_client",
                "-connect", f"127.0.0.1:{server.address()['port']}",
                "-cipher", CIPHERS, "-psk", KEY, "-psk_identity", IDENTITY,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL)
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

        server.listen(0, lambda: nodeloop.spawn(asyncio.get_running_loop(), client_program()))

    try:
        common.run(main)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()  # not reached normally: the task's own finally ends it

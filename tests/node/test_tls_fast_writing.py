"""Port of Node 20's test/parallel/test-tls-fast-writing.js.

A client writes 1 KiB chunks as fast as it can until write() returns False, then
again on each 'drain'; the program succeeds (process.exit(0)) once the server got
data and the client saw 'drain'.
"""

import pytest

import nodessl as tls

NODE_TEST = "test-tls-fast-writing.js"



def process_exit(code):
    """``process.exit(code)``: ends the program at once, from inside any callback."""
    raise SystemExit(code)


def test_fast_writing(common, fixtures):
    options = {"key": fixtures.readKey("rsa_private.pem"),
               "cert": fixtures.readKey("rsa_cert.crt"),
               "ca": [fixtures.readKey("rsa_ca.crt")]}

    gotChunk = False
    gotDrain = False

    def main():
        def onconnection(conn):
            def on_data(c):
                nonlocal gotChunk
                if not gotChunk:
                    gotChunk = True
                    print("ok - got chunk")

                # Just some basic sanity checks.
                assert len(c)
                assert isinstance(c, bytes)  # Buffer.isBuffer(c)

                if gotDrain:
                    process_exit(0)

            conn.on("data", on_data)

        server = tls.createServer(options, onconnection)

        def on_listening():
            chunk = b"x" * 1024  # Buffer.alloc(1024, 'x')
            opt = {"port": server.address().port, "rejectUnauthorized": False}

            def on_connect():
                conn.on("drain", ondrain)
                write()

            conn = tls.connect(opt, on_connect)

            def ondrain():
                nonlocal gotDrain
                if not gotDrain:
                    gotDrain = True
                    print("ok - got drain")
                if gotChunk:
                    process_exit(0)
                write()

            def write():
                # This needs to return false eventually
                writes = 0
                while conn.write(chunk) is not False:
                    # Node's test would spin here forever (its old copies had a 1 s
                    # timeout); a port gives up after 16 MiB, 1024 times the high water mark
                    writes += 1
                    assert writes < 16 * 1024, "write() never returned False"

        server.listen(0, on_listening)

    # The program ends only through process.exit(0); a port sees the SystemExit
    with pytest.raises(SystemExit) as exited:
        common.run(main, timeout=10)
    assert exited.value.code == 0
    assert gotChunk and gotDrain

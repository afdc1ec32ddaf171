"""Port of Node 20's test/parallel/test-tls-handshake-exception.js.

An exception thrown from a 'secureConnection' listener of a tls.Server wrapping a
custom Duplex (fed from a plain net socket) is reported as the program's uncaught
error, message intact ('eyecatcher'), by a child program.
"""

from nodecommon import run_python

NODE_TEST = "test-tls-handshake-exception.js"

# Node's test runs itself with the argument 'child'; the port's child is this program.
CHILD = r'''
import sys

import nodessl as tls
from nodessl import net, stream

cert = open(sys.argv[1], "rb").read()
key = open(sys.argv[2], "rb").read()


def main():
    def onlisten():
        port = server.address().port  # Node's this
        # https.get({port, rejectUnauthorized: false}) is only the peer: a TLS client
        # sending a GET request
        client = tls.connect({"port": port, "rejectUnauthorized": False},
                             lambda: client.write(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
        client.on("error", lambda err: None)  # https.get has no 'error' listener either;
        # the program ends with the server's uncaught exception first

    def onplaintext(c):
        class D(stream.Duplex):
            def _read(self, n):
                data = c.read(n)
                if data:
                    d.push(data)

            def _write(self, *xs):
                c.write(*xs)

        d = D()
        c.on("data", d.push)

        options = {"key": key, "cert": cert}

        def fail(*_):
            raise Exception("eyecatcher")  # JS: throw new Error('eyecatcher')

        tls.createServer(options, fail).emit("connection", d)

    server = net.createServer(onplaintext)
    server.listen(0, onlisten)


tls.run(main)
'''


def test_handshake_exception(common, fixtures):
    # spawnSync(process.execPath, [__filename, 'child'])
    result = run_python(CHILD, fixtures.path("keys", "rsa_cert.crt"),
                        fixtures.path("keys", "rsa_private.pem"), timeout=30)
    stderr = result.stderr.decode()
    # JS prints an uncaught Error as 'Error: eyecatcher'; Python's traceback ends with
    # 'Exception: eyecatcher' for the same error
    ok = "Exception: eyecatcher" in stderr
    assert ok, stderr

"""Port of Node 20's test/parallel/test-tls-enable-trace.js.

Test enableTrace: option for TLS: a child program with the server option
``enableTrace: true`` (and ``enableTrace()`` on the client once connected) prints the
trace, 'Received Record' and 'ClientHello' among it, on stderr.
"""

import sys

from nodecommon import HERE, run_python

NODE_TEST = "test-tls-enable-trace.js"

# Node reads internalBinding('tls_wrap').HAVE_SSL_TRACE (--expose-internals) to skip when
# OpenSSL lacks SSL_trace(); nodessl's trace does not depend on it, so there is no skip.

# Node forks this file with ['test']; the child runs test() below
CHILD = """
from nodecommon import Common, Fixtures, TLSConnect

common = Common()
tls_connect = TLSConnect(common, Fixtures())
keys, connect = tls_connect.keys, tls_connect.connect


def main():
    def done(err, pair, cleanup):
        pair["client"]["conn"].enableTrace()

        return cleanup()

    connect({
        "client": {
            "checkServerIdentity": lambda servername, cert: None,
            "ca": f"{keys['agent1']['cert']}\\n{keys['agent6']['ca']}",
        },
        "server": {
            "cert": keys["agent6"]["cert"],
            "key": keys["agent6"]["key"],
            "enableTrace": True,
        },
    }, common.mustCall(done))


common.run(main, timeout=10)
"""


def test_enable_trace():
    # fork(__filename, ['test'], {silent: true})
    child = run_python(CHILD, env={"PYTHONPATH": str(HERE)})
    stderr = child.stderr.decode("utf8")

    # For debugging and observation of actual trace output.
    sys.stderr.write(stderr)
    sys.stdout.write(child.stdout.decode("utf8"))

    # child.on('close')
    assert "Received Record" in stderr
    assert "ClientHello" in stderr

    # child.on('exit')
    assert child.returncode == 0

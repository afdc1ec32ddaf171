"""Port of Node 20's test/parallel/test-tls-env-extra-ca.js.

Certs in NODE_EXTRA_CA_CERTS are used for TLS peer validation: a child whose
NODE_EXTRA_CA_CERTS names ca1 verifies the agent1 server and connects.
"""

import os

import nodechild
import pytest

import nodessl as tls

NODE_TEST = "test-tls-env-extra-ca.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "loop/net: the child's client, after end('hi') and the server's end('bye'), is never read "
    "(no 'data' listener), so it never closes and keeps tls.run alive (the child times out, "
    "exit 1); Node's child exits at once since a handle that stopped reading at EOF no longer "
    "holds the loop (no 'end'/'close' there either). Verification with NODE_EXTRA_CA_CERTS "
    "itself works"))

# The child (Node: this file with CHILD set)
CHILD = """
import os

from nodecommon import Common

import nodessl as tls

common = Common()


def main():
    copts = {
        "port": os.environ["PORT"],
        "checkServerIdentity": common.mustCall(),
    }
    client = tls.connect(copts, common.mustCall(lambda: client.end("hi")))


common.run(main, timeout=3)
"""


def test_env_extra_ca(common, fixtures):
    options = {
        "key": fixtures.readKey("agent1-key.pem"),
        "cert": fixtures.readKey("agent1-cert.pem"),
    }

    def main():
        def on_secure(s):
            s.end("bye")
            server.close()

        server = tls.createServer(options, common.mustCall(on_secure))

        def on_listening():
            env = {**os.environ,
                   "CHILD": "yes",
                   "PORT": str(server.address()["port"]),
                   "NODE_EXTRA_CA_CERTS": fixtures.path("keys", "ca1-cert.pem")}

            def on_exit(status, signal):
                assert status == 0, "client did not succeed in connecting"

            nodechild.fork_python(CHILD, [], {"env": env}).on("exit", common.mustCall(on_exit))

        server.listen(0, common.mustCall(on_listening))

    try:
        common.run(main, timeout=10)
    finally:
        nodechild.kill_all()

"""Port of Node 20's test/parallel/test-tls-env-bad-extra-ca.js.

Setting NODE_EXTRA_CA_CERTS to non-existent file emits a warning (and the program
still succeeds).
"""

import os
import re

import nodechild

NODE_TEST = "test-tls-env-bad-extra-ca.js"

# The child (Node: this file with CHILD set): this will try to load the extra CA certs,
# and emit a warning when it fails.
CHILD = """
import nodessl as tls

tls.run(lambda: tls.createServer({}))
"""


def test_env_bad_extra_ca(common, fixtures):
    env = {**os.environ,
           "CHILD": "yes",
           "NODE_EXTRA_CA_CERTS": f"{fixtures.fixturesDir}/no-such-file-exists-🐢"}

    opts = {
        "env": env,
        "silent": True,
    }
    stderr = ""

    def main():
        def on_exit(status, signal):
            assert status == 0, "client did not succeed in connecting"

        def on_close(*_args):
            pattern = re.compile(r"Warning: Ignoring extra certs from.*no-such-file-exists-🐢.*"
                                 r" load failed:.*No such file or directory")
            assert pattern.search(stderr), stderr

        def on_stderr(data):
            nonlocal stderr
            stderr += data.decode("utf8")  # setEncoding('utf8')

        child = nodechild.fork_python(CHILD, [], opts)
        child.on("exit", common.mustCall(on_exit))
        child.on("close", common.mustCall(on_close))
        child.stderr.on("data", on_stderr)

    try:
        common.run(main, timeout=30)
    finally:
        nodechild.kill_all()

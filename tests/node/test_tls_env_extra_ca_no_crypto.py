"""Port of Node 20's test/parallel/test-tls-env-extra-ca-no-crypto.js.

Trying to load extra certs won't throw: a child started with NODE_EXTRA_CA_CERTS
exits with status 0 (Node checks a build without crypto; here nodessl is imported).
"""

import os

import nodechild

NODE_TEST = "test-tls-env-extra-ca-no-crypto.js"

# The child (Node: this file with argv[2] 'child'): exit.  Python does not load nodessl by
# itself, so the child imports it: that is where NODE_EXTRA_CA_CERTS is read.
CHILD = """
import nodessl  # noqa: F401
"""


def test_env_extra_ca_no_crypto(common, fixtures):
    node_extra_ca_certs = fixtures.path("keys", "ca1-cert.pem")

    def main():
        def on_exit(status, signal):
            # Client did not succeed in connecting
            assert status == 0

        nodechild.fork_python(
            CHILD,
            ["child"],
            {"env": {**os.environ, "NODE_EXTRA_CA_CERTS": node_extra_ca_certs}},
        ).on("exit", common.mustCall(on_exit))

    try:
        common.run(main, timeout=30)
    finally:
        nodechild.kill_all()

"""Port of Node 20's test/parallel/test-tls-cli-min-max-conflict.js.

Conflicting protocol flags (--tls-min-v1.3 with --tls-max-v1.2) stop the program from starting,
with an error saying both cannot be used.
"""

import re

import pytest
from nodecommon import run_python

NODE_TEST = "test-tls-cli-min-max-conflict.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "context: NODE_OPTIONS='--tls-min-v1.3 --tls-max-v1.2' only warns (RuntimeWarning) and drops "
    "both flags, so the program runs and exits 0; node refuses to start (exit 9, 'node: either "
    "--tls-min-v1.3 or --tls-max-v1.2 can be used, not both')"))


def test_cli_min_max_conflict():
    # node --tls-min-v1.3 --tls-max-v1.2 -p process.version: a nodessl program gets the flags
    # through NODE_OPTIONS and prints its version
    result = run_python("import sys\nimport nodessl\nprint(sys.version)",
                        env={"NODE_OPTIONS": "--tls-min-v1.3 --tls-max-v1.2"})
    err = result.returncode != 0  # execFile's err is set on a non-zero exit
    assert err
    # err.message of execFile ends with the child's stderr
    assert re.search(r"not both", result.stderr.decode(errors="replace"))

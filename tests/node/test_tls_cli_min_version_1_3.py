"""Port of Node 20's test/parallel/test-tls-cli-min-version-1.3.js.

Node started with `--tls-min-v1.3` has DEFAULT_MAX_VERSION TLSv1.3 and DEFAULT_MIN_VERSION TLSv1.3, and
test-tls-min-max-version.js passes under that setting.
"""

from nodecommon import HERE, run_python

NODE_TEST = "test-tls-cli-min-version-1.3.js"

# `// Flags: --tls-min-v1.3` -> the same flag in NODE_OPTIONS, which nodessl reads at import.
# The stored Node file is the -1.3 variant; this one differs in the flag and the two values
# (node v20.20.2 --tls-min-v1.3 prints TLSv1.3 TLSv1.3).
ENV = {"NODE_OPTIONS": "--tls-min-v1.3"}

PROGRAM = """
import nodessl as tls

assert tls.DEFAULT_MAX_VERSION == 'TLSv1.3', tls.DEFAULT_MAX_VERSION
assert tls.DEFAULT_MIN_VERSION == 'TLSv1.3', tls.DEFAULT_MIN_VERSION
"""

# require('./test-tls-min-max-version.js'): the port of that file, run in the same process.
# --runxfail: a min-max-version port still marked failing fails here too.
REQUIRE_MIN_MAX = """
import sys

import pytest

sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "--runxfail", sys.argv[1]]))
"""


def test_cli_min_version_1_3():
    result = run_python(PROGRAM + REQUIRE_MIN_MAX,
                        str(HERE / "test_tls_min_max_version.py"), env=ENV)
    assert result.returncode == 0, (result.stdout + result.stderr).decode(errors="replace")


def test_cli_min_version_1_3_defaults():
    # the two asserts alone, so they count while the part above cannot run
    result = run_python(PROGRAM, env=ENV)
    assert result.returncode == 0, result.stderr.decode(errors="replace")

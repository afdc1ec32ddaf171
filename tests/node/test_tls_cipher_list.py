"""Port of Node 20's test/parallel/test-tls-cipher-list.js.

A program's default cipher list (crypto.constants.defaultCipherList and tls.DEFAULT_CIPHERS)
is Node's core list, or the one --tls-cipher-list gives.
"""

from nodecommon import run_python

NODE_TEST = "test-tls-cipher-list.js"

# `node [flags] -pe EXPR` -> a Python program printing EXPR with nodessl imported as Node's
# `tls` global and nodessl.constants as `crypto.constants`; Node flags go in NODE_OPTIONS.
PRINT = """
import sys
import types

import nodessl as tls

if "crypto." in sys.argv[1]:
    from nodessl import constants

    crypto = types.SimpleNamespace(constants=constants)

print(eval(sys.argv[1]))
"""


def doCheck(arg, expression, check):
    env = {"NODE_OPTIONS": " ".join(arg)} if arg else {}
    result = run_python(PRINT, expression, env=env)
    assert result.returncode == 0, result.stderr.decode(errors="replace")  # 'error' mustNotCall
    out = result.stdout.decode()
    assert out.strip() == check


def defaultCoreList():
    from nodessl import constants  # require('crypto').constants.defaultCoreCipherList

    return constants.defaultCoreCipherList


# Test the default unmodified version
def test_default_cipher_list_constant():
    doCheck([], "crypto.constants.defaultCipherList", defaultCoreList())


def test_default_ciphers():
    doCheck([], "tls.DEFAULT_CIPHERS", defaultCoreList())


# Test the command line switch by itself
def test_cipher_list_flag_constant():
    doCheck(["--tls-cipher-list=ABC"], "crypto.constants.defaultCipherList", "ABC")


def test_cipher_list_flag_default_ciphers():
    doCheck(["--tls-cipher-list=ABC"], "tls.DEFAULT_CIPHERS", "ABC")

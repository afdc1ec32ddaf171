"""Port of Node 20's test/parallel/test-tls-handshake-nohang.js.

An unused ``createSecurePair()``, client or server side, does not hang the program.
"""


import nodessl as tls

NODE_TEST = "test-tls-handshake-nohang.js"



def test_handshake_nohang(common):
    def main():
        # neither should hang
        tls.createSecurePair(None, False, False, False)
        tls.createSecurePair(None, True, False, False)

    common.run(main, timeout=3)

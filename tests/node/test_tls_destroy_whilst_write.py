"""Port of Node 20's test/parallel/test-tls-destroy-whilst-write.js.

Destroying a TLSSocket while its ClientHello is still being written to a slow
``stream.Duplex`` does not crash, and the program ends.
"""


import nodessl as tls
from nodessl import stream

NODE_TEST = "test-tls-destroy-whilst-write.js"



def test_destroy_whilst_write(common):
    def main():
        def read(*_size):
            pass

        def write(data, enc, cb):
            print("pending")

            def done():
                print("done")
                cb()

            tls.setImmediate(done)

        delay = stream.Duplex({"read": read, "write": write})

        secure = tls.connect({
            "socket": delay,
        })
        tls.setImmediate(lambda: secure.destroy())

    common.run(main, timeout=5)

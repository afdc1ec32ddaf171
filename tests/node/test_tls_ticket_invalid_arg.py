"""Port of Node 20's test/parallel/test-tls-ticket-invalid-arg.js.

``server.setTicketKeys`` takes only a 48-byte buffer: other types are
ERR_INVALID_ARG_TYPE, other lengths a plain error.
"""

import re

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-ticket-invalid-arg.js"


def test_ticket_invalid_arg(common):
    common.run(main)


def main():
    server = tls.Server()
    # JS's null/undefined, numbers, BigInt, Symbol, objects, booleans, '' and a function;
    # Python has one None, and object() stands for the Symbol
    for arg in (None, 0, 1, 1 << 70, object(), {}, [], True, False, "", lambda: None):
        assert_throws(lambda arg=arg: server.setTicketKeys(arg), {"code": "ERR_INVALID_ARG_TYPE"})
    # Uint8Array(1), Buffer.from([1]), DataView(ArrayBuffer(2)) -> the bytes-like types
    for arg in (bytearray(1), bytes([1]), memoryview(bytearray(2))):
        assert_throws(lambda arg=arg: server.setTicketKeys(arg),
                      {"message": re.compile("Session ticket keys must be a 48-byte buffer")})

"""Port of Node 20's test/parallel/test-tls-wrap-event-emmiter.js.

Wrapping a bare EventEmitter (not a stream) throws a TypeError instead of
failing later (nodejs/node#3655).
"""

from nodecommon import assert_throws

import nodessl as tls
from nodessl.events import EventEmitter

NODE_TEST = "test-tls-wrap-event-emmiter.js"


def test_wrap_event_emitter(common):
    def main():
        assert_throws(lambda: tls.TLSSocket(EventEmitter()), TypeError)

    common.run(main)

"""Port of Node 20's test/parallel/test-tls-destroy-stream-12.js.

test-tls-destroy-stream specifically for TLS1.2 (sets ``DEFAULT_MAX_VERSION`` first).
"""

from test_tls_destroy_stream import destroy_stream_program

import nodessl as tls

NODE_TEST = "test-tls-destroy-stream-12.js"


def test_destroy_stream_12(common, fixtures, monkeypatch):
    monkeypatch.setattr(tls, "DEFAULT_MAX_VERSION", "TLSv1.2")

    # require('./test-tls-destroy-stream.js'); as in Node, that file then sets
    # DEFAULT_MAX_VERSION back to 'TLSv1.3' itself
    destroy_stream_program(common, fixtures, monkeypatch)

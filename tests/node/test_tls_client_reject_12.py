"""Port of Node 20's test/parallel/test-tls-client-reject-12.js.

test-tls-client-reject specifically for TLS1.2 (tls.DEFAULT_MAX_VERSION = 'TLSv1.2').
"""

from test_tls_client_reject import client_reject

import nodessl as tls

NODE_TEST = "test-tls-client-reject-12.js"


def test_client_reject_12(common, fixtures, monkeypatch):
    # monkeypatch: the assignment must not outlive this test as it outlives nothing in Node
    monkeypatch.setattr(tls, "DEFAULT_MAX_VERSION", "TLSv1.2")

    client_reject(common, fixtures)  # require('./test-tls-client-reject.js')

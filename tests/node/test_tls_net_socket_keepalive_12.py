"""Port of Node 20's test/parallel/test-tls-net-socket-keepalive-12.js.

test-tls-net-socket-keepalive with ``tls.DEFAULT_MAX_VERSION = 'TLSv1.2'``.
"""

from test_tls_net_socket_keepalive import keepalive_program

import nodessl as tls

NODE_TEST = "test-tls-net-socket-keepalive-12.js"


def test_net_socket_keepalive_12(common, fixtures, monkeypatch):
    # tls.DEFAULT_MAX_VERSION = 'TLSv1.2' for this program only (Node: a process of its own)
    monkeypatch.setattr(tls, "DEFAULT_MAX_VERSION", "TLSv1.2")
    # require('./net-socket-keepalive.js')
    common.run(lambda: keepalive_program(common, fixtures))

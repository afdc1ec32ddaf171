"""Port of Node 20's test/parallel/test-tls-ticket-12.js.

test-tls-ticket.js with TLS 1.2 (``tls.DEFAULT_MAX_VERSION = 'TLSv1.2'``): servers sharing
``ticketKeys`` resume each other's tickets, and rotating the keys changes the ticket.
"""

import pytest
from test_tls_ticket import ISSUE9, ticket

import nodessl as tls

NODE_TEST = "test-tls-ticket-12.js"


@pytest.mark.xfail(strict=True, reason=ISSUE9)
def test_ticket_12(common, fixtures, monkeypatch):
    # Run test-tls-ticket.js with TLS1.2
    # monkeypatch: the module value goes back after the test (Node's process just ends)
    monkeypatch.setattr(tls, "DEFAULT_MAX_VERSION", "TLSv1.2")

    ticket(common, fixtures)  # require('./test-tls-ticket.js')

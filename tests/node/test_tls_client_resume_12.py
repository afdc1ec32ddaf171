"""Port of Node 20's test/parallel/test-tls-client-resume-12.js.

test-tls-client-resume specifically for TLS1.2 (tls.DEFAULT_MAX_VERSION = 'TLSv1.2').
"""

from test_tls_client_resume import client_resume

import nodessl as tls

NODE_TEST = "test-tls-client-resume-12.js"


def test_client_resume_12(common, fixtures, monkeypatch):
    # monkeypatch: the module value goes back after the test (Node's process just ends)
    monkeypatch.setattr(tls, "DEFAULT_MAX_VERSION", "TLSv1.2")

    client_resume(common, fixtures)  # require('./test-tls-client-resume.js')

"""Port of Node 20's test/parallel/test-tls-root-certificates.js.

``tls.rootCertificates`` is a non-empty, immutable sequence of distinct PEM
strings, the same object on every read, and the property cannot be reassigned.
"""


import pytest
from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-root-certificates.js"


@pytest.mark.xfail(strict=True, reason=(
    "__init__: `tls.rootCertificates = 0` silently rebinds the module attribute; Node's "
    "tls.rootCertificates is a getter-only property and the assignment throws a TypeError "
    "(every other check passes)"))
def test_root_certificates(monkeypatch):
    # restored after the test even if the assignment below goes through
    monkeypatch.setattr(tls, "rootCertificates", tls.rootCertificates)

    # Array.isArray: an immutable Python sequence (a tuple)
    assert isinstance(tls.rootCertificates, (list, tuple))
    assert len(tls.rootCertificates) > 0

    # Getter should return the same object.
    assert tls.rootCertificates is tls.rootCertificates

    # Array is immutable...
    def assign_item():
        tls.rootCertificates[0] = 0

    assert_throws(assign_item, {"name": "TypeError"})

    # JS: sort() on a frozen array throws a TypeError; a tuple has no in-place sort at all
    def sort_in_place():
        tls.rootCertificates.sort()

    assert_throws(sort_in_place, lambda err: isinstance(err, (TypeError, AttributeError)))

    # ...and so is the property.
    def assign_property():
        tls.rootCertificates = 0

    assert_throws(assign_property, {"name": "TypeError"})

    # Does not contain duplicates.
    assert len(tls.rootCertificates) == len(set(tls.rootCertificates))

    assert all(s.startswith("-----BEGIN CERTIFICATE-----\n") for s in tls.rootCertificates)

    assert all(s.endswith("\n-----END CERTIFICATE-----") for s in tls.rootCertificates)

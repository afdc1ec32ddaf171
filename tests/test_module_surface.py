"""The ``nodessl`` module object as Node's ``tls``: a getter-only ``rootCertificates`` beside
assignable defaults."""

from __future__ import annotations

import pytest

import nodessl as tls
from nodessl import context


def test_root_certificates_is_read_only() -> None:
    roots = tls.rootCertificates
    assert roots is context.rootCertificates and roots is tls.rootCertificates
    with pytest.raises(TypeError, match="only a getter"):
        tls.rootCertificates = ()  # type: ignore[misc]
    with pytest.raises(TypeError, match="Cannot delete"):
        del tls.rootCertificates
    with pytest.raises(TypeError):
        tls.rootCertificates = roots  # type: ignore[misc]
    assert tls.rootCertificates is roots


def test_defaults_stay_assignable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("DEFAULT_CIPHERS", "HIGH"), ("DEFAULT_MIN_VERSION", "TLSv1.3"),
                        ("DEFAULT_MAX_VERSION", "TLSv1.2"), ("DEFAULT_ECDH_CURVE", "P-256"),
                        ("CLIENT_RENEG_LIMIT", 7), ("CLIENT_RENEG_WINDOW", 60)):
        monkeypatch.setattr(tls, name, value)
        assert getattr(tls, name) == value

"""Fixtures for the ports of Node's ``test/parallel/test-tls-*.js`` (see ``nodecommon.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from nodecommon import Common, Fixtures, TLSConnect


@pytest.fixture
def common() -> Iterator[Common]:
    """Node's ``common``; call counts are checked when ``common.run`` ends."""
    c = Common()
    yield c
    c.verify()


@pytest.fixture
def fixtures() -> Fixtures:
    """Node's ``common/fixtures``."""
    return Fixtures()


@pytest.fixture
def tls_connect(common: Common, fixtures: Fixtures) -> TLSConnect:
    """Node's ``test/fixtures/tls-connect.js``."""
    return TLSConnect(common, fixtures)

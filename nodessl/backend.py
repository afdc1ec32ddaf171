"""Which OpenSSL nodessl runs on, and the error for what the running one cannot do.

Two backends, chosen once at import (:mod:`nodessl.openssl` holds the detection rule):

* ``"bundled"``: pyOpenSSL and cryptography from PyPI's wheels.  OpenSSL is linked statically
  into cryptography with its symbols hidden, so only what the binding declares is reachable.
* ``"shared"``: pyOpenSSL and cryptography built against a shared ``libssl`` (Debian's and
  Ubuntu's ``python3-openssl``/``python3-cryptography``, conda-forge, any build against the
  system OpenSSL).  The same library is reached through cffi's ABI mode, which unlocks
  ``ticketKeys``, ``getTicketKeys``/``setTicketKeys`` and the ``newSession``/``resumeSession``
  events.

``NODESSL_BACKEND=bundled`` forces the bundled backend; ``NODESSL_BACKEND=shared`` makes the
import fail when the shared one is not available (so a test run cannot silently test the
other).

>>> import nodessl
>>> nodessl.backend.name, nodessl.backend.openssl_version  # doctest: +SKIP
('shared', 'OpenSSL 3.0.19 27 Jan 2026')
"""

from __future__ import annotations

from . import openssl as _ossl
from .errors import NodeError, NodeTypeError

__all__ = ["name", "library", "openssl_version", "openssl_version_number", "is_shared",
           "INSTALL_SHARED", "feature_unavailable", "require_shared"]

name: str = _ossl.BACKEND
"""``"shared"`` or ``"bundled"``."""

library: str | None = _ossl.SHARED_LIBRARY
"""The shared ``libssl`` file the shared backend calls; None on the bundled backend."""

openssl_version: str = _ossl.OPENSSL_VERSION_TEXT
"""``OpenSSL_version(OPENSSL_VERSION)`` of the OpenSSL in use, e.g. ``OpenSSL 3.0.19 ...``."""

openssl_version_number: int = _ossl.OPENSSL_VERSION_NUMBER
"""``OpenSSL_version_num()``: ``0xMNN00PP0`` (3.0.19 is ``0x30000130``)."""

INSTALL_SHARED = ("install the shared backend: pyOpenSSL and cryptography built against the "
                  "system's libssl, e.g. on Debian/Ubuntu `apt-get install python3-openssl "
                  "python3-cryptography python3-cffi` and a venv made with "
                  "`python3 -m venv --system-site-packages`")
"""How to get the shared backend (quoted in :func:`feature_unavailable` errors)."""


def is_shared() -> bool:
    """Whether the shared backend is running."""
    return name == "shared"


def feature_unavailable(feature: str) -> NodeError:
    """Node's ``ERR_FEATURE_UNAVAILABLE_ON_PLATFORM`` (a TypeError) for ``feature`` on the bundled backend,
    naming the shared backend and how to install it."""
    return NodeTypeError(
        f"The feature {feature} is unavailable on the current platform, which is being used "
        f"to run Node.js (nodessl's bundled OpenSSL backend, {openssl_version}, does not "
        f"export the callbacks it needs; {INSTALL_SHARED})",
        "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM")


def require_shared(feature: str) -> None:
    """Raise :func:`feature_unavailable` unless the shared backend is running."""
    if not is_shared():
        raise feature_unavailable(feature)

"""``crypto.createCredentials(details)``: Node 0.4's way to build a context.

Node 0.4 returned a ``Credentials`` object whose ``.context`` was the secure context that
``tls.createSecurePair`` and ``SNICallback`` wanted; Node 0.12 made it an alias of
``tls.createSecureContext``.  Here ``createCredentials(details).context`` is a
:class:`~nodessl.SecureContext`, and the Credentials object itself is accepted wherever
a context is (``secureContext`` of ``connect`` / ``TLSSocket``, ``createSecurePair``,
what ``SNICallback`` returns): :func:`as_secure_context` unwraps it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import SecureContext, createSecureContext

__all__ = ["Credentials", "createCredentials", "as_secure_context"]


class Credentials:
    """Node 0.4's ``Credentials``: holds a :class:`~nodessl.SecureContext` as ``context``."""

    def __init__(self, context: SecureContext) -> None:
        self.context = context

    def __repr__(self) -> str:
        return f"<Credentials {self.context!r}>"


def createCredentials(details: Mapping[str, Any] | None = None, **kwargs: Any) -> Credentials:
    """``crypto.createCredentials(details)``: the ``createSecureContext`` options (``key``,
    ``passphrase``, ``cert``, ``ca``, ``crl``, ``ciphers``, ``pfx``, ``secureProtocol`` …)."""
    return Credentials(createSecureContext(details, **kwargs))


def as_secure_context(value: Any) -> Any:
    """``value`` itself, or the SecureContext inside a :class:`Credentials`-like object."""
    if not isinstance(value, SecureContext) and isinstance(getattr(value, "context", None),
                                                           SecureContext):
        return value.context
    return value

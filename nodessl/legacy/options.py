"""Old option forms in their modern shape, applied where servers and pairs read options.

* ``NPNProtocols`` → ``ALPNProtocols`` on the bundled backend (real NPN on the shared one;
  see :mod:`nodessl.legacy.npn`);
* Node 0.4's one-argument ``SNICallback(servername)``, which *returns* the context
  (``crypto.createCredentials(...).context``, a SecureContext, a Credentials object, or
  None for the default), is wrapped into the modern ``SNICallback(servername, cb)``, so
  the SNI machinery only ever sees the modern form.

Which form a callback is comes from its signature: exactly one positional parameter
(and no ``*args``) is the old form, anything else the modern one, like Node telling the
two apart would by ``fn.length``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from .credentials import as_secure_context
from .npn import adapt

__all__ = ["modernize", "modern_sni_callback", "is_one_argument"]


def is_one_argument(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` takes exactly one positional argument (the 0.4 ``SNICallback``)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False  # a builtin without a signature: assume the modern form
    positional = [p for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return False
    required = [p for p in positional if p.default is p.empty]
    return len(required) == 1 and len(positional) == 1


def modern_sni_callback(fn: Callable[..., Any]) -> Callable[[str, Callable[..., Any]], None]:
    """``fn`` as ``SNICallback(servername, cb)``: a one-argument ``fn`` is wrapped, its
    return value (or exception) handed to ``cb``; a modern ``fn`` is returned as it is."""
    if not is_one_argument(fn):
        return fn

    def SNICallback(servername: str, cb: Callable[..., Any]) -> None:
        try:
            context = fn(servername)
        except Exception as err:  # noqa: BLE001 - the callback's failure is the handshake's
            cb(err, None)
            return
        cb(None, as_secure_context(context))

    SNICallback.__wrapped__ = fn  # type: ignore[attr-defined]
    return SNICallback


def modernize(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` with the old forms above rewritten (a new dict; the input is untouched)."""
    opts = adapt(options)
    sni = opts.get("SNICallback")
    if callable(sni):
        opts["SNICallback"] = modern_sni_callback(sni)
    return opts

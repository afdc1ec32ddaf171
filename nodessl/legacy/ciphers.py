"""Node 0.12's legacy cipher presets and the switches that make one the default (seed 002).

``getLegacyCiphers(version)`` returns the preset exactly as Node 0.12.3 spelled it.  The
environment switches are read once, when :mod:`nodessl.context` computes
``DEFAULT_CIPHERS`` at import (Node read them at startup), with Node's precedence:
``NODE_OPTIONS=--tls-cipher-list`` (the command line of today) over
``NODE_LEGACY_CIPHER_LIST=<version>`` over ``NODE_CIPHER_LIST=<list>`` over the built-in
list.

The presets name ciphers the OpenSSL under pyOpenSSL no longer has (``RC4`` above all).
OpenSSL itself skips a name that matches nothing as long as something else matches, but a
list can also match nothing at all; so what a switch makes the default is the preset minus
the names this OpenSSL lacks, and a :class:`LegacyCipherWarning` names what was dropped.  A
list left with nothing usable keeps the built-in default (with a warning): a switch never
makes every later context fail.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

from OpenSSL import SSL

from .. import openssl
from ..errors import NodeError, NodeTypeError, NodeValueError

__all__ = ["LEGACY_CIPHERS", "LegacyCipherWarning", "getLegacyCiphers", "usable_ciphers",
           "default_from_environment"]

# Seed 002, "Using Legacy Default Cipher Suite" (Node v0.12.3's src/node_crypto.h presets).
LEGACY_CIPHERS: dict[str, str] = {
    "v0.10.38": "ECDHE-RSA-AES128-SHA256:AES128-GCM-SHA256:RC4:HIGH:!MD5:!aNULL:!EDH",
    "v0.10.39": "ECDHE-RSA-AES128-SHA256:AES128-GCM-SHA256:HIGH:!RC4:!MD5:!aNULL:!EDH",
    "v0.12.2": "ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:AES128-GCM-SHA256:RC4:"
               "HIGH:!MD5:!aNULL",
    "v0.12.3": "ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:AES128-GCM-SHA256:HIGH:"
               "!RC4:!MD5:!aNULL",
}


class LegacyCipherWarning(UserWarning):
    """A legacy cipher list named ciphers this OpenSSL does not have; they were dropped."""


def getLegacyCiphers(version: str) -> str:
    """Node 0.12's ``tls.getLegacyCiphers(version)``: the default cipher list of an old release.

    ``version`` is one of ``v0.10.38``, ``v0.10.39``, ``v0.12.2``, ``v0.12.3``; anything else
    raises (``TypeError`` for a non-string, as Node 0.12 did).
    """
    if not isinstance(version, str):
        raise NodeTypeError(f"Invalid non-string version identifier: {version!r}",
                            "ERR_INVALID_ARG_TYPE")
    try:
        return LEGACY_CIPHERS[version]
    except KeyError:
        known = ", ".join(LEGACY_CIPHERS)
        raise NodeValueError(f"Unknown legacy cipher list version {version!r}; known "
                             f"versions: {known}", "ERR_INVALID_ARG_VALUE") from None


def _matches(token: str) -> bool:
    """Whether one cipher-string element selects anything in this OpenSSL."""
    ctx = SSL.Context(SSL.TLS_METHOD)
    try:
        if token.startswith("TLS_"):
            openssl.set_ciphersuites(ctx, token)
        else:
            openssl.set_cipher_list(ctx, token)
    except (SSL.Error, NodeError, ValueError):
        return False
    return True


def usable_ciphers(ciphers: str) -> tuple[str, list[str]]:
    """``(what this OpenSSL can apply, the names dropped)`` for an OpenSSL cipher string.

    Only elements that *add* ciphers can be missing; removals (``!X``, ``-X``), reorderings
    (``+X``) and ``@`` directives are kept as they are, they never fail.
    """
    kept, dropped = [], []
    for token in ciphers.split(":"):
        token = token.strip()
        if not token:
            continue
        if token[0] in "!-+@" or _matches(token):
            kept.append(token)
        else:
            dropped.append(token)
    return ":".join(kept), dropped


def _adds_something(ciphers: str) -> bool:
    return any(t and t[0] not in "!-+@" for t in ciphers.split(":"))


def default_from_environment(environ: Mapping[str, str], builtin: str) -> str:
    """The default cipher list seed 002's switches ask for (``builtin`` when none is set).

    ``NODE_LEGACY_CIPHER_LIST`` wins over ``NODE_CIPHER_LIST``; ``NODE_OPTIONS``'s
    ``--tls-cipher-list`` is handled by the caller, above both.
    """
    legacy = environ.get("NODE_LEGACY_CIPHER_LIST")
    source, wanted = None, None
    if legacy:
        if legacy in LEGACY_CIPHERS:
            source, wanted = f"NODE_LEGACY_CIPHER_LIST={legacy}", LEGACY_CIPHERS[legacy]
        else:
            # Node 0.12 refused to start; a library warns and goes on.
            warnings.warn(f"NODE_LEGACY_CIPHER_LIST: unknown version {legacy!r} ignored; "
                          f"known versions: {', '.join(LEGACY_CIPHERS)}",
                          LegacyCipherWarning, stacklevel=2)
    if wanted is None and environ.get("NODE_CIPHER_LIST"):
        source, wanted = "NODE_CIPHER_LIST", environ["NODE_CIPHER_LIST"]
    if wanted is None:
        return builtin
    kept, dropped = usable_ciphers(wanted)
    if not _adds_something(kept):
        warnings.warn(f"{source}: none of the ciphers in {wanted!r} exists in this OpenSSL; "
                      "keeping the built-in default cipher list", LegacyCipherWarning,
                      stacklevel=2)
        return builtin
    if dropped:
        warnings.warn(f"{source}: this OpenSSL has no {', '.join(dropped)}; dropped from the "
                      f"default cipher list ({kept})", LegacyCipherWarning, stacklevel=2)
    return kept

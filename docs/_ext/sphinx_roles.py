"""A griffe extension for `make docs`: nodessl's docstrings use Sphinx roles
(:func:`nodessl.connect`, :class:`~nodessl.TLSSocket`) so that help() reads well; Markdown
would print the role names, so they become code spans."""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension

# :role:`target`, :role:`~a.b.target`, :role:`text <target>`
_ROLE = re.compile(r":(?:py:)?(?:func|meth|class|mod|data|attr|exc|obj):`~?([^`<]*?)(?: <[^>]*>)?`")


class SphinxRoles(Extension):
    """Rewrites Sphinx cross-reference roles in every docstring as plain code spans."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        """Called by griffe for every module, class, function and attribute it loads."""
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(r"`\1`", obj.docstring.value)

"""``python -m nodessl``: the probe CLI (``connect`` and ``serve``, see :mod:`nodessl.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":  # imported (pkgutil, docs tools) it does nothing
    sys.exit(main())

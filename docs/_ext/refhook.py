"""An MkDocs hook (mkdocs.yml `hooks:`): adds the generated reference pages "Options",
"Events" and "Methods" (docs/_ext/refpages.py) to the build, before the nav is made."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import refpages  # noqa: E402  (docs/_ext is not a package)
from mkdocs.structure.files import File, Files  # noqa: E402


def on_files(files: Files, config: Any) -> Files:
    """Add each generated page as if it were a file under docs/."""
    for path, text in refpages.pages().items():
        files.append(File.generated(config, path, content=text))
    return files

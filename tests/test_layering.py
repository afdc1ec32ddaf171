"""nodessl.legacy is a leaf: the core never imports it; it plugs into the core itself."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys

import nodessl

CORE = sorted(f"nodessl.{m.name}" for m in pkgutil.iter_modules(nodessl.__path__)
              if m.name != "legacy")


def _modules_after(code: str) -> list[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NODE_LEGACY_CIPHER_LIST", "NODE_CIPHER_LIST")}
    proc = subprocess.run(
        [sys.executable, "-c", code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True, text=True, env=env, check=True, timeout=60)
    return json.loads(proc.stdout.splitlines()[-1])


def test_importing_nodessl_does_not_import_legacy() -> None:
    loaded = _modules_after("import nodessl")
    assert "nodessl" in loaded and "nodessl.socket" in loaded
    assert not [m for m in loaded if m.startswith("nodessl.legacy")]


def test_no_core_module_imports_legacy() -> None:
    assert "nodessl.socket" in CORE and "nodessl.server" in CORE
    loaded = _modules_after(f"import importlib\nfor m in {CORE!r}: importlib.import_module(m)")
    assert set(CORE) <= set(loaded)
    assert not [m for m in loaded if m.startswith("nodessl.legacy")]


def test_legacy_public_names_still_on_the_package() -> None:
    loaded = _modules_after(
        "import warnings, nodessl\n"
        "assert nodessl.getLegacyCiphers('v0.10.39').startswith('ECDHE-RSA-AES128-SHA256')\n"
        "async def main():\n"
        "    with warnings.catch_warnings(record=True) as w:\n"
        "        warnings.simplefilter('always')\n"
        "        pair = nodessl.createSecurePair()\n"
        "    assert 'DEP0064' in str(w[0].message), w\n"
        "    assert type(pair).__name__ == 'SecurePair'\n"
        "import asyncio\n"
        "asyncio.run(main())\n"
        "assert 'getLegacyCiphers' in dir(nodessl)")
    assert "nodessl.legacy.securepair" in loaded and "nodessl.legacy.ciphers" in loaded

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


# -- feature modules reach the socket through their Host protocol ------------------------------

FEATURE_MODULES = ("sni", "renegotiation", "trace", "keylog")


def test_tls_socket_implements_every_feature_host() -> None:
    from conftest import key, run_loop

    from nodessl import keylog, renegotiation, sni, trace

    async def main() -> None:
        server_side = nodessl.TLSSocket(None, {"isServer": True, "key": key("agent1-key.pem"),
                                               "cert": key("agent1-cert.pem")})
        client_side = nodessl.TLSSocket(None, {"ca": key("ca1-cert.pem")})
        try:
            for sock in (server_side, client_side):
                for host in (sni.Host, renegotiation.Host, trace.Host, keylog.Host):
                    assert isinstance(sock, host), (sock, host)
                assert sock._ssl_conn() is None and not sock._handshaking()  # not started
        finally:
            server_side.destroy()
            client_side.destroy()

    run_loop(main)


def test_feature_modules_write_no_private_socket_field() -> None:
    """sni, renegotiation and trace change the socket only through its methods: no
    ``sock._x = ...`` from outside socket.py, and no untyped ``sock: Any`` parameter."""
    import ast
    from pathlib import Path

    root = Path(nodessl.__file__).parent
    offences: list[str] = []
    for name in FEATURE_MODULES:
        tree = ast.parse((root / f"{name}.py").read_text())
        for node in ast.walk(tree):
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for target in targets:
                for t in ast.walk(target):
                    if isinstance(t, ast.Attribute) and t.attr.startswith("_") \
                            and not (isinstance(t.value, ast.Name) and t.value.id == "self"):
                        offences.append(f"{name}.py:{t.lineno}: {ast.unparse(t)} assigned")
            if isinstance(node, ast.arg) and node.arg == "sock" and node.annotation is not None \
                    and ast.unparse(node.annotation) == "Any":
                offences.append(f"{name}.py:{node.lineno}: sock: Any")
    assert not offences, offences

"""nodessl.backend: which OpenSSL runs, found by a rule that cannot crash (issue 9).

The expected answer comes from outside nodessl: whether cryptography's binding modules link
a shared libssl (``ldd``).  Each test runs on both backends (``make test`` runs the suite on
each) and asserts what that backend must report.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
from OpenSSL._util import lib as _binding_lib

import nodessl
from nodessl import backend, openssl


def _binding_links_shared_libssl() -> bool:
    files = []
    for mod in ("cryptography.hazmat.bindings._openssl", "cryptography.hazmat.bindings._rust"):
        try:
            files.append(importlib.import_module(mod).__file__)
        except ImportError:
            continue
    assert files
    for path in files:
        out = subprocess.run(["ldd", path], capture_output=True, text=True, check=True).stdout
        if re.search(r"^\s*libssl\.so", out, re.M):
            return True
    return False


FORCED = os.environ.get("NODESSL_BACKEND") == "bundled"
EXPECTED = "shared" if _binding_links_shared_libssl() and not FORCED else "bundled"


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = os.environ | env
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=full, timeout=60)


def test_backend_matches_how_the_binding_is_linked() -> None:
    assert nodessl.backend is backend
    assert backend.name == EXPECTED
    assert backend.is_shared() is (EXPECTED == "shared")
    if EXPECTED == "shared":
        assert backend.library is not None
        assert os.path.basename(backend.library).startswith("libssl.so")
        maps = open("/proc/self/maps").read()
        assert os.path.realpath(backend.library) in maps or backend.library in maps
    else:
        assert backend.library is None


def test_version_is_the_running_openssl() -> None:
    from OpenSSL import SSL

    assert backend.openssl_version == SSL.OpenSSL_version(SSL.OPENSSL_VERSION).decode()
    major = backend.openssl_version_number >> 28
    assert backend.openssl_version.startswith(f"OpenSSL {major}.")


def test_importing_ssl_first_does_not_change_the_answer() -> None:
    # The trap of the naive rule: `ssl` maps the system's libssl.so.3 into a process whose
    # pyOpenSSL may use another (static) copy; handing that one a pyOpenSSL pointer crashes.
    proc = _run("import ssl, nodessl\n"
                "from nodessl import openssl\n"
                "print(nodessl.backend.name)\n"
                "c = openssl.SSL.Context(openssl.SSL.TLS_METHOD)\n"
                "openssl.set_curves_list(c, 'P-256')\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [EXPECTED]
    maps_proc = _run("import ssl, nodessl; print(open('/proc/self/maps').read())")
    assert "libssl.so" in maps_proc.stdout  # the trap is really set


def test_nodessl_backend_bundled_forces_the_bundled_backend() -> None:
    proc = _run("import nodessl; print(nodessl.backend.name, nodessl.backend.library)",
                NODESSL_BACKEND="bundled")
    gaps = openssl.bundled_gaps(_binding_lib)
    if not gaps:
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == ["bundled", "None"]
    else:
        # an older binding (Debian 12's cryptography 38) has no bundled backend to force:
        # the import says what is missing rather than a handshake failing later
        assert proc.returncode != 0
        assert "ImportError" in proc.stderr and "cryptography >= 47" in proc.stderr
        assert all(name in proc.stderr for name in gaps)


def test_bundled_gaps_names_the_missing_binding_functions() -> None:
    complete = SimpleNamespace(**{name: None for name in openssl.BUNDLED_NEEDS})
    assert openssl.bundled_gaps(complete) == []
    partial = SimpleNamespace(**{name: None for name in openssl.BUNDLED_NEEDS[1:]})
    assert openssl.bundled_gaps(partial) == [openssl.BUNDLED_NEEDS[0]]
    if not backend.is_shared():
        assert openssl.bundled_gaps(_binding_lib) == []  # this import succeeded


def test_nodessl_backend_shared_requires_it() -> None:
    proc = _run("import nodessl; print(nodessl.backend.name)", NODESSL_BACKEND="shared")
    if _binding_links_shared_libssl():
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == ["shared"]
    else:
        assert proc.returncode != 0
        assert "NODESSL_BACKEND=shared" in proc.stderr and "python3-openssl" in proc.stderr


def test_feature_unavailable_error_names_the_shared_backend() -> None:
    err = backend.feature_unavailable("ticketKeys")
    assert err.code == "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM"
    assert isinstance(err, TypeError)
    assert str(err).startswith("The feature ticketKeys is unavailable on the current platform")
    assert "shared backend" in str(err) and "python3-openssl" in str(err)
    if EXPECTED == "shared":
        backend.require_shared("ticketKeys")
    else:
        with pytest.raises(nodessl.NodeError) as info:
            backend.require_shared("ticketKeys")
        assert info.value.code == "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM"

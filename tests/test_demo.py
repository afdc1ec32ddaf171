"""`make demo` runs as the README says: exits 0 by itself and prints what each end saw."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import need

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo.py"


def test_demo_shows_both_clients_ocsp_stapling_and_psk() -> None:
    need("node")
    proc = subprocess.run([sys.executable, str(DEMO)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "verification        authorized" in out
    assert "not authorized: UNABLE_TO_GET_ISSUER_CERT" in out  # the Node client has no cert
    assert "good, signed by ca1" in out           # the nodessl client checked the staple
    assert "received (" in out                    # the Node client got it too
    assert "nodessl-client   TLSv1.3" in out
    assert "identity hint seen by the client: 'nodessl-demo'" in out  # Node, TLS 1.2 PSK

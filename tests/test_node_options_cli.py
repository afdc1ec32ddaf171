"""``NODE_OPTIONS`` flags read when nodessl is imported: ``--trace-tls`` traces every TLS
socket (against a real ``openssl s_server``), conflicting version flags stop the program."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import KEYS, need

ROOT = Path(__file__).resolve().parent.parent

CLIENT = """
import sys
import nodessl as tls

def main(then=None):
    sock = tls.connect({"port": int(sys.argv[1]), "host": "127.0.0.1",
                        "rejectUnauthorized": False})
    sock.on("secureConnect", lambda: sock.end())
    sock.on("data", lambda d: None)
    if then is not None:
        sock.on("close", lambda *a: then())

tls.run(lambda: main(main))  # two connections, one after the other
print("done")
"""


def run_python(code: str, *args: str, node_options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NODE_OPTIONS": node_options, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def test_trace_tls_flag_traces_every_socket_and_warns_once() -> None:
    openssl = need("openssl")
    # two connections: both traced, one warning (stdin stays open: s_server quits on its EOF)
    proc = subprocess.Popen(
        [openssl, "s_server", "-accept", "127.0.0.1:0", "-naccept", "2",
         "-cert", str(KEYS / "agent1-cert.pem"), "-key", str(KEYS / "agent1-key.pem")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        while line and not line.startswith("ACCEPT"):
            line = proc.stdout.readline()
        assert line.startswith("ACCEPT"), line
        port = line.rsplit(":", 1)[1].strip()
        child = run_python(CLIENT, port, node_options="--trace-tls")
    finally:
        proc.kill()
        proc.wait()
    assert child.returncode == 0, child.stderr
    assert child.stdout == "done\n"
    assert child.stderr.count("Enabling --trace-tls can expose sensitive data") == 1
    assert child.stderr.count("ClientHello") >= 2
    assert "Received Record" in child.stderr


def test_enable_trace_false_overrides_the_flag() -> None:
    # an explicit enableTrace: false wins over --trace-tls (no trace, no warning)
    code = ("import nodessl as tls\n"
            "async def main():\n"
            "    s = tls.TLSSocket(None, {'enableTrace': False})\n"
            "    print(s._features.tracer is None)\n"
            "    s.destroy()\n"
            "tls.run(main)\n")
    child = run_python(code, node_options="--trace-tls")
    assert child.returncode == 0, child.stderr
    assert child.stdout == "True\n"
    assert "trace-tls" not in child.stderr


def test_conflicting_version_flags_stop_the_program() -> None:
    child = run_python("import nodessl\nprint('started')",
                       node_options="--tls-min-v1.3 --tls-max-v1.2")
    assert child.returncode == 9
    assert child.stdout == ""
    assert child.stderr == ("nodessl: either --tls-min-v1.3 or --tls-max-v1.2 can be used, "
                            "not both\n")


def test_either_flag_alone_starts() -> None:
    for flags in ("--tls-min-v1.3", "--tls-max-v1.2"):
        child = run_python("import nodessl\nprint('started')", node_options=flags)
        assert child.returncode == 0, child.stderr
        assert child.stdout == "started\n"

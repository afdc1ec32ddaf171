"""Legacy cipher presets (seed 002): getLegacyCiphers, the environment switches, the wire."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import KEYS, need, run_loop

import nodessl as tls
from nodessl import legacy
from nodessl.context import _DEFAULT_CIPHER_LIST_CORE
from nodessl.legacy.ciphers import default_from_environment, usable_ciphers

ROOT = Path(__file__).resolve().parents[2]

SEED_002 = {
    "v0.10.38": "ECDHE-RSA-AES128-SHA256:AES128-GCM-SHA256:RC4:HIGH:!MD5:!aNULL:!EDH",
    "v0.10.39": "ECDHE-RSA-AES128-SHA256:AES128-GCM-SHA256:HIGH:!RC4:!MD5:!aNULL:!EDH",
    "v0.12.2": "ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:AES128-GCM-SHA256:RC4:"
               "HIGH:!MD5:!aNULL",
    "v0.12.3": "ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:AES128-GCM-SHA256:HIGH:"
               "!RC4:!MD5:!aNULL",
}


@pytest.mark.parametrize("version", list(SEED_002))
def test_presets_are_node_0_12s(version: str) -> None:
    assert legacy.getLegacyCiphers(version) == SEED_002[version]
    assert tls.getLegacyCiphers(version) == SEED_002[version]


def test_unknown_version_names_the_known_ones() -> None:
    with pytest.raises(ValueError) as info:
        legacy.getLegacyCiphers("v0.8.0")
    assert "v0.8.0" in info.value.message
    assert "v0.10.38, v0.10.39, v0.12.2, v0.12.3" in info.value.message
    with pytest.raises(TypeError):
        legacy.getLegacyCiphers(1)  # type: ignore[arg-type]


def test_missing_ciphers_are_dropped_and_named() -> None:
    assert usable_ciphers(SEED_002["v0.10.38"]) == (
        "ECDHE-RSA-AES128-SHA256:AES128-GCM-SHA256:HIGH:!MD5:!aNULL:!EDH", ["RC4"])
    assert usable_ciphers(SEED_002["v0.10.39"]) == (SEED_002["v0.10.39"], [])
    assert usable_ciphers("RC4-SHA:AES128-SHA:!RC4:TLS_AES_128_GCM_SHA256") == (
        "AES128-SHA:!RC4:TLS_AES_128_GCM_SHA256", ["RC4-SHA"])


def test_a_preset_as_ciphers_option_builds_a_context() -> None:
    # OpenSSL itself skips names it lacks when others match: no crash either way
    for version in SEED_002:
        tls.createSecureContext({"ciphers": legacy.getLegacyCiphers(version)})


def test_switch_precedence_and_warnings() -> None:
    core = _DEFAULT_CIPHER_LIST_CORE
    with pytest.warns(legacy.LegacyCipherWarning, match="no RC4; dropped"):
        got = default_from_environment({"NODE_LEGACY_CIPHER_LIST": "v0.12.2"}, core)
    assert got == usable_ciphers(SEED_002["v0.12.2"])[0]
    # NODE_LEGACY_CIPHER_LIST wins over NODE_CIPHER_LIST (Node 0.12's test-tls-cipher-list)
    got = default_from_environment({"NODE_LEGACY_CIPHER_LIST": "v0.10.39",
                                    "NODE_CIPHER_LIST": "AES128-SHA"}, core)
    assert got == SEED_002["v0.10.39"]
    assert default_from_environment({"NODE_CIPHER_LIST": "AES128-SHA:AES256-SHA"}, core) \
        == "AES128-SHA:AES256-SHA"
    with pytest.warns(legacy.LegacyCipherWarning, match="keeping the built-in"):
        assert default_from_environment({"NODE_CIPHER_LIST": "ABC:RC4-MD5"}, core) == core
    with pytest.warns(legacy.LegacyCipherWarning, match="unknown version 'v9'"):
        assert default_from_environment({"NODE_LEGACY_CIPHER_LIST": "v9"}, core) == core
    assert default_from_environment({}, core) == core


def _import_defaults(env: dict[str, str]) -> dict[str, object]:
    code = ("import warnings, json; warnings.simplefilter('always')\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    import nodessl\n"
            "print(json.dumps({'ciphers': nodessl.DEFAULT_CIPHERS, "
            "'warnings': [str(x.message) for x in w]}))")
    clean = {k: v for k, v in os.environ.items()
             if k not in ("NODE_OPTIONS", "NODE_CIPHER_LIST", "NODE_LEGACY_CIPHER_LIST")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={**clean, "PYTHONPATH": str(ROOT), **env})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_environment_sets_default_ciphers_at_import() -> None:
    got = _import_defaults({"NODE_LEGACY_CIPHER_LIST": "v0.10.38"})
    assert got["ciphers"] == "ECDHE-RSA-AES128-SHA256:AES128-GCM-SHA256:HIGH:!MD5:!aNULL:!EDH"
    assert any("no RC4" in w for w in got["warnings"])  # type: ignore[union-attr]
    # the command line (NODE_OPTIONS --tls-cipher-list) is above both switches
    got = _import_defaults({"NODE_LEGACY_CIPHER_LIST": "v0.10.38", "NODE_CIPHER_LIST": "X",
                            "NODE_OPTIONS": "--tls-cipher-list=AES256-SHA"})
    assert got == {"ciphers": "AES256-SHA", "warnings": []}


SERVER = """
import nodessl as tls
keys = {keys!r}
def main():
    s = tls.createServer({{"key": open(keys + "/agent1-key.pem", "rb").read(),
                          "cert": open(keys + "/agent1-cert.pem", "rb").read(),
                          "dhparam": open(keys + "/dh2048.pem", "rb").read()}},
                         lambda c: c.end(c.getCipher()["name"].encode()))
    s.listen(0, "127.0.0.1", lambda: print(s.address()["port"], flush=True))
tls.run(main)
"""


@pytest.mark.parametrize(("version", "dhe"), [("v0.10.38", False), ("v0.12.3", True)])
def test_legacy_default_on_the_wire(version: str, dhe: bool) -> None:
    """A nodessl server started with NODE_LEGACY_CIPHER_LIST, probed by openssl s_client."""
    openssl = need("openssl")

    async def probe(port: int, cipher: str) -> str:
        proc = await asyncio.create_subprocess_exec(
            openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2", "-cipher", cipher,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT)
        out, _ = await asyncio.wait_for(proc.communicate(b""), 15)
        return out.decode(errors="replace")

    async def main() -> None:
        env = {k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"}
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SERVER.format(keys=str(KEYS)), stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**env, "PYTHONPATH": str(ROOT), "NODE_LEGACY_CIPHER_LIST": version})
        try:
            assert server.stdout is not None
            port = int(await asyncio.wait_for(server.stdout.readline(), 15))
            rsa = await probe(port, "AES128-GCM-SHA256")
            assert "Cipher is AES128-GCM-SHA256" in rsa
            edh = await probe(port, "DHE-RSA-AES128-GCM-SHA256")
            # v0.10.x said !EDH; v0.12.x allows DHE
            assert ("Cipher is DHE-RSA-AES128-GCM-SHA256" in edh) is dhe
        finally:
            server.kill()
            await server.wait()

    run_loop(main)

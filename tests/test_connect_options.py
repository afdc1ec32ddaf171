"""tls.connect's option handling as Node's: defaults spread under the options, then checked."""

from __future__ import annotations

from typing import Any

import pytest

import nodessl as tls


class Stop(Exception):
    """Raised by a replacement createSecureContext to stop connect there."""


def test_connect_builds_its_context_with_the_module_default_ciphers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Node: options = {ciphers: tls.DEFAULT_CIPHERS, ..., ...options}, then
    # tls.createSecureContext(options), both looked up on the module at call time
    seen: list[Any] = []

    def factory(options: dict[str, Any]) -> Any:
        seen.append(options.get("ciphers"))
        raise Stop

    monkeypatch.setattr(tls, "createSecureContext", factory)
    with pytest.raises(Stop):
        tls.connect()
    monkeypatch.setattr(tls, "DEFAULT_CIPHERS", "ECDHE-RSA-AES128-GCM-SHA256")
    with pytest.raises(Stop):
        tls.connect(443)
    with pytest.raises(Stop):
        tls.connect({"port": 443, "ciphers": "HIGH"})
    assert seen[1:] == ["ECDHE-RSA-AES128-GCM-SHA256", "HIGH"]
    assert seen[0] and seen[0] != seen[1]


@pytest.mark.parametrize("value", [None, 1, True, "f"])
def test_check_server_identity_given_must_be_a_function(value: Any) -> None:
    # an explicit undefined replaces Node's default too (spread), so it fails the check
    with pytest.raises(TypeError) as info:
        tls.connect({"port": 443, "checkServerIdentity": value})
    assert info.value.code == "ERR_INVALID_ARG_TYPE"  # type: ignore[attr-defined]
    assert info.value.message.startswith(  # type: ignore[attr-defined]
        'The "options.checkServerIdentity" property must be a callable. Received ')

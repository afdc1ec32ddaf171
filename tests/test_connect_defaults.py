"""tls.connect's option defaults, as Node spreads them: ``{ciphers: tls.DEFAULT_CIPHERS,
checkServerIdentity: tls.checkServerIdentity, ...options}`` (real sockets on 127.0.0.1)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import key, listening, once, run_loop

import nodessl as tls


@pytest.mark.parametrize("value", [None, 1, True])
def test_check_server_identity_given_but_not_a_function(value: Any) -> None:
    # an explicit None (JS undefined/null) overrides the default, so it fails the check
    with pytest.raises(TypeError) as info:
        tls.connect({"port": 1, "checkServerIdentity": value})
    assert info.value.code == "ERR_INVALID_ARG_TYPE"


def test_connect_uses_assigned_default_ciphers(monkeypatch: pytest.MonkeyPatch) -> None:
    # tls.DEFAULT_CIPHERS assigned on the module reaches the client's context: the handshake
    # with a server offering every TLS 1.2 suite settles on the one the client allows
    monkeypatch.setattr(tls, "DEFAULT_CIPHERS", "ECDHE-RSA-AES128-SHA256")
    seen: list[Any] = []
    real = tls.createSecureContext

    def spy(options: Any = None) -> Any:
        seen.append(dict(options or {}))
        return real(options)

    monkeypatch.setattr(tls, "createSecureContext", spy)

    async def main() -> None:
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "maxVersion": "TLSv1.2"}, lambda s: s.end())
        port = await listening(server)
        client = tls.connect({"port": port, "host": "127.0.0.1", "rejectUnauthorized": False})
        await once(client, "secureConnect")
        assert client.getCipher()["name"] == "ECDHE-RSA-AES128-SHA256"
        client.destroy()
        server.close()

    run_loop(main)
    assert seen[-1]["ciphers"] == "ECDHE-RSA-AES128-SHA256"

"""Old option forms rewritten at option normalization: 0.4's one-argument SNICallback.

The SNI machinery itself (which calls SNICallback during the handshake) belongs to the SNI
feature; these tests check what it will be handed: always the modern
``SNICallback(servername, cb)`` form.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import key, run_loop

import nodessl as tls
from nodessl import legacy
from nodessl.legacy.options import is_one_argument, modern_sni_callback, modernize

SERVER_ID = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}


def results(callback: Any, servername: str) -> list[tuple[Any, Any]]:
    got: list[tuple[Any, Any]] = []
    callback(servername, lambda err, ctx: got.append((err, ctx)))
    return got


def test_one_argument_callback_is_wrapped_at_create_server() -> None:
    other = legacy.createCredentials({"key": key("agent3-key.pem"),
                                      "cert": key("agent3-cert.pem")})
    asked: list[str] = []

    def SNICallback(servername: str) -> Any:  # seed 001: "should return a SecureContext"
        asked.append(servername)
        return other.context if servername == "agent3" else None

    async def create() -> Any:
        return tls.createServer({**SERVER_ID, "SNICallback": SNICallback})

    modern = run_loop(create)._options["SNICallback"]
    assert modern is not SNICallback and modern.__wrapped__ is SNICallback
    assert results(modern, "agent3") == [(None, other.context)]
    assert results(modern, "elsewhere") == [(None, None)]
    assert asked == ["agent3", "elsewhere"]


def test_returned_credentials_and_exceptions() -> None:
    creds = legacy.createCredentials(SERVER_ID)
    assert results(modern_sni_callback(lambda name: creds), "x") == [(None, creds.context)]

    def broken(name: str) -> Any:
        raise ValueError("no context for " + name)

    [(err, ctx)] = results(modern_sni_callback(broken), "x")
    assert isinstance(err, ValueError) and str(err) == "no context for x" and ctx is None


def test_modern_callbacks_are_left_alone() -> None:
    def modern(servername: str, cb: Any) -> None:
        cb(None, None)

    def variadic(*args: Any) -> None:
        args[-1](None, None)

    for fn in (modern, variadic, print):
        assert modern_sni_callback(fn) is fn

    async def create() -> Any:
        return tls.createServer({**SERVER_ID, "SNICallback": modern})

    assert run_loop(create)._options["SNICallback"] is modern
    assert is_one_argument(lambda name, extra=None: None) is False
    assert is_one_argument(lambda name: None) is True


def test_modernize_leaves_its_input_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    from nodessl.legacy import npn

    monkeypatch.setattr(npn, "_warned", False)
    original = {"NPNProtocols": ["a"], "SNICallback": lambda name: None}
    before = dict(original)
    with pytest.warns(legacy.NPNWarning):
        out = modernize(original)
    assert original == before
    assert out["ALPNProtocols"] == ["a"] and out["SNICallback"] is not original["SNICallback"]

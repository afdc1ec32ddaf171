"""Old option forms rewritten at option normalization: 0.4's one-argument SNICallback.

The SNI machinery (nodessl/sni.py) only ever sees the modern ``SNICallback(servername,
cb)`` form; these tests check the rewriting, then the old form on the wire.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from conftest import key, listening, once, run_loop

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
    if tls.backend.is_shared():  # real NPN: NPNProtocols stay what they are, no warning
        with warnings.catch_warnings():
            warnings.simplefilter("error", legacy.NPNWarning)
            out = modernize(original)
        assert "ALPNProtocols" not in out and out["NPNProtocols"] == ["a"]
    else:  # served through ALPN
        with pytest.warns(legacy.NPNWarning):
            out = modernize(original)
        assert out["ALPNProtocols"] == ["a"]
    assert original == before
    assert out["SNICallback"] is not original["SNICallback"]


def test_one_argument_sni_callback_on_the_wire() -> None:
    async def main() -> None:
        agent3 = legacy.createCredentials({"key": key("agent3-key.pem"),
                                           "cert": key("agent3-cert.pem")})
        asked: list[str] = []

        def SNICallback(servername: str) -> Any:  # 0.4: return the context, or nothing
            asked.append(servername)
            return agent3.context if servername == "agent3" else None

        server = tls.createServer({**SERVER_ID, "SNICallback": SNICallback}, lambda s: s.end())
        port = await listening(server)
        peers = []
        for name in ("agent3", "other.example"):
            client = tls.connect(port, "127.0.0.1", {"servername": name,
                                                      "rejectUnauthorized": False})
            await once(client, "secureConnect")
            peers.append(client.getPeerCertificate()["subject"]["CN"])
            client.destroy()
        server.close()
        assert asked == ["agent3", "other.example"]
        assert peers == ["agent3", "agent1"]  # no context: the server's default identity

    run_loop(main)

"""ALPN: ALPNProtocols in Node's forms, the server's choice, ALPNCallback, and their errors."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import key, listening, once, run_loop

import nodessl as tls


async def negotiate(server_opts: dict[str, Any], client_protocols: Any
                    ) -> tuple[Any, Any, list[Any], list[Any]]:
    """(client alpnProtocol or error code, server alpnProtocol, server errors, callback calls)."""
    seen: dict[str, Any] = {}
    errors: list[Any] = []
    server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                               **server_opts},
                              lambda s: (seen.setdefault("server", s.alpnProtocol), s.end()))
    server.on("tlsClientError", lambda e, s: errors.append(e))
    port = await listening(server)
    opts: dict[str, Any] = {"rejectUnauthorized": False, "servername": "agent1"}
    if client_protocols is not None:
        opts["ALPNProtocols"] = client_protocols
    client = tls.connect(port, "127.0.0.1", opts)
    assert client.alpnProtocol is None  # Node: null before the handshake
    client.on("error", lambda e: seen.setdefault("client", e.code))
    client.on("secureConnect", lambda: seen.setdefault("client", client.alpnProtocol))
    await once(client, "close")
    server.close()
    return seen.get("client"), seen.get("server"), errors, []


@pytest.mark.parametrize(("server", "client", "expected"), [
    (["a", "b", "c"], ["a", "b", "c"], "a"),
    (["a", "b", "c"], ["c", "b", "e"], "b"),  # the server's preference wins
    ([b"a", b"b"], b"\x01b\x01a", "a"),  # bytes and wire format
    (b"\x02h2\x08http/1.1", ["http/1.1"], "http/1.1"),
    (None, ["a"], False),  # server without ALPN
    (["a"], None, False),  # client without ALPN
    (None, None, False),
])
def test_alpn_negotiation(server: Any, client: Any, expected: Any) -> None:
    async def main() -> None:
        opts = {} if server is None else {"ALPNProtocols": server}
        got_client, got_server, errors, _ = await negotiate(opts, client)
        assert (got_client, got_server, errors) == (expected, expected, [])

    run_loop(main)


def test_no_overlap_fails_with_no_application_protocol() -> None:
    async def main() -> None:
        got_client, got_server, errors, _ = await negotiate({"ALPNProtocols": ["a"]}, ["x"])
        assert got_client == "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL"
        assert got_server is None
        assert [e.code for e in errors] == ["ERR_SSL_NO_APPLICATION_PROTOCOL"]

    run_loop(main)


def test_alpn_callback_chooses_and_sees_servername() -> None:
    async def main() -> None:
        calls: list[dict[str, Any]] = []

        def choose(info: dict[str, Any]) -> str:
            calls.append(info)
            return info["protocols"][-1]

        got_client, got_server, errors, _ = await negotiate({"ALPNCallback": choose},
                                                            ["x", "y"])
        assert (got_client, got_server, errors) == ("y", "y", [])
        assert calls == [{"servername": "agent1", "protocols": ["x", "y"]}]

    run_loop(main)


def test_alpn_callback_none_invalid_and_raising() -> None:
    async def main() -> None:
        got_client, _, errors, _ = await negotiate({"ALPNCallback": lambda i: None}, ["x"])
        assert got_client == "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL"
        assert [e.code for e in errors] == ["ERR_SSL_NO_APPLICATION_PROTOCOL"]

        _, _, errors, _ = await negotiate({"ALPNCallback": lambda i: "z"}, ["x", "y"])
        assert [e.code for e in errors] == ["ERR_TLS_ALPN_CALLBACK_INVALID_RESULT"]
        assert "(z)" in errors[0].message and "(x, y)" in errors[0].message

        boom = ValueError("boom")

        def explode(info: dict[str, Any]) -> str:
            raise boom

        _, _, errors, _ = await negotiate({"ALPNCallback": explode}, ["x"])
        assert errors == [boom]  # the listener's own exception, never an uncaught one

        # a client that offers no ALPN never reaches the callback
        calls: list[Any] = []
        got_client, _, errors, _ = await negotiate({"ALPNCallback": calls.append}, None)
        assert (got_client, calls, errors) == (False, [], [])

    run_loop(main)


def test_alpn_option_errors() -> None:
    async def main() -> None:
        with pytest.raises(tls.NodeError) as info:
            tls.createServer({"ALPNProtocols": ["a"], "ALPNCallback": lambda i: "a"})
        assert info.value.code == "ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS"
        with pytest.raises(tls.NodeError) as info:
            tls.connect({"port": 1, "ALPNProtocols": ["x" * 256]})
        assert info.value.code == "ERR_OUT_OF_RANGE"
        assert info.value.message == ("The byte length of the protocol at index 0 exceeds "
                                      "the maximum length. It must be <= 255. Received 256")
        with pytest.raises(tls.NodeError) as info:
            tls.connect({"port": 1, "ALPNProtocols": [5]})
        assert info.value.code == "ERR_INVALID_ARG_TYPE"

    run_loop(main)


def test_convert_alpn_protocols() -> None:
    out: dict[str, Any] = {}
    tls.convertALPNProtocols(["a", "bc"], out)
    assert out == {"ALPNProtocols": b"\x01a\x02bc"}
    out = {}
    tls.convertALPNProtocols(b"\x01a", out)
    assert out == {"ALPNProtocols": b"\x01a"}
    out = {}
    tls.convertALPNProtocols("ab", out)  # Node sets nothing for a plain string
    assert out == {}

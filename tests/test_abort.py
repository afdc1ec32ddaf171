"""AbortController / AbortSignal, the ``signal`` option of net and tls sockets (real sockets
on 127.0.0.1), and ``events.once`` / ``events.getEventListeners``."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import key, listening, once, run_loop

import nodessl as tls
from nodessl import AbortController, AbortSignal, events, net
from nodessl.abort import AbortError, DOMException


def test_controller_and_signal() -> None:
    ac = AbortController()
    seen: list[Any] = []
    ac.signal.addEventListener("abort", lambda e: seen.append(("listener", e.type)))
    ac.signal.onabort = lambda e: seen.append(("onabort", e.target is ac.signal))
    assert not ac.signal.aborted
    ac.signal.throwIfAborted()
    ac.abort()
    ac.abort("again")  # only the first abort counts
    assert ac.signal.aborted
    assert isinstance(ac.signal.reason, DOMException)
    assert (ac.signal.reason.name, ac.signal.reason.message, ac.signal.reason.code) == (
        "AbortError", "This operation was aborted", 20)
    assert seen == [("onabort", True), ("listener", "abort")]
    with pytest.raises(DOMException):
        ac.signal.throwIfAborted()
    assert AbortSignal.abort("why").reason == "why"


def test_bad_signal_is_a_type_error() -> None:
    async def main() -> None:
        with pytest.raises(TypeError) as info:
            net.connect({"port": 1, "signal": 1})
        assert info.value.code == "ERR_INVALID_ARG_TYPE"
        assert info.value.message.startswith(
            'The "signal" argument must be an instance of AbortSignal.')

    run_loop(main)


@pytest.mark.parametrize("when", ["before", "after-connect", "during-handshake"])
def test_tls_connect_aborted(when: str) -> None:
    # the peer is a plain TCP server that never answers the ClientHello, so the handshake
    # stays pending until the abort
    async def main() -> None:
        accepted: list[net.Socket] = []
        server = net.createServer(accepted.append)
        port = await listening(server)
        ac = AbortController()
        if when == "before":
            ac.abort("stop")
        client = tls.connect({"port": port, "host": "127.0.0.1", "signal": ac.signal})
        client.on("secureConnect", lambda: pytest.fail("no handshake"))
        listeners = events.getEventListeners(ac.signal, "abort")
        assert len(listeners) == (0 if when == "before" else 1)
        if when == "after-connect":
            await once(client, "connect")
            ac.abort("stop")
        elif when == "during-handshake":
            await once(server, "connection")
            ac.abort("stop")
        with pytest.raises(AbortError) as info:
            await events.once(client, "close")
        err = info.value
        assert (err.name, err.code, err.message) == (
            "AbortError", "ABORT_ERR", "The operation was aborted")
        assert err.cause == "stop"
        assert client.destroyed
        assert events.getEventListeners(ac.signal, "abort") == []
        for sock in accepted:
            sock.destroy()
        server.close()

    run_loop(main)


def test_signal_unused_after_close() -> None:
    # a connection that finishes normally takes its abort listener away on 'close'
    async def main() -> None:
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")},
                                  lambda s: s.end("bye"))
        port = await listening(server)
        ac = AbortController()
        client = tls.connect({"port": port, "host": "127.0.0.1", "signal": ac.signal,
                              "rejectUnauthorized": False})
        client.on("data", lambda d: None)
        assert len(events.getEventListeners(ac.signal, "abort")) == 1
        assert await events.once(client, "close") == [False]
        assert events.getEventListeners(ac.signal, "abort") == []
        ac.abort()  # nothing left to destroy
        server.close()

    run_loop(main)


def test_events_once_resolves_with_arguments() -> None:
    async def main() -> None:
        emitter = events.EventEmitter()
        tls.setImmediate(lambda: emitter.emit("pair", 1, 2))
        assert await events.once(emitter, "pair") == [1, 2]
        assert emitter.listenerCount("error") == 0  # its error listener is gone too
        ac = AbortController()
        tls.setImmediate(ac.abort)
        with pytest.raises(AbortError):
            await events.once(emitter, "never", {"signal": ac.signal})
        assert emitter.listenerCount("never") == 0

    run_loop(main)

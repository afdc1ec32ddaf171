"""deadlines.DeadlineList: one loop timer for many deadlines of one duration, and the
handshakeTimeout that uses it."""

from __future__ import annotations

import asyncio
import socket as pysocket
from typing import Any

from conftest import key, run_loop

import nodessl as tls
from nodessl.deadlines import DeadlineList, deadline_list


def _timers(loop: asyncio.AbstractEventLoop) -> int:
    return len(loop._scheduled)  # type: ignore[attr-defined]


def test_deadlines_expire_in_the_order_armed_behind_one_loop_timer() -> None:
    async def main() -> list[str]:
        loop = asyncio.get_running_loop()
        expired: list[str] = []
        deadlines = DeadlineList(loop, 0.05, expired.append)
        before = _timers(loop)
        for name in ("a", "b", "c", "d"):
            deadlines.add(name)
        assert _timers(loop) == before + 1  # one TimerHandle, not four
        deadlines.discard("b")  # cancelled: never expires
        deadlines.add("a")  # re-armed: now after c and d
        await asyncio.sleep(0.2)
        assert len(deadlines) == 0
        return expired

    assert run_loop(main) == ["c", "d", "a"]


def test_a_deadline_is_never_early_and_the_timer_follows_the_head() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        expired: dict[str, float] = {}
        armed: dict[str, float] = {}
        deadlines = DeadlineList(loop, 0.06, lambda key: expired.setdefault(key, loop.time()))
        armed["first"] = loop.time()
        deadlines.add("first")
        await asyncio.sleep(0.03)
        armed["second"] = loop.time()
        deadlines.add("second")
        deadlines.discard("first")  # the timer armed for "first" fires for nobody, re-arms
        await asyncio.sleep(0.15)
        assert list(expired) == ["second"]
        assert expired["second"] - armed["second"] >= 0.06 - 0.002  # loop clock granularity

    run_loop(main)


def test_an_expiry_may_arm_and_cancel_others() -> None:
    async def main() -> list[str]:
        loop = asyncio.get_running_loop()
        expired: list[str] = []
        deadlines: DeadlineList

        def expire(key: Any) -> None:
            expired.append(key)
            if key == "a":
                deadlines.discard("b")
                deadlines.add("c")

        deadlines = DeadlineList(loop, 0.03, expire)
        deadlines.add("a")
        deadlines.add("b")
        await asyncio.sleep(0.15)
        return expired

    assert run_loop(main) == ["a", "c"]


def test_one_list_per_loop_duration_and_callback() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        first = deadline_list(loop, 1.0, print)
        assert deadline_list(loop, 1.0, print) is first
        assert deadline_list(loop, 2.0, print) is not first

    run_loop(main)


def test_handshake_timeout_fails_silent_clients_while_others_complete() -> None:
    """Two silent clients time out (tlsClientError ERR_TLS_HANDSHAKE_TIMEOUT), in the order
    they connected; a client that handshakes meanwhile is not touched by either."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        errors: list[tuple[str, int]] = []
        secure = loop.create_future()
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "handshakeTimeout": 150},
                                  lambda sock: secure.set_result(sock))
        server.on("tlsClientError",
                  lambda err, sock: errors.append((err.code, sock.remotePort)))
        listening = loop.create_future()
        server.listen(0, "127.0.0.1", lambda: listening.set_result(None))
        await listening
        port = server.address()["port"]
        raws = []
        for _ in range(2):
            raws.append(pysocket.create_connection(("127.0.0.1", port)))
            await asyncio.sleep(0.02)
        silent = [raw.getsockname()[1] for raw in raws]
        client = tls.connect({"port": port, "host": "127.0.0.1",
                              "rejectUnauthorized": False})
        client.on("error", lambda err: None)
        sock = await secure
        await asyncio.sleep(0.3)
        assert errors == [("ERR_TLS_HANDSHAKE_TIMEOUT", silent[0]),
                          ("ERR_TLS_HANDSHAKE_TIMEOUT", silent[1])]
        assert not sock.destroyed  # the completed handshake's deadline was cancelled
        client.destroy()
        for raw in raws:
            raw.close()
        server.close()

    run_loop(main)

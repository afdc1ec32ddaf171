"""The nodessl column of ``make bench``: the driver's workloads on nodessl's ``tls``.

Written as node_side.js is: ``tls.createServer`` with a 'data' listener that writes back
(or counts and acks), ``tls.connect`` with one secure context for every connection, Node's
events for the rest.

``python bench/nodessl_side.py CONFIG_JSON``: see bench/driver.py.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import driver  # noqa: E402  (bench/ is not a package)

import nodessl as tls  # noqa: E402


def noop(*args: Any) -> None:
    pass


def echo(sock: Any) -> None:
    sock.on("error", noop)  # a peer's reset is not the bench's business
    sock.on("data", sock.write)


def sink(unit: int) -> Callable[[Any], None]:
    def handler(sock: Any) -> None:
        sock.on("error", noop)
        sock.on("data", driver.acker(unit, sock.write))

    return handler


def identity(pair: list[str]) -> dict[str, bytes]:
    key, cert = pair
    with open(key, "rb") as k, open(cert, "rb") as c:
        return {"key": k.read(), "cert": c.read()}


class Nodessl:
    """The driver's side for nodessl."""

    async_connect = False
    openssl = tls.backend.openssl_version

    def __init__(self, config: dict[str, Any]) -> None:
        if config["role"] == "client":
            # One context for every connection, as each column does: connect would
            # otherwise build one per connection from ``ca``.
            with open(config["ca"], "rb") as f:
                self.context = tls.createSecureContext({"ca": f.read(),
                                                        "ecdhCurve": "X25519:P-256"})
            self.servername = config["servername"]

    def run(self, main: Callable[[], Awaitable[None]]) -> None:
        tls.run(main)

    async def listen(self, pair: list[str], kind: str, unit: int) -> int:
        srv = tls.createServer(identity(pair), echo if kind == "echo" else sink(unit))
        srv.on("tlsClientError", noop)
        listening = asyncio.get_running_loop().create_future()
        srv.listen(0, "127.0.0.1", lambda: listening.set_result(None))
        await listening
        return int(srv.address()["port"])

    def connect(self, port: int, session: Any, on_secure: Callable[[Any], None]) -> Any:
        opts: dict[str, Any] = {"host": "127.0.0.1", "port": port,
                                "servername": self.servername, "secureContext": self.context}
        if session is not None:
            opts["session"] = session
        sock = tls.connect(opts, lambda: on_secure(sock))
        return sock

    def on(self, conn: Any, event: str, listener: Callable[..., None]) -> None:
        conn.on(event, listener)

    def info(self, conn: Any) -> dict[str, Any]:
        return {"protocol": conn.getProtocol(), "cipher": conn.getCipher()["standardName"]}

    def reused(self, conn: Any) -> bool:
        return bool(conn.isSessionReused())


if __name__ == "__main__":
    driver.main(Nodessl)

"""Shared test helpers: fixture keys, a bounded loop runner, and the real peers (node, openssl).

Interop tests need ``node`` and ``openssl``.  On a developer machine a missing
peer skips those tests; in CI (``CI`` set) it fails them, so a broken image
cannot turn the interop suite green by skipping it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket as pysocket
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

# -- every peer process dies with the test run -------------------------------------------------
#
# Peers (node, openssl s_server/s_client, the Python programs some tests run) are ended in each
# test's teardown; and if pytest itself dies (a CI timeout, a kill), the kernel ends them too:
# each child asks for SIGKILL when the thread that started it exits (PR_SET_PDEATHSIG).  Set
# here for every subprocess the suite starts, asyncio's included, so no call site can forget.

if sys.platform.startswith("linux"):
    import ctypes
    import signal

    _libc = ctypes.CDLL(None, use_errno=True)
    _PR_SET_PDEATHSIG = 1

    def _die_with_parent() -> None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    _popen_init = subprocess.Popen.__init__

    def _bounded_popen_init(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
        if kwargs.get("preexec_fn") is None:
            kwargs["preexec_fn"] = _die_with_parent
        _popen_init(self, *args, **kwargs)

    subprocess.Popen.__init__ = _bounded_popen_init  # type: ignore[method-assign]

KEYS = Path(__file__).resolve().parent.parent / "fixtures" / "keys"


def key(name: str) -> bytes:
    """The bytes of a fixture file, e.g. ``key('agent1-cert.pem')``."""
    path = KEYS / name
    if not path.exists():
        pytest.fail(f"fixture {path} missing: run `make keys`")
    return path.read_bytes()


_NODE_TYPE_MESSAGE = re.compile(r'(The "[^"]+" (?:argument|property) must be )(.+?)'
                                r"(\. Received .*|\.)$", re.S)
_NODE_BUFFER_MESSAGE = re.compile(r"^(Session|Pass phrase|OCSP response) must be a buffer$")


def python_words(node_message: Any) -> Any:
    """Node's error message as nodessl words it: the type it asks for in Python's words
    (``nodessl.errors.python_types``: "of type string" is "a str"), a boolean received as
    Python's (``type bool (True)``); the rest, and the code, are Node's.  Anything else is returned as it is."""
    from nodessl.errors import BYTES_LIKE, python_types

    if not isinstance(node_message, str):
        return node_message
    m = _NODE_TYPE_MESSAGE.match(node_message)
    if m:
        tail = m.group(3).replace("type boolean (true)", "type bool (True)") \
            .replace("type boolean (false)", "type bool (False)")
        return m.group(1) + python_types(m.group(2)) + tail
    m = _NODE_BUFFER_MESSAGE.match(node_message)
    if m:
        return f"{m.group(1)} must be {BYTES_LIKE}"
    return node_message


def need(tool: str) -> str:
    """Path of a peer program; skip without it, fail in CI."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is required in CI for interop tests")
        pytest.skip(f"{tool} not installed")
    return path


def run_loop(main: Callable[[], Awaitable[Any]], timeout: float = 20.0) -> Any:
    """Run ``main()`` on a fresh loop, bounded so a bug fails instead of hanging."""

    async def bounded() -> Any:
        return await asyncio.wait_for(main(), timeout)

    return asyncio.run(bounded())


class NodePeer:
    """A ``node -e`` script on the loop; it talks JSON lines on stdout."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, script: str, env: dict[str, str] | None = None) -> NodePeer:
        node = need("node")
        proc = await asyncio.create_subprocess_exec(
            node, "-e", script, cwd=str(KEYS),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env={**os.environ, **(env or {})})
        return cls(proc)

    async def message(self, timeout: float = 10.0) -> Any:
        """The next JSON line the script printed."""
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not line:
            err = b""
            if self.proc.stderr is not None:
                err = await self.proc.stderr.read()
            raise AssertionError(f"node exited: {err.decode(errors='replace')}")
        return json.loads(line)

    async def close(self) -> str:
        """Wait for the script (killing it after a while); return its stderr."""
        try:
            _, err = await asyncio.wait_for(self.proc.communicate(), 10)
        except TimeoutError:
            self.proc.kill()
            _, err = await self.proc.communicate()
        return err.decode(errors="replace")


# A JSON.stringify replacer Node scripts use so Buffers arrive as hex strings.
NODE_PRELUDE = r"""
const tls = require('tls'), fs = require('fs'), net = require('net');
const out = (o) => process.stdout.write(JSON.stringify(o, (k, v) =>
  (v && v.type === 'Buffer' && Array.isArray(v.data)) ? Buffer.from(v.data).toString('hex') : v) + '\n');
const errInfo = (e) => e && ({code: e.code, message: e.message});
"""


# A Node 20 client that offers ``session`` (hex) if given and reports whether it was reused
# and the sessions it received (hex): resumption tests against nodessl servers.
NODE_SESSION_CLIENT = NODE_PRELUDE + r"""
const o = JSON.parse(process.argv[1]);
const sessions = [];
const c = tls.connect({port: o.port, host: '127.0.0.1', rejectUnauthorized: false,
  session: o.session ? Buffer.from(o.session, 'hex') : undefined}, () => {
  const reused = c.isSessionReused();
  c.on('close', () => out({reused, sessions}));
});
c.on('session', (s) => sessions.push(s.toString('hex')));
c.on('error', (e) => out({error: e.code}));
c.resume();
"""


# A Node 20 client making ``count`` connections one after the other to random ports of
# ``ports`` (a seeded LCG: the same run every time), each offering the last session it got
# (``session``, hex, for the first); with ``maxVersion``; it stops after ``pause_at``
# connections until a line arrives on stdin.  Reports ``{reused, errors, last}``.
NODE_ROAMING_CLIENT = NODE_PRELUDE + r"""
const o = JSON.parse(process.argv[1]);
let seed = o.seed, last = o.session ? Buffer.from(o.session, 'hex') : undefined;
let reused = 0, done = 0, paused = false;
const errors = [];
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
function one() {
  if (done === o.pause_at && !paused) {
    paused = true;
    out({paused: done});
    process.stdin.once('data', one);
    return;
  }
  if (done === o.count) { out({reused, errors, last}); process.exit(0); }
  const port = o.ports[Math.floor(rnd() * o.ports.length)];
  const c = tls.connect({port, host: '127.0.0.1', rejectUnauthorized: false, session: last,
                         maxVersion: o.maxVersion || 'TLSv1.3'},
                        () => { if (c.isSessionReused()) reused++; });
  c.on('session', (s) => { last = s; });
  c.on('error', (e) => errors.push(e.code || e.message));
  c.on('close', () => { done++; one(); });
  c.resume();
}
one();
"""


async def node_roaming_client(ports: list[int], count: int, *, seed: int = 7,
                              session: str | None = None, max_version: str = "TLSv1.3",
                              timeout: float = 60.0) -> dict[str, Any]:
    """Run :data:`NODE_ROAMING_CLIENT` to the end: ``{reused, errors, last}``."""
    node = await NodePeer.start(NODE_ROAMING_CLIENT.replace("process.argv[1]", repr(json.dumps(
        {"ports": ports, "count": count, "seed": seed, "session": session,
         "maxVersion": max_version}))))
    try:
        return await node.message(timeout)  # type: ignore[no-any-return]
    finally:
        await node.close()


async def node_session_client(port: int, session: str | None = None) -> dict[str, Any]:
    """Run :data:`NODE_SESSION_CLIENT` against ``port``: ``{reused, sessions}`` or
    ``{error}``."""
    node = await NodePeer.start(NODE_SESSION_CLIENT.replace(
        "process.argv[1]", repr(json.dumps({"port": port, "session": session}))))
    got = await node.message()
    await node.close()
    return got


def run_bounded(main: Any, *args: Any, timeout: float = 10.0) -> Any:
    """``nodessl.run(main, *args)`` in a thread, so a program that never ends (where Node's
    process would) fails the test instead of hanging it; returns what ``run`` returns."""
    import nodessl

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = nodessl.run(main, *args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"nodessl.run did not return within {timeout} s")
    if "error" in box:
        raise box["error"]
    return box.get("result")


@pytest.fixture(scope="session")
def keys_dir() -> Path:
    """The fixture keys directory (built by ``make keys``)."""
    if not (KEYS / "agent1-cert.pem").exists():
        pytest.fail("fixtures/keys not built: run `make keys`")
    return KEYS


def once(emitter: Any, event: str) -> asyncio.Future[Any]:
    """A future for the next ``event`` of ``emitter``: its single argument, or a tuple."""
    fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def listener(*args: Any) -> None:
        if not fut.done():
            fut.set_result(args[0] if len(args) == 1 else args)

    emitter.once(event, listener)
    return fut


async def listening(server: Any, *args: Any) -> int:
    """Start ``server`` on 127.0.0.1 (or the given args) and return its port."""
    fut = once(server, "listening")
    server.listen(*(args or (0, "127.0.0.1")))
    await fut
    addr = server.address()
    return addr["port"] if isinstance(addr, dict) else 0


async def collect(sock: Any) -> bytes:
    """All data ``sock`` emits until ``end`` (bytes joined, or str when an encoding is set)."""
    parts: list[Any] = []
    sock.on("data", parts.append)
    await once(sock, "end")
    if parts and isinstance(parts[0], str):
        return "".join(parts)  # type: ignore[return-value]
    return b"".join(parts)


def run_node(script: str, payload: Any) -> Any:
    """Run ``node -e script`` with JSON ``payload`` on stdin; return the JSON it prints.

    Skips without ``node`` on a developer machine; fails when ``CI`` is set.
    """
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is required in CI to compare with Node's behaviour")
        pytest.skip("node not installed")
    proc = subprocess.run(
        [node, "-e", script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"node failed: {proc.stderr}"
    return json.loads(proc.stdout)


async def net_pair(server_listener: Callable[[Any], Any] | None = None,
               **server_opts: Any) -> tuple[Any, Any, Any]:
    """A server and a connected client; returns (server, client, server-side socket)."""
    from nodessl import net

    server = net.createServer(server_opts)
    accepted = once(server, "connection")
    if server_listener is not None:
        server.on("connection", server_listener)
    port = await listening(server)
    client = net.connect(port, "127.0.0.1")
    conn = await accepted
    if client.connecting:
        await once(client, "connect")
    return server, client, conn


# -- the openssl command line as a peer --------------------------------------------------------

async def s_client(port: int, *args: str, stdin: bytes = b"") -> tuple[str, str]:
    """Run ``openssl s_client`` against 127.0.0.1:port; (stdout, stderr) once it exits."""
    openssl = need("openssl")
    proc = await asyncio.create_subprocess_exec(
        openssl, "s_client", "-connect", f"127.0.0.1:{port}", *args, cwd=str(KEYS),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(stdin), 15)
    return out.decode(errors="replace"), err.decode(errors="replace")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with pysocket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def s_server(*args: str) -> tuple[asyncio.subprocess.Process, int]:
    """Start ``openssl s_server`` for one connection; (process, port) once it accepts."""
    openssl = need("openssl")
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        openssl, "s_server", "-accept", f"127.0.0.1:{port}", "-naccept", "1", *args,
        cwd=str(KEYS), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    assert proc.stdout is not None
    while True:
        line = await asyncio.wait_for(proc.stdout.readline(), 10)
        assert line, "s_server exited before accepting"
        if line.startswith(b"ACCEPT"):
            return proc, port

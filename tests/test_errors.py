"""System errors: Node's properties and message, and the matching Python exception.

Every failure is provoked for real (a closed port, a port already taken, a Unix path
that does not exist, a name that does not resolve, a peer that resets or hangs up) once
by Node 20 and once by nodessl; the two error objects must carry the same properties.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import socket as pysocket
import struct
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import KEYS, free_port, key, once, run_loop, run_node

import nodessl as tls
from nodessl import errors, net

# Node's own properties of a system error (and the TLS layer's ECONNRESET ones).
PROPS = ("message", "code", "errno", "syscall", "address", "port", "localAddress",
         "localPort", "hostname", "host", "path")

NODE_SCRIPT = r"""
const net = require('net'), tls = require('tls'), fs = require('fs');
const PROPS = __PROPS__;
const show = (e) => { const o = {}; for (const k of PROPS) if (e[k] !== undefined) o[k] = e[k]; return o; };
const kinds = {
  net_connect: (c, done) => {
    const sock = net.connect(c.options).on('error', done);
    if (c.send) sock.write(c.send);
  },
  tls_connect: (c, done) => tls.connect(c.options).on('error', done),
  listen: (c, done) => net.createServer().listen(...c.args).on('error', done)
    .on('listening', function() { this.close(); done(new Error('listening')); }),
  epipe: (c, done) => {
    const s = net.createServer((sock) => sock.destroy()).listen(c.path, () => {
      const sock = net.connect({path: c.path, allowHalfOpen: true});
      sock.on('end', () => sock.write('x'));
      sock.on('error', (e) => { s.close(); done(e); });
    });
  },
  tls_server_hangup: (c, done) => {
    const s = tls.createServer({key: fs.readFileSync(c.keys + '/agent1-key.pem'),
                                cert: fs.readFileSync(c.keys + '/agent1-cert.pem')});
    s.on('tlsClientError', (e) => { s.close(); done(e); });
    s.listen(0, '127.0.0.1', () => {
      const raw = net.connect(s.address().port, '127.0.0.1');
      raw.end(Buffer.from(c.bytes));
    });
  },
};
let input = '';
process.stdin.on('data', (d) => input += d).on('end', () => {
  const cases = JSON.parse(input), out = {};
  (function next(i) {
    if (i === cases.length) { console.log(JSON.stringify(out)); return; }
    kinds[cases[i].kind](cases[i], (e) => { out[cases[i].name] = show(e); next(i + 1); });
  })(0);
});
""".replace("__PROPS__", json.dumps(PROPS))


def props_of(err: BaseException) -> dict[str, Any]:
    """The properties Node's ``show`` prints, read off a nodessl error."""
    return {name: getattr(err, name) for name in PROPS if getattr(err, name, None) is not None}


class RudePeer:
    """A plain TCP server on a thread: after the first bytes it either resets (RST) or
    closes (FIN) the connection, whoever the client is."""

    def __init__(self, reset: bool) -> None:
        self.reset = reset
        self.sock = pysocket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(4096)
                except OSError:
                    continue
                if self.reset:
                    conn.setsockopt(pysocket.SOL_SOCKET, pysocket.SO_LINGER,
                                    struct.pack("ii", 1, 0))

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def peers() -> Iterator[dict[str, RudePeer]]:
    made = {"reset": RudePeer(reset=True), "hangup": RudePeer(reset=False)}
    yield made
    for peer in made.values():
        peer.close()


@pytest.fixture(scope="module")
def tmpdir_path() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as path:
        yield path


@pytest.fixture(scope="module")
def taken() -> Iterator[dict[str, int]]:
    """Ports held by listening sockets: one on 127.0.0.1, one dual-stack on ``::``."""
    loopback = pysocket.socket()
    loopback.bind(("127.0.0.1", 0))
    loopback.listen(1)
    anywhere = pysocket.socket(pysocket.AF_INET6)
    anywhere.setsockopt(pysocket.IPPROTO_IPV6, pysocket.IPV6_V6ONLY, 0)
    anywhere.bind(("::", 0))
    anywhere.listen(1)
    yield {"loopback": loopback.getsockname()[1], "any": anywhere.getsockname()[1]}
    loopback.close()
    anywhere.close()


def cases(peers: dict[str, RudePeer], tmp: str, taken: dict[str, int],
          local_port: int) -> list[dict[str, Any]]:
    """One entry per failure; the same list drives Node and nodessl."""
    reset, hangup = peers["reset"].port, peers["hangup"].port
    return [
        {"name": "refused", "kind": "net_connect", "options": {"port": 1, "host": "127.0.0.1"}},
        {"name": "refused_localhost", "kind": "net_connect", "options": {"port": 1}},
        {"name": "refused_tls", "kind": "tls_connect",
         "options": {"port": 1, "host": "127.0.0.1"}},
        {"name": "refused_local_port", "kind": "net_connect",
         "options": {"port": 1, "host": "127.0.0.1", "localAddress": "127.0.0.1",
                     "localPort": local_port}},
        {"name": "refused_local_address", "kind": "net_connect",
         "options": {"port": 1, "host": "127.0.0.1", "localAddress": "127.0.0.1"}},
        {"name": "bind_local", "kind": "net_connect",
         "options": {"port": 1, "host": "127.0.0.1", "localAddress": "192.0.2.1"}},
        {"name": "unix_missing", "kind": "net_connect",
         "options": {"path": os.path.join(tmp, "missing.sock")}},
        {"name": "unix_missing_tls", "kind": "tls_connect",
         "options": {"path": os.path.join(tmp, "missing.sock")}},
        {"name": "enotfound", "kind": "net_connect",
         "options": {"port": 443, "host": "nonexistent.invalid"}},
        {"name": "enotfound_tls", "kind": "tls_connect",
         "options": {"port": 443, "host": "nonexistent.invalid"}},
        {"name": "listen_enotfound", "kind": "listen",
         "args": [0, "nonexistent.invalid"]},
        {"name": "eaddrinuse", "kind": "listen", "args": [taken["loopback"], "127.0.0.1"]},
        {"name": "eaddrinuse_any", "kind": "listen", "args": [taken["any"]]},
        {"name": "eaddrnotavail", "kind": "listen", "args": [0, "192.0.2.55"]},
        {"name": "listen_unix_no_dir", "kind": "listen",
         "args": [os.path.join(tmp, "no", "such", "dir.sock")]},
        {"name": "read_reset", "kind": "net_connect",
         "options": {"port": reset, "host": "127.0.0.1"}, "send": "x"},
        {"name": "tls_reset", "kind": "tls_connect",
         "options": {"port": reset, "host": "127.0.0.1"}},
        {"name": "tls_hangup", "kind": "tls_connect",
         "options": {"port": hangup, "host": "127.0.0.1"}},
        {"name": "tls_hangup_local", "kind": "tls_connect",
         "options": {"port": hangup, "host": "127.0.0.1", "localAddress": "127.0.0.1"}},
        {"name": "epipe", "kind": "epipe", "path": os.path.join(tmp, "epipe.sock")},
        {"name": "tls_server_hangup", "kind": "tls_server_hangup",
         "bytes": [0x16, 3, 1, 0, 0xFF, 1], "keys": str(KEYS)},
    ]


async def nodessl_error(case: dict[str, Any]) -> BaseException:
    """Provoke ``case`` with nodessl; the error it reports."""
    kind = case["kind"]
    if kind in ("net_connect", "tls_connect"):
        sock = (net.connect if kind == "net_connect" else tls.connect)(dict(case["options"]))
        failed = once(sock, "error")
        if case.get("send"):
            sock.write(case["send"].encode())
        return await failed
    if kind == "listen":
        server = net.createServer()
        failed = once(server, "error")
        server.listen(*case["args"])
        return await failed
    if kind == "epipe":
        server = net.createServer(lambda s: s.destroy())
        up = once(server, "listening")
        server.listen(case["path"])
        await up
        sock = net.connect({"path": case["path"], "allowHalfOpen": True})
        sock.on("end", lambda: sock.write(b"x"))
        err = await once(sock, "error")
        server.close()
        return err
    assert kind == "tls_server_hangup"
    server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")})
    failed = once(server, "tlsClientError")
    up = once(server, "listening")
    server.listen(0, "127.0.0.1")
    await up
    raw = net.connect(server.address()["port"], "127.0.0.1")
    raw.end(bytes(case["bytes"]))
    err, _sock = await failed
    server.close()
    return err


@pytest.fixture(scope="module")
def compared(peers: dict[str, RudePeer], tmpdir_path: str,
             taken: dict[str, int]) -> dict[str, tuple[dict[str, Any], BaseException]]:
    """Each case's error as Node 20 reports it, next to nodessl's."""
    table = cases(peers, tmpdir_path, taken, free_port())
    from_node = run_node(NODE_SCRIPT, table)
    for case in table:
        if case["kind"] == "epipe" and os.path.exists(case["path"]):
            os.unlink(case["path"])

    async def main() -> dict[str, BaseException]:
        return {case["name"]: await nodessl_error(case) for case in table}

    ours = run_loop(main, timeout=60)
    return {name: (from_node[name], ours[name]) for name in from_node}


EXPECTED_CLASS = {
    "refused": ConnectionRefusedError,
    "refused_localhost": ConnectionRefusedError,
    "refused_tls": ConnectionRefusedError,
    "refused_local_port": ConnectionRefusedError,
    "refused_local_address": ConnectionRefusedError,
    "bind_local": OSError,
    "unix_missing": FileNotFoundError,
    "unix_missing_tls": FileNotFoundError,
    "enotfound": pysocket.gaierror,
    "enotfound_tls": pysocket.gaierror,
    "listen_enotfound": pysocket.gaierror,
    "eaddrinuse": OSError,
    "eaddrinuse_any": OSError,
    "eaddrnotavail": OSError,
    "listen_unix_no_dir": PermissionError,  # libuv turns a pipe's ENOENT into EACCES
    "read_reset": ConnectionResetError,
    "tls_reset": ConnectionResetError,
    "tls_hangup": ConnectionResetError,
    "tls_hangup_local": ConnectionResetError,
    "epipe": BrokenPipeError,
    "tls_server_hangup": ConnectionResetError,
}


@pytest.mark.parametrize("name", sorted(EXPECTED_CLASS))
def test_system_error_matches_node(name: str, compared: dict[str, Any]) -> None:
    node_props, err = compared[name]
    assert props_of(err) == node_props
    assert isinstance(err, EXPECTED_CLASS[name])
    assert isinstance(err, errors.NodeError)
    if name.startswith("refused"):
        assert err.errno == -errno.ECONNREFUSED  # Node's negative number
        assert err.strerror == os.strerror(errno.ECONNREFUSED)


def test_every_case_is_checked(compared: dict[str, Any]) -> None:
    assert set(compared) == set(EXPECTED_CLASS)


def test_except_connection_refused_error_catches_a_failed_connect() -> None:
    async def main() -> str:
        sock = net.connect(1, "127.0.0.1")
        err = await once(sock, "error")
        try:
            raise err
        except ConnectionRefusedError as caught:
            return f"{caught.code} {caught.errno} {caught.message}"

    assert run_loop(main) == "ECONNREFUSED -111 connect ECONNREFUSED 127.0.0.1:1"


@pytest.mark.parametrize(("num", "syscall", "cls", "message"), [
    (errno.ETIMEDOUT, "connect", TimeoutError, "connect ETIMEDOUT 10.0.0.1:80"),
    (errno.ECONNABORTED, "read", ConnectionAbortedError, "read ECONNABORTED"),
    (errno.EACCES, "connect", PermissionError, "connect EACCES 10.0.0.1:80"),
    (errno.EPIPE, "write", BrokenPipeError, "write EPIPE"),
    (errno.EHOSTUNREACH, "connect", OSError, "connect EHOSTUNREACH 10.0.0.1:80"),
])
def test_factory_maps_every_errno_to_python_class(num: int, syscall: str, cls: type,
                                                  message: str) -> None:
    """Failures a test cannot provoke on loopback (no route, a timeout) use the same table."""
    address, port = ("10.0.0.1", 80) if syscall == "connect" else (None, None)
    for given in (num, OSError(num, os.strerror(num))):
        err = errors.system_error(given, syscall, address, port)
        assert isinstance(err, errors.NodeSystemError)
        assert isinstance(err, cls)
        assert err.message == message
        assert err.errno == -num
        assert err.code == errno.errorcode[num]
        assert errors.system_error(err, "other") is err  # already Node's: kept


def test_dns_error_codes_follow_node() -> None:
    again = errors.dns_error(pysocket.gaierror(pysocket.EAI_AGAIN, "x"), "getaddrinfo", "h")
    assert (again.code, again.errno, again.message) == ("EAI_AGAIN", -3001,
                                                        "getaddrinfo EAI_AGAIN h")
    nodata = errors.dns_error(pysocket.gaierror(pysocket.EAI_NODATA, "x"), "getaddrinfo", "h")
    assert (nodata.code, nodata.errno) == ("ENOTFOUND", -3007)
    assert isinstance(nodata, pysocket.gaierror)


def test_listen_error_is_an_error_event_not_an_exception() -> None:
    """EADDRINUSE from nodessl's own two servers (no foreign socket involved)."""
    async def main() -> None:
        first = net.createServer()
        up = once(first, "listening")
        first.listen(0, "127.0.0.1")
        await up
        port = first.address()["port"]
        second = net.createServer()
        failed = once(second, "error")
        second.listen(port, "127.0.0.1")
        err = await failed
        assert isinstance(err, OSError) and err.code == "EADDRINUSE"
        assert err.message == f"listen EADDRINUSE: address already in use 127.0.0.1:{port}"
        assert (err.errno, err.syscall, err.address, err.port) == (-98, "listen",
                                                                   "127.0.0.1", port)
        first.close()
        await asyncio.sleep(0)

    run_loop(main)


def test_js_string_is_javascripts_string_of_the_value() -> None:
    # JSON cannot carry NaN/Infinity or tell null from undefined: those are rebuilt in Node
    values = [1, 2.0, 2.5, True, False, "x", [1, None, "a", [2, 3]], {"a": 1}]
    node = run_node("""
        const values = JSON.parse(require('fs').readFileSync(0, 'utf8'));
        values.push(NaN, Infinity, -Infinity, undefined, null);
        console.log(JSON.stringify(values.map(String)));
    """, values)
    python = [errors.js_string(v) for v in values]
    python += [errors.js_string(v) for v in (float("nan"), float("inf"), float("-inf"))]
    python += [errors.js_string(None), errors.js_string(None, none="null")]
    assert python == node

"""What keeps a program alive, as Node's handles do; and TLS over a socket that connects later.

Each program runs twice, under Node and under nodessl, and both must end by themselves with
the same log: Node's process ends once no handle is active, and a socket's handle is active
only while it connects, reads (libuv stops at the peer's EOF and when the buffer is full) or
has bytes the kernel has not taken.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from typing import Any

import pytest
from conftest import KEYS, need, run_bounded

import nodessl
import nodessl as tls
from nodessl import net


def node_log(script: str) -> Any:
    """Run a Node program that prints its log as JSON when the process exits; the log.

    The process must end by itself: a timeout here means Node itself stays alive."""
    proc = subprocess.run([need("node"), "-e", script], cwd=str(KEYS), capture_output=True,
                          text=True, timeout=20, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_unused_sockets_do_not_keep_run_alive() -> None:
    node = node_log("""
        const net = require('net'), tls = require('tls');
        new net.Socket();
        new tls.TLSSocket(new net.Socket(), {isServer: true});
        process.on('exit', () => console.log(JSON.stringify(['exit'])));
    """)
    assert node == ["exit"]
    made: list[Any] = []

    def main() -> None:
        made.append(net.Socket())
        made.append(tls.TLSSocket(net.Socket(), {"isServer": True}))

    run_bounded(main)
    plain, wrapping = made
    assert not plain.destroyed and not wrapping.destroyed  # open, just not holding the program


NODE_EOF_UNREAD = """
const net = require('net');
const log = [];
let serverSide;
const server = net.createServer((c) => {
  serverSide = c;
  c.end();
  c.on('close', () => log.push('server side close'));
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    client.write(Buffer.alloc(1500, 1));
  });
  client.on('end', () => {
    log.push('client end');
    client.destroy();
    server.close();
  });
});
process.on('exit', () => {
  log.push(['server side', serverSide.destroyed, serverSide.readableLength]);
  console.log(JSON.stringify(log));
});
"""


def test_a_socket_at_eof_with_unread_bytes_lets_the_program_end() -> None:
    # The server's socket got 1500 bytes nobody reads, then the client's FIN: it stays
    # open (no 'end' while bytes are buffered) but no longer reads, so it holds nothing.
    node = node_log(NODE_EOF_UNREAD)
    assert node == ["client end", ["server side", False, 1500]]
    log: list[Any] = []
    sides: list[net.Socket] = []

    def main() -> None:
        def on_connection(c: net.Socket) -> None:
            sides.append(c)
            c.end()
            c.on("close", lambda *a: log.append("server side close"))

        server = net.createServer(on_connection)

        def on_listening() -> None:
            client = net.connect(server.address()["port"], "127.0.0.1",
                                 lambda: client.write(b"\x01" * 1500))

            def on_end() -> None:
                log.append("client end")
                client.destroy()
                server.close()

            client.on("end", on_end)

        server.listen(0, "127.0.0.1", on_listening)

    run_bounded(main)
    log.append(["server side", sides[0].destroyed, sides[0].readableLength])
    assert log == node


NODE_CONNECT_LATER = """
const tls = require('tls'), net = require('net'), fs = require('fs');
const log = [];
const server = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
                                 cert: fs.readFileSync('agent1-cert.pem')}, (c) => {
  c.write('hello');
  c.resume();
});
server.listen(0, '127.0.0.1', () => {
  const raw = new net.Socket();
  const t = tls.connect({socket: raw, rejectUnauthorized: false});
  log.push(['connecting', t.connecting, t.pending]);
  t.on('connect', () => log.push(['connect', t.connecting]));
  t.on('secureConnect', () => log.push(['secureConnect', t.getProtocol()]));
  t.setEncoding('utf8');
  t.on('data', (d) => { log.push(['data', d]); t.end(); });
  t.on('end', () => log.push(['end']));
  t.on('close', () => { log.push(['close']); server.close(); });
  raw.connect(server.address().port, '127.0.0.1');
});
process.on('exit', () => console.log(JSON.stringify(log)));
"""


def test_tls_over_a_socket_that_connects_afterwards_starts_on_connect() -> None:
    node = node_log(NODE_CONNECT_LATER)
    log: list[Any] = []

    def main() -> None:
        def on_connection(c: Any) -> None:
            c.write("hello")
            c.resume()

        server = tls.createServer({"key": (KEYS / "agent1-key.pem").read_bytes(),
                                   "cert": (KEYS / "agent1-cert.pem").read_bytes()},
                                  on_connection)

        def on_listening() -> None:
            raw = net.Socket()
            t = tls.connect({"socket": raw, "rejectUnauthorized": False})
            log.append(["connecting", t.connecting, t.pending])
            t.on("connect", lambda *a: log.append(["connect", t.connecting]))
            t.on("secureConnect", lambda *a: log.append(["secureConnect", t.getProtocol()]))
            t.setEncoding("utf8")

            def on_data(d: str) -> None:
                log.append(["data", d])
                t.end()

            def on_close(*a: Any) -> None:
                log.append(["close"])
                server.close()

            t.on("data", on_data)
            t.on("end", lambda *a: log.append(["end"]))
            t.on("close", on_close)
            raw.connect(server.address()["port"], "127.0.0.1")

        server.listen(0, "127.0.0.1", on_listening)

    run_bounded(main)
    assert log == node
    assert log[0] == ["connecting", True, True]


NODE_RESET_OVER_GIVEN = """
const tls = require('tls'), net = require('net');
const log = [];
const pick = (e) => [e.code, e.message, e.path ?? null, e.host ?? null, e.port ?? null,
                     e.localAddress ?? null];
const server = net.createServer((c) => c.end());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  tls.connect(port, '127.0.0.1')
    .on('error', (e) => log.push(['direct', ...pick(e), e.port === port]))
    .on('close', () => {
      log.push('direct close');
      const raw = new net.Socket();
      tls.connect({socket: raw})
        .on('error', (e) => log.push(['given', ...pick(e)]))
        .on('close', () => { log.push('given close'); server.close(); });
      raw.connect(port, '127.0.0.1');
    });
});
process.on('exit', () => console.log(JSON.stringify(log)));
"""


def test_a_peer_closing_before_the_handshake_is_econnreset_as_in_node() -> None:
    # tls.connect(port, host) names the address; over a given socket Node names nothing
    node = node_log(NODE_RESET_OVER_GIVEN)
    log: list[Any] = []

    def pick(e: Any) -> list[Any]:
        return [e.code, e.message, *(getattr(e, k, None)
                                     for k in ("path", "host", "port", "localAddress"))]

    def main() -> None:
        server = net.createServer(lambda c: c.end())

        def on_listening() -> None:
            port = server.address()["port"]

            def given(*a: Any) -> None:
                log.append("direct close")
                raw = net.Socket()
                sock = tls.connect({"socket": raw})
                sock.on("error", lambda e: log.append(["given", *pick(e)]))

                def on_close(*a: Any) -> None:
                    log.append("given close")
                    server.close()

                sock.on("close", on_close)
                raw.connect(port, "127.0.0.1")

            direct = tls.connect(port, "127.0.0.1")
            direct.on("error", lambda e: log.append(["direct", *pick(e), e.port == port]))
            direct.on("close", given)

        server.listen(0, "127.0.0.1", on_listening)

    run_bounded(main)
    # the port number differs between the two runs: compared as "it is the server's"
    node[0][5] = log[0][5] = None
    assert log == node
    assert node[0] == ["direct", "ECONNRESET", "Client network socket disconnected before "
                       "secure TLS connection was established", None, "127.0.0.1", None, None,
                       True]


@pytest.mark.parametrize("value", ["fhqwhgads", 42])
def test_a_server_tlssocket_checks_its_sni_callback_as_node(value: Any) -> None:
    node = node_log(f"""
        const tls = require('tls'), net = require('net');
        try {{ new tls.TLSSocket(new net.Socket(), {{isServer: true, SNICallback: {json.dumps(value)}}}); }}
        catch (e) {{ console.log(JSON.stringify([e.name, e.code, e.message])); }}
    """)
    errors: list[Any] = []

    def main() -> None:
        try:
            tls.TLSSocket(net.Socket(), {"isServer": True, "SNICallback": value})
        except TypeError as e:
            errors.append(["TypeError", getattr(e, "code", None), getattr(e, "message", None)])
        # a client socket ignores the option, as Node's
        tls.TLSSocket(net.Socket(), {"isServer": False, "SNICallback": value})

    run_bounded(main)
    # Node's name and code; the message names the Python type (str, int) where Node's
    # names the JavaScript one
    assert [e[:2] for e in errors] == [node[:2]]
    assert errors[0][2] == ('The "options.SNICallback" property must be a callable. '
                            f"Received type {type(value).__name__} ({value!r})")


NODE_TLS_UNREAD = """
const tls = require('tls'), fs = require('fs');
const log = [];
let client;
const server = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
                                 cert: fs.readFileSync('agent1-cert.pem')}, (c) => {
  c.end('ok');
  c.on('close', () => { log.push('server side close'); server.close(); });
});
server.listen(0, '127.0.0.1', () => {
  client = tls.connect({port: server.address().port, host: '127.0.0.1',
                        rejectUnauthorized: false}, () => {
    log.push('secureConnect');
    client.end();
  });
  client.on('close', () => log.push('client close'));
});
process.on('exit', () => {
  log.push(['client', client.destroyed, client.readableLength]);
  console.log(JSON.stringify(log));
});
"""


def test_a_tls_client_that_never_reads_lets_the_program_end_after_the_peer_closed() -> None:
    # The client ends without reading the server's 'ok': after the server's close_notify
    # and FIN its connection reads nothing more, so it holds nothing, though still open.
    node = node_log(NODE_TLS_UNREAD)
    assert node == ["secureConnect", "server side close", ["client", False, 2]]
    log: list[Any] = []
    clients: list[Any] = []

    def main() -> None:
        def on_secure(c: Any) -> None:
            c.end("ok")

            def on_close(*a: Any) -> None:
                log.append("server side close")
                server.close()

            c.on("close", on_close)

        server = tls.createServer({"key": (KEYS / "agent1-key.pem").read_bytes(),
                                   "cert": (KEYS / "agent1-cert.pem").read_bytes()}, on_secure)

        def on_listening() -> None:
            def on_connect() -> None:
                log.append("secureConnect")
                client.end()

            client = tls.connect({"port": server.address()["port"], "host": "127.0.0.1",
                                  "rejectUnauthorized": False}, on_connect)
            client.on("close", lambda *a: log.append("client close"))
            clients.append(client)

        server.listen(0, "127.0.0.1", on_listening)

    run_bounded(main)
    log.append(["client", clients[0].destroyed, clients[0].readableLength])
    assert log == node


NODE_LOOKUP = """
const tls = require('tls');
const log = [];
const s = tls.connect({port: 42, host: 'example.invalid', timeout: 1000,
                       lookup(h, o, cb) { log.push(['lookup', h, o]); }});
log.push(['after connect', s.connecting, s.timeout]);
const t = tls.connect({port: 42, host: 'example.invalid', family: 4,
                       lookup(h, o, cb) {
                         log.push(['lookup4', h, o]);
                         cb(Object.assign(new Error('nope'), {code: 'ENOTFOUND'}));
                       }});
t.on('lookup', (e, a, f, h) => log.push(['lookup event', e && e.code, a ?? null, f ?? null, h]));
t.on('error', (e) => log.push(['error', e.code]));
process.on('exit', () => console.log(JSON.stringify(log)));
"""


def test_a_custom_lookup_is_called_from_connect_and_an_unanswered_one_holds_nothing() -> None:
    # Node 20 calls lookup(host, {family, hints, all}) inside connect(), with ADDRCONFIG
    # and all: true (autoSelectFamily) unless a family is given; a lookup that never
    # answers keeps no handle active, so the program ends.
    node = node_log(NODE_LOOKUP)
    log: list[Any] = []

    def shown(options: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in options.items() if v is not None}  # JSON drops undefined

    def main() -> None:
        s = tls.connect({"port": 42, "host": "example.invalid", "timeout": 1000,
                         "lookup": lambda h, o, cb: log.append(["lookup", h, shown(o)])})
        log.append(["after connect", s.connecting, s.timeout])

        def failing(h: str, o: dict[str, Any], cb: Any) -> None:
            log.append(["lookup4", h, shown(o)])
            err = tls.NodeError("nope", "ENOTFOUND")
            cb(err)

        t = tls.connect({"port": 42, "host": "example.invalid", "family": 4,
                         "lookup": failing})
        t.on("lookup", lambda e, a, f, h: log.append(
            ["lookup event", e and e.code, a, f, h]))
        t.on("error", lambda e: log.append(["error", e.code]))

    run_bounded(main)
    assert log == node
    assert log[0] == ["lookup", "example.invalid", {"hints": 32, "all": True}]


def test_buffer_size_is_the_writable_length_while_there_is_a_handle() -> None:
    node = node_log("""
        const net = require('net');
        const log = [];
        const s = new net.Socket();
        log.push(s.bufferSize ?? null);
        const c = net.connect(1, '127.0.0.1');
        c.write('abc');
        log.push(c.bufferSize, c.writableLength);
        c.on('error', () => log.push(c.bufferSize ?? null));
        process.on('exit', () => console.log(JSON.stringify(log)));
    """)
    log: list[Any] = []

    def main() -> None:
        log.append(net.Socket().bufferSize)
        c = net.connect(1, "127.0.0.1")
        c.write("abc")
        log.append(c.bufferSize)
        log.append(c.writableLength)
        c.on("error", lambda e: log.append(c.bufferSize))

    run_bounded(main)
    assert log == node == [None, 3, 3, None]


NODE_ONREAD = """
const net = require('net');
const log = [];
let allocs = 0;
const pool = [Buffer.alloc(4), Buffer.alloc(4)];
const server = net.createServer((c) => { server.close(); c.end('hello world'); });
server.listen(0, '127.0.0.1', () => {
  const c = net.connect({port: server.address().port, host: '127.0.0.1', onread: {
    buffer: () => pool[allocs++ % 2],
    callback: (n, buf) => {
      log.push([n, buf.toString('latin1', 0, n), buf === pool[(allocs - 1) % 2]]);
      if (log.length === 1) { setTimeout(() => { log.push('resume'); c.resume(); }, 50); return false; }
    }}});
  c.on('data', () => log.push('data!'));
  c.on('end', () => log.push(['end', allocs]));
});
process.on('exit', () => console.log(JSON.stringify(log)));
"""


def test_onread_fills_the_callers_buffers_and_false_pauses_as_in_node() -> None:
    node = node_log(NODE_ONREAD)
    log: list[Any] = []
    allocs = 0
    pool = [bytearray(4), bytearray(4)]

    def main() -> None:
        loop = asyncio.get_running_loop()
        server = net.createServer(lambda c: (server.close(), c.end("hello world")))

        def buffer() -> bytearray:
            nonlocal allocs
            allocs += 1
            return pool[(allocs - 1) % 2]

        def on_listening() -> None:
            def callback(n: int, buf: bytearray) -> bool | None:
                log.append([n, buf[:n].decode("latin-1"), buf is pool[(allocs - 1) % 2]])
                if len(log) == 1:
                    # (the server's side, still reading, keeps both programs alive)
                    def later() -> None:
                        log.append("resume")
                        c.resume()

                    loop.call_later(0.05, later)
                    return False
                return None

            c = net.connect({"port": server.address()["port"], "host": "127.0.0.1",
                             "onread": {"buffer": buffer, "callback": callback}})
            c.on("data", lambda d: log.append("data!"))
            c.on("end", lambda: log.append(["end", allocs]))

        server.listen(0, "127.0.0.1", on_listening)

    run_bounded(main)
    assert log == node
    assert log[0] == [4, "hell", True] and log[1] == "resume"


NODE_ABORT = """
const net = require('net'), { getEventListeners } = require('events');
const log = [];
const server = net.createServer();
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const pre = new AbortController();
  pre.abort();
  const a = net.connect({port, host: '127.0.0.1', signal: pre.signal});
  log.push(['pre listeners', getEventListeners(pre.signal, 'abort').length]);
  a.on('error', (e) => log.push(['pre', e.name, e.code, e.message, e.cause.name]));
  a.on('close', () => {
    const post = new AbortController();
    const b = net.connect({port, host: '127.0.0.1', signal: post.signal}, () => {
      log.push('connected');
      post.abort();
    });
    log.push(['post listeners', getEventListeners(post.signal, 'abort').length]);
    b.on('error', (e) => log.push(['post', e.name, e.code, e.message]));
    b.on('close', () => {
      log.push(['after close', getEventListeners(post.signal, 'abort').length]);
      server.close();
      // this comparison is about the abort, not the lifetime: Node's server-side socket
      // of an aborted connection can outlive it here, so the program says when it is done
      console.log(JSON.stringify(log));
      process.exit(0);
    });
  });
});
"""


def test_a_signal_aborts_a_socket_as_in_node() -> None:
    from nodessl.events import getEventListeners

    node = node_log(NODE_ABORT)
    log: list[Any] = []

    def main() -> None:
        server = net.createServer()

        def on_listening() -> None:
            port = server.address()["port"]
            pre = nodessl.AbortController()
            pre.abort()
            a = net.connect({"port": port, "host": "127.0.0.1", "signal": pre.signal})
            log.append(["pre listeners", len(getEventListeners(pre.signal, "abort"))])
            a.on("error", lambda e: log.append(["pre", e.name, e.code, e.message,
                                                e.cause.name]))

            def then(*_: Any) -> None:
                post = nodessl.AbortController()

                def on_connect() -> None:
                    log.append("connected")
                    post.abort()

                b = net.connect({"port": port, "host": "127.0.0.1", "signal": post.signal},
                                on_connect)
                log.append(["post listeners", len(getEventListeners(post.signal, "abort"))])
                b.on("error", lambda e: log.append(["post", e.name, e.code, e.message]))

                def on_close(*_: Any) -> None:
                    log.append(["after close", len(getEventListeners(post.signal, "abort"))])
                    server.close()

                b.on("close", on_close)

            a.on("close", then)

        server.listen(0, "127.0.0.1", on_listening)

    run_bounded(main)
    assert log == node
    assert log[1] == ["pre", "AbortError", "ABORT_ERR", "The operation was aborted",
                      "AbortError"]

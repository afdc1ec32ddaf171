"""nodessl.run: Node's process lifetime (alive while something is open), uncaught errors, refs."""

from __future__ import annotations

import asyncio
import socket as pysocket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import conftest
import pytest
from conftest import KEYS, collect, listening, need

from nodessl import NodeError, net
from nodessl.loop import get_loop


def run_bounded(main: Any, *args: Any, timeout: float = 5.0) -> Any:
    """conftest's bounded ``nodessl.run``, with this module's shorter bound."""
    return conftest.run_bounded(main, *args, timeout=timeout)




def refused_port() -> tuple[pysocket.socket, int]:
    s = pysocket.socket()
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


def test_run_returns_quickly_when_nothing_is_open() -> None:
    start = time.monotonic()
    assert run_bounded(lambda a, b: a + b, 40, 2) == 42

    async def amain() -> str:
        await asyncio.sleep(0)
        return "done"

    assert run_bounded(amain) == "done"
    assert time.monotonic() - start < 1.0


def test_run_with_a_sync_main_waits_for_every_socket_and_server() -> None:
    log: list[Any] = []

    def main() -> str:
        loop = get_loop()
        # the server answers late: run must not return before that
        server = net.createServer(lambda c: loop.call_later(0.2, c.end, b"late bye"))
        server.on("close", lambda: log.append("server closed"))

        def on_listening() -> None:
            client = net.connect(server.address()["port"], "127.0.0.1")
            client.on("data", log.append)
            client.on("close", lambda *a: (log.append("client closed"), server.close()))

        server.listen(0, "127.0.0.1", on_listening)
        return "main result"

    start = time.monotonic()
    assert run_bounded(main) == "main result"
    assert time.monotonic() - start >= 0.19
    assert log == [b"late bye", "client closed", "server closed"]


def test_run_with_an_async_main() -> None:
    log: list[str] = []

    async def main() -> bytes:
        server = net.createServer(lambda c: c.end(b"from async"))
        server.on("close", lambda: log.append("server closed"))
        port = await listening(server)
        data = await collect(net.connect(port, "127.0.0.1"))
        server.close()  # 'close' comes after main returned: run still waits for it
        return data

    assert run_bounded(main) == b"from async"
    assert log == ["server closed"]


def test_unhandled_error_event_ends_run_with_that_error() -> None:
    holder, port = refused_port()

    def main() -> None:
        net.connect(port, "127.0.0.1")  # no 'error' listener: Node's process dies

    try:
        with pytest.raises(NodeError) as info:
            run_bounded(main)
    finally:
        holder.close()
    assert info.value.code == "ECONNREFUSED"


def test_unhandled_listen_error_ends_run() -> None:
    holder = pysocket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]

    def main() -> None:
        net.createServer().listen(port, "127.0.0.1")

    try:
        with pytest.raises(NodeError) as info:
            run_bounded(main)
    finally:
        holder.close()
    assert info.value.code == "EADDRINUSE"


def test_exception_in_a_connect_listener_ends_run() -> None:
    def boom() -> None:
        raise RuntimeError("thrown by a connect listener")

    def main() -> None:
        server = net.createServer(lambda c: c.resume())
        server.unref()

        def on_listening() -> None:
            net.connect(server.address()["port"], "127.0.0.1", boom)

        server.listen(0, "127.0.0.1", on_listening)

    with pytest.raises(RuntimeError, match="thrown by a connect listener"):
        run_bounded(main)


def test_get_loop_outside_a_loop_is_a_clear_node_error() -> None:
    with pytest.raises(NodeError) as info:
        get_loop()
    assert info.value.code == "ERR_NO_EVENT_LOOP"
    assert "nodessl.run(main)" in info.value.message
    # (issue 12) objects are made before a loop runs, as asyncio's own; what needs the
    # loop (listen, connect) is where its absence is reported, before any state changes
    server = net.createServer()
    with pytest.raises(NodeError) as info2:
        server.listen(0, "127.0.0.1")
    assert info2.value.code == "ERR_NO_EVENT_LOOP"
    assert not server.listening and server.address() is None
    sock = net.Socket()
    with pytest.raises(NodeError) as info3:
        sock.connect(1, "127.0.0.1")
    assert info3.value.code == "ERR_NO_EVENT_LOOP"
    assert not sock.connecting


def test_an_unrefed_server_does_not_keep_run_alive() -> None:
    def main() -> tuple[net.Server, net.Server]:
        after = net.createServer()
        after.listen(0, "127.0.0.1")
        after.unref()
        before = net.createServer().unref()
        before.listen(0, "127.0.0.1")
        return after, before

    start = time.monotonic()
    after, before = run_bounded(main)
    assert time.monotonic() - start < 1.0
    assert after.listening and before.listening  # still open: just not keeping run alive


def test_unref_before_connect_still_holds_once_connected() -> None:
    state: list[str] = []

    def main() -> None:
        server = net.createServer(lambda c: c.unref())
        server.unref()

        def on_listening() -> None:
            client = net.connect(server.address()["port"], "127.0.0.1")
            client.unref()  # Node applies it once the connection exists
            client.on("connect", lambda: state.append("connected"))

        server.listen(0, "127.0.0.1", on_listening)

    run_bounded(main)
    assert state == ["connected"]


def test_ref_again_keeps_run_alive_until_close() -> None:
    log: list[str] = []

    def main() -> None:
        loop = get_loop()
        server = net.createServer()
        server.unref()
        server.ref()
        server.listen(0, "127.0.0.1", lambda: loop.call_later(0.1, server.close))
        server.on("close", lambda: log.append("closed"))

    run_bounded(main)
    assert log == ["closed"]


# -- program lifetime, side by side with Node -----------------------------------------------
#
# Each program runs in its own process, bounded: a program that does not end fails the test
# (subprocess.run kills it).  What it printed, in order, is compared with what the same
# program prints under Node 20.

ROOT = Path(__file__).resolve().parent.parent


def run_python_program(code: str) -> list[str]:
    """Run ``code`` with this interpreter; the lines it printed (it must end, and cleanly)."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=20, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def run_node_program(code: str) -> list[str]:
    """Run ``code`` with ``node -e``; the lines it printed."""
    proc = subprocess.run([need("node"), "-e", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=20, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_refed_timers_keep_the_program_alive_and_unrefed_ones_do_not_like_node() -> None:
    # Timers due at the same moment run in order of their due times (here and in Node), so
    # only the immediate could be overtaken on a loaded machine: 'a' leaves it 100 ms, and
    # each other pair is at least 50 ms apart.
    python = run_python_program("""
        import nodessl
        from nodessl import setTimeout, setInterval, setImmediate, clearInterval, nextTick

        def main():
            setTimeout(print, 1000, "b at 1000 ms")
            setTimeout(print, 100, "a at 100 ms")
            setTimeout(print, 2000, "never: unref'ed").unref()
            n = [0]
            def on_interval():
                n[0] += 1
                print("interval", n[0])
                if n[0] == 3:
                    clearInterval(iv)
            iv = setInterval(on_interval, 150)
            setImmediate(print, "immediate")
            nextTick(print, "tick")
            print("main")

        nodessl.run(main)
        print("exit")
    """)
    node = run_node_program("""
        setTimeout(console.log, 1000, 'b at 1000 ms');
        setTimeout(console.log, 100, 'a at 100 ms');
        setTimeout(console.log, 2000, "never: unref'ed").unref();
        let n = 0;
        const iv = setInterval(() => {
          n++;
          console.log('interval', n);
          if (n === 3) clearInterval(iv);
        }, 150);
        setImmediate(console.log, 'immediate');
        process.nextTick(console.log, 'tick');
        console.log('main');
        process.on('exit', () => console.log('exit'));
    """)
    assert python == node == ["main", "tick", "immediate", "a at 100 ms", "interval 1",
                              "interval 2", "interval 3", "b at 1000 ms", "exit"]


def test_an_unrefed_timer_alone_ends_the_program_and_ref_brings_it_back_like_node() -> None:
    python = run_python_program("""
        import nodessl
        from nodessl import setTimeout, setImmediate

        def main():
            setTimeout(print, 60000, "never").unref()
            t = setTimeout(print, 5, "refed again").unref()
            print("hasRef", t.hasRef())
            t.ref()
            print("hasRef", t.hasRef())

        nodessl.run(main)
        print("exit")
    """)
    node = run_node_program("""
        setTimeout(console.log, 60000, 'never').unref();
        const t = setTimeout(console.log, 5, 'refed again').unref();
        console.log('hasRef', t.hasRef() ? 'True' : 'False');
        t.ref();
        console.log('hasRef', t.hasRef() ? 'True' : 'False');
        process.on('exit', () => console.log('exit'));
    """)
    assert python == node == ["hasRef False", "hasRef True", "refed again", "exit"]
    alone = run_python_program("""
        import nodessl
        nodessl.run(lambda: (nodessl.setTimeout(print, 60000, "never").unref(),
                             nodessl.setImmediate(print, "never either").unref()))
        print("exit")
    """)
    node_alone = run_node_program("""
        setTimeout(console.log, 60000, 'never').unref();
        setImmediate(console.log, 'never either').unref();
        process.on('exit', () => console.log('exit'));
    """)
    assert alone == node_alone == ["exit"]


def test_an_unused_secure_pair_does_not_keep_the_program_alive_like_node() -> None:
    python = run_python_program("""
        import warnings
        import nodessl

        warnings.simplefilter("ignore", DeprecationWarning)

        def main():
            pair = nodessl.createSecurePair()
            print("pair", type(pair).__name__)

        nodessl.run(main)
        print("exit")
    """)
    node = run_node_program("""
        const tls = require('tls');
        process.noDeprecation = true;
        const pair = tls.createSecurePair();
        console.log('pair', pair.constructor.name);
        process.on('exit', () => console.log('exit'));
    """)
    assert python == node == ["pair SecurePair", "exit"]


def _server_close_programs(tls_server: bool) -> tuple[str, str]:
    """A server closed before it listened, and one closed with a connection still open."""
    key, cert = KEYS / "agent1-key.pem", KEYS / "agent1-cert.pem"
    if tls_server:
        py_make = f"""nodessl.createServer({{"key": open({str(key)!r}, "rb").read(),
                                             "cert": open({str(cert)!r}, "rb").read()}}, on_conn)"""
        py_never = f"""nodessl.createServer({{"key": open({str(key)!r}, "rb").read(),
                                              "cert": open({str(cert)!r}, "rb").read()}})"""
        py_connect = ("nodessl.connect({'port': server.address()['port'], 'host': '127.0.0.1',"
                      " 'rejectUnauthorized': False})")
        js_opts = (f"{{key: fs.readFileSync({str(key)!r}), "
                   f"cert: fs.readFileSync({str(cert)!r})}}")
        js_make = f"tls.createServer({js_opts}, onConn)"
        js_never = f"tls.createServer({js_opts})"
        js_connect = ("tls.connect({port: server.address().port, host: '127.0.0.1', "
                      "rejectUnauthorized: false})")
    else:
        py_make, py_never = "net.createServer(on_conn)", "net.createServer()"
        py_connect = "net.connect(server.address()['port'], '127.0.0.1')"
        js_make, js_never = "net.createServer(onConn)", "net.createServer()"
        js_connect = "net.connect(server.address().port, '127.0.0.1')"
    python = f"""
        import nodessl
        from nodessl import net

        def main():
            never = {py_never}
            never.close(lambda err=None: print("never listened:", err.code if err else "no error"))

            def on_conn(c):
                print("connection")
                # the connection is still open: the callback waits for its end
                server.close(lambda err=None: print("closed:", err.code if err else "no error"))
                c.setTimeout(60000)  # a socket timeout holds nothing
                nodessl.setTimeout(c.end, 50)

            server = {py_make}

            def on_listening():
                client = {py_connect}
                client.setTimeout(60000)
                client.resume()
                client.on("close", lambda *a: print("client close"))

            server.listen(0, "127.0.0.1", on_listening)

        nodessl.run(main)
        print("exit")
    """
    node = f"""
        const net = require('net'); const tls = require('tls'); const fs = require('fs');
        const never = {js_never};
        never.close((err) => console.log('never listened:', err ? err.code : 'no error'));
        function onConn(c) {{
          console.log('connection');
          server.close((err) => console.log('closed:', err ? err.code : 'no error'));
          c.setTimeout(60000);
          setTimeout(() => c.end(), 50);
        }}
        const server = {js_make};
        server.listen(0, '127.0.0.1', () => {{
          const client = {js_connect};
          client.setTimeout(60000);
          client.resume();
          client.on('close', () => console.log('client close'));
        }});
        process.on('exit', () => console.log('exit'));
    """
    return python, node


@pytest.mark.parametrize("tls_server", [False, True], ids=["net", "tls"])
def test_server_close_callback_runs_before_the_program_ends_like_node(tls_server: bool) -> None:
    python_code, node_code = _server_close_programs(tls_server)
    python = run_python_program(python_code)
    node = run_node_program(node_code)
    assert python == node == ["never listened: ERR_SERVER_NOT_RUNNING", "connection",
                              "client close", "closed: no error", "exit"]


def test_a_lookup_that_never_answers_does_not_hold_the_program_like_node() -> None:
    python = run_python_program("""
        import nodessl
        from nodessl import net

        def main():
            s = net.connect({"port": 9, "host": "example.test",
                             "lookup": lambda *a: print("lookup called")})
            s.setTimeout(20, lambda: print("timeout"))  # unref'ed in Node: never fires
            s.on("close", lambda *a: print("close"))
            print("main done")

        nodessl.run(main)
        print("exit")
    """)
    node = run_node_program("""
        const net = require('net');
        const s = net.connect({port: 9, host: 'example.test',
                               lookup: () => console.log('lookup called')});
        s.setTimeout(20, () => console.log('timeout'));
        s.on('close', () => console.log('close'));
        console.log('main done');
        process.on('exit', () => console.log('exit'));
    """)
    assert python == node == ["lookup called", "main done", "exit"]


def test_a_socket_timeout_fires_while_something_else_keeps_the_program_alive_like_node() -> None:
    python = run_python_program("""
        import nodessl
        from nodessl import net

        def main():
            s = net.connect({"port": 9, "host": "example.test",
                             "lookup": lambda *a: print("lookup called")})
            s.setTimeout(20, lambda: (print("timeout"), s.destroy()))
            s.on("close", lambda *a: print("close"))
            nodessl.setTimeout(print, 200, "keeper done")

        nodessl.run(main)
        print("exit")
    """)
    node = run_node_program("""
        const net = require('net');
        const s = net.connect({port: 9, host: 'example.test',
                               lookup: () => console.log('lookup called')});
        s.setTimeout(20, () => { console.log('timeout'); s.destroy(); });
        s.on('close', () => console.log('close'));
        setTimeout(console.log, 200, 'keeper done');
        process.on('exit', () => console.log('exit'));
    """)
    assert python == node == ["lookup called", "timeout", "close", "keeper done", "exit"]


def test_a_lookup_answering_later_connects_as_in_node() -> None:
    """The lookup holds nothing, but whatever answers it (a timer here) does."""
    with pysocket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        lines = run_python_program(f"""
            import nodessl
            from nodessl import net

            def lookup(host, options, cb):
                print("lookup", host)
                nodessl.setTimeout(cb, 30, None, "127.0.0.1", 4)

            def main():
                s = net.connect({{"port": {port}, "host": "example.test", "lookup": lookup}})
                s.on("lookup", lambda err, address, family, host: print("looked up", address))
                s.on("connect", lambda: (print("connected"), s.destroy()))

            nodessl.run(main)
            print("exit")
        """)
    assert lines == ["lookup example.test", "looked up 127.0.0.1", "connected", "exit"]


def test_a_handshake_timeout_ends_a_stalled_handshake_and_then_the_program_like_node() -> None:
    key, cert = KEYS / "agent1-key.pem", KEYS / "agent1-cert.pem"
    python = run_python_program(f"""
        import nodessl
        from nodessl import net

        def main():
            server = nodessl.createServer({{"key": open({str(key)!r}, "rb").read(),
                                           "cert": open({str(cert)!r}, "rb").read(),
                                           "handshakeTimeout": 100}})

            def on_client_error(err, sock):
                print("tlsClientError", err.code)
                sock.destroy()
                server.close(lambda *a: print("server closed"))

            server.on("tlsClientError", on_client_error)

            def on_listening():
                raw = net.connect(server.address()["port"], "127.0.0.1",
                                  lambda: print("raw connected"))
                raw.on("close", lambda *a: print("raw close"))
                raw.setTimeout(60000)

            server.listen(0, "127.0.0.1", on_listening)

        nodessl.run(main)
        print("exit")
    """)
    node = run_node_program(f"""
        const tls = require('tls'); const net = require('net'); const fs = require('fs');
        const server = tls.createServer({{key: fs.readFileSync({str(key)!r}),
                                         cert: fs.readFileSync({str(cert)!r}),
                                         handshakeTimeout: 100}});
        server.on('tlsClientError', (err, sock) => {{
          console.log('tlsClientError', err.code);
          sock.destroy();  // Node leaves the connection open otherwise
          server.close(() => console.log('server closed'));
        }});
        server.listen(0, '127.0.0.1', () => {{
          const raw = net.connect(server.address().port, '127.0.0.1',
                                  () => console.log('raw connected'));
          raw.on('close', () => console.log('raw close'));
          raw.setTimeout(60000);
        }});
        process.on('exit', () => console.log('exit'));
    """)
    assert python == node == ["raw connected", "tlsClientError ERR_TLS_HANDSHAKE_TIMEOUT",
                              "server closed", "raw close", "exit"]


def test_callbacks_already_queued_run_before_run_returns() -> None:
    log: list[str] = []

    def main() -> None:
        loop = get_loop()
        # a chain of call_soon callbacks, as events emitted "on the next tick" are
        loop.call_soon(lambda: loop.call_soon(lambda: loop.call_soon(log.append, "third")))

    run_bounded(main)
    assert log == ["third"]


# -- a socket holds the program only while its handle is active (libuv's rule) --------------
#
# The server's side of each connection is unref'ed, so only the client decides.  An unref'ed
# 500 ms timer reports "still held" (and destroys the client) only if the client kept the
# program alive that long.

_ACTIVE_CASES: dict[str, tuple[str, str, str, str, list[str]]] = {
    # case: (server side in Python, client side in Python, same two in JS, expected lines)
    "reading, nothing arrives": (
        "pass", "pass",
        "", "",
        ["connect", "still held", "close", "exit"]),
    "paused in its 'connect' listener: never starts reading": (
        "pass", "s.pause()",
        "", "s.pause();",
        ["connect", "exit"]),
    "paused before it connected": (
        "pass", "pass",
        "", "",
        ["connect", "exit"]),
    "paused after data: pause() alone does not stop reading": (
        "c.write(b'x')", "pass",
        "c.write('x');", "",
        ["connect", "data", "still held", "close", "exit"]),
    "buffer over its high-water mark: reading stops": (
        "c.write(bytes(1 << 20))", "pass",
        "c.write(Buffer.alloc(1 << 20));", "",
        ["connect", "data", "exit"]),
    "the peer's FIN with allowHalfOpen: reading stopped at EOF": (
        "c.end(b'bye')", "pass",
        "c.end('bye');", "",
        ["connect", "exit"]),
    "a write the peer does not take: the write request holds": (
        "c.pause()", "s.pause(); s.write(bytes(64 << 20))",
        "c.pause();", "s.pause(); s.write(Buffer.alloc(64 << 20));",
        ["connect", "still held", "close", "exit"]),
}


def _active_programs(case: str) -> tuple[str, str]:
    py_server, py_client, js_server, js_client, _ = _ACTIVE_CASES[case]
    before = "s.pause()" if case.startswith("paused before") else "pass"
    on_data = "data" in _ACTIVE_CASES[case][4]
    # the write case's server must not read: pauseOnConnect, as its c.pause() alone reads on
    pause_on_connect = "a write" in case
    python = f"""
        import nodessl
        from nodessl import net

        def main():
            def on_conn(c):
                c.unref()
                {py_server}

            server = net.createServer({{"allowHalfOpen": True,
                                        "pauseOnConnect": {pause_on_connect}}}, on_conn)

            def on_listening():
                def on_connect():
                    print("connect")
                    {py_client}
                    server.close()

                s = net.connect({{"port": server.address()["port"], "host": "127.0.0.1",
                                  "allowHalfOpen": True}}, on_connect)
                {before}
                if {on_data}:
                    s.once("data", lambda d: (print("data"), s.pause()))
                s.on("close", lambda *a: print("close"))
                nodessl.setTimeout(lambda: (print("still held"), s.destroy()), 500).unref()

            server.listen(0, "127.0.0.1", on_listening)

        nodessl.run(main)
        print("exit")
    """
    node = f"""
        const net = require('net');
        const server = net.createServer({{allowHalfOpen: true,
                                          pauseOnConnect: {str(pause_on_connect).lower()}}},
                                         (c) => {{ c.unref(); {js_server} }});
        server.listen(0, '127.0.0.1', () => {{
          const s = net.connect({{port: server.address().port, host: '127.0.0.1',
                                  allowHalfOpen: true}}, () => {{
            console.log('connect');
            {js_client}
            server.close();
          }});
          {"s.pause();" if before != "pass" else ""}
          if ({str(on_data).lower()}) s.once('data', () => {{ console.log('data'); s.pause(); }});
          s.on('close', () => console.log('close'));
          setTimeout(() => {{ console.log('still held'); s.destroy(); }}, 500).unref();
        }});
        process.on('exit', () => console.log('exit'));
    """
    return python, node


@pytest.mark.parametrize("case", list(_ACTIVE_CASES))
def test_a_socket_keeps_the_program_alive_only_while_active_like_node(case: str) -> None:
    python_code, node_code = _active_programs(case)
    python = run_python_program(python_code)
    node = run_node_program(node_code)
    assert python == node == _ACTIVE_CASES[case][4]


def test_a_tls_client_that_never_reads_ends_with_the_peer_like_node() -> None:
    # Node's test-tls-peer-certificate-encoding shape: the client ends and never reads the
    # server's answer; after the server's close_notify and FIN nothing is active any more.
    key, cert = KEYS / "agent1-key.pem", KEYS / "agent1-cert.pem"
    python = run_python_program(f"""
        import nodessl

        def main():
            server = nodessl.createServer({{"key": open({str(key)!r}, "rb").read(),
                                            "cert": open({str(cert)!r}, "rb").read()}},
                                          lambda c: c.end("World"))

            def on_listening():
                def on_secure():
                    print("secureConnect")
                    server.close()

                s = nodessl.connect({{"port": server.address()["port"], "host": "127.0.0.1",
                                      "rejectUnauthorized": False}}, on_secure)
                s.end("Hello")
                s.on("end", lambda *a: print("end"))

            server.listen(0, "127.0.0.1", on_listening)

        nodessl.run(main)
        print("exit")
    """)
    node = run_node_program(f"""
        const tls = require('tls'); const fs = require('fs');
        const server = tls.createServer({{key: fs.readFileSync({str(key)!r}),
                                          cert: fs.readFileSync({str(cert)!r})}},
                                        (c) => c.end('World'));
        server.listen(0, '127.0.0.1', () => {{
          const s = tls.connect({{port: server.address().port, host: '127.0.0.1',
                                  rejectUnauthorized: false}}, () => {{
            console.log('secureConnect');
            server.close();
          }});
          s.end('Hello');
          s.on('end', () => console.log('end'));
        }});
        process.on('exit', () => console.log('exit'));
    """)
    assert python == node == ["secureConnect", "exit"]


def test_connections_still_open_when_the_program_ends_are_closed_without_events() -> None:
    # As a Node process's exit closes its descriptors: no 'close' or 'end' runs after the
    # program, and no socket is left for the garbage collector to find unclosed.
    import gc
    import warnings

    import nodessl

    events: list[str] = []

    def main() -> None:
        def on_connection(conn: net.Socket) -> None:
            conn.on("close", lambda *_a: events.append("server side close"))
            conn.unref()

        server = net.createServer(on_connection)

        def on_listening() -> None:
            client = net.connect(server.address()["port"], "127.0.0.1")
            client.on("connect", lambda: (events.append("connect"), client.unref(),
                                          server.unref()))
            client.on("close", lambda *_a: events.append("client close"))
            client.on("end", lambda *_a: events.append("client end"))

        server.listen(0, "127.0.0.1", on_listening)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        nodessl.run(main)
        gc.collect()
    assert events == ["connect"]
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)
                and "raddr=('127.0.0.1'" in str(w.message)]  # the two connected sockets
    assert unclosed == []

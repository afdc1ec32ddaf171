"""Renegotiation against Node 20 (its own limit test's client) and openssl s_client -tls1_2."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, key, listening, need, once, run_loop

import nodessl as tls

SERVER_OPTS = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
               "maxVersion": "TLSv1.2"}
AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


@pytest.mark.parametrize("limit", [0, 1, 2])
def test_node_client_spamming_renegotiations_hits_the_limit(limit: int) -> None:
    async def main() -> None:
        errors: list[Any] = []

        def on_conn(sock: Any) -> None:
            sock.on("error", errors.append)
            sock.pipe(sock)

        server = tls.createServer(SERVER_OPTS, on_conn)
        port = await listening(server)
        # the client of Node's test-tls-client-renegotiation-limit.js
        node = await NodePeer.start(NODE_PRELUDE + f"""
let renegs = 0;
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false}}, spam);
function spam() {{
  c.write('');
  c.renegotiate({{}}, (err) => {{ if (err) out({{err: err.code}}); spam(); }});
  renegs++;
}}
c.on('error', (e) => out({{error: e.code}}));
c.on('close', (hadError) => out({{renegs, hadError}}));""")
        assert await node.message() == {"renegs": limit + 1, "hadError": False}
        await node.close()
        server.close()
        assert [e.code for e in errors] == ["ERR_TLS_SESSION_ATTACK"]

    saved = tls.CLIENT_RENEG_LIMIT
    try:
        tls.CLIENT_RENEG_LIMIT = limit
        run_loop(main)
    finally:
        tls.CLIENT_RENEG_LIMIT = saved


def test_node_client_after_disable_renegotiation() -> None:
    async def main() -> None:
        errors: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def on_conn(sock: Any) -> None:
            sock.on("error", errors.set_result)

            def on_data(chunk: bytes) -> None:
                sock.write(chunk)
                sock.disableRenegotiation()

            sock.on("data", on_data)

        server = tls.createServer(SERVER_OPTS, on_conn)
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false}}, () => {{
  const ok = c.renegotiate({{}}, (err) => {{
    out({{first: ok, err: errInfo(err)}});
    c.write('data', () => {{
      out({{second: c.renegotiate({{}}, () => out({{unexpected: true}}))}});
    }});
  }});
}});
""")
        assert await node.message() == {"first": True, "err": None}
        assert await node.message() == {"second": True}
        # the server drops the connection; Node's client then exits without its callback
        assert node.proc.stdout is not None
        rest = await asyncio.wait_for(node.proc.stdout.read(), 10)
        assert b"unexpected" not in rest
        await node.close()
        server.close()
        err = await errors
        assert err.code == "ERR_TLS_RENEGOTIATION_DISABLED"

    run_loop(main)


def test_nodessl_client_renegotiates_with_node_server() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
tls.DEFAULT_MAX_VERSION = 'TLSv1.2';
const s = tls.createServer({AGENT1}, (c) => {{
  let secures = 0;
  c.on('secure', () => secures++);
  c.on('data', (d) => c.write(d + ':' + secures));
}});
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));""")
        port = (await node.message())["port"]
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        await once(client, "secureConnect")
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        assert client.renegotiate({}, done.set_result) is True
        assert await done is None
        client.write(b"x")
        assert await once(client, "data") == b"x:1"  # Node's server saw one renegotiation
        client.destroy()
        node.proc.kill()
        await node.close()

    run_loop(main)


def test_openssl_s_client_renegotiates_with_R() -> None:
    async def main() -> None:
        openssl = need("openssl")
        secures: list[bool] = []

        def on_conn(sock: Any) -> None:
            sock.on("secure", lambda: secures.append(True))
            sock.on("data", lambda d: sock.write(b"echo:" + d))

        server = tls.createServer({"key": key("agent1-key.pem"),
                                   "cert": key("agent1-cert.pem")}, on_conn)
        port = await listening(server)
        proc = await asyncio.create_subprocess_exec(
            openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT)
        assert proc.stdin is not None and proc.stdout is not None
        seen = b""

        async def until(text: bytes) -> None:
            nonlocal seen
            while text not in seen:
                chunk = await asyncio.wait_for(proc.stdout.read(4096), 10)
                assert chunk, seen.decode(errors="replace")
                seen += chunk

        try:
            await until(b"Verify return code")
            proc.stdin.write(b"hello\n")
            await until(b"echo:hello")
            proc.stdin.write(b"R\n")  # s_client renegotiates on a line "R"
            await until(b"RENEGOTIATING")
            proc.stdin.write(b"again\n")
            await until(b"echo:again")
        finally:
            proc.stdin.close()
            await proc.wait()
            server.close()
        assert secures == [True]  # the renegotiation completed on the server

    run_loop(main)

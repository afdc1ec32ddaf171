"""keylog lines are the session's real secrets: both ends of a nodessl <-> Node 20 connection
log the same set."""

from __future__ import annotations

import pytest
from conftest import NODE_PRELUDE, NodePeer, key, listening, once, run_loop

import nodessl as tls

AGENT1 = "{key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem')}"


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_node_client_logs_what_nodessl_server_logs(version: str) -> None:
    async def main() -> None:
        ours: list[bytes] = []
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "maxVersion": version}, lambda s: s.end(b"x"))
        server.on("keylog", lambda line, sock: ours.append(line))
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const lines = [];
const c = tls.connect({{port: {port}, host: '127.0.0.1', rejectUnauthorized: false}});
c.on('keylog', (l) => lines.push(l.toString('latin1')));
c.on('data', () => {{}});
c.on('end', () => out({{lines}}));""")
        theirs = (await node.message())["lines"]
        await node.close()
        server.close()
        assert len(ours) == (5 if version == "TLSv1.3" else 1)
        assert {line.decode("latin-1") for line in ours} == set(theirs)

    run_loop(main)


def test_nodessl_client_logs_what_node_server_logs() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + f"""
const lines = [];
const s = tls.createServer({AGENT1}, (c) => c.end('x'));
s.on('keylog', (l, sock) => lines.push(l.toString('latin1')));
s.listen(0, '127.0.0.1', () => out({{port: s.address().port}}));
process.stdin.on('data', () => {{ out({{lines}}); s.close(); process.exit(0); }});""")
        port = (await node.message())["port"]
        ours: list[bytes] = []
        client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False})
        client.on("keylog", ours.append)
        client.on("data", lambda d: None)
        await once(client, "end")
        assert node.proc.stdin is not None
        node.proc.stdin.write(b"done\n")
        theirs = (await node.message())["lines"]
        await node.close()
        assert len(ours) == 5
        assert {line.decode("latin-1") for line in ours} == set(theirs)

    run_loop(main)

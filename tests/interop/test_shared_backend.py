"""What the shared backend unlocks (issue 9 §3), on the wire against Node 20 and openssl:
ticket keys in Node's 48-byte format (tickets resume across Node and nodessl servers holding
the same keys, both ways) and the external session cache (``newSession``/``resumeSession``,
the handshake waiting for them).  On the bundled backend each test asserts the
``ERR_FEATURE_UNAVAILABLE_ON_PLATFORM`` a user gets instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    NODE_PRELUDE,
    NodePeer,
    key,
    listening,
    node_session_client,
    once,
    run_loop,
    s_client,
)

import nodessl as tls
from nodessl.constants import SSL_OP_NO_TICKET

SHARED = tls.backend.is_shared()
AGENT1 = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}
SID_CONTEXT = "nodessl-interop"  # tickets travel between servers with the same context

NODE_SERVER = NODE_PRELUDE + r"""
const o = JSON.parse(process.argv[1]);
const s = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
  cert: fs.readFileSync('agent1-cert.pem'), ticketKeys: Buffer.from(o.keys, 'hex'),
  sessionIdContext: o.sid, maxVersion: o.maxVersion}, (c) => {
  out({serverReused: c.isSessionReused()}); c.end('hi'); });
s.listen(0, '127.0.0.1', () => out({port: s.address().port,
                                    keys: s.getTicketKeys().toString('hex')}));
process.stdin.on('end', () => s.close()); process.stdin.resume();
"""


def _json(obj: Any) -> str:
    return repr(json.dumps(obj))


async def node_server(keys: bytes, version: str) -> tuple[NodePeer, int]:
    node = await NodePeer.start(NODE_SERVER.replace(
        "process.argv[1]", _json({"keys": keys.hex(), "sid": SID_CONTEXT,
                                  "maxVersion": version})))
    first = await node.message()
    assert first["keys"] == keys.hex()  # Node's getTicketKeys: the 48 bytes given
    return node, first["port"]


def nodessl_server(keys: bytes, version: str) -> tuple[tls.Server, list[bool]]:
    reused: list[bool] = []
    server = tls.createServer({**AGENT1, "ticketKeys": keys, "sessionIdContext": SID_CONTEXT,
                               "maxVersion": version},
                              lambda c: (reused.append(c.isSessionReused()), c.end(b"hi")))
    return server, reused


def _unavailable(call: Any, feature: str) -> None:
    with pytest.raises(tls.NodeError) as info:
        call()
    assert info.value.code == "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM"
    assert feature in str(info.value) and "shared backend" in str(info.value)


@pytest.mark.parametrize("version", ["TLSv1.2", "TLSv1.3"])
def test_tickets_resume_across_node_and_nodessl_servers(version: str) -> None:
    keys = os.urandom(48)
    if not SHARED:
        async def refused() -> None:
            _unavailable(lambda: nodessl_server(keys, version), "ticketKeys")

        run_loop(refused)
        return

    async def main() -> None:
        node, node_port = await node_server(keys, version)
        ours, ours_reused = nodessl_server(keys, version)
        other, _ = nodessl_server(os.urandom(48), version)  # the same, other keys
        ours_port, other_port = await listening(ours), await listening(other)
        assert ours.getTicketKeys() == keys

        # a ticket Node's server issued resumes on nodessl's ...
        first = await node_session_client(node_port)
        assert first["reused"] is False and first["sessions"]
        assert (await node.message()) == {"serverReused": False}
        on_ours = await node_session_client(ours_port, first["sessions"][0])
        assert on_ours["reused"] is True and ours_reused == [True]
        # ... and one nodessl's server issued resumes on Node's
        mine = await node_session_client(ours_port)
        assert mine["reused"] is False and ours_reused == [True, False]
        on_node = await node_session_client(node_port, mine["sessions"][0])
        assert on_node["reused"] is True
        assert (await node.message()) == {"serverReused": True}
        # other keys: the ticket is not accepted (a full handshake)
        assert (await node_session_client(other_port, first["sessions"][0]))["reused"] is False

        node.proc.stdin.close()
        await node.close()
        ours.close()
        other.close()

    run_loop(main)


def test_set_ticket_keys_takes_effect_for_the_next_ticket(tmp_path: Path) -> None:
    """openssl s_client as the peer: a session saved from one nodessl server resumes on
    another once both hold the same keys (setTicketKeys), and not before."""
    keys = os.urandom(48)
    if not SHARED:
        async def refused() -> None:
            server = tls.createServer(AGENT1)
            _unavailable(lambda: server.setTicketKeys(keys), "setTicketKeys")
            _unavailable(server.getTicketKeys, "getTicketKeys")

        run_loop(refused)
        return
    saved = str(tmp_path / "sess.pem")

    async def main() -> None:
        a = tls.createServer({**AGENT1, "sessionIdContext": SID_CONTEXT},
                             lambda c: c.end(b"hi"))
        b = tls.createServer({**AGENT1, "sessionIdContext": SID_CONTEXT},
                             lambda c: c.end(b"hi"))
        a.setTicketKeys(keys)
        pa, pb = await listening(a), await listening(b)
        out, _ = await s_client(pa, "-tls1_2", "-sess_out", saved)
        assert "New, TLSv1.2" in out
        out, _ = await s_client(pb, "-tls1_2", "-sess_in", saved)
        assert "New, TLSv1.2" in out  # b's own random keys: not resumed
        b.setTicketKeys(keys)
        assert b.getTicketKeys() == a.getTicketKeys() == keys
        out, _ = await s_client(pb, "-tls1_2", "-sess_in", saved)
        assert "Reused, TLSv1.2" in out
        a.close()
        b.close()

    run_loop(main)


def test_external_session_cache_with_a_node_client() -> None:
    """TLS 1.2 without tickets: newSession stores the session (asynchronously; the handshake
    and 'secureConnection' wait for done()), resumeSession gives it back to Node's client."""
    if not SHARED:
        async def refused() -> None:
            server = tls.createServer(AGENT1)
            _unavailable(lambda: server.on("newSession", lambda *a: None), "newSession")
            _unavailable(lambda: server.once("resumeSession", lambda *a: None),
                         "resumeSession")
            assert server.listenerCount("newSession") == 0
            assert server.listenerCount("resumeSession") == 0

        run_loop(refused)
        return

    async def main() -> None:
        events: list[Any] = []
        store: dict[str, bytes] = {}
        server = tls.createServer({**AGENT1, "maxVersion": "TLSv1.2",
                                   "secureOptions": SSL_OP_NO_TICKET},
                                  lambda c: (events.append(("secure", c.isSessionReused())),
                                             c.end(b"hi")))

        def on_new_session(session_id: bytes, data: bytes, done: Any) -> None:
            events.append("newSession")

            def later() -> None:
                store[session_id.hex()] = data
                events.append("done")
                done()

            tls.setTimeout(later, 50)

        def on_resume_session(session_id: bytes, callback: Any) -> None:
            events.append(("resumeSession", session_id.hex() in store))
            tls.setImmediate(lambda: callback(None, store.get(session_id.hex())))

        server.on("newSession", on_new_session)
        server.on("resumeSession", on_resume_session)
        port = await listening(server)
        first = await node_session_client(port)
        assert first["reused"] is False and len(first["sessions"]) == 1
        again = await node_session_client(port, first["sessions"][0])
        assert again["reused"] is True
        # Node 20's client offers TLS 1.3 too, so its first ClientHello carries a random
        # legacy session id: 'resumeSession' is asked for it (nothing stored) as in Node
        assert events == [("resumeSession", False), "newSession", "done", ("secure", False),
                          ("resumeSession", True), ("secure", True)]
        closed = once(server, "close")
        server.close()
        await closed

    run_loop(main)

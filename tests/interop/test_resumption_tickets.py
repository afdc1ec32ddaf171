"""How many session tickets a server sends after a full and after a resumed handshake,
counted by a Node 20 client ('session' events), a Node 20 server and a nodessl server side by
side in each test.

Node installs its ticket-key callback (``TicketCompatibilityCallback``) on every server
context; it answers "use this key, don't renew" when it decrypts a ticket, so OpenSSL sends no
new ticket after a resumed TLS 1.3 handshake (a full one still gets 2).  nodessl does the same
on the shared backend (``openssl.install_ticket_keys`` on every SecureContext).  The bundled
binding has no ticket-key callback, no ``SSL_CTX_set_session_ticket_cb`` and no
``SSL_set_num_tickets``, so OpenSSL's own keys decide, and they renew every TLS 1.3 ticket:
one new ticket after each resumption.  TLS 1.2 resumption sends none anywhere.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from conftest import NODE_PRELUDE, NodePeer, key, listening, run_loop

import nodessl as tls
from nodessl import net

SHARED = tls.backend.is_shared()
AGENT1 = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}

# Node servers that answer 'hi' and end: ``o.count`` tls.Servers (optionally with given
# ticketKeys and a sessionIdContext), or with ``o.oneContext`` net.Servers wrapping every
# connection in a server TLSSocket made from one SecureContext (a tls.Server always builds its
# own context, whatever secureContext it is given).
NODE_SERVERS = NODE_PRELUDE + r"""
const o = JSON.parse(process.argv[1]);
const opts = {key: fs.readFileSync('agent1-key.pem'), cert: fs.readFileSync('agent1-cert.pem'),
  maxVersion: o.maxVersion, sessionIdContext: o.sid};
if (o.keys) opts.ticketKeys = Buffer.from(o.keys, 'hex');
const ctx = tls.createSecureContext(opts);
const servers = [];
for (let i = 0; i < o.count; i++) {
  const s = o.oneContext ? net.createServer((raw) => {
    const c = new tls.TLSSocket(raw, {isServer: true, secureContext: ctx});
    c.on('secure', () => c.end('hi')); c.on('error', () => {});
  }) : tls.createServer(opts, (c) => c.end('hi'));
  servers.push(new Promise((r) => s.listen(0, '127.0.0.1', () => r(s))));
}
Promise.all(servers).then((ss) => {
  out({ports: ss.map((s) => s.address().port)});
  process.stdin.on('end', () => ss.forEach((s) => s.close())); process.stdin.resume();
});
"""

# A Node client: for each [first, second] pair of ports, a full handshake on the first and a
# resumption of its last session on the second; what each handshake reused and how many
# 'session' events (tickets; TLS 1.2: the session) it saw.
NODE_CLIENT = NODE_PRELUDE + r"""
const o = JSON.parse(process.argv[1]);
function one(port, session) { return new Promise((resolve) => {
  let tickets = 0, last, reused;
  const c = tls.connect({port, host: '127.0.0.1', rejectUnauthorized: false, session});
  c.on('secureConnect', () => { reused = c.isSessionReused(); });
  c.on('session', (s) => { tickets++; last = s; });
  c.on('error', (e) => resolve({error: e.code}));
  c.on('close', () => resolve({reused, tickets, last}));
  c.resume();
}); }
(async () => {
  const got = [];
  for (const [a, b] of o.pairs) {
    const full = await one(a);
    const resumed = await one(b, full.last);
    got.push({full: [full.reused, full.tickets], resumed: [resumed.reused, resumed.tickets]});
  }
  out(got);
})();
"""


def _arg(obj: Any) -> str:
    return repr(json.dumps(obj))


async def node_servers(version: str, count: int = 1, *, one_context: bool = False,
                       keys: bytes | None = None, sid: str = "tickets") -> tuple[NodePeer,
                                                                                 list[int]]:
    node = await NodePeer.start(NODE_SERVERS.replace("process.argv[1]", _arg({
        "maxVersion": version, "count": count, "oneContext": one_context,
        "keys": keys.hex() if keys else None, "sid": sid})))
    return node, (await node.message())["ports"]


async def node_client(pairs: list[tuple[int, int]]) -> list[dict[str, list[Any]]]:
    node = await NodePeer.start(NODE_CLIENT.replace("process.argv[1]", _arg({"pairs": pairs})))
    got = await node.message()
    await node.close()
    return got


async def stop(node: NodePeer, *servers: Any) -> None:
    assert node.proc.stdin is not None
    node.proc.stdin.close()
    await node.close()
    for server in servers:
        server.close()


# Node 20's server, measured in every run below: (reused, tickets) per handshake.
NODE_COUNTS = {"TLSv1.3": {"full": [False, 2], "resumed": [True, 0]},
               "TLSv1.2": {"full": [False, 1], "resumed": [True, 0]}}


def expected_nodessl(version: str) -> dict[str, list[Any]]:
    """Node's counts; on the bundled backend one ticket after a TLS 1.3 resumption (OpenSSL's
    own ticket keys renew every TLS 1.3 ticket, and the binding cannot install a callback
    that says otherwise)."""
    if version == "TLSv1.3" and not SHARED:
        return {"full": [False, 2], "resumed": [True, 1]}
    return NODE_COUNTS[version]


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_tickets_after_full_and_resumed_handshakes_match_node(version: str) -> None:
    async def main() -> None:
        node, [node_port] = await node_servers(version)
        ours = tls.createServer({**AGENT1, "maxVersion": version}, lambda c: c.end(b"hi"))
        ours_port = await listening(ours)
        got_node, got_ours = await node_client([(node_port, node_port),
                                                (ours_port, ours_port)])
        await stop(node, ours)
        assert got_node == NODE_COUNTS[version]
        assert got_ours == expected_nodessl(version)
        if SHARED:
            assert got_ours == got_node  # the same tickets as Node's server, byte for byte count

    run_loop(main)


def test_resumption_on_another_listener_of_one_secure_context() -> None:
    """Two listeners whose server TLSSockets are made from one SecureContext share its ticket
    keys: a ticket the first issued resumes on the second, which (as Node's) issues no new
    one on the shared backend."""
    async def main() -> None:
        node, node_ports = await node_servers("TLSv1.3", 2, one_context=True)
        context = tls.createSecureContext({**AGENT1, "maxVersion": "TLSv1.3"})

        def wrap(raw: Any) -> None:
            sock = tls.TLSSocket(raw, {"isServer": True, "secureContext": context})
            sock.on("secure", lambda: sock.end(b"hi"))
            sock.on("error", lambda _err: None)

        a, b = net.createServer(wrap), net.createServer(wrap)
        pair = (await listening(a, 0, "127.0.0.1"), await listening(b, 0, "127.0.0.1"))
        got_node, got_ours = await node_client([tuple(node_ports), pair])
        await stop(node, a, b)
        assert got_node == NODE_COUNTS["TLSv1.3"]
        assert got_ours == expected_nodessl("TLSv1.3")

    run_loop(main)


def test_resumption_across_node_and_nodessl_servers_with_the_same_keys() -> None:
    """Shared backend: a Node server and a nodessl server holding the same ticketKeys resume
    each other's TLS 1.3 tickets without issuing a new one; a server with other keys makes a
    full handshake and issues Node's two."""
    keys = os.urandom(48)
    if not SHARED:
        async def refused() -> None:
            with pytest.raises(tls.NodeError) as info:
                tls.createServer({**AGENT1, "ticketKeys": keys})
            assert info.value.code == "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM"

        run_loop(refused)
        return

    async def main() -> None:
        node, [node_port] = await node_servers("TLSv1.3", keys=keys, sid="shared-keys")
        ours = tls.createServer({**AGENT1, "ticketKeys": keys, "sessionIdContext": "shared-keys"},
                                lambda c: c.end(b"hi"))
        other = tls.createServer({**AGENT1, "sessionIdContext": "shared-keys"},
                                 lambda c: c.end(b"hi"))
        ours_port, other_port = await listening(ours), await listening(other)
        assert ours.getTicketKeys() == keys and other.getTicketKeys() != keys
        got = await node_client([(node_port, ours_port), (ours_port, node_port),
                                 (node_port, other_port)])
        await stop(node, ours, other)
        assert got[0] == {"full": [False, 2], "resumed": [True, 0]}
        assert got[1] == {"full": [False, 2], "resumed": [True, 0]}
        assert got[2] == {"full": [False, 2], "resumed": [False, 2]}

    run_loop(main)


def test_set_ticket_keys_keeps_resumptions_ticketless() -> None:
    """Shared backend: after setTicketKeys a ticket issued under the new keys resumes with no
    new ticket; one issued under the old keys no longer resumes (a full handshake, 2 tickets)."""
    if not SHARED:
        async def refused() -> None:
            server = tls.createServer(AGENT1)
            with pytest.raises(tls.NodeError) as info:
                server.setTicketKeys(os.urandom(48))
            assert info.value.code == "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM"

        run_loop(refused)
        return

    async def main() -> None:
        server = tls.createServer(AGENT1, lambda c: c.end(b"hi"))
        port = await listening(server)
        drawn = server.getTicketKeys()
        assert len(drawn) == 48 and drawn != tls.createServer(AGENT1).getTicketKeys()
        [before] = await node_client([(port, port)])
        keys = os.urandom(48)
        server.setTicketKeys(keys)
        assert server.getTicketKeys() == keys
        [after] = await node_client([(port, port)])
        server.close()
        assert before == after == {"full": [False, 2], "resumed": [True, 0]}

    run_loop(main)

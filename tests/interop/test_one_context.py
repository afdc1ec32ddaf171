"""One SecureContext is one SSL_CTX (issue 9 §1), on both backends, against Node 20.

What a user sees of it: sessions, tickets and the PSK identity hint belong to the
SecureContext (or the connection), not to whichever callbacks a connection asked for; and a
client's ``session`` and ``keylog`` listeners work when added after TLS started, as Node's
``newListener`` handlers turn the callbacks on then.
"""

from __future__ import annotations

from typing import Any

from conftest import (
    NODE_PRELUDE,
    NodePeer,
    collect,
    key,
    listening,
    node_session_client,
    once,
    run_loop,
)

import nodessl as tls

AGENT1 = {"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")}


def test_a_ticket_resumes_after_the_server_gained_a_keylog_listener() -> None:
    """Issue 9 §1's user story: the connection with a 'keylog' listener uses the same SSL_CTX
    (the keylog callback is installed on it), so it resumes the ticket issued before with
    the SecureContext's ticket keys.  (Without tickets Node resumes nothing: its server has
    no internal session cache, only newSession/resumeSession.)"""
    async def main() -> None:
        server = tls.createServer({**AGENT1, "maxVersion": "TLSv1.2"}, lambda c: c.end(b"hi"))
        port = await listening(server)
        first = await node_session_client(port)
        assert first["reused"] is False and len(first["sessions"]) == 1
        lines: list[bytes] = []
        server.on("keylog", lambda line, _sock: lines.append(line))
        again = await node_session_client(port, first["sessions"][0])
        assert [line.split(b" ")[0] for line in lines] == [b"CLIENT_RANDOM"]
        assert again["reused"] is True
        server.close()

    run_loop(main)


NODE_PSK_CLIENT = NODE_PRELUDE + r"""
const port = Number(process.argv[1]);
const c = tls.connect({port, host: '127.0.0.1', ciphers: 'PSK', maxVersion: 'TLSv1.2',
  checkServerIdentity: () => {},
  pskCallback: (hint) => { out({hint}); return {psk: Buffer.alloc(16, 7), identity: 'me'}; }},
  () => c.on('close', () => out({secure: true})));
c.on('error', (e) => out({error: e.code}));
c.resume();
"""


def test_each_server_sends_its_own_psk_identity_hint_from_one_secure_context() -> None:
    """The hint is the connection's (Node's SSL_use_psk_identity_hint), not the context's:
    two servers sharing one SecureContext each send their own."""
    async def main() -> None:
        shared = tls.createSecureContext({"ciphers": "PSK", "maxVersion": "TLSv1.2"})

        def lookup(_sock: tls.TLSSocket, identity: str) -> bytes | None:
            return bytes([7]) * 16 if identity == "me" else None

        servers = [tls.createServer({"secureContext": shared, "pskCallback": lookup,
                                     "pskIdentityHint": hint, "ciphers": "PSK"},
                                    lambda c: c.end())
                   for hint in ("first-hint", "second-hint")]
        for server, hint in zip(servers * 2, ["first-hint", "second-hint"] * 2, strict=True):
            port = await listening(server) if not server.listening else server.address().port
            node = await NodePeer.start(NODE_PSK_CLIENT.replace("process.argv[1]", str(port)))
            assert await node.message() == {"hint": hint}
            assert await node.message() == {"secure": True}
            await node.close()
        for server in servers:
            server.close()

    run_loop(main)


# A client adds its 'session' and 'keylog' listeners on 'connect' (TLS has started: the
# ClientHello is out) or on 'secureConnect' (the handshake is done).  Counts per protocol.
LATE_NODE = NODE_PRELUDE + r"""
const k = (n) => fs.readFileSync(n);
async function trial(version, when) {
  return new Promise((resolve) => {
    const server = tls.createServer({key: k('agent1-key.pem'), cert: k('agent1-cert.pem'),
                                     maxVersion: version}, (s) => s.end('x'));
    server.listen(0, '127.0.0.1', () => {
      const c = tls.connect(server.address().port, '127.0.0.1',
                            {ca: k('ca1-cert.pem'), servername: 'agent1'});
      let sessions = 0, keylog = 0;
      c.on(when, () => { c.on('session', () => sessions++); c.on('keylog', () => keylog++); });
      c.resume();
      c.on('close', () => { server.close(); resolve([version, when, sessions, keylog]); });
    });
  });
}
(async () => {
  const rows = [];
  for (const v of ['TLSv1.3', 'TLSv1.2'])
    for (const w of ['connect', 'secureConnect']) rows.push(await trial(v, w));
  out(rows);
})();
"""

# What node v20.20.2 printed; the test also asks the node on the machine each run.
LATE_EXPECTED = [["TLSv1.3", "connect", 2, 5], ["TLSv1.3", "secureConnect", 2, 0],
                 ["TLSv1.2", "connect", 1, 1], ["TLSv1.2", "secureConnect", 0, 0]]


def test_client_session_and_keylog_listeners_added_after_tls_started() -> None:
    async def trial(version: str, when: str) -> list[Any]:
        server = tls.createServer({**AGENT1, "maxVersion": version}, lambda s: s.end(b"x"))
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                 "servername": "agent1"})
        counts = {"session": 0, "keylog": 0}

        def count(event: str) -> Any:
            return lambda *_a: counts.__setitem__(event, counts[event] + 1)

        client.on(when, lambda *_a: (client.on("session", count("session")),
                                     client.on("keylog", count("keylog"))))
        closed = once(client, "close")
        await collect(client)
        await closed
        server.close()
        return [version, when, counts["session"], counts["keylog"]]

    async def main() -> list[list[Any]]:
        return [await trial(v, w) for v in ("TLSv1.3", "TLSv1.2")
                for w in ("connect", "secureConnect")]

    async def node_rows() -> Any:
        node = await NodePeer.start(LATE_NODE)
        rows = await node.message()
        await node.close()
        return rows

    assert run_loop(node_rows) == LATE_EXPECTED
    assert run_loop(main) == LATE_EXPECTED

"""``_undestroy()`` and the writes a closing TLSSocket cancels, compared with Node 20.

A client whose server (a Node ``net`` server) drops the connection at once fails with
``ECONNRESET``; its 'hello' write, held for the handshake, ends when the socket closes:
without an error on a destroyed socket, with ``ECANCELED`` (syscall ``write``) on one that
an 'error' listener brought back with ``_undestroy()``, which then fails and closes again.
Node's own client runs the same steps against the same server; the events must match.
"""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import NODE_PRELUDE, NodePeer, run_loop

import nodessl as tls

# The server, and Node's own client going through the same steps; stdin 'end' stops it.
NODE_PEER = NODE_PRELUDE + r"""
const server = net.createServer((c) => c.destroy()).listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  for (const undestroy of [true, false]) {
    const events = [];
    const c = tls.connect({port, host: '127.0.0.1'});
    c.on('error', (e) => { events.push(`error ${e.code}`); if (undestroy) c._undestroy(); });
    c.write('hello', (err) => events.push(`write ${err ? err.code + ' ' + err.syscall : null}`));
    c.on('close', () => events.push('close'));
    setTimeout(() => out({undestroy, events}), 300);
  }
  setTimeout(() => out({port}), 400);
});
process.stdin.on('end', () => server.close()).resume();
"""


def test_undestroy_then_the_held_write_fails_with_ecanceled_as_in_node() -> None:
    async def main() -> None:
        peer = await NodePeer.start(NODE_PEER)
        try:
            node = {}
            for _ in range(2):
                result = await peer.message()
                node[result["undestroy"]] = result["events"]
            port = (await peer.message())["port"]
            assert node[True] == ["error ECONNRESET", "write ECANCELED write", "close",
                                  "error ECANCELED", "close"]
            for undestroy in (True, False):
                events: list[str] = []
                c = tls.connect({"port": port, "host": "127.0.0.1"})

                def on_error(err: Any, c: Any = c, undestroy: bool = undestroy,
                             events: list[str] = events) -> None:
                    events.append(f"error {err.code}")
                    if undestroy:
                        c._undestroy()

                def on_written(err: Any = None, events: list[str] = events) -> None:
                    events.append(f"write {err.code} {err.syscall}" if err else "write null")

                c.on("error", on_error)
                c.write("hello", on_written)
                c.on("close", lambda *_, events=events: events.append("close"))
                while events.count("close") < (2 if undestroy else 1):
                    await asyncio.sleep(0.01)
                await asyncio.sleep(0.05)  # nothing more comes after the last 'close'
                assert events == node[undestroy], (undestroy, events)
        finally:
            peer.proc.stdin.close()
            await peer.close()

    run_loop(main)


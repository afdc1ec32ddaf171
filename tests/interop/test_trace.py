"""enableTrace against Node 20: on the shared backend nodessl prints OpenSSL's own SSL_trace
text, the very text a Node 20 client prints for the same handshake (randoms, keys,
signatures, tickets and Finished data aside); on the bundled backend trace.py's formatter
reports the same records and messages in the same order."""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest
from conftest import NODE_PRELUDE, NodePeer, once, run_loop

import nodessl as tls
from nodessl.context import NODE20_GROUPS

_SERVER = NODE_PRELUDE + """
const s = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
  cert: fs.readFileSync('agent1-cert.pem'), maxVersion: process.argv[1]}, (c) => c.end('x'));
s.listen(0, '127.0.0.1', () => out({port: s.address().port}));
process.stdin.on('end', () => s.close()); process.stdin.resume();
"""
# Node's test-tls-enable-trace.js client side: enableTrace() right after connect.  Both
# clients name the same groups: nodessl's 'auto' leaves out the ffdhe groups a Node 20
# client also offers (context.NODE20_GROUPS), which would change the ClientHello.
_CLIENT = NODE_PRELUDE + """
const o = JSON.parse(process.argv[1]);
const c = tls.connect({port: o.port, host: '127.0.0.1', rejectUnauthorized: false,
  ecdhCurve: o.groups});
c.enableTrace();
c.on('data', () => {});
c.on('end', () => c.end());
"""

# hex dumps of random or secret values, and the random numbers of a ticket
_VARYING = [
    (re.compile(r"\b[0-9A-F]{16,}\b"), "<hex>"),
    (re.compile(r"gmt_unix_time=0x[0-9A-F]+"), "gmt_unix_time=<n>"),
    (re.compile(r"ticket_age_add=\d+"), "ticket_age_add=<n>"),
]


def normalised(trace: str) -> str:
    for pattern, replacement in _VARYING:
        trace = pattern.sub(replacement, trace)
    return trace


def skeleton(trace: str) -> list[str]:
    """The records and messages, in order, without lengths or contents."""
    keep = re.compile(r"^(Sent Record|Received Record|  Content Type = .*|"
                      r"  Inner Content Type = .*|    [A-Za-z]+(?=, Length=)|"
                      r"    change_cipher_spec.*|    Level=.*)")
    return [m.group(0) for line in trace.splitlines() if (m := keep.match(line))]


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_client_trace_is_node_20s(version: str) -> None:
    async def main() -> tuple[str, str]:
        server = await NodePeer.start(_SERVER.replace("process.argv[1]", repr(version)))
        port = (await server.message())["port"]
        node = await NodePeer.start(_CLIENT.replace(
            "process.argv[1]", repr(json.dumps({"port": port, "groups": NODE20_GROUPS}))))
        node_trace = await node.close()

        ours = io.StringIO()
        with contextlib.redirect_stderr(ours):
            client = tls.connect(port, "127.0.0.1", {"rejectUnauthorized": False,
                                                     "ecdhCurve": NODE20_GROUPS})
            client.enableTrace()
            client.on("data", lambda _d: None)
            client.on("end", client.end)
            await once(client, "close")
        assert server.proc.stdin is not None
        server.proc.stdin.close()
        await server.close()
        return node_trace, ours.getvalue()

    node_trace, ours = run_loop(main)
    assert "    ClientHello, Length=" in node_trace and "    Finished, Length=" in node_trace
    if tls.backend.is_shared():
        # SSL_trace itself: line for line what Node prints
        assert normalised(ours) == normalised(node_trace)
        assert skeleton(ours) == skeleton(node_trace)
    else:
        # the formatter's own text, over OpenSSL 4's message callback, which also reports
        # the content of the middlebox-compatibility ChangeCipherSpec a TLS 1.3 client
        # receives (3.0 reports only its record header)
        assert normalised(ours) != normalised(node_trace)
        lines = skeleton(ours)
        received_ccs = ["Received Record", "  Content Type = ChangeCipherSpec (20)",
                        "    change_cipher_spec (1)"]
        compat = [line for i, line in enumerate(lines)
                  if version == "TLSv1.2" or lines[max(i - 2, 0):i + 1] != received_ccs]
        assert compat == skeleton(node_trace)

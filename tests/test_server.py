"""``tls.createServer`` / ``tls.Server`` option checks, in Node's order and with its codes.

The same table of bad options goes through Node 20's ``tls.createServer`` and nodessl's;
the first failing check must be the same one.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import KEYS, key, listening, once, python_words, run_loop, run_node

import nodessl as tls
from nodessl import net

SERVER_ORDER: dict[str, Any] = {
    "options_number": 1,
    "options_string": "x",
    "alpn_both": {"ALPNCallback": "__fn__", "ALPNProtocols": ["a"]},
    "alpn_both_before_cert": {"ALPNCallback": "__fn__", "ALPNProtocols": ["a"], "cert": 1},
    "alpn_not_a_list_is_ignored": {"ALPNProtocols": 1},
    "alpn_item": {"ALPNProtocols": [1]},
    "alpn_item_before_cert": {"ALPNProtocols": [1], "cert": 1},
    "cert": {"cert": 1},
    "key": {"key": 1},
    "ca": {"ca": 1},
    "ciphers": {"ciphers": 1},
    "minVersion": {"minVersion": "x"},
    "secureProtocol": {"secureProtocol": "x"},
    "sessionIdContext": {"sessionIdContext": 1},
    "sessionTimeout": {"sessionTimeout": "x"},
    "ticketKeys": {"ticketKeys": 1},
    "passphrase": {"passphrase": 1, "key": "x"},
    "handshakeTimeout": {"handshakeTimeout": "x"},
    "cert_before_handshakeTimeout": {"handshakeTimeout": "x", "cert": 1},
    "handshakeTimeout_zero_is_the_default": {"handshakeTimeout": 0},
    "handshakeTimeout_negative": {"handshakeTimeout": -1},
    "SNICallback": {"SNICallback": 1},
    "handshakeTimeout_before_SNICallback": {"SNICallback": 1, "handshakeTimeout": "x"},
    "pskCallback": {"pskCallback": 1},
    "SNICallback_before_pskCallback": {"pskCallback": 1, "SNICallback": 1},
    "pskIdentityHint": {"pskIdentityHint": 1},
    "pskCallback_before_pskIdentityHint": {"pskIdentityHint": 1, "pskCallback": 1},
    "highWaterMark": {"highWaterMark": "x"},
    "pskIdentityHint_before_highWaterMark": {"highWaterMark": "x", "pskIdentityHint": 1},
    "highWaterMark_negative_is_the_default": {"highWaterMark": -1},
    "keepAliveInitialDelay": {"keepAliveInitialDelay": "x"},
    "secureOptions_string_is_ignored": {"secureOptions": "x"},
    "enableTrace_is_checked_per_socket": {"enableTrace": "x"},
}

# Where nodessl deliberately answers differently, and why.
SERVER_DIFFERENCES = {
    # Node checks ALPNCallback only when a connection arrives, where the error escapes the
    # 'connection' event and ends the process; nodessl rejects it at once (nodessl.alpn)
    "alpn_callback_not_a_function": "ERR_INVALID_ARG_TYPE",
}
SERVER_ORDER["alpn_callback_not_a_function"] = {"ALPNCallback": 1}

SERVER_SCRIPT = r"""
const tls = require('tls');
let input = '';
process.stdin.on('data', (d) => input += d).on('end', () => {
  const out = {};
  for (const [name, given] of Object.entries(JSON.parse(input))) {
    let opts = given;
    if (given && typeof given === 'object') {
      opts = {};
      for (const k in given) opts[k] = given[k] === '__fn__' ? (() => {}) : given[k];
    }
    try { tls.createServer(opts); out[name] = ['ok', '']; }
    catch (e) { out[name] = [e.code, e.message.split('\n')[0]]; }
  }
  console.log(JSON.stringify(out));
});
"""


@pytest.fixture(scope="module")
def node_server_checks() -> dict[str, list[str]]:
    return run_node(SERVER_SCRIPT, SERVER_ORDER)


def _python(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (lambda *a: None) if v == "__fn__" else v for k, v in value.items()}
    return value


@pytest.mark.parametrize("name", sorted(SERVER_ORDER))
def test_create_server_checks_options_in_nodes_order(
        name: str, node_server_checks: dict[str, Any]) -> None:
    node_code, node_message = node_server_checks[name]

    async def main() -> tuple[str, str]:
        try:
            server = tls.createServer(_python(SERVER_ORDER[name]))
        except tls.NodeError as err:
            return str(err.code), err.message
        server.close()
        return "ok", ""

    code, message = run_loop(main)
    if name in SERVER_DIFFERENCES:
        assert node_code == "ok"
        assert code == SERVER_DIFFERENCES[name]
        return
    assert code == node_code
    # the same words, up to JavaScript's type names ("number" for int, "string" for str; "a
    # str" for "of type string")
    assert message.replace("type int", "type number").replace("type str ", "type string ") \
        == python_words(node_message)


def test_handshake_timeout_zero_means_nodes_default() -> None:
    async def main() -> None:
        server = tls.createServer({"handshakeTimeout": 0})
        assert server._handshakeTimeout == 120000
        server.close()

    run_loop(main)


def test_server_builds_its_context_through_the_module_attribute(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``createServer`` and ``setSecureContext`` call ``nodessl.createSecureContext`` as
    looked up now, as Node's call ``tls.createSecureContext``."""
    calls: list[dict[str, Any]] = []
    original = tls.createSecureContext

    def spy(options: Any = None) -> Any:
        calls.append(dict(options))
        return original(options)

    monkeypatch.setattr(tls, "createSecureContext", spy)

    async def main() -> None:
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "handshakeTimeout": 5000})
        assert len(calls) == 1
        assert calls[0]["cert"] == key("agent1-cert.pem")
        assert calls[0]["honorCipherOrder"] is True  # Node's server default
        await listening(server)
        server.setSecureContext({"key": key("agent2-key.pem"), "cert": key("agent2-cert.pem")})
        assert len(calls) == 2 and calls[1]["cert"] == key("agent2-cert.pem")
        server.close()

    run_loop(main)


SOCKET_SERVER_SCRIPT = r"""
const tls = require('tls'), net = require('net'), fs = require('fs');
const seen = {};
const s = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
                            cert: fs.readFileSync('agent1-cert.pem')}, (c) => {
  seen.tlsSocketServerIsServer = c.server === s; c.end();
});
s.on('connection', (c) => { seen.rawSocketServerIsServer = c.server === s; });
s.listen(0, '127.0.0.1', () => {
  const c = tls.connect({port: s.address().port, rejectUnauthorized: false}, () => {
    seen.tlsClientServer = c.server === undefined ? null : c.server;
    const n = net.createServer((p) => {
      seen.netSocketServerIsServer = p.server === n; p.end(); n.close(); s.close(); c.end();
    }).listen(0, '127.0.0.1', () => {
      const nc = net.connect(n.address().port, '127.0.0.1');
      seen.netClientServer = nc.server;
      nc.on('close', () => console.log(JSON.stringify(seen))).resume();
    });
  });
});
"""


def test_accepted_sockets_know_their_server() -> None:
    """``socket.server``: a net.Server's accepted socket and a tls.Server's raw and TLS
    sockets point at the server; a client's is None (Node: null/undefined)."""
    node_seen = run_node(f"process.chdir({str(KEYS)!r});" + SOCKET_SERVER_SCRIPT, None)

    async def main() -> dict[str, Any]:
        seen: dict[str, Any] = {}
        done = asyncio.get_running_loop().create_future()
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")},
                                  lambda c: (seen.__setitem__("tlsSocketServerIsServer",
                                                              c.server is server), c.end()))
        server.on("connection", lambda c: seen.__setitem__("rawSocketServerIsServer",
                                                           c.server is server))
        port = await listening(server)
        client = tls.connect({"port": port, "rejectUnauthorized": False})
        await once(client, "secureConnect")
        seen["tlsClientServer"] = client.server

        def on_plain(p: Any) -> None:
            seen["netSocketServerIsServer"] = p.server is plain
            p.end()

        plain = net.createServer(on_plain)
        nport = await listening(plain)
        nc = net.connect(nport, "127.0.0.1")
        seen["netClientServer"] = nc.server
        nc.on("close", lambda *a: done.set_result(None))
        nc.resume()
        await done
        plain.close()
        server.close()
        client.end()
        return seen

    assert node_seen["tlsSocketServerIsServer"] is True
    assert run_loop(main) == node_seen


def test_set_options_is_deprecated_and_applies_request_cert_to_new_connections() -> None:
    """Node's ``server.setOptions`` (DEP0122): ``requestCert``/``rejectUnauthorized`` apply
    to the connections accepted afterwards; context options (``clientCertEngine``, ``key``,
    ...) only become properties of the server, its context unchanged."""
    async def main() -> None:
        peers: list[Any] = []
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem")},
                                  lambda s: (peers.append(s.getPeerCertificate()), s.end()))
        before = server._secure_context
        with pytest.warns(DeprecationWarning, match=r"\[DEP0122\] Server\.prototype\.setOptions"):
            server.setOptions({"requestCert": True, "rejectUnauthorized": False,
                               "clientCertEngine": "x", "key": key("agent2-key.pem")})
        assert server.clientCertEngine == "x" and server.key == key("agent2-key.pem")
        assert server._secure_context is before
        assert server.honorCipherOrder is True and len(server.sessionIdContext) == 32
        port = await listening(server)
        client = tls.connect(port, "127.0.0.1", {"key": key("agent2-key.pem"),
                                                 "cert": key("agent2-cert.pem"),
                                                 "rejectUnauthorized": False})
        client.resume()
        await once(client, "close")
        server.close()
        # asked for a certificate (requestCert) and kept the connection although it is
        # self-signed (rejectUnauthorized: false)
        assert [p["subject"]["CN"] for p in peers] == ["agent2"]

    run_loop(main)

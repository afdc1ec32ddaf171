"""Errors in Python's words with Node's codes; a key/cert/ca... path gets a hint; unknown
keyword options are a TypeError while a dict keeps Node's leniency (issue 12, "Types")."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from conftest import KEYS, key, listening, once, run_loop, run_node

import nodessl as tls
from nodessl import X509Certificate, net
from nodessl.context import PATH_HINT
from nodessl.errors import python_types
from nodessl.optionnames import known_options

BYTES_LIKE = "bytes-like (bytes, bytearray, memoryview)"
# words only JavaScript has for a type; none may reach a message
JS_WORDS = re.compile(r"Buffer|TypedArray|DataView|Uint8Array|\bof type\b|\bundefined\b"
                      r"|\bnull\b|\bboolean\b|type number|type string|Object\b")


# -- 1. Python's words, Node's codes -----------------------------------------------------------

@pytest.mark.parametrize(("node", "python"), [
    ("of type string", "a str"),
    ("of type number", "a number (int or float)"),
    ("of type boolean", "a bool"),
    ("of type object", "a dict"),
    ("of type function", "a callable"),
    ("an instance of Buffer, TypedArray, or DataView", BYTES_LIKE),
    ("of type string or an instance of Buffer, TypedArray, or DataView", f"a str or {BYTES_LIKE}"),
    ("of type string or an instance of Buffer or ArrayBuffer", f"a str or {BYTES_LIKE}"),
    ("of type string or one of null or undefined", "a str or None"),
    ("one of type number or string", "a number (int or float) or a str"),
    ("one of type string, object, number, or boolean",
     "a str, a dict, a number (int or float) or a bool"),
    ("an instance of Buffer, TypedArray, DataView, or Object", f"{BYTES_LIKE} or a dict"),
    # not a JavaScript type: left as it is
    ("an instance of AbortSignal", "an instance of AbortSignal"),
])
def test_node_type_phrases_in_python_words(node: str, python: str) -> None:
    assert python_types(node) == python


# Calls that fail ERR_INVALID_ARG_TYPE in several modules, and the JSON-able ones with the
# same call in Node (for the code and the subject of the message).
_TYPE_ERRORS: list[tuple[str, Any, str | None]] = [
    ("createSecureContext key", lambda: tls.createSecureContext({"key": 1}),
     "tls.createSecureContext({key: 1})"),
    ("createSecureContext ca", lambda: tls.createSecureContext({"ca": True}),
     "tls.createSecureContext({ca: true})"),
    ("createSecureContext ciphers", lambda: tls.createSecureContext({"ciphers": 1}),
     "tls.createSecureContext({ciphers: 1})"),
    ("createSecureContext ticketKeys", lambda: tls.createSecureContext({"ticketKeys": "abcd"}),
     "tls.createSecureContext({ticketKeys: 'abcd'})"),
    ("createServer options", lambda: tls.createServer("x"), "tls.createServer('x')"),
    ("createServer SNICallback", lambda: tls.createServer({"SNICallback": 5}),
     "tls.createServer({SNICallback: 5})"),
    ("createServer handshakeTimeout", lambda: tls.createServer({"handshakeTimeout": "x"}),
     "tls.createServer({handshakeTimeout: 'x'})"),
    ("connect checkServerIdentity",
     # Node 20 fails its own internal assertion here (ERR_INTERNAL_ASSERTION): not compared
     lambda: tls.connect({"port": 443, "checkServerIdentity": 1}), None),
    ("net.connect port", lambda: net.connect({"port": True}), "net.connect({port: true})"),
    ("X509Certificate", lambda: X509Certificate(1), "new crypto.X509Certificate(1)"),
]


def _raised(call: Any) -> Any:
    with pytest.raises(TypeError) as info:
        call()
    return info.value


@pytest.mark.parametrize(("call", "js"), [(c, js) for _n, c, js in _TYPE_ERRORS],
                         ids=[n for n, _c, _js in _TYPE_ERRORS])
def test_type_errors_speak_python_with_node_code(call: Any, js: str | None) -> None:
    err = _raised(call)
    assert err.code == "ERR_INVALID_ARG_TYPE"
    assert not JS_WORDS.search(err.message), err.message
    assert re.search(r" must be (a |an |bytes-like)", err.message), err.message


def test_codes_and_subjects_are_nodes() -> None:
    """Node throws the same code for the same call, about the same argument/property."""
    script = """
    const tls = require('tls'), net = require('net'), crypto = require('crypto');
    const calls = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const out = calls.map((src) => {
      try { eval(src); return null; } catch (e) { return [e.code, e.message]; }
    });
    console.log(JSON.stringify(out));
    """
    compared = [case for case in _TYPE_ERRORS if case[2] is not None]
    node = run_node(script, [js for _n, _c, js in compared])
    for (name, call, _js), theirs in zip(compared, node, strict=True):
        ours = _raised(call)
        assert theirs is not None, f"{name}: Node did not throw"
        assert ours.code == theirs[0], name
        # 'The "options.key" property' / 'The "options" argument': Node's subject, kept
        assert ours.message.split(" must be ")[0] == theirs[1].split(" must be ")[0], name


def test_buffer_messages_say_bytes_like() -> None:
    with pytest.raises(TypeError) as info:
        tls.connect({"port": 443, "session": "x"})
    assert info.value.code == "ERR_INVALID_ARG_TYPE"  # type: ignore[attr-defined]
    assert str(info.value.message) == f"Session must be {BYTES_LIKE}"  # type: ignore[attr-defined]


def test_no_module_writes_javascript_type_words_by_hand() -> None:
    """Messages naming a type go through errors.invalid_arg_type (which translates)."""
    pkg = Path(tls.__file__).parent
    hand_built = re.compile(r"""Node(?:Type)?Error\(\s*f?['"][^'"]*must be (?:of type|one of type"""
                            r"""|an instance of (?:Buffer|TypedArray))""")
    offenders = [str(p.relative_to(pkg)) for p in sorted(pkg.rglob("*.py"))
                 if hand_built.search(p.read_text())]
    assert offenders == []


# -- 2. a path where the file's contents belong ------------------------------------------------

_RAISING = {"key": "agent1-key.pem", "cert": "agent1-key.pem", "pfx": "agent1-key.pem",
            "crl": "agent1-key.pem"}


@pytest.mark.parametrize("option", sorted(_RAISING))
def test_a_path_gets_a_hint_and_keeps_its_code(option: str, tmp_path: Path) -> None:
    path = str(KEYS / _RAISING[option])
    missing = str(tmp_path / "no-such-file.pem")  # the same kind of str, but no file
    with pytest.raises(tls.NodeError) as plain:
        tls.createSecureContext({option: missing})
    with pytest.raises(tls.NodeError) as hinted:
        tls.createSecureContext({option: path})
    assert PATH_HINT not in plain.value.message
    assert hinted.value.code == plain.value.code
    assert hinted.value.message == f"{plain.value.message} ({PATH_HINT})"
    assert str(hinted.value).startswith(hinted.value.message)


def test_the_codes_for_a_path_are_nodes() -> None:
    path = str(KEYS / "agent1-key.pem")
    script = """
    const tls = require('tls');
    const [names, path] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    console.log(JSON.stringify(names.map((n) => {
      try { tls.createSecureContext({[n]: path}); return 'ok'; } catch (e) { return e.code ?? null; }
    })));
    """
    names = ["key", "cert", "ca", "pfx", "crl", "dhparam"]
    theirs = run_node(script, [names, path])
    ours = []
    for name in names:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tls.createSecureContext({name: path})
            ours.append("ok")
        except tls.NodeError as err:
            ours.append(err.code)
    assert ours == theirs


def test_a_path_in_a_list_or_through_create_server_is_hinted() -> None:
    path = str(KEYS / "agent1-key.pem")
    with pytest.raises(tls.NodeError) as info:
        tls.createSecureContext({"key": [key("agent1-key.pem").decode(), path]})
    assert info.value.message.endswith(f"({PATH_HINT})")
    with pytest.raises(tls.NodeError) as info2:
        tls.createServer({"key": path, "cert": key("agent1-cert.pem")})
    assert info2.value.message.endswith(f"({PATH_HINT})")


@pytest.mark.parametrize("option", ["ca", "dhparam"])
def test_a_path_node_ignores_warns(option: str) -> None:
    # Node makes the context (it ignores text with no PEM block); nodessl too, and says why
    with pytest.warns(UserWarning, match=re.escape(PATH_HINT)) as seen:
        ctx = tls.createSecureContext({option: str(KEYS / "ca1-cert.pem")})
    assert isinstance(ctx, tls.SecureContext)
    assert f"options.{option}" in str(seen[0].message)


def test_pem_text_is_not_taken_for_a_path() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ctx = tls.createSecureContext({"key": key("agent1-key.pem").decode(),
                                       "cert": key("agent1-cert.pem").decode(),
                                       "ca": key("ca1-cert.pem").decode()})
    assert ctx.certificates()
    with pytest.raises(tls.NodeError) as info:
        tls.createSecureContext({"cert": "not a pem"})
    assert PATH_HINT not in info.value.message


# -- 3. unknown keyword options ----------------------------------------------------------------

@pytest.mark.parametrize(("call", "shown", "unknown", "suggestion"), [
    (lambda: tls.connect(port=443, requestCrt=True), "connect", "requestCrt", "requestCert"),
    (lambda: tls.connect(443, alpnProtocols=["h2"]), "connect", "alpnProtocols",
     "ALPNProtocols"),
    (lambda: tls.createServer(requestCrt=True), "createServer", "requestCrt", "requestCert"),
    (lambda: tls.Server(rejectUnauthorised=False), "createServer", "rejectUnauthorised",
     "rejectUnauthorized"),
    (lambda: tls.createSecureContext(kye=b""), "createSecureContext", "kye", "key"),
    (lambda: tls.createSecureContext(ciphres="HIGH"), "createSecureContext", "ciphres",
     "ciphers"),
    (lambda: tls.connect(port=443, frobnicate=1), "connect", "frobnicate", None),
    # net's entry points and new TLSSocket(...)
    (lambda: net.connect(port=1, hots="127.0.0.1"), "connect", "hots", "host"),
    (lambda: net.createConnection(1, "127.0.0.1", locaPort=5), "connect", "locaPort",
     "localPort"),
    (lambda: net.createServer(allowHalfOpne=True), "createServer", "allowHalfOpne",
     "allowHalfOpen"),
    (lambda: net.Server(lambda s: None, pauseOnConect=True), "createServer", "pauseOnConect",
     "pauseOnConnect"),
    (lambda: net.Socket(allowHalfOpne=True), "Socket", "allowHalfOpne", "allowHalfOpen"),
    (lambda: net.Socket(port=80), "Socket", "port", None),  # connect's, not the socket's
    (lambda: tls.TLSSocket(None, requestCrt=True), "TLSSocket", "requestCrt", "requestCert"),
    (lambda: tls.TLSSocket(None, {"isServer": True}, alpnProtocols=["h2"]), "TLSSocket",
     "alpnProtocols", "ALPNProtocols"),
    (lambda: tls.TLSSocket(None, frobnicate=1), "TLSSocket", "frobnicate", None),
])
def test_an_unknown_keyword_is_a_type_error(call: Any, shown: str, unknown: str,
                                            suggestion: str | None) -> None:
    err = _raised(call)
    assert isinstance(err, tls.NodeError)
    assert err.code == "ERR_INVALID_ARG_VALUE"
    assert err.argument == unknown
    assert err.message.startswith(f"{shown}() got an unexpected keyword argument {unknown!r}")
    if suggestion is None:
        assert "did you mean" not in err.message
    else:
        assert err.message.endswith(f"(did you mean {suggestion!r}?)")


def test_the_asyncio_entry_points_check_their_keywords() -> None:
    async def main() -> list[str]:
        messages = []
        for call in (lambda: tls.open_connection("127.0.0.1", 1, requestCrt=True),
                     lambda: tls.start_server(lambda r, w: None, "127.0.0.1", 0, requestCrt=True)):
            with pytest.raises(TypeError) as info:
                await call()
            messages.append(info.value.message)  # type: ignore[attr-defined]
        return messages

    opened, started = run_loop(main)
    assert opened.startswith("open_connection() got an unexpected keyword argument 'requestCrt'")
    assert started.startswith("start_server() got an unexpected keyword argument 'requestCrt'")


def test_a_dict_keeps_nodes_leniency() -> None:
    """Unknown keys in a dict are ignored, as Node ignores them; the connection is made."""
    async def main() -> tuple[bool, str]:
        server = tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                                   "requestCrt": True, "nodeOnlyFutureOption": 1})
        server.on("secureConnection", lambda s: s.end(b"hi"))
        port = await listening(server)
        assert isinstance(tls.createSecureContext({"kye": b"", "ca": key("ca1-cert.pem")}),
                          tls.SecureContext)
        client = tls.connect({"port": port, "host": "127.0.0.1", "ca": key("ca1-cert.pem"),
                              "servername": "agent1", "requestCrt": True})
        await once(client, "secureConnect")
        authorized = client.authorized
        data = []
        client.on("data", data.append)
        await once(client, "end")
        client.destroy()
        server.close()
        return authorized, b"".join(data).decode()

    assert run_loop(main) == (True, "hi")


# Node 20's documented options (tls.md, net.md) of each entry point
_NODE_CONTEXT = {
    "allowPartialTrustChain", "ca", "cert", "sigalgs", "ciphers", "clientCertEngine", "crl",
    "dhparam", "ecdhCurve", "honorCipherOrder", "key", "privateKeyEngine",
    "privateKeyIdentifier", "maxVersion", "minVersion", "passphrase", "pfx", "secureOptions",
    "secureProtocol", "sessionIdContext", "ticketKeys", "sessionTimeout",
}
_NODE_SERVER = _NODE_CONTEXT | {
    "ALPNProtocols", "ALPNCallback", "clientCertEngine", "enableTrace", "handshakeTimeout",
    "rejectUnauthorized", "requestCert", "sessionTimeout", "SNICallback", "ticketKeys",
    "pskCallback", "pskIdentityHint",
    "allowHalfOpen", "highWaterMark", "pauseOnConnect", "noDelay", "keepAlive",
    "keepAliveInitialDelay",
}
_NODE_CONNECT = _NODE_CONTEXT | {
    "enableTrace", "host", "port", "path", "socket", "allowHalfOpen", "rejectUnauthorized",
    "pskCallback", "ALPNProtocols", "servername", "checkServerIdentity", "session",
    "minDHSize", "highWaterMark", "secureContext", "onread", "timeout",
    # new tls.TLSSocket's
    "isServer", "server", "requestCert", "SNICallback", "requestOCSP",
    # socket.connect's and new net.Socket's
    "family", "hints", "localAddress", "localPort", "lookup", "noDelay", "keepAlive",
    "keepAliveInitialDelay", "autoSelectFamily", "autoSelectFamilyAttemptTimeout", "fd",
    "readable", "writable", "signal",
}


def _docstring_options(fn: Any) -> set[str]:
    # the ``name`` items of the docstring's option list (help(nodessl.createSecureContext)):
    # from its first colon to "Other keys"
    doc = fn.__doc__ or ""
    listed = doc[doc.index("):") : doc.index("Other keys")]
    return set(re.findall(r"``([A-Za-z]+)``", listed))


def test_every_documented_option_is_a_known_keyword() -> None:
    listed = _docstring_options(tls.createSecureContext)
    assert len(listed) >= 20
    assert listed <= _NODE_CONTEXT
    assert _NODE_CONTEXT <= known_options("createSecureContext")
    assert _NODE_SERVER <= known_options("createServer")
    assert _NODE_CONNECT <= known_options("connect")


@pytest.mark.parametrize("name", sorted(_NODE_CONTEXT))
def test_every_context_option_is_taken_as_a_keyword(name: str) -> None:
    # None is JavaScript's undefined: the option's default, so every option can be passed so
    assert isinstance(tls.createSecureContext(**{name: None}), tls.SecureContext)


@pytest.mark.parametrize("name", sorted(_NODE_SERVER))
def test_every_server_option_is_taken_as_a_keyword(name: str) -> None:
    server = tls.createServer(**{name: None})
    assert isinstance(server, tls.Server)


def test_connect_takes_its_documented_options_as_keywords() -> None:
    async def main() -> str:
        server = tls.createServer(key=key("agent1-key.pem"), cert=key("agent1-cert.pem"),
                                  ALPNProtocols=["h2"], handshakeTimeout=5000,
                                  requestCert=False)
        server.on("secureConnection", lambda s: s.end())
        port = await listening(server)
        client = tls.connect(port=port, host="127.0.0.1", ca=key("ca1-cert.pem"),
                             servername="agent1", rejectUnauthorized=True,
                             ALPNProtocols=["h2"], minVersion="TLSv1.2", session=None,
                             checkServerIdentity=tls.checkServerIdentity, family=4,
                             noDelay=True, highWaterMark=1024, timeout=5000)
        await once(client, "secureConnect")
        proto = client.alpnProtocol
        client.destroy()
        server.close()
        return proto

    assert run_loop(main) == "h2"
